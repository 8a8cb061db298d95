import Foundation
import GRDB
import Testing
@testable import PitbossKit

@Suite("Batch flagging")
struct FlagRunnerTests {
    let scratch = Scratch()
    let now = UTCTimestamp.parse("2026-11-22T08:00:00Z")!

    /// A database holding `lines` (canonical JSON Lines).
    func database(_ lines: [String]) throws -> PitbossDatabase {
        let database = try PitbossDatabase.inMemory()
        let path = scratch.write("in-\(UUID().uuidString).jsonl", lines.joined(separator: "\n") + "\n")
        _ = try TranscriptImporter(store: ConversationStore(database: database), schedule: .standard, options: ImportOptions()).run(paths: [path])
        return database
    }

    func flag(_ database: PitbossDatabase, rubric: Rubric = TestRubric.rubric, _ configure: (inout FlagRunner.Options) -> Void = { _ in }) throws -> FlagSummary {
        var options = FlagRunner.Options()
        options.user = "qa.lead"
        configure(&options)
        return try FlagRunner(store: FlagStore(database: database), rubric: rubric, options: options).run(now: now)
    }

    func count(_ database: PitbossDatabase, _ sql: String) throws -> Int {
        try database.writer.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    static let rude = Fixture.canonicalLine(id: "rude", turns: """
        [{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi"},{"speaker":"agent","at":"2026-11-21T22:04:30Z","text":"hello, how can I help? not my problem, bye"}]
        """)
    static let polite = Fixture.canonicalLine(id: "polite", turns: """
        [{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi"},{"speaker":"agent","at":"2026-11-21T22:04:30Z","text":"hello, how can I help? bye"}]
        """)

    @Test("findings are stored with their run and rubric hash; flagged conversations are queued once; a second run changes nothing")
    func idempotent() throws {
        let db = try database([Self.rude, Self.polite])
        let first = try flag(db)
        #expect(first.counts.scanned == 2)
        #expect(first.counts.flagged == 1)
        let stored = try FindingQuery(conversation: "rude").fetch(from: db)
        #expect(stored.map(\.rule) == ["rude"])
        #expect(stored[0].text == "not my problem")
        #expect(stored[0].start == 23 && stored[0].end == 37)
        #expect(stored[0].run == first.run)
        #expect(stored[0].rubricHash == TestRubric.rubric.contentHash)
        let queue = try QueueQuery().fetch(from: db)
        #expect(queue.map(\.conversation) == ["rude"])
        #expect(queue[0].reason == .flagged)
        #expect(queue[0].worstSeverity == .major)

        // Nothing to evaluate: no run is recorded (issue 13), nothing changes.
        let second = try flag(db)
        #expect(second.counts.scanned == 0 && second.run == nil)
        #expect(try count(db, "SELECT COUNT(*) FROM findings") == stored.count)
        #expect(try count(db, "SELECT COUNT(*) FROM queue_items") == 1)
        #expect(try count(db, "SELECT COUNT(*) FROM flag_runs") == 1)
    }

    @Test("after a rubric change, unreviewed findings are replaced; confirmed and dismissed ones are kept as they were")
    func rubricChangeKeepsReviewedFindings() throws {
        let db = try database([Self.rude])
        _ = try flag(db)
        let before = try FindingQuery(conversation: "rude").fetch(from: db)
        try db.writer.write { d in
            try d.execute(sql: "UPDATE findings SET verdict = 'confirmed', verdict_by = 'qa.maria', verdict_at = '2026-11-22T09:00:00.000Z' WHERE id = ?",
                          arguments: [before[0].id])
        }
        // The same rude rule, plus a new forbidden word: a different rubric file, so a different hash.
        let changed = try RubricLoader.parse(yaml: TestRubric.yaml.replacingOccurrences(of: #"'\buseless\b'"#, with: #"'\buseless\b', '\bbye\b'"#),
                                             path: "v2.yaml", contentHash: "v2-hash")
        let second = try flag(db, rubric: changed)
        #expect(second.counts.evaluated == 1)
        let after = try FindingQuery(conversation: "rude").fetch(from: db)
        #expect(after.count == 2)
        let kept = try #require(after.first { $0.id == before[0].id })
        #expect(kept.verdict == .confirmed)
        #expect(kept.run == before[0].run)
        let fresh = try #require(after.first { $0.id != before[0].id })
        #expect(fresh.text == "bye")
        #expect(fresh.rubricHash == "v2-hash")
    }

    @Test("the queue: severity threshold, priority from severity and VIP, withdrawn when no longer flagged, a scored item untouched")
    func queue() throws {
        let vip = Self.rude.replacingOccurrences(of: #""id":"rude""#, with: #""id":"rude-vip""#).replacingOccurrences(of: #""vip":false"#, with: #""vip":true"#)
        let db = try database([Self.rude, vip])
        _ = try flag(db) { $0.minSeverity = .critical }
        #expect(try QueueQuery().fetch(from: db).isEmpty)

        let lenient = try RubricLoader.parse(yaml: TestRubric.yaml, path: "t.yaml", contentHash: "second")
        _ = try flag(db, rubric: lenient)
        let queue = try QueueQuery().fetch(from: db)
        #expect(queue.map(\.conversation) == ["rude-vip", "rude"])
        #expect(queue[0].priority > queue[1].priority)

        try db.writer.write { try $0.execute(sql: "UPDATE queue_items SET status = 'scored' WHERE conversation_id = (SELECT id FROM conversations WHERE external_id = 'rude')") }
        let silent = try RubricLoader.parse(yaml: TestRubric.yaml.replacingOccurrences(of: #"'\bnot my problem\b', "#, with: ""), path: "t.yaml", contentHash: "third")
        _ = try flag(db, rubric: silent)
        let after = try QueueQuery(includeFinished: true).fetch(from: db)
        #expect(after.map(\.conversation) == ["rude"])
        #expect(after[0].status == .scored)
    }

    @Test("selection by agent and shift; the run records what it was given")
    func selection() throws {
        let other = Fixture.canonicalLine(id: "other", agent: "en.boris", startedAt: "2026-11-21T10:00:00Z", turns: """
            [{"speaker":"agent","at":"2026-11-21T10:00:00Z","text":"not my problem"}]
            """)
        let db = try database([Self.rude, other])
        let summary = try flag(db) { $0.selection = FlagSelection(agent: "en.boris") }
        #expect(summary.counts.scanned == 1)
        #expect(summary.byAgent.map(\.agent) == ["en.boris"])
        #expect(try db.writer.read { try String.fetchOne($0, sql: "SELECT selection FROM flag_runs") } == #"{"agent":"en.boris"}"#)
        let night = try flag(db) { $0.selection = FlagSelection(shift: "2026-11-21-night") }
        #expect(night.counts.scanned == 1)
        #expect(try flag(db).counts.scanned == 0)
    }

    @Test("a rule that hits the match limit is recorded as a rule error on that conversation, and the run goes on")
    func ruleErrors() throws {
        let yaml = TestRubric.yaml.replacingOccurrences(of: #"en: ['\bnot my problem\b', '\buseless\b']"#, with: #"en: ['(\w+\s?)+$']"#)
        let slow = try RubricLoader.parse(yaml: yaml, path: "slow.yaml", contentHash: "slow")
        let long = Fixture.canonicalLine(id: "long", turns: """
            [{"speaker":"agent","at":"2026-11-21T22:04:00Z","text":"\(String(repeating: "word ", count: 300))!"}]
            """)
        let db = try database([long, Self.polite])
        let summary = try flag(db, rubric: slow) { $0.limits.matchLimit = 5_000 }
        #expect(summary.counts.scanned == 2)
        #expect(summary.counts.errors == 1)
        #expect(summary.byRule.first { $0.rule == "rude" }?.errors == 1)
        let errors = try FindingQuery(conversation: "long", rule: "rude").fetch(from: db)
        #expect(errors.map(\.status) == [.error])
        #expect(errors[0].message.contains("match limit exceeded"))
    }

    @Test("--fail-on: a finding at or above the severity")
    func failOn() throws {
        let summary = try flag(try database([Self.rude]))
        #expect(summary.hasFinding(atOrAbove: .major))
        #expect(!summary.hasFinding(atOrAbove: .critical))
    }

    @Test("a dry run evaluates and counts what a run would find and queue, and stores nothing")
    func dryRun() throws {
        let db = try PitbossDatabase.inMemory(), scratch = Scratch()
        _ = try TranscriptImporter(store: ConversationStore(database: db), schedule: .standard, options: ImportOptions())
            .run(paths: [scratch.write("rude.jsonl", Fixture.canonicalLine(id: "rude", turns: RuleReportTests.rude) + "\n")])
        var options = FlagRunner.Options()
        options.dryRun = true
        let preview = try FlagRunner(store: FlagStore(database: db), rubric: TestRubric.rubric, options: options).run()
        #expect(preview.dryRun && preview.run == nil && preview.counts.evaluated == 1 && preview.counts.flagged == 1 && preview.counts.findings > 0)
        for table in ["flag_runs", "findings", "evaluations", "queue_items"] { #expect(try count(db, "SELECT COUNT(*) FROM \(table)") == 0, "\(table)") }
        // The real run then finds the same.
        let real = try FlagRunner(store: FlagStore(database: db), rubric: TestRubric.rubric, options: FlagRunner.Options()).run()
        #expect(real.counts == preview.counts && real.run != nil)
    }
}
