import Foundation
import Testing
@testable import PitbossKit

/// Hostile and careless input to the transcript readers: every record either reads or is named with
/// file:line and what to do — never a trap, never a silent import of something the file does not say.
@Suite("Reader hardening")
struct ReaderHardeningTests {
    let scratch = Scratch()
    let chatMeta = ConversationMetadata(channel: "chat", language: "en", agent: "en.anna")
    let callMeta = ConversationMetadata(channel: "call", language: "en", agent: "en.anna",
                                        startedAt: UTCTimestamp.parse("2026-11-21T22:00:00Z"))

    // MARK: chat log clock fields

    @Test("a chat log clock field that is signed or out of range is named at its line, never a trap", arguments: [
        "[00:-1:31]", "[-1:00:00]", "[00:00:-5]", "[00:00:60]", "[+1:00:00]", "[24:00:00]", "[00:60]", "[22::04]",
        "[1:2:3:4]", "[ 1:00]", "[00:0x1]", "[٢٢:٠٤]", "[:]", "[]",
    ])
    func badClockFields(time: String) throws {
        let path = scratch.write("clock.txt", "# date: 2026-11-21\n[22:00:00] Agent: hello\n\(time) Customer: hi\n")
        let problem = try #require(try Fixture.read(ChatLogReader(), path, fallback: chatMeta).first?.problem)
        #expect(problem.location == SourceLocation(file: path, line: 3))
        #expect(problem.field == "time")
        #expect(problem.reason.contains("22:04:02"))
    }

    @Test("clock times of one or two digits within the day are read", arguments: [
        ("[9:05]", "2026-11-21T09:05:00Z"), ("[09:05:07]", "2026-11-21T09:05:07Z"), ("[23:59:59]", "2026-11-21T23:59:59Z"),
        ("[0:00:00]", "2026-11-21T00:00:00Z"),
    ])
    func goodClockFields(time: String, expected: String) throws {
        let path = scratch.write("clock.txt", "# date: 2026-11-21\n\(time) Customer: hi\n")
        let c = try #require(try Fixture.read(ChatLogReader(), path, fallback: chatMeta).first?.value)
        #expect(c.turns[0].at == UTCTimestamp.parse(expected))
    }

    @Test("a chat past midnight on the last day the calendar holds is named, never a trap")
    func pastTheLastDay() throws {
        let path = scratch.write("end.txt", "# date: 9999-12-31\n[23:00:00] Customer: hi\n[01:00:00] Agent: hello\n")
        let problem = try #require(try Fixture.read(ChatLogReader(), path, fallback: chatMeta).first?.problem)
        #expect(problem.location.line == 3)
        #expect(problem.field == "time")
    }

    // MARK: cue timings

    @Test("a negative WebVTT time is refused at its timing line, start or end", arguments: [
        "-00:00:01.000 --> 00:00:02.000", "00:00:01.000 --> -00:00:02.000", "-00:01.000 --> 00:02.000",
        "00:00:+1.000 --> 00:00:02.000", "00:00:01.000 --> 00:00:1e1", "00:00:01.000 --> 00:00:nan",
    ])
    func negativeWebVTTTimes(timing: String) throws {
        let path = scratch.write("neg.vtt", "WEBVTT\n\n\(timing)\n<v Agent>hello\n")
        let problem = try #require(try Fixture.read(WebVTTReader(), path, roles: RoleMap(["Agent": .agent]), fallback: callMeta).first?.problem)
        #expect(problem.location == SourceLocation(file: path, line: 3))
        if timing.hasPrefix("-") || timing.contains("> -") { #expect(problem.reason.contains("negative")) }
    }

    @Test("a negative SRT time is refused at its timing line", arguments: [
        "-00:00:01,000 --> 00:00:02,000", "00:00:01,000 --> -00:00:02,000", "00:00:-1,000 --> 00:00:02,000",
    ])
    func negativeSRTTimes(timing: String) throws {
        let path = scratch.write("neg.srt", "1\n\(timing)\nAGENT: hello\n")
        let problem = try #require(try Fixture.read(SRTReader(), path, fallback: callMeta).first?.problem)
        #expect(problem.location == SourceLocation(file: path, line: 2))
        #expect(problem.reason.contains("negative"))
    }

    @Test("cue times with hours of any width and a fraction of any width still read")
    func goodCueTimes() throws {
        let path = scratch.write("ok.vtt", "WEBVTT\n\n00:01.5 --> 100:00:02.250\n<v Agent>hello\n")
        let c = try #require(try Fixture.read(WebVTTReader(), path, roles: RoleMap(["Agent": .agent]), fallback: callMeta).first?.value)
        #expect(c.turns[0].start == 1.5)
        #expect(c.turns[0].end == 360_002.25)
    }

    // MARK: call offsets

    @Test("a call offset that is not a finite time in the recording is named", arguments: ["nan", "inf", "1e308", "-0.5"])
    func nonFiniteCSVOffsets(value: String) throws {
        let path = scratch.write("call.csv", "conversation_id,role,text,start,end\nk-1,agent,hello,\(value),3\n")
        let problem = try #require(try Fixture.read(CSVReader(), path, fallback: callMeta).first?.problem)
        #expect(problem.location.line == 2)
        #expect(problem.field == "start")
    }

    @Test("JSON offsets too large for any recording are named with the record's line")
    func hugeJSONOffsets() throws {
        let line = Fixture.canonicalLine(channel: "call", turns: #"[{"speaker":"agent","start":0,"end":1e308,"text":"hello"}]"#)
        let path = scratch.write("call.jsonl", line + "\n")
        let problem = try #require(try Fixture.read(CanonicalJSONLinesReader(), path).first?.problem)
        #expect(problem.location.line == 1)
        #expect(problem.field == "turns[0].end")
    }

    @Test("Contact Lens offsets given as the text NaN are named, not imported")
    func contactLensNaN() throws {
        let path = scratch.write("cl.json", #"""
            {"Channel":"VOICE","LanguageCode":"en-US","Participants":[{"ParticipantId":"AGENT","ParticipantRole":"AGENT"}],
             "Transcript":[{"ParticipantId":"AGENT","Content":"hello","BeginOffsetMillis":"NaN","EndOffsetMillis":100}]}
            """#)
        let result = try #require(try Fixture.read(ContactLensReader(), path, fallback: callMeta).first)
        #expect(result.problem != nil)
    }

    // MARK: duplicate JSON keys

    @Test("a JSON line that gives a key twice is named with the key, its path, line and column", arguments: [
        (#"{"id":"a","id":"b","#, "id", 11),
        (#"{"id":"a","customer":{"id":"p-1","id":"p-2"},"#, "customer.id", 34),
        (#"{"id":"a","\u0069d":"b","#, "id", 11),
    ])
    func duplicateKeysInJSONLines(prefix: String, field: String, column: Int) throws {
        let rest = #""channel":"chat","language":"en","agent":"en.anna","started_at":"2026-11-21T22:04:00Z","customer":{"id":"p-1"},"turns":[{"speaker":"agent","text":"hi"}]}"#
        var line = prefix + rest
        if field == "customer.id" { line = line.replacingOccurrences(of: #","customer":{"id":"p-1"}"#, with: "") }
        let path = scratch.write("dup.jsonl", Fixture.canonicalLine(id: "good") + "\n" + line + "\n")
        let results = try Fixture.read(CanonicalJSONLinesReader(), path)
        #expect(results.first?.value?.externalID == "good")
        let problem = try #require(results.last?.problem)
        #expect(problem.location == SourceLocation(file: path, line: 2, column: column))
        #expect(problem.field == field)
        #expect(problem.reason.contains("given twice"))
    }

    @Test("a key given twice inside a turn is named by the turn's path")
    func duplicateKeyInATurn() throws {
        let line = Fixture.canonicalLine(turns: #"[{"speaker":"customer","text":"hi"},{"speaker":"agent","text":"a","text":"b"}]"#)
        let path = scratch.write("dup.jsonl", line + "\n")
        let problem = try #require(try Fixture.read(CanonicalJSONLinesReader(), path).first?.problem)
        #expect(problem.field == "turns[1].text")
    }

    @Test("the vendors' JSON files and the sidecar name a key given twice, with its line", arguments: [
        ("whisper.json", #"{"language":"en","segments":[{"start":0,"end":1,"text":"hi",\#n"speaker":"A","speaker":"B"}]}"#, "segments[0].speaker", 2),
        ("cl.json", #"{"Channel":"VOICE",\#n"Channel":"CHAT","Transcript":[]}"#, "Channel", 2),
        ("tr.json", #"{"status":"COMPLETED","results":{"items":[],"items":[]}}"#, "results.items", 1),
    ])
    func duplicateKeysInVendorFiles(name: String, json: String, field: String, line: Int) throws {
        let path = scratch.write(name, json)
        let reader: any TranscriptReader = switch name {
        case "whisper.json": WhisperReader()
        case "cl.json": ContactLensReader()
        default: AmazonTranscribeReader()
        }
        #expect { try Fixture.read(reader, path, fallback: callMeta) } throws: { error in
            guard let problem = error as? RecordProblem else { return false }
            return problem.location.file == path && problem.location.line == line && problem.field == field && problem.reason.contains("given twice")
        }
    }

    @Test("a sidecar that gives a key twice is named, with its line")
    func duplicateKeyInSidecar() throws {
        let path = scratch.write("x.meta.json", "{\"channel\": \"call\",\n \"channel\": \"chat\"}")
        #expect { try ConversationMetadata.sidecar(at: path, zone: Fixture.utc) } throws: { error in
            guard let problem = error as? RecordProblem else { return false }
            return problem.location == SourceLocation(file: path, line: 2, column: 2) && problem.field == "channel" && problem.reason.contains("given twice")
        }
    }

    @Test("duplicate keys are found however the JSON is written", arguments: [
        (#"{"a":[{"x":1},{"y":1,"y":2}]}"#, "a[1].y"),
        (#"{"a":[[0],[1,{"k":"v\"","k":0}]]}"#, "a[1][1].k"),
        (#"{"é":1,"e\u0301":2}"#, "e\u{301}"),
        ("{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k3\":0}", "k3"),
    ])
    func duplicateKeyPaths(json: String, path: String) {
        #expect(JSONDuplicateKeys.first(in: Array(json.utf8))?.path == path)
    }

    @Test("JSON without a key given twice has no duplicate, whatever its strings hold", arguments: [
        #"{"a":"x\"y","b":{"a":1},"c":[{"a":1},{"a":2}],"\u0061b":1}"#,
        "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}",
        #"[{"a":1},{"a":1}]"#, #"{"a":"}{\"a\":1"}"#,
    ])
    func noDuplicate(json: String) {
        #expect(JSONDuplicateKeys.first(in: Array(json.utf8)) == nil)
    }

    @Test("the same key in different objects, and keys that differ, are fine")
    func sameKeyInDifferentObjects() throws {
        let path = scratch.write("ok.jsonl", Fixture.canonicalLine() + "\n")
        #expect(try Fixture.read(CanonicalJSONLinesReader(), path).first?.value != nil)
    }

    // MARK: conversation-level problems carry the line

    @Test("a chat log's conversation-level problem names the header line that says it", arguments: [
        ("# id: c-1\n# channel: pigeon\n# language: en\n# agent: a\n# date: 2026-11-21\n[22:00] Customer: hi\n", "channel", 2),
        ("# id: c-1\n# channel: chat\n# language: greek\n# agent: a\n# date: 2026-11-21\n[22:00] Customer: hi\n", "language", 3),
        ("# id: c-1\n# channel: chat\n# language: en\n# agent: \n# date: 2026-11-21\n[22:00] Customer: hi\n", "agent", 4),
        ("# id: c-1\n# channel: chat\n# language: en\n# agent: a\n# shift: \n# date: 2026-11-21\n[22:00] Customer: hi\n", "shift", 5),
    ])
    func chatLogHeaderLines(text: String, field: String, line: Int) throws {
        let path = scratch.write("h.txt", text)
        let problem = try #require(try Fixture.read(ChatLogReader(), path).first?.problem)
        #expect(problem.field == field)
        #expect(problem.location == SourceLocation(file: path, line: line))
    }

    @Test("a value that came from the sidecar is named in the sidecar, with its line")
    func sidecarValueLocation() throws {
        let path = scratch.write("call.srt", "1\n00:00:01,000 --> 00:00:02,000\nAGENT: hello\n")
        let sidecar = scratch.write("call.meta.json", "{\"agent\": \"en.anna\",\n \"language\": \"greek\",\n \"channel\": \"call\"}")
        let results = try TranscriptReading(schedule: .standard).conversations(path: path)
        let problem = try #require(results.first?.problem)
        #expect(problem.field == "language")
        #expect(problem.location.file == sidecar)
        #expect(problem.location.line == 2)
    }

    @Test("a vendor JSON file's conversation-level problem names the line of the key that says it")
    func vendorKeyLines() throws {
        let path = scratch.write("w.json", "{\"segments\": [{\"start\": 0, \"end\": 1, \"text\": \"hi\"}],\n  \"language\": \"klingon\"}")
        let problem = try #require(try Fixture.read(WhisperReader(), path, roles: RoleMap(["*": .customer]), fallback: callMeta).first?.problem)
        #expect(problem.field == "language")
        #expect(problem.location == SourceLocation(file: path, line: 2, column: 3))
    }

    @Test("a CSV conversation's own problem names its row and the column that says it")
    func csvConversationLine() throws {
        let path = scratch.write("c.csv", "conversation_id,role,text,channel,language\nk-1,customer,hi,chat,en\nk-1,agent,hello,,\nk-2,customer,hi,pigeon,en\n")
        let results = try Fixture.read(CSVReader(), path, fallback: ConversationMetadata(agent: "a", startedAt: UTCTimestamp.parse("2026-11-21T22:00:00Z")))
        #expect(results.first?.value != nil)
        let problem = try #require(results.last?.problem)
        #expect(problem.field == "channel")
        #expect(problem.location == SourceLocation(file: path, line: 4, column: 4))
    }

    @Test("cues out of time order are refused at their timing line, in WebVTT and SRT")
    func cuesOutOfOrder() throws {
        let scratch = Scratch()
        let vtt = scratch.write("w.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Agent>hello\n\n00:00:00.500 --> 00:00:03.000\n<v Agent>again\n")
        let problem = try #require(try Fixture.read(WebVTTReader(), vtt, roles: RoleMap(["Agent": .agent]), fallback: ConversationMetadata(channel: "call")).first?.problem)
        #expect(problem.location.line == 6)
        #expect(problem.reason.contains("cues must be in time order"))
        let srt = scratch.write("s.srt", "1\n00:00:01,000 --> 00:00:02,000\nAgent: hi\n\n2\n00:00:00,500 --> 00:00:03,000\nAgent: again\n")
        #expect(try Fixture.read(SRTReader(), srt, roles: RoleMap(["Agent": .agent]), fallback: ConversationMetadata(channel: "call")).first?.problem?.reason
            .contains("cues must be in time order") == true)
    }

    @Test("a Contact Lens message without its Content is named, not dropped")
    func contactLensWithoutContent() throws {
        let scratch = Scratch()
        let path = scratch.write("cl.json", #"{"Channel":"CHAT","LanguageCode":"en-US","Participants":[],"Transcript":[{"Id":"1","Type":"MESSAGE","ParticipantRole":"AGENT","AbsoluteTime":"2026-11-21T22:04:00Z"}]}"#)
        #expect(try Fixture.read(ContactLensReader(), path, fallback: ConversationMetadata(agent: "en.anna")).first?.problem?.field == "Transcript[0].Content"
            || (try Fixture.read(ContactLensReader(), path, fallback: ConversationMetadata(agent: "en.anna")).first?.problem?.reason.contains("without its text") == true))
    }
}
