import Foundation
import Testing
@testable import PitbossKit

@Suite("Canonical JSON Lines")
struct CanonicalJSONLinesTests {
    let scratch = Scratch()

    func readAll(_ text: String, bytes: [UInt8]? = nil) throws -> [Result<Conversation, RecordProblem>] {
        let path = bytes.map { scratch.write("in.jsonl", bytes: $0) } ?? scratch.write("in.jsonl", text)
        return try Fixture.read(CanonicalJSONLinesReader(), path)
    }

    @Test("a line becomes a conversation with its shift derived, agents on agent turns, multibyte text intact")
    func decodesAConversation() throws {
        let line = Fixture.canonicalLine(language: "ru", turns: """
            [{"speaker":"customer","at":"2026-11-22T01:00:00Z","text":"Здравствуйте 👋 вывод завис"},\
            {"speaker":"agent","name":"Олег","at":"2026-11-22T01:01:00Z","text":"Добрый вечер!"},\
            {"speaker":"agent","agent":"ru.senior","at":"2026-11-22T01:05:00Z","text":"Ğ ı İ ş — καλησπέρα"}]
            """).replacingOccurrences(of: "2026-11-21T22:04:00Z", with: "2026-11-22T01:00:00Z")
        let c = try #require(try readAll(line).first?.value)
        #expect(c.externalID == "c-1")
        #expect(c.language == "ru")
        #expect(c.shiftID == "2026-11-21-night")
        #expect(c.turns.map(\.role) == [.customer, .agent, .agent])
        #expect(c.turns.map(\.agentID) == [nil, "en.anna", "ru.senior"])
        #expect(c.agentsWhoSpoke == ["en.anna", "ru.senior"])
        #expect(c.turns[0].text == "Здравствуйте 👋 вывод завис")
        #expect(c.turns[1].speaker == "Олег")
        #expect(c.source.record == "line 1")
    }

    @Test("call turns carry start and end seconds")
    func callTurns() throws {
        let line = Fixture.canonicalLine(channel: "call", turns: """
            [{"speaker":"agent","start":0.5,"end":3.25,"text":"hello"},{"speaker":"customer","start":3.5,"end":4,"text":"hi"}]
            """)
        let c = try #require(try readAll(line).first?.value)
        #expect(c.channel == .call)
        #expect(c.turns.map(\.start) == [0.5, 3.5])
        #expect(c.turns.map(\.end) == [3.25, 4])
    }

    @Test("each bad line is named with its line, field and reason; the good lines around it are kept")
    func badLinesAmongGoodOnes() throws {
        let lines = [
            Fixture.canonicalLine(id: "good-1"),
            #"{"id": "broken", "channel": "chat",,}"#,
            Fixture.canonicalLine(id: "no-agent").replacingOccurrences(of: #""agent":"en.anna","#, with: ""),
            Fixture.canonicalLine(id: "bad-role", turns: #"[{"speaker":"operatr","at":"2026-11-21T22:04:00Z","text":"hi"}]"#),
            Fixture.canonicalLine(id: "bad-time", turns: #"[{"speaker":"agent","at":"22:04 yesterday","text":"hi"}]"#),
            Fixture.canonicalLine(id: "backwards", turns: """
                [{"speaker":"customer","at":"2026-11-21T22:05:00Z","text":"a"},{"speaker":"agent","at":"2026-11-21T22:04:00Z","text":"b"}]
                """),
            Fixture.canonicalLine(id: "empty", turns: "[]"),
            Fixture.canonicalLine(id: "bad-channel", channel: "pigeon"),
            Fixture.canonicalLine(id: "good-2"),
        ]
        let results = try readAll(lines.joined(separator: "\n") + "\n")
        #expect(results.compactMap(\.value).map(\.externalID) == ["good-1", "good-2"])
        let problems = results.compactMap(\.problem).map(\.description)
        let path = scratch.path("in.jsonl")
        #expect(problems.count == 7)
        #expect(problems[0].hasPrefix("\(path):2:"))
        #expect(problems[0].contains("not valid JSON"))
        #expect(problems[1] == "\(path):3: conversation no-agent: agent: missing required field")
        #expect(problems[2] == "\(path):4: conversation bad-role: turns[0].speaker: unknown speaker role 'operatr'; use one of agent, customer, bot, system, other")
        #expect(problems[3] == "\(path):5: conversation bad-time: turns[0].at: '22:04 yesterday' is not an ISO 8601 time with a zone, like 2026-11-21T22:04:31Z")
        #expect(problems[4].hasPrefix("\(path):6: conversation backwards: turns[1].at: time goes backwards"))
        #expect(problems[5] == "\(path):7: conversation empty: turns: the conversation has no turns; an empty conversation cannot be reviewed")
        #expect(problems[6] == "\(path):8: conversation bad-channel: channel: unknown channel 'pigeon'; use one of chat, email, call, messenger")
    }

    @Test("a syntax error names its column")
    func syntaxErrorColumn() throws {
        let problem = try #require(try readAll(#"{"id": "x", "channel": chat}"# + "\n").first?.problem)
        #expect(problem.location.line == 1)
        #expect(problem.location.column == 24)
        #expect(problem.reason.hasPrefix("not valid JSON"))
    }

    @Test("invalid UTF-8 is named at its byte column and the next line still imports")
    func invalidUTF8() throws {
        var bytes = Array(#"{"id": "bad\#u{FF}"#.utf8)
        bytes[bytes.count - 2] = 0xFF
        bytes += Array(#"", "x": 1}"#.utf8) + [0x0A] + Array(Fixture.canonicalLine(id: "after").utf8) + [0x0A]
        let results = try readAll("", bytes: bytes)
        let problem = try #require(results.first?.problem)
        #expect(problem.location.line == 1)
        #expect(problem.location.column == 12)
        #expect(problem.reason.hasPrefix("invalid UTF-8 at byte 12"))
        #expect(results.last?.value?.externalID == "after")
    }

    @Test("a byte order mark and CRLF line ends are read as if they were not there")
    func bomAndCRLF() throws {
        let text = "\u{FEFF}" + Fixture.canonicalLine(id: "a") + "\r\n" + Fixture.canonicalLine(id: "b") + "\r\n"
        let results = try readAll(text)
        #expect(results.compactMap(\.value).map(\.externalID) == ["a", "b"])
        let lf = try readAll(Fixture.canonicalLine(id: "a") + "\n")
        #expect(results.first?.value?.contentHash == lf.first?.value?.contentHash)
    }

    @Test("a truncated last line is named as truncated, and the lines before it are kept")
    func truncatedLastLine() throws {
        let full = Fixture.canonicalLine(id: "whole")
        let text = full + "\n" + String(Fixture.canonicalLine(id: "cut").prefix(60))
        let results = try readAll(text)
        #expect(results.first?.value?.externalID == "whole")
        let problem = try #require(results.last?.problem)
        #expect(problem.location.line == 2)
        #expect(problem.reason.contains("looks truncated"))
    }

    @Test("a complete last line without a final newline is fine")
    func lastLineWithoutNewline() throws {
        #expect(try readAll(Fixture.canonicalLine()).first?.value != nil)
    }

    @Test("the content hash ignores where a conversation came from and changes with what it says")
    func contentHash() throws {
        let a = try #require(try readAll(Fixture.canonicalLine()).first?.value)
        var moved = a
        moved.source = ConversationSource(file: "elsewhere.jsonl", record: "line 9", format: .jsonl)
        #expect(moved.contentHash == a.contentHash)
        var edited = a
        edited.turns[1].text += "!"
        #expect(edited.contentHash != a.contentHash)
    }

    @Test("show --format json writes a line that imports back to the same conversation")
    func roundTrip() throws {
        let original = try #require(try readAll(Fixture.canonicalLine()).first?.value)
        let again = try #require(try readAll(original.canonicalJSONLine() + "\n").first?.value)
        #expect(again.contentHash == original.contentHash)
    }
}
