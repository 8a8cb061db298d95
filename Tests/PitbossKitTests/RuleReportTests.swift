import Foundation
import GRDB
import Testing
@testable import PitbossKit

@Suite("report rules: per rule, fires and reviewers' agreement")
struct RuleReportTests {
    let scratch = Scratch()

    static let rude = #"[{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi"},{"speaker":"agent","at":"2026-11-21T22:04:30Z","text":"hello, how can I help? not my problem, bye"}]"#

    /// Four rude conversations (three chats, one e-mail) flagged with the test rubric; of the chats' findings of `rude`,
    /// two confirmed and one dismissed "quotes the player".
    func dataset() throws -> PitbossDatabase {
        let database = try PitbossDatabase.inMemory()
        let lines = (0..<3).map { Fixture.canonicalLine(id: "en-\($0)", turns: Self.rude) } + [Fixture.canonicalLine(id: "em-0", channel: "email", turns: Self.rude)]
        let path = scratch.write("chats.jsonl", lines.joined(separator: "\n") + "\n")
        _ = try TranscriptImporter(store: ConversationStore(database: database), schedule: .standard, options: ImportOptions()).run(paths: [path])
        var options = FlagRunner.Options()
        options.user = "qa.lead"
        _ = try FlagRunner(store: FlagStore(database: database), rubric: TestRubric.rubric, options: options).run(now: UTCTimestamp.parse("2026-11-22T08:00:00Z")!)
        try database.writer.write { db in
            let ids = try Int64.fetchAll(db, sql: """
                SELECT f.id FROM findings f JOIN conversations c ON c.id = f.conversation_id
                WHERE f.rule_id = 'rude' AND c.channel = 'chat' ORDER BY c.external_id
                """)
            try db.execute(sql: "UPDATE findings SET verdict = 'confirmed' WHERE id IN (?, ?)", arguments: [ids[0], ids[1]])
            try db.execute(sql: "UPDATE findings SET verdict = 'dismissed', verdict_reason = ' quotes the player ' WHERE id = ?", arguments: [ids[2]])
        }
        return database
    }

    @Test("fires, conversations, confirmed / dismissed / not judged, precision with Wilson's interval, dismissal reasons, rules that never fire")
    func rows() throws {
        let database = try dataset()
        let report = try RuleReport.fetch(from: database, rubrics: [TestRubric.rubric])
        let rude = try #require(report.rows.first { $0.rule == "rude" })
        #expect(rude.fires == 4 && rude.conversations == 4)
        #expect(rude.confirmed == 2 && rude.dismissed == 1 && rude.unjudged == 1)
        #expect(rude.precision == 2.0 / 3.0)
        // Wilson's interval for 2 of 3 at 95 %: (0.2077, 0.9385) — by hand from Wilson (1927), z = 1.959964.
        #expect(abs((rude.precisionLow ?? 0) - 0.2077) < 0.0005 && abs((rude.precisionHigh ?? 0) - 0.9385) < 0.0005)
        #expect(rude.dismissalReasons == [RuleReport.Reason(reason: "quotes the player", count: 1)])
        #expect(!rude.neverFired)
        let fired = Set(report.rows.filter { !$0.neverFired }.map(\.rule))
        #expect(Set(report.rows.filter(\.neverFired).map(\.rule)) == Set(TestRubric.rubric.rules.map(\.id)).subtracting(fired))
        #expect(report.rows.last?.neverFired == true)
    }

    @Test("the filters narrow the conversations: a channel, a language, a rubric that made nothing")
    func filtered() throws {
        let database = try dataset()
        let rude = try #require(try RuleReport.fetch(from: database, selection: FlagSelection(channel: .email)).rows.first { $0.rule == "rude" })
        #expect(rude.fires == 1 && rude.confirmed == 0 && rude.unjudged == 1 && rude.precision == nil && rude.precisionLow == nil)
        var russian = FlagSelection()
        russian.languages = ["ru"]
        // A language nobody speaks in the database is a typo, not an empty report.
        #expect { try RuleReport.fetch(from: database, selection: russian) } throws: { "\($0)".contains("no conversation is stored for language 'ru'; similar: en") }
        #expect { try RuleReport.fetch(from: database, rubricName: "vip-desk") } throws: { "\($0)".contains("no rubric named 'vip-desk' has findings or is in the workspace; known: test") }
        #expect(try RuleReport.fetch(from: database, rubricName: "vip-desk", rubrics: [RubricRoutingTests.vipDesk]).rows.map(\.neverFired) == [true])
    }

    @Test("table, CSV and JSON render the same rows; CSV's header is the JSON keys")
    func formats() throws {
        let report = try RuleReport.fetch(from: try dataset(), rubrics: [TestRubric.rubric])
        let csv = report.render(.csv).split(separator: "\r\n")
        #expect(csv.first == "rubric,rule,criterion,fires,conversations,confirmed,dismissed,unjudged,precision,precision_low,precision_high,dismissal_reasons,never_fired")
        #expect(csv.count == report.rows.count + 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as? [[String: Any]])
        #expect(json.count == report.rows.count)
        #expect(Set(json[0].keys) == Set(String(csv[0]).split(separator: ",").map(String.init)))
        let table = report.render(.table)
        #expect(table.contains("67\u{00A0}% (21\u{00A0}%–94\u{00A0}%)") && table.contains("quotes the player (1)") && table.contains("never fired"), "\(table)")
    }
}
