import Foundation
import Testing
@testable import PitbossKit

@Suite("Amazon Transcribe")
struct AmazonTranscribeReaderTests {
    let meta = ConversationMetadata(language: "en", agent: "en.james", startedAt: UTCTimestamp.parse("2026-11-21T22:00:00Z"))

    @Test("speaker diarization: words join into turns per speaker, punctuation attached to the word before")
    func diarization() throws {
        let c = try #require(try Fixture.read(AmazonTranscribeReader(), FixtureFiles.path("aws_transcribe/diarization-withdrawal.json"),
                                              roles: RoleMap(["spk_0": .customer, "spk_1": .agent]), fallback: meta).first?.value)
        #expect(c.channel == .call)
        #expect(c.turns.map(\.text) == ["Hi, my withdrawal is still pending.", "Sorry about that. Let me check your account.", "Thank you."])
        #expect(c.turns.map(\.role) == [.customer, .agent, .customer])
        #expect(c.turns[0].start == 0.64)
        #expect(c.turns[0].end == 2.74)
        #expect(c.turns[1].start == 3.55)
        #expect(c.turns[1].end == 6.24)
        #expect(c.turns.map(\.speaker) == ["spk_0", "spk_1", "spk_0"])
        #expect(c.externalID == "diarization-withdrawal")
    }

    @Test("channel identification: one turn per channel change")
    func channelIdentification() throws {
        let ru = ConversationMetadata(language: "ru", agent: "ru.oleg", startedAt: UTCTimestamp.parse("2026-11-21T23:17:00Z"))
        let c = try #require(try Fixture.read(AmazonTranscribeReader(), FixtureFiles.path("aws_transcribe/channel-id-bonus-ru.json"),
                                              roles: RoleMap(["ch_0": .customer, "ch_1": .agent]), fallback: ru).first?.value)
        #expect(c.turns.map(\.text) == ["Здравствуйте, мне не начислили бонус за депозит.", "Добрый вечер. Сейчас проверю ваш счёт.", "Спасибо."])
        #expect(c.turns.map(\.role) == [.customer, .agent, .customer])
        #expect(c.turns.map(\.speaker) == ["ch_0", "ch_1", "ch_0"])
        #expect(c.turns[1].start == 4.1)
        #expect(c.turns[1].end == 6.35)
        #expect(c.language == "ru")
    }

    @Test("older output with speakers only in speaker_labels.segments, and a job that is not complete")
    func segmentsAndStatus() throws {
        let scratch = Scratch()
        let old = scratch.write("old.json", """
            {"jobName":"j","results":{"transcripts":[{"transcript":"hello there"}],
             "speaker_labels":{"speakers":2,"segments":[{"start_time":"0.1","end_time":"0.5","speaker_label":"spk_1",
               "items":[{"start_time":"0.1","end_time":"0.3","speaker_label":"spk_1"},{"start_time":"0.3","end_time":"0.5","speaker_label":"spk_1"}]}]},
             "items":[{"start_time":"0.1","end_time":"0.3","alternatives":[{"confidence":"1","content":"hello"}],"type":"pronunciation"},
                      {"start_time":"0.3","end_time":"0.5","alternatives":[{"confidence":"1","content":"there"}],"type":"pronunciation"}]},
             "status":"COMPLETED"}
            """)
        let c = try #require(try Fixture.read(AmazonTranscribeReader(), old, roles: RoleMap(["spk_1": .agent]), fallback: meta).first?.value)
        #expect(c.turns.map(\.text) == ["hello there"])
        #expect(c.turns[0].role == .agent)
        let failed = scratch.write("failed.json", #"{"jobName":"j","results":{"items":[]},"status":"FAILED"}"#)
        let problem = try #require(try Fixture.read(AmazonTranscribeReader(), failed, fallback: meta).first?.problem)
        #expect(problem.field == "status")
        #expect(problem.reason.contains("FAILED, not COMPLETED"))
    }
}

@Suite("Contact Lens")
struct ContactLensReaderTests {
    @Test("voice: AGENT and CUSTOMER turns with offsets in seconds and the language from LanguageCode")
    func voice() throws {
        let meta = ConversationMetadata(agent: "en.tom", startedAt: UTCTimestamp.parse("2026-11-21T22:00:00Z"))
        let c = try #require(try Fixture.read(ContactLensReader(), FixtureFiles.path("contact_lens/voice-bonus-wagering.json"),
                                              fallback: meta).first?.value)
        #expect(c.channel == .call)
        #expect(c.language == "en")
        #expect(c.turns.map(\.role) == [.agent, .customer, .agent, .customer, .agent, .customer, .agent])
        #expect(c.turns.first?.text == "Hello?")
        #expect(c.turns[1].text == "Hi, this is Daniel. I took the welcome bonus and now I can't withdraw anything.")
        #expect(c.turns[1].start == 0.52)
        #expect(c.turns[1].end == 5.48)
        #expect(c.turns.last?.text == "Done. Thank you for calling, have a good night.")
        #expect(c.externalID == "voice-bonus-wagering")
    }

    @Test("chat: messages only (joins and leaves are events), roles from ParticipantRole, id from the contact")
    func chat() throws {
        let c = try #require(try Fixture.read(ContactLensReader(), FixtureFiles.path("contact_lens/chat-kyc-documents.json"),
                                              fallback: ConversationMetadata(agent: "en.tom")).first?.value)
        #expect(c.channel == .chat)
        #expect(c.language == "en")
        #expect(c.externalID == "0c7b1e5a-3f2d-4a8e-b6c9-5d4e2f1a7b90")
        #expect(c.startedAt == UTCTimestamp.parse("2026-11-22T01:12:05.318Z"))
        #expect(c.turns.map(\.role) == [.bot, .customer, .system, .agent, .customer, .agent, .customer, .agent])
        #expect(c.turns[3].speaker == "Tom")
        #expect(c.turns[3].agentID == "en.tom")
        #expect(c.turns[3].text == "Hello Priya, this is Tom from LuckySeven. How can I help you?")
        #expect(c.turns.allSatisfy { $0.at != nil })
        #expect(c.turns.last?.at == UTCTimestamp.parse("2026-11-22T01:16:35.502Z"))
        #expect(c.shiftID == "2026-11-21-night")
    }
}

@Suite("Amazon Transcribe and Contact Lens on real files (../shared/real)")
struct TranscribeAndContactLensRealFileTests {
    let meta = ConversationMetadata(language: "en", agent: "en.james", startedAt: UTCTimestamp.parse("2026-11-21T22:00:00Z"))

    @Test("Transcribe speaker diarization: words join into turns per speaker, punctuation attached to the word before", .needsRealFiles)
    func diarization() throws {
        let c = try #require(try Fixture.read(AmazonTranscribeReader(), RealFiles.path("formats/aws_transcribe/diarization-output-batch.0.json"),
                                              roles: RoleMap(["spk_0": .customer, "spk_1": .agent]), fallback: meta).first?.value)
        #expect(c.channel == .call)
        #expect(c.turns.map(\.text) == ["I've been on hold for an hour.", "Sorry about that."])
        #expect(c.turns.map(\.role) == [.customer, .agent])
        #expect(c.turns[0].start == 4.87)
        #expect(c.turns[0].end == 6.88)
        #expect(c.turns.map(\.speaker) == ["spk_0", "spk_1"])
    }

    @Test("Transcribe channel identification: one turn per channel change", .needsRealFiles)
    func channelIdentification() throws {
        let c = try #require(try Fixture.read(AmazonTranscribeReader(), RealFiles.path("formats/aws_transcribe/channel-id-output-batch.0.json"),
                                              roles: RoleMap(["ch_0": .customer, "ch_1": .agent]), fallback: meta).first?.value)
        #expect(c.turns.map(\.text) == ["I've been on hold for an hour.", "Sorry about that."])
        #expect(c.turns.map(\.role) == [.customer, .agent])
    }

    @Test("Contact Lens voice: AGENT and CUSTOMER turns with offsets in seconds and the language from LanguageCode", .needsRealFiles)
    func contactLensVoice() throws {
        let meta = ConversationMetadata(agent: "en.jane", startedAt: UTCTimestamp.parse("2026-11-21T22:00:00Z"))
        let c = try #require(try Fixture.read(ContactLensReader(), RealFiles.path("formats/contact_lens/contact-lens-example-output-files.voice.0.json"),
                                              fallback: meta).first?.value)
        #expect(c.channel == .call)
        #expect(c.language == "en")
        #expect(c.turns.first?.role == .agent)
        #expect(c.turns.first?.text == "Okay.")
        #expect(c.turns[1].start == 0.16)
        #expect(c.turns[1].end == 4.64)
        #expect(c.turns.last?.text == "Thank you. Sir. Have a nice evening.")
        #expect(c.externalID == "contact-lens-example-output-files.voice.0")
    }

    @Test("Contact Lens chat: messages only (joins and leaves are events), roles from ParticipantRole, id from the contact", .needsRealFiles)
    func contactLensChat() throws {
        let c = try #require(try Fixture.read(ContactLensReader(), RealFiles.path("formats/contact_lens/contact-lens-example-output-files-chat.0.json"),
                                              fallback: ConversationMetadata(agent: "en.jane")).first?.value)
        #expect(c.channel == .chat)
        #expect(c.externalID == "b49644f6-672f-445c-b209-f76b36482830")
        #expect(c.startedAt == UTCTimestamp.parse("2022-10-27T03:31:50.735Z"))
        #expect(c.turns.prefix(4).map(\.role) == [.system, .system, .system, .agent])
        #expect(c.turns[3].speaker == "Jane")
        #expect(c.turns[3].text.hasPrefix("Hello, thanks for reaching Example Corp. This is Jane."))
        #expect(c.turns.allSatisfy { $0.at != nil })
        #expect(c.shiftID == "2022-10-26-night")
    }
}

@Suite("Whisper and WhisperX")
struct WhisperReaderTests {
    let scratch = Scratch()
    let meta = ConversationMetadata(agent: "el.nikos", startedAt: UTCTimestamp.parse("2026-11-21T19:00:00Z"))

    @Test("WhisperX segments with speakers merge per speaker; the language comes from the file")
    func whisperX() throws {
        let path = scratch.write("call.json", """
            {"segments":[{"start":0.03,"end":2.1,"text":" καλησπέρα σας λέγομαι νίκος","speaker":"SPEAKER_00"},
                         {"start":2.2,"end":3.0,"text":" πώς μπορώ να βοηθήσω","speaker":"SPEAKER_00"},
                         {"start":3.4,"end":6.0,"text":" εεε η ανάληψη μου δεν ήρθε ακόμα","speaker":"SPEAKER_01"}],
             "language":"el"}
            """)
        let c = try #require(try Fixture.read(WhisperReader(), path, roles: RoleMap(["SPEAKER_00": .agent, "SPEAKER_01": .customer]),
                                              fallback: meta).first?.value)
        #expect(c.language == "el")
        #expect(c.turns.map(\.text) == ["καλησπέρα σας λέγομαι νίκος πώς μπορώ να βοηθήσω", "εεε η ανάληψη μου δεν ήρθε ακόμα"])
        #expect(c.turns.map(\.role) == [.agent, .customer])
        #expect(c.turns[0].end == 3.0)
    }

    @Test("plain Whisper has no speakers: the error says how to map them")
    func plainWhisper() throws {
        let path = scratch.write("w.json", #"{"text":"hi","segments":[{"id":0,"seek":0,"start":0.0,"end":1.0,"text":" hi"}],"language":"english"}"#)
        let problem = try #require(try Fixture.read(WhisperReader(), path, fallback: meta).first?.problem)
        #expect(problem.reason == "this turn names no speaker")
        #expect(problem.remedy == .mapSpeaker(label: ""))
        let mapped = try #require(try Fixture.read(WhisperReader(), path, roles: RoleMap(["*": .customer]), fallback: meta).first?.value)
        #expect(mapped.language == "en")
    }
}

@Suite("Format detection")
struct FormatDetectionTests {
    @Test("extensions decide, and .json files are told apart by their keys", arguments: [
        ("aws_transcribe/diarization-withdrawal.json", TranscriptFormat.transcribe),
        ("aws_transcribe/channel-id-bonus-ru.json", .transcribe),
        ("contact_lens/voice-bonus-wagering.json", .contactLens),
        ("contact_lens/chat-kyc-documents.json", .contactLens),
        ("webvtt/withdrawal-call.vtt", .webvtt),
        ("jsonl/personal-data.jsonl", .jsonl),
    ])
    func detects(file: String, format: TranscriptFormat) {
        let path = FixtureFiles.path(file)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(TranscriptFormat.detect(path: path) == format)
    }

    @Test("the real files are told apart the same way", .needsRealFiles, arguments: [
        ("formats/aws_transcribe/diarization-output-batch.0.json", TranscriptFormat.transcribe),
        ("formats/aws_transcribe/channel-id-output-batch.0.json", .transcribe),
        ("formats/contact_lens/contact-lens-example-output-files.voice.0.json", .contactLens),
        ("formats/contact_lens/contact-lens-example-output-files-chat.1.json", .contactLens),
        ("formats/webvtt/spec-example.vtt", .webvtt),
    ])
    func detectsRealFiles(file: String, format: TranscriptFormat) {
        let path = RealFiles.path(file)
        #expect(TranscriptFormat.detect(path: path) == format)
    }

    @Test("sidecars and unknown files are not transcripts")
    func notTranscripts() {
        #expect(TranscriptFormat.detect(path: "a.meta.json", head: Array(#"{"segments":[]}"#.utf8)) == nil)
        #expect(TranscriptFormat.detect(path: "README.md", head: []) == nil)
        #expect(TranscriptFormat.detect(path: "x.json", head: Array(#"{"hello":1}"#.utf8)) == nil)
    }
}
