import Foundation
import Testing
@testable import PitbossKit

/// Cases found by review: each one a way the importer could have stored the wrong thing quietly.
@Suite("Nothing stored wrongly")
struct NothingStoredWronglyTests {
    let scratch = Scratch()
    let call = ConversationMetadata(language: "en", agent: "en.james", startedAt: UTCTimestamp.parse("2026-11-21T22:00:00Z"))

    @Test("a name before a colon that nothing maps is an error, not part of the turn before")
    func unmappedNames() throws {
        let srt = scratch.write("c.srt", "1\n00:00:01,000 --> 00:00:02,000\nAGENT: good morning\n\n2\n00:00:02,000 --> 00:00:04,000\nMehmet: I want to close my account\n")
        let problem = try #require(try Fixture.read(SRTReader(), srt, fallback: call).first?.problem)
        #expect(problem.reason.hasPrefix("speaker 'Mehmet' has no role"))
        let mapped = try #require(try Fixture.read(SRTReader(), srt, roles: RoleMap(["Mehmet": .customer]), fallback: call).first?.value)
        #expect(mapped.turns.map(\.role) == [.agent, .customer])
        let log = scratch.write("c.txt", "# channel: chat\n# date: 2026-11-21\nAgent Anna: Hello\nMehmet: my withdrawal is stuck\n")
        #expect(try Fixture.read(ChatLogReader(), log, fallback: call).first?.problem?.reason.hasPrefix("speaker 'Mehmet' has no role") == true)
    }

    @Test("a Whisper segment without a speaker is nobody's until mapped, never the previous speaker's")
    func whisperWithoutSpeaker() throws {
        let path = scratch.write("w.json", #"{"segments":[{"start":0,"end":1,"text":"hello","speaker":"SPEAKER_00"},{"start":1,"end":2,"text":"I want my money back now"}],"language":"en"}"#)
        let problem = try #require(try Fixture.read(WhisperReader(), path, roles: RoleMap(["SPEAKER_00": .agent]), fallback: call).first?.problem)
        #expect(problem.reason.contains("names no speaker"))
    }

    @Test("a long Whisper file is recognised by its keys even when the text before its segments is over 64 KB")
    func longWhisper() throws {
        let text = String(repeating: "lorem ipsum dolor sit amet ", count: 4000)
        let path = scratch.write("long.json", #"{"text":"\#(text)","segments":[{"start":0,"end":1,"text":"hi","speaker":"SPEAKER_00"}],"language":"en"}"#)
        #expect(TranscriptFormat.detect(path: path) == .whisper)
    }

    @Test("the channel of a sidecar or flag wins over a format's default")
    func channelDefault() throws {
        let vtt = scratch.write("m.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\n<v Agent>hello\n")
        #expect(try Fixture.read(WebVTTReader(), vtt, fallback: call).first?.value?.channel == .call)
        var messenger = call
        messenger.channel = "messenger"
        #expect(try Fixture.read(WebVTTReader(), vtt, fallback: messenger).first?.value?.channel == .messenger)
    }

    @Test("WebVTT: a cue named NOTEWORTHY is a cue, settings after a tab, named character references")
    func webVTTDetails() throws {
        let path = scratch.write("d.vtt", "WEBVTT\n\nNOTEWORTHY-2\n00:00.000 --> 00:01.000\t line:0\n<v Agent>caf&eacute; &hellip; ok\n")
        let c = try #require(try Fixture.read(WebVTTReader(), path, fallback: call).first?.value)
        #expect(c.turns.map(\.text) == ["café … ok"])
        let bad = scratch.write("e.vtt", "WEBVTT\n\n61:00.000 --> 62:00.000\n<v Agent>hi\n")
        #expect(try Fixture.read(WebVTTReader(), bad, fallback: call).first?.problem?.location.line == 3)
    }

    @Test("a chat log past midnight on the night clocks go back reads the next day's clock time again")
    func dstNight() throws {
        let path = scratch.write("dst.txt", """
            # started_at: 2026-10-24 23:50
            # timezone: Europe/Malta
            # channel: chat
            [23:50:00] Customer: hi
            [04:00:00] Agent: good morning
            """)
        let c = try #require(try Fixture.read(ChatLogReader(), path, fallback: ConversationMetadata(language: "en", agent: "a")).first?.value)
        // Malta is UTC+2 until 03:00 on 25 October 2026, then UTC+1.
        #expect(c.startedAt == UTCTimestamp.parse("2026-10-24T21:50:00Z"))
        #expect(c.turns[1].at == UTCTimestamp.parse("2026-10-25T03:00:00Z"))
    }

    @Test("times are kept to the millisecond, so what show --format json writes imports back unchanged")
    func millisecondTimes() throws {
        let line = Fixture.canonicalLine(turns: #"[{"speaker":"agent","at":"2026-11-21T22:04:01.99999Z","text":"hi"}]"#)
        let original = try #require(try Fixture.read(CanonicalJSONLinesReader(), scratch.write("a.jsonl", line + "\n")).first?.value)
        #expect(UTCTimestamp.format(original.turns[0].at!) == "2026-11-21T22:04:01.999Z")
        let database = try PitbossDatabase.inMemory()
        let store = ConversationStore(database: database)
        let importer = TranscriptImporter(store: store, schedule: .standard, options: ImportOptions())
        _ = try importer.run(paths: [scratch.path("a.jsonl")])
        let stored = try #require(try store.conversation(externalID: "c-1"))
        let again = try importer.run(paths: [scratch.write("b.jsonl", stored.canonicalJSONLine() + "\n")])
        #expect(again.unchanged == 1)
    }

    @Test("with --replace, two different conversations with one id in one import: the second is a conflict")
    func duplicateIDsInOneImport() throws {
        let database = try PitbossDatabase.inMemory()
        let path = scratch.write("dup.jsonl", Fixture.canonicalLine(id: "z1") + "\n" + Fixture.canonicalLine(id: "z1", agent: "en.other") + "\n")
        let summary = try TranscriptImporter(store: ConversationStore(database: database), schedule: .standard,
                                             options: ImportOptions(replace: true)).run(paths: [path])
        #expect(summary.imported == 1)
        #expect(summary.replaced == 0)
        #expect(summary.conflicts == 1)
        #expect(summary.problems.first?.location.line == 2)
        #expect(try ConversationStore(database: database).conversation(externalID: "z1")?.agentID == "en.anna")
    }

    @Test("a sidecar with a wrongly typed value is refused, not half read")
    func sidecarTypes() throws {
        scratch.write("s.meta.json", #"{"customer": {"id": 42, "vip": "yes"}}"#)
        #expect { try ConversationMetadata.sidecar(at: scratch.path("s.meta.json"), zone: Fixture.utc) } throws: { error in
            // Both values are wrong; whichever is read first is named.
            ["customer.id", "customer.vip"].contains((error as? RecordProblem)?.field ?? "")
        }
    }

    @Test("a default for the whole import that cannot be right is named before any file is read")
    func invalidDefaults() {
        #expect(ConversationMetadata(language: "greek").invalidDefault()?.field == "language")
        #expect(ConversationMetadata(channel: "phonecall").invalidDefault()?.field == "channel")
        #expect(ConversationMetadata(agent: " ").invalidDefault()?.field == "agent")
        #expect(ConversationMetadata(channel: "phone", language: "el-GR").invalidDefault() == nil)
    }
}
