import Foundation
import Testing
@testable import PitbossKit

@Suite("CSV exports")
struct CSVReaderTests {
    let scratch = Scratch()
    let meta = ConversationMetadata(channel: "chat", language: "tr")

    @Test("one message per row; quoted commas, quotes and newlines; rows grouped into conversations")
    func groupsRows() throws {
        let path = scratch.write("export.csv", """
            conversation_id,timestamp,role,author,text,agent
            t-1,2026-11-21T15:02:11Z,customer,Mehmet,"merhaba, çekimim nerede?",
            t-1,2026-11-21T15:02:40Z,agent,Ayşe,"İyi günler! ""Bekleyen"" talebinizi
            kontrol ediyorum.",tr.ayse
            t-2,2026-11-21T15:10:00Z,customer,Elif,bonus çevrim şartı nedir,
            t-2,2026-11-21T15:11:00Z,operator,Can,x35 🎰,tr.can

            """)
        let results = try Fixture.read(CSVReader(), path, fallback: meta)
        let conversations = results.compactMap(\.value)
        #expect(conversations.map(\.externalID) == ["t-1", "t-2"])
        #expect(conversations[0].turns[0].text == "merhaba, çekimim nerede?")
        #expect(conversations[0].turns[1].text == "İyi günler! \"Bekleyen\" talebinizi\nkontrol ediyorum.")
        #expect(conversations[0].agentID == "tr.ayse")
        #expect(conversations[0].source.record == "lines 2-4")
        #expect(conversations[1].turns[1].role == .agent)
        #expect(conversations[1].turns[1].speaker == "Can")
        #expect(conversations[1].agentID == "tr.can")
    }

    @Test("a quote inside a quoted field must be doubled; a runaway quote stops the file instead of reading ghost rows")
    func strictQuotes() throws {
        let bad = scratch.write("q.csv", "conversation_id,timestamp,role,text\na,2026-11-21T15:00:00Z,agent,\"bad \"quote\" inside\"\nb,2026-11-21T15:00:00Z,agent,fine\n")
        let withAgent = ConversationMetadata(channel: "chat", language: "tr", agent: "tr.ayse")
        let results = try Fixture.read(CSVReader(), bad, fallback: withAgent)
        #expect(results.compactMap(\.problem).map(\.reason) == [#"a quote inside a quoted field must be doubled (""); this one ends the field early"#])
        #expect(results.compactMap(\.problem).first?.location.column == 35)
        #expect(results.compactMap(\.value).map(\.externalID) == ["b"])
        var runaway = "conversation_id,timestamp,role,text\nc1,2026-11-21T15:00:00Z,agent,\"never closed\n"
        for i in 0..<30_000 { runaway += "ghost\(i),2026-11-21T15:00:00Z,agent,some words that fill the file with more text\n" }
        let path = scratch.write("r.csv", runaway)
        let read = try Fixture.read(CSVReader(), path, fallback: withAgent)
        #expect(read.compactMap(\.value).isEmpty, "ghost rows were read after a runaway quote")
        #expect(read.compactMap(\.problem).first?.reason.contains("the rest of the file was not read") == true)
    }

    @Test("header names are mapped to Pitboss's fields, and semicolon-separated spreadsheets are read")
    func mappedHeadersAndSemicolons() throws {
        let path = scratch.write("crm.csv", "ticket;sent;sender;body;agent_id\nk-9;2026-11-21 15:00:00;client;γεια σας;\nk-9;2026-11-21 15:01:00;agent;Καλησπέρα!;el.nikos\n")
        let map = ["conversation_id": "ticket", "timestamp": "sent", "role": "sender", "text": "body"]
        let c = try #require(try Fixture.read(CSVReader(), path, fallback: meta, columnMap: map).first?.value)
        #expect(c.turns.map(\.text) == ["γεια σας", "Καλησπέρα!"])
        #expect(c.agentID == "el.nikos")
        #expect(c.startedAt == UTCTimestamp.parse("2026-11-21T15:00:00Z"))
    }

    @Test("a missing required column is named with the headers that are there")
    func missingColumn() throws {
        let path = scratch.write("x.csv", "conversation_id,role,msg\n1,agent,hi\n")
        #expect { try Fixture.read(CSVReader(), path, fallback: meta) } throws: { error in
            (error as? RecordProblem)?.description == "\(path):1: no 'text' column (columns: conversation_id, role, msg)"
                && (error as? RecordProblem)?.remedy == .mapColumn(field: "text")
        }
    }

    @Test("bad rows reject their conversation only, naming line and column")
    func badRows() throws {
        let path = scratch.write("x.csv", """
            conversation_id,timestamp,role,text,agent
            a,2026-11-21T15:00:00Z,customer,hi,
            a,2026-11-21T15:01:00Z,agent,hello,tr.ayse
            b,2026-11-21T15:00:00Z,wizard,hi,
            c,not a time,customer,hi,
            d,2026-11-21T15:00:00Z,customer,"never closed

            """)
        let results = try Fixture.read(CSVReader(), path, fallback: meta)
        #expect(results.compactMap(\.value).map(\.externalID) == ["a"])
        let problems = results.compactMap(\.problem).map(\.description)
        #expect(problems == [
            "\(path):4: conversation b: speaker 'wizard' has no role",
            "\(path):5:2: conversation c: timestamp: 'not a time' is not a time like 2026-11-21T22:04:00Z or 2026-11-21 22:04:00",
            "\(path):6: a quoted field opened here is never closed: the file ends inside it; check the quotes or whether the file is truncated",
        ])
    }

    @Test("a row that cannot be read inside a conversation rejects the whole conversation, not just the rows after it")
    func badRowInsideAConversation() throws {
        let path = scratch.write("x.csv", """
            conversation_id,timestamp,role,text,agent
            c1,2026-11-21T15:00:00Z,customer,hi,
            c1,2026-11-21T15:01:00Z,agent,hello,tr.a
            c1,2026-11-21T15:02:00Z,customer,one,field,too many
            c1,2026-11-21T15:03:00Z,agent,bye,tr.a
            c2,2026-11-21T15:00:00Z,customer,fine,

            """)
        let results = try Fixture.read(CSVReader(), path, fallback: ConversationMetadata(channel: "chat", language: "tr", agent: "tr.a"))
        #expect(results.compactMap(\.value).map(\.externalID) == ["c2"])
        let problem = try #require(results.compactMap(\.problem).first)
        #expect(problem.description == "\(path):4: conversation c1: 6 fields where the header has 5; check the quoting of this row; the whole conversation was rejected")
        #expect(problem.rawRecord?.split(separator: "\n").count == 4)
    }

    @Test("a conversation whose rows are not together is rejected whole, never stored in pieces")
    func nonContiguous() throws {
        let path = scratch.write("x.csv", "conversation_id,role,text,timestamp,agent\na,customer,hi,2026-11-21T15:00:00Z,\nb,customer,yo,2026-11-21T15:00:00Z,\na,agent,late,2026-11-21T15:05:00Z,x\n")
        let results = try Fixture.read(CSVReader(), path, fallback: ConversationMetadata(channel: "chat", language: "en", agent: "x"))
        #expect(results.compactMap(\.value).map(\.externalID) == ["b"])
        #expect(results.compactMap(\.problem).map(\.description) == [
            "\(path):2: conversation a: conversation_id: the rows of this conversation are not together (lines 2, 4); sort the file by conversation id and import it again",
        ])
    }
}

@Suite("Plain-text chat logs")
struct ChatLogReaderTests {
    let scratch = Scratch()

    @Test("headers, bracketed times on the header's date, continuation lines, and a chat past midnight")
    func readsALog() throws {
        let path = scratch.write("ru-0042.txt", """
            # id: ru-chat-0042
            # channel: chat
            # language: ru
            # agent: ru.oleg
            # date: 2026-11-21
            [23:58:40] Customer: здравствуйте, где мой вывод???
            [23:59:12] Agent Олег: Добрый вечер! Проверяю.
            Это продолжение: оно относится к предыдущему сообщению
            [00:01:05] Customer: спасибо 🙏
            """)
        let c = try #require(try Fixture.read(ChatLogReader(), path).first?.value)
        #expect(c.externalID == "ru-chat-0042")
        #expect(c.turns.count == 3)
        #expect(c.turns[1].speaker == "Олег")
        #expect(c.turns[1].role == .agent)
        #expect(c.turns[1].text == "Добрый вечер! Проверяю.\nЭто продолжение: оно относится к предыдущему сообщению")
        #expect(c.turns[2].at == UTCTimestamp.parse("2026-11-22T00:01:05Z"))
        #expect(c.shiftID == "2026-11-21-night")
    }

    @Test("lines without times work, and the header's time zone applies")
    func untimedAndZoned() throws {
        let path = scratch.write("tr.txt", """
            # channel: messenger
            # language: tr
            # agent: tr.ayse
            # timezone: Europe/Istanbul
            # started_at: 2026-11-21 23:00
            Customer: merhaba
            Agent: İyi akşamlar, size nasıl yardımcı olabilirim?
            """)
        let c = try #require(try Fixture.read(ChatLogReader(), path).first?.value)
        #expect(c.externalID == "tr")
        #expect(c.startedAt == UTCTimestamp.parse("2026-11-21T20:00:00Z"))
        #expect(c.turns.map(\.role) == [.customer, .agent])
        #expect(c.turns[0].at == nil)
    }

    @Test("problems name the line", arguments: [
        ("# chanel: chat\nCustomer: hi\n", 1, "unknown header key"),
        ("hello there\nCustomer: hi\n", 1, "text before the first speaker line"),
        ("# channel: chat\n[22:00] Customer: hi\n", 2, "a time without a date"),
        ("# date: 2026-11-21\n[22:00] Customer: hi\n[21:00] Agent: back in time\n", 3, "time goes backwards"),
    ])
    func problems(text: String, line: Int, reason: String) throws {
        let path = scratch.write("bad.txt", text)
        let problem = try #require(try Fixture.read(ChatLogReader(), path,
                                                    fallback: ConversationMetadata(channel: "chat", language: "en", agent: "a")).first?.problem)
        #expect(problem.location.line == line)
        #expect(problem.reason.contains(reason))
    }
}

@Suite("WebVTT")
struct WebVTTReaderTests {
    let scratch = Scratch()
    let callMeta = ConversationMetadata(channel: "call", language: "en", agent: "en.james", startedAt: UTCTimestamp.parse("2026-11-21T22:00:00Z"))

    @Test("a withdrawal call: consecutive cues of a speaker merge, overlapping speakers alternate; REGION, STYLE and NOTE blocks, cue settings and a <v.class> span are read past")
    func withdrawalCall() throws {
        let roles = RoleMap(["Anna Brooks": .agent, "Mark Taylor": .customer])
        let c = try #require(try Fixture.read(WebVTTReader(), FixtureFiles.path("webvtt/withdrawal-call.vtt"), roles: roles, fallback: callMeta).first?.value)
        #expect(c.turns.map(\.speaker) == ["Anna Brooks", "Mark Taylor", "Anna Brooks", "Mark Taylor", "Anna Brooks", "Mark Taylor", "Anna Brooks"])
        #expect(c.turns.map(\.role) == [.agent, .customer, .agent, .customer, .agent, .customer, .agent])
        #expect(c.turns[0].text == "Good evening, thank you for calling LuckySeven support. My name is Anna. How can I help you tonight?")
        #expect(c.turns[0].start == 1.2)
        #expect(c.turns[0].end == 6.1)
        #expect(c.turns[1].text == "Hi Anna. I asked for a withdrawal of 250 euros on Monday and it still says pending.")
        #expect(c.turns[2].text == "I'm sorry about the wait. Let me open your account. I can see it, it is with our payments & verification team—")
        #expect(c.turns[2].end == 16)
        #expect(c.turns[3].text == "Three days!")
        #expect(c.turns[5].text == "sighs")
        #expect(c.turns[6].text == "Once KYC is approved, the money usually arrives within 24 hours.")
        #expect(c.turns[6].start == 20.1)
        #expect(c.externalID == "withdrawal-call")
    }

    @Test("several voices in one cue, closing </v>, inline tags stripped, text outside a voice span stays with the last voice")
    func severalVoicesPerCue() throws {
        let roles = RoleMap(["Ayşe Demir": .agent, "Mehmet Kaya": .customer])
        let meta = ConversationMetadata(channel: "call", language: "tr", agent: "tr.ayse", startedAt: UTCTimestamp.parse("2026-11-21T15:00:00Z"))
        let c = try #require(try Fixture.read(WebVTTReader(), FixtureFiles.path("webvtt/kyc-several-voices.vtt"), roles: roles, fallback: meta).first?.value)
        #expect(c.turns.map(\.speaker) == ["Ayşe Demir", "Mehmet Kaya", "Ayşe Demir", "Mehmet Kaya"])
        #expect(c.turns[0].text == "İyi akşamlar, LuckySeven destek hattı, ben Ayşe. Kimlik doğrulaması için mi aradınız?")
        #expect(c.turns[1].text == "Evet, belgelerim hâlâ onaylanmadı.")
        #expect(c.turns[2].text == "Hemen bakıyorum. klavye sesi Pasaportunuzun ön yüzü net, ama adres belgesi üç aydan eski.")
        #expect(c.turns[2].start == 4.5)
        #expect(c.turns[2].end == 12)
        #expect(c.turns[3].text == "Yeni bir fatura yüklersem çekimim bugün onaylanır mı?")
        #expect(!c.turns.contains { $0.text.contains("<") })
    }

    @Test("a closing span and text after it", arguments: [("closing-span.vtt", "Ευχαριστώ πολύ! Καληνύχτα!"), ("with-annotation.vtt", "Где мой вывод?")])
    func closingSpans(file: String, text: String) throws {
        let c = try #require(try Fixture.read(WebVTTReader(), FixtureFiles.path("webvtt/\(file)"), roles: RoleMap(["*": .customer]),
                                              fallback: callMeta).first?.value)
        #expect(c.turns.map(\.text) == [text])
    }

    @Test("a voice tag without '>' runs to the end of the cue, leaving no speech: an empty conversation")
    func unterminatedVoice() throws {
        let problem = try #require(try Fixture.read(WebVTTReader(), FixtureFiles.path("webvtt/no-end-gt.vtt"),
                                                    roles: RoleMap(["*": .customer]), fallback: callMeta).first?.problem)
        #expect(problem.reason.contains("no turns"))
    }

    @Test("an unmapped voice is an error that shows the --roles to write, with the whole annotation as the name")
    func unmappedVoice() throws {
        let problem = try #require(try Fixture.read(WebVTTReader(), FixtureFiles.path("webvtt/with-annotation.vtt"), fallback: callMeta).first?.problem)
        #expect(problem.reason == "speaker 'Ольга Смирнова' has no role")
        #expect(problem.remedy == .mapSpeaker(label: "Ольга Смирнова"))
    }

    @Test("entities, identifiers, NOTE blocks and a malformed timing")
    func details() throws {
        let good = scratch.write("a.vtt", "WEBVTT - call\n\nNOTE recorded by PBX\n\ncue-1\n00:00:01.000 --> 00:00:02.000 align:start\n<v.loud Agent>Fish &amp; chips &lt;3</v>\n")
        #expect(try Fixture.read(WebVTTReader(), good, fallback: callMeta).first?.value?.turns.first?.text == "Fish & chips <3")
        let bad = scratch.write("b.vtt", "WEBVTT\n\n00:00:01.000 --> soon\n<v Agent>hi\n")
        #expect(try Fixture.read(WebVTTReader(), bad, fallback: callMeta).first?.problem?.location.line == 3)
        let notVTT = scratch.write("c.vtt", "1\n00:00:01,000 --> 00:00:02,000\nhi\n")
        #expect(try Fixture.read(WebVTTReader(), notVTT, fallback: callMeta).first?.problem?.reason.contains("not a WebVTT file") == true)
    }
}

// Every test here carries .needsRealFiles, i.e. .enabled(if: RealFiles.available): skipped, with the reason, in a bare clone.
@Suite("WebVTT on real files (../shared/real)")
struct WebVTTRealFileTests {
    let callMeta = ConversationMetadata(channel: "call", language: "en", agent: "en.james", startedAt: UTCTimestamp.parse("2026-11-21T22:00:00Z"))

    @Test("the W3C example: consecutive cues of a speaker merge; overlapping speakers alternate", .needsRealFiles)
    func specExample() throws {
        let roles = RoleMap(["Roger Bingham": .agent, "Neil deGrasse Tyson": .customer])
        let c = try #require(try Fixture.read(WebVTTReader(), RealFiles.path("formats/webvtt/spec-example.vtt"), roles: roles, fallback: callMeta).first?.value)
        #expect(c.turns.map(\.speaker) == ["Roger Bingham", "Neil deGrasse Tyson", "Roger Bingham", "Neil deGrasse Tyson", "Roger Bingham"])
        #expect(c.turns[0].text.hasPrefix("We are in New York City We're actually at the Lucern Hotel"))
        #expect(c.turns[0].start == 11)
        #expect(c.turns[0].end == 31.5)
        #expect(c.turns[3].text == "Laughs")
        #expect(c.externalID == "spec-example")
    }

    @Test("several voices in one cue, inline tags stripped, text outside a voice span stays with the last voice", .needsRealFiles)
    func severalVoicesPerCue() throws {
        let roles = RoleMap(["Kyle Huey": .agent, "Chris Pearce": .customer])
        let c = try #require(try Fixture.read(WebVTTReader(), RealFiles.path("formats/webvtt/cycle-collector-talk.vtt"), roles: roles, fallback: callMeta).first?.value)
        #expect(c.turns[1].speaker == "Chris Pearce")
        #expect(c.turns[1].text == "Okay, we're good now.")
        #expect(c.turns[2].text.hasPrefix("Oh, now we're good? Laughter So thanks again for coming."))
        #expect(!c.turns.contains { $0.text.contains("<") })
    }

    @Test("a closing span and text after it", .needsRealFiles, arguments: [("with-closing-span.vtt", "Hee! Hee!"), ("with-annotation.vtt", "No way!")])
    func closingSpans(file: String, text: String) throws {
        let c = try #require(try Fixture.read(WebVTTReader(), RealFiles.path("formats/webvtt/\(file)"), roles: RoleMap(["*": .customer]),
                                              fallback: callMeta).first?.value)
        #expect(c.turns.map(\.text) == [text])
    }

    @Test("a voice tag without '>' runs to the end of the cue, leaving no speech: an empty conversation", .needsRealFiles)
    func unterminatedVoice() throws {
        let problem = try #require(try Fixture.read(WebVTTReader(), RealFiles.path("formats/webvtt/no-end-gt.vtt"),
                                                    roles: RoleMap(["*": .customer]), fallback: callMeta).first?.problem)
        #expect(problem.reason.contains("no turns"))
    }

    @Test("an unmapped voice is an error that shows the --roles to write", .needsRealFiles)
    func unmappedVoice() throws {
        let problem = try #require(try Fixture.read(WebVTTReader(), RealFiles.path("formats/webvtt/with-annotation.vtt"), fallback: callMeta).first?.problem)
        #expect(problem.reason == "speaker 'Mary' has no role")
        #expect(problem.remedy == .mapSpeaker(label: "Mary"))
    }
}

@Suite("SRT")
struct SRTReaderTests {
    let scratch = Scratch()
    let meta = ConversationMetadata(channel: "call", language: "tr", agent: "tr.ayse", startedAt: UTCTimestamp.parse("2026-11-21T08:30:00Z"))

    @Test("AGENT: and CUSTOMER: prefixes, blocks without one continue the speaker, markup dropped")
    func prefixes() throws {
        let path = scratch.write("call.srt", """
            1
            00:00:01,000 --> 00:00:03,500
            AGENT: iyi günler, <i>LuckySeven</i> destek

            2
            00:00:03,600 --> 00:00:05,000
            size nasıl yardımcı olabilirim

            3
            00:00:05,200 --> 00:00:08,000
            {\\an8}CUSTOMER: param hala gelmedi
            Speaker 2: ben de bekliyorum

            """)
        let c = try #require(try Fixture.read(SRTReader(), path, roles: RoleMap(["Speaker 2": .customer]), fallback: meta).first?.value)
        #expect(c.turns.map(\.role) == [.agent, .customer, .customer])
        #expect(c.turns[0].text == "iyi günler, LuckySeven destek size nasıl yardımcı olabilirim")
        #expect(c.turns[0].end == 5)
        #expect(c.turns[1].text == "param hala gelmedi")
        #expect(c.turns[2].speaker == "Speaker 2")
    }

    @Test("a colon in ordinary speech is not a speaker")
    func colonInSpeech() throws {
        let path = scratch.write("c.srt", "1\n00:00:01,000 --> 00:00:02,000\nAGENT: the limit is: 10 EUR\n\n2\n00:00:02,000 --> 00:00:03,000\nNote: it resets daily\n")
        let c = try #require(try Fixture.read(SRTReader(), path, fallback: meta).first?.value)
        #expect(c.turns.count == 1)
        #expect(c.turns[0].text == "the limit is: 10 EUR Note: it resets daily")
    }

    @Test("a bad timing names its line")
    func badTiming() throws {
        let path = scratch.write("c.srt", "1\n00:00:01,000 --> 00:00:02,000\nAGENT: hi\n\n2\n00:00:0x,000 --> 00:00:03,000\nCUSTOMER: hi\n")
        #expect(try Fixture.read(SRTReader(), path, fallback: meta).first?.problem?.location.line == 6)
    }
}
