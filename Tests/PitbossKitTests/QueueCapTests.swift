import Foundation
import GRDB
import Testing
@testable import PitbossKit

@Suite("The queue cap: at most N flagged conversations per shift, the most severe kept")
struct QueueCapTests {
    typealias Item = QueueCap.Item
    let scratch = Scratch()
    let none: (String) -> [Item] = { _ in [] }

    @Test("under the limit everything enters; at it, a more urgent one takes the least urgent untouched item's place")
    func admission() {
        let cap = QueueCap(limit: 2)
        #expect(cap.admit(conversation: "minor-1", shift: "n", priority: 212, load: none) == .queued)
        #expect(cap.admit(conversation: "minor-2", shift: "n", priority: 212, load: none) == .queued)
        #expect(cap.admit(conversation: "minor-3", shift: "n", priority: 212, load: none) == .notQueued)  // as urgent is not more urgent
        // Of equals, the one queued last gives its place first.
        #expect(cap.admit(conversation: "major-1", shift: "n", priority: 312, load: none)
            == .displacing(Item(conversation: "minor-2", priority: 212, displaceable: true)))
        #expect(cap.admit(conversation: "critical-1", shift: "n", priority: 450, load: none)
            == .displacing(Item(conversation: "minor-1", priority: 212, displaceable: true)))
        #expect(cap.admit(conversation: "major-2", shift: "n", priority: 312, load: none) == .notQueued)
        #expect(cap.admit(conversation: "major-1", shift: "n", priority: 312, load: none) == .alreadyQueued)
        // Each shift has its own limit.
        #expect(cap.admit(conversation: "minor-9", shift: "day", priority: 212, load: none) == .queued)
        #expect(cap.left.map(\.conversation) == ["major-2", "minor-1", "minor-2", "minor-3"])
    }

    @Test("items a reviewer holds or a supervisor assigned are counted but never displaced; a shift's queue is read once")
    func heldItemsStay() {
        var loads = 0
        let load: (String) -> [Item] = { _ in
            loads += 1
            return [Item(conversation: "claimed", priority: 100, displaceable: false), Item(conversation: "open", priority: 212, displaceable: true)]
        }
        let cap = QueueCap(limit: 2)
        #expect(cap.admit(conversation: "major", shift: "n", priority: 312, load: load)
            == .displacing(Item(conversation: "open", priority: 212, displaceable: true)))
        #expect(cap.admit(conversation: "critical", shift: "n", priority: 450, load: load)
            == .displacing(Item(conversation: "major", priority: 312, displaceable: true)))
        #expect(cap.admit(conversation: "critical-2", shift: "n", priority: 450, load: load) == .notQueued)
        #expect(loads == 1)
        // A conversation withdrawn (no longer flagged) frees its place.
        cap.withdrawn("critical", shift: "n")
        #expect(cap.admit(conversation: "critical-2", shift: "n", priority: 450, load: load) == .queued)
    }

    @Test("severity decides, not the age bonus: a newer conversation as severe never takes an older one's place")
    func ageDoesNotDisplace() {
        let cap = QueueCap(limit: 1)
        #expect(cap.admit(conversation: "old", shift: "n", priority: 300, load: none) == .queued)
        #expect(cap.admit(conversation: "new", shift: "n", priority: 328, load: none) == .notQueued)  // 14 days older: +28
        #expect(cap.admit(conversation: "critical", shift: "n", priority: 450, load: none)
            == .displacing(Item(conversation: "old", priority: 300, displaceable: true)))
        #expect(cap.left.map(\.displaced) == [false, true])  // "new" not queued, "old" taken out
    }

    @Test("a conversation re-evaluated keeps its place in the order of queueing: the one queued last still gives way first")
    func reEvaluationKeepsItsAge() {
        let cap = QueueCap(limit: 2)
        #expect(cap.admit(conversation: "A", shift: "n", priority: 212, load: none) == .queued)
        #expect(cap.admit(conversation: "B", shift: "n", priority: 212, load: none) == .queued)
        #expect(cap.admit(conversation: "A", shift: "n", priority: 214, load: none) == .alreadyQueued)
        #expect(cap.admit(conversation: "C", shift: "n", priority: 312, load: none) == .displacing(Item(conversation: "B", priority: 212, displaceable: true)))
    }

    @Test("a hundred thousand admissions under a limit that is never reached stay linear-ish (a heap, not a sorted array)")
    func manyAdmissions() {
        let cap = QueueCap(limit: 10_000_000)
        var queued = 0
        for i in 0..<100_000 where cap.admit(conversation: "c-\(i)", shift: "n", priority: 200 + i % 300, load: none) == .queued { queued += 1 }
        #expect(queued == 100_000)
    }

    // MARK: In a flag run

    static let rubric = #"""
        rubric: cap
        version: 1
        languages: [en]
        criteria:
          - {id: courtesy, title: Courtesy, weight: 2}
        rules:
          - {id: rude, kind: forbid, criterion: courtesy, severity: major, message: "rude", patterns: {en: ['\bnot my problem\b']}}
          - {id: meh, kind: forbid, criterion: courtesy, severity: minor, message: "meh", patterns: {en: ['\bwhatever\b']}}
        """#

    static func line(_ id: String, minute: Int, rude: Bool) -> String {
        Fixture.canonicalLine(id: id, startedAt: "2026-11-21T22:\(String(format: "%02d", minute)):00Z", turns: #"""
            [{"speaker":"customer","at":"2026-11-21T22:00:00Z","text":"hi"},{"speaker":"agent","at":"2026-11-21T22:00:30Z","text":"\#(rude ? "not my problem" : "whatever")"}]
            """#)
    }

    func load(_ lines: [String], into database: PitbossDatabase) throws {
        let path = scratch.write("c-\(UUID().uuidString).jsonl", lines.joined(separator: "\n") + "\n")
        _ = try TranscriptImporter(store: ConversationStore(database: database), schedule: .standard, options: ImportOptions()).run(paths: [path])
    }

    /// Ten conversations of one night shift; 2, 5 and 8 rude (major), the others "whatever" (minor).
    func database() throws -> PitbossDatabase {
        let database = try PitbossDatabase.inMemory()
        try load((0..<10).map { Self.line("c-\($0)", minute: $0, rude: [2, 5, 8].contains($0)) }, into: database)
        return database
    }

    func flag(_ database: PitbossDatabase, limit: Int?, dryRun: Bool = false) throws -> FlagSummary {
        var options = FlagRunner.Options()
        options.queueLimit = limit
        options.dryRun = dryRun
        options.batchSize = 3  // the cap carries across batches
        let rubric = try RubricLoader.parse(yaml: Self.rubric, path: "cap.yaml", contentHash: "cap-1")
        return try FlagRunner(store: FlagStore(database: database), rubric: rubric, options: options).run(now: UTCTimestamp.parse("2026-11-22T08:00:00Z")!)
    }

    @Test("a run with a limit of 4 queues the three majors and the first minor; the dry run foretold it and stored nothing; the summary keeps it")
    func flagRun() throws {
        let db = try database()
        let preview = try flag(db, limit: 4, dryRun: true)
        #expect(try db.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM queue_items") } == 0)
        let summary = try flag(db, limit: 4)
        let queued = try QueueQuery(includeFinished: true).fetch(from: db).map(\.conversation).sorted()
        #expect(queued == ["c-0", "c-2", "c-5", "c-8"])
        #expect(summary.queueLimit == 4)
        #expect(summary.notQueued.map(\.conversation).sorted() == ["c-1", "c-3", "c-4", "c-6", "c-7", "c-9"])
        #expect(preview.notQueued.map(\.conversation).sorted() == summary.notQueued.map(\.conversation).sorted())
        #expect(summary.counts.flagged == 10)  // flagged, all of them; queued, four

        let stored = try #require(try Workspace(config: WorkspaceConfig(), database: db).flagRun(summary.run).run)
        #expect(stored.summary?.notQueued == summary.notQueued)
        #expect(stored.summary?.byRule == summary.byRule)
        #expect(stored.finishedAt != nil)
    }

    @Test("a later, more severe conversation takes the place of the last minor queued, never of the one a reviewer holds")
    func claimedItemIsNeverTakenAway() throws {
        let db = try database()
        _ = try flag(db, limit: 10)
        let minor = try #require(try QueueQuery().fetch(from: db).first { $0.conversation == "c-0" })
        _ = try ReviewQueue(database: db).claim(minor.id, for: Reviewer(name: "qa.maria"))
        try load([Self.line("c-10", minute: 10, rude: true)], into: db)
        let summary = try flag(db, limit: 10)
        let items = try QueueQuery(includeFinished: true).fetch(from: db)
        #expect(items.count == 10)
        #expect(items.contains { $0.conversation == "c-0" && $0.status == .claimed })
        #expect(items.contains { $0.conversation == "c-10" })
        #expect(!items.contains { $0.conversation == "c-9" })
        #expect(summary.notQueued.map(\.conversation) == ["c-9"])
    }
}
