import Foundation
import GRDB
import Testing
@testable import PitbossKit

@Suite("Rubrics per conversation")
struct RubricRoutingTests {
    let scratch = Scratch()
    let now = UTCTimestamp.parse("2026-11-22T08:00:00Z")!

    /// A second rubric, "vip-desk", whose one rule wants the agent to say "sir" or "madam".
    static let vipDesk = try! RubricLoader.parse(yaml: #"""
        rubric: vip-desk
        version: 1
        languages: [en]
        criteria: [{id: address, title: Addresses the VIP formally, weight: 1}]
        rules:
          - id: formal-address
            kind: require
            criterion: address
            severity: major
            message: no formal address
            patterns: {en: ['\b(?:sir|madam)\b']}
        """#, path: "vip.yaml", contentHash: "vip-desk-1")

    func database(_ lines: [String]) throws -> PitbossDatabase {
        let database = try PitbossDatabase.inMemory()
        let path = scratch.write("in-\(UUID().uuidString).jsonl", lines.joined(separator: "\n") + "\n")
        _ = try TranscriptImporter(store: ConversationStore(database: database), schedule: .standard, options: ImportOptions()).run(paths: [path])
        return database
    }

    func flag(_ database: PitbossDatabase, _ rubric: Rubric, route: RubricRoute? = nil) throws -> FlagSummary {
        var options = FlagRunner.Options()
        options.user = "qa.lead"
        if let route { options.selection = route.narrowing(options.selection) }
        return try FlagRunner(store: FlagStore(database: database), rubric: rubric, options: options).run(now: now)
    }

    func rows(_ database: PitbossDatabase, _ sql: String) throws -> [String] {
        try database.writer.read { try String.fetchAll($0, sql: sql) }
    }

    static let rude = Fixture.canonicalLine(id: "rude", turns: """
        [{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi"},{"speaker":"agent","at":"2026-11-21T22:04:30Z","text":"hello, how can I help? not my problem, bye"}]
        """)

    @Test("pitboss.yaml routes rubrics by channel, language and tag; the first route's rubric is the default without 'rubric:'")
    func config() throws {
        let config = try WorkspaceConfig.parse(yaml: """
            rubrics:
              - {rubric: Rubrics/casino-support.yaml, languages: [en, ru]}
              - {rubric: Rubrics/vip-desk.yaml, channels: [call, email], tags: [vip-desk]}
            """, path: "w.yaml")
        #expect(config.rubricPath == "Rubrics/casino-support.yaml")
        #expect(config.routes.count == 2 && config.routes[1].channels == [.call, .email] && config.routes[1].tags == ["vip-desk"])
        var call = ExampleTranscript.conversation(RuleExample(expectation: .pass, text: "agent: hi", language: "tr", channel: .call, line: 0))
        #expect(config.rubricPath(for: call) == "Rubrics/casino-support.yaml")  // no route takes it: the workspace's rubric
        call.tags = ["vip-desk"]
        #expect(config.rubricPath(for: call) == "Rubrics/vip-desk.yaml")
        #expect(config.routes[1].scope == "call, email · tagged vip-desk")
        #expect(WorkspaceConfig().effectiveRoutes == [RubricRoute(rubricPath: WorkspaceConfig.defaultRubricPath)])
    }

    @Test("a route that cannot mean anything is refused with its line", arguments: [
        ("rubrics: []", "rubrics is a list of routes"),
        ("rubrics:\n  - {channels: [chat]}", "a route needs 'rubric: PATH'"),
        ("rubrics:\n  - {rubric: a.yaml, channels: [fax]}", "channel 'fax' is not one of"),
        ("rubrics:\n  - {rubric: a.yaml, brand: x}", "unknown key 'brand' in a route"),
    ])
    func refused(_ yaml: String, _ expected: String) {
        #expect { try WorkspaceConfig.parse(yaml: yaml, path: "w.yaml") } throws: { "\($0)".contains(expected) }
    }

    @Test("conversations in a language the rubric is not written for are counted and named, not passed off as clean")
    func uncoveredLanguages() throws {
        let db = try database([Fixture.canonicalLine(id: "de-1", language: "de"), Fixture.canonicalLine(id: "en-1")])
        let summary = try flag(db, Self.vipDesk)
        #expect(summary.uncoveredLanguages == ["de": 1])
        #expect(FlagReport.summary(summary, format: .table, style: .plain).contains("note: 1 conversation is in a language vip-desk is not written for (de 1)"))
        let stored = try #require(try ConversationStore(database: db).conversation(externalID: "de-1"))
        #expect(Self.vipDesk.uncoveredLanguageNote(for: stored)?.contains("de-1 is in 'de', and vip-desk is written for en") == true)
        // Run again, nothing is left to evaluate, and the summary says so rather than a bare "scanned 0".
        let again = try flag(db, Self.vipDesk)
        #expect(again.counts.scanned == 0)
        #expect(FlagReport.summary(again, format: .table, style: .plain).contains("nothing new: the selection holds no conversation this rubric"))
    }

    @Test("the rubrics a conversation is checked with: every route that takes it, one file named two ways once, none when no route does")
    func rubricPathsForAConversation() throws {
        var config = WorkspaceConfig()
        config.routes = [RubricRoute(rubricPath: "cs.yaml", languages: ["en"]), RubricRoute(rubricPath: "./cs.yaml", channels: [.chat]),
                         RubricRoute(rubricPath: "vip.yaml", channels: [.chat])]
        let db = try database([Fixture.canonicalLine(id: "en-1"), Fixture.canonicalLine(id: "de-1", channel: "email", language: "de")])
        let store = ConversationStore(database: db)
        #expect(config.rubricPaths(for: try #require(try store.conversation(externalID: "en-1"))) == ["cs.yaml", "vip.yaml"])
        #expect(config.rubricPaths(for: try #require(try store.conversation(externalID: "de-1"))).isEmpty)
    }

    @Test("a route that sends a language its rubric is not written for is refused, naming the rubric's languages")
    func routeLanguageOutsideRubric() throws {
        try RubricRoute(rubricPath: "vip.yaml", languages: ["en"]).check(against: Self.vipDesk)
        #expect {
            try RubricRoute(rubricPath: "vip.yaml", languages: ["en", "de"]).check(against: Self.vipDesk)
        } throws: { "\($0)".contains("takes de conversations, but vip-desk is written for en only") }
    }

    @Test("flagging with one rubric never drops another's findings, and each finding keeps its rubric's name and hash")
    func findingsPerRubric() throws {
        let db = try database([Self.rude])
        _ = try flag(db, TestRubric.rubric)
        _ = try flag(db, Self.vipDesk)
        #expect(try rows(db, "SELECT DISTINCT rubric_name || ' ' || rule_id FROM findings ORDER BY 1") == ["test rude", "vip-desk formal-address"])
        #expect(try rows(db, "SELECT rubric_name FROM evaluations ORDER BY 1") == ["test", "vip-desk"])
        // A new version of the test rubric replaces the test rubric's unreviewed findings only.
        let changed = try RubricLoader.parse(yaml: TestRubric.yaml.replacingOccurrences(of: "version: 1", with: "version: 2"), path: "t.yaml",
                                             contentHash: "changed")
        _ = try flag(db, changed)
        #expect(try rows(db, "SELECT rubric_hash FROM findings WHERE rubric_name = 'test' GROUP BY rubric_hash") == ["changed"])
        #expect(try rows(db, "SELECT rule_id FROM findings WHERE rubric_name = 'vip-desk'") == ["formal-address"])
        #expect(try rows(db, "SELECT rubric_hash FROM evaluations WHERE rubric_name = 'test'") == ["changed"])
        let stored = try Workspace(config: WorkspaceConfig(), database: db).findings(FindingQuery(conversation: "rude"))
        #expect(Set(stored.map(\.rubric)) == ["test", "vip-desk"])
        // Listed and measured per rubric: rule ids may repeat across rubrics.
        let workspace = Workspace(config: WorkspaceConfig(), database: db)
        #expect(Set(try workspace.findings(FindingQuery(rubric: "vip-desk")).map(\.rule)) == ["formal-address"])
        #expect { try workspace.findings(FindingQuery(rubric: "vip")) } throws: { "\($0)".contains("no finding is stored for rubric 'vip'; known: test, vip-desk") }
        #expect(try RulePrecision.fetch(from: db).map { "\($0.rubric) \($0.rule)" }.contains("vip-desk formal-address"))
    }

    @Test("a rubric's summary counts as flagged only what its own findings flag, though another rubric keeps it queued")
    func flaggedPerRubric() throws {
        let rudeSir = Fixture.canonicalLine(id: "rude-sir", turns: """
            [{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi"},{"speaker":"agent","at":"2026-11-21T22:04:30Z","text":"hello sir, how can I help? not my problem, bye"}]
            """)
        let db = try database([rudeSir])
        #expect(try flag(db, TestRubric.rubric).counts.flagged == 1)
        let vip = try flag(db, Self.vipDesk)
        #expect(vip.counts.evaluated == 1 && vip.counts.flagged == 0 && vip.byAgent.map(\.flagged) == [0])
        #expect(try rows(db, "SELECT status FROM queue_items") == ["open"])
    }

    @Test("a conversation stays queued while any rubric's finding would queue it")
    func queuedWhileAnyRubricFinds() throws {
        let polite = Fixture.canonicalLine(id: "polite", turns: """
            [{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi"},{"speaker":"agent","at":"2026-11-21T22:04:30Z","text":"hello, how can I help? bye"}]
            """)
        let db = try database([polite])
        _ = try flag(db, Self.vipDesk)
        #expect(try rows(db, "SELECT reason FROM queue_items") == ["flagged"])
        _ = try flag(db, TestRubric.rubric)  // nothing for the test rubric: vip-desk still queues it
        #expect(try rows(db, "SELECT reason FROM queue_items") == ["flagged"])
    }

    @Test("a route's filters narrow the flag run to its conversations: languages, channels, tags (any)")
    func narrowing() throws {
        let tagged = #"{"id":"vip","channel":"call","language":"en","agent":"en.a","started_at":"2026-11-21T22:04:00Z","customer":{"id":"p","vip":true},"tags":["vip-desk","brand-a"],"turns":[{"speaker":"agent","start":0,"end":2,"text":"hello"}]}"#
        let db = try database([Self.rude, tagged, Fixture.canonicalLine(id: "ru", language: "ru")])
        let summary = try flag(db, Self.vipDesk, route: RubricRoute(rubricPath: "vip.yaml", channels: [.call], tags: ["nope", "vip-desk"]))
        #expect(summary.counts.scanned == 1)
        #expect(try rows(db, "SELECT c.external_id FROM evaluations e JOIN conversations c ON c.id = e.conversation_id") == ["vip"])
        let english = try flag(db, TestRubric.rubric, route: RubricRoute(rubricPath: "t.yaml", languages: ["en"]))
        #expect(english.counts.scanned == 2)
    }

    @Test("several routes: the CSV has the rubric as its first column on every row, every rubric's rows included")
    func csvOfSeveralRuns() throws {
        let db = try database([Self.rude])
        let first = try flag(db, TestRubric.rubric)
        let second = try flag(db, Self.vipDesk)
        let csv = FlagReport.summaries([(RubricRoute(rubricPath: "t.yaml"), first), (RubricRoute(rubricPath: "vip.yaml"), second)],
                                       format: .csv, style: .plain)
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.first?.first == "rubric")
        #expect(Set(rows.map(\.count)) == [rows[0].count])
        #expect(rows.contains { $0.first == "test" } && rows.contains { $0.first == "vip-desk" })
    }
}
