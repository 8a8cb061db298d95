import Foundation
import Testing
@testable import PitbossKit

@Suite("Retraining suggestions: above the team's rate with 95 % confidence, from findings and reviews kept apart")
struct RetrainingSuggestionsTests {
    /// 30 rude conversations of en.anna and 30 calm ones of en.boris, every one evaluated.
    func fixture() throws -> ReviewFixture {
        let f = try ReviewFixture(rude: 30, calm: 30)
        var options = FlagRunner.Options()
        options.user = "qa.lead"
        _ = try FlagRunner(store: FlagStore(database: f.database), rubric: TestRubric.rubric, options: options).run(now: f.now)
        return f
    }

    @Test("the agent whose Wilson lower bound is above the team's rate is suggested, with the conversations that show it")
    func suggested() throws {
        let f = try fixture()
        let list = try RetrainingSuggestions(criteria: ["courtesy"]).fetch(from: f.database)
        let anna = try #require(list.first)
        #expect(list.count == 1)
        #expect(anna.agent == "en.anna" && anna.source == .findings && anna.problems == 30 && anna.total == 30)
        #expect(abs(anna.teamRate - 0.5) < 1e-9)
        #expect(anna.lower > 0.88 && anna.lower < 0.89)  // Wilson 30/30: 0.8865
        #expect(anna.evidence.count == 5 && anna.evidence.allSatisfy { $0.hasPrefix("rude-") })
        #expect(anna.openAssignment == nil)
    }

    @Test("too few conversations say nothing; a dismissed finding is no evidence; an open or recent assignment is shown, not suggested again")
    func exclusions() throws {
        let f = try fixture()
        #expect(try RetrainingSuggestions(criteria: ["courtesy"], minimum: 31).fetch(from: f.database).isEmpty)
        let module = RetrainingModule(name: "de-escalation", title: "Courtesy", criteria: ["courtesy"])
        let id = try RetrainingStore(database: f.database).assign(
            RetrainingStore.Request(agent: "en.anna", module: module, dueOn: "2026-12-31", on: f.now), by: "qa.lead", now: f.now, zone: Fixture.utc).assignment.id
        #expect(try RetrainingSuggestions(criteria: ["courtesy"]).fetch(from: f.database).first?.openAssignment == id)
        // Completed: shown as recently retrained (its outcome is what to look at), still not suggested.
        try RetrainingStore(database: f.database).move(id, to: .completed, on: f.now, by: "qa.lead", now: f.now)
        var query = RetrainingSuggestions(criteria: ["courtesy"])
        query.now = f.now
        let retrained = try #require(try query.fetch(from: f.database).first)
        #expect(retrained.openAssignment == nil && retrained.recentlyCompleted == id && retrained.completedOn == "2026-11-22" && !retrained.isSuggested)
        // Reviewers dismiss every courtesy finding: the findings no longer show a problem.
        try f.database.writer.write { db in try db.execute(sql: "UPDATE findings SET verdict = 'dismissed' WHERE criterion = 'courtesy'") }
        let after = try RetrainingSuggestions(criteria: ["courtesy"]).fetch(from: f.database).filter { $0.source == .findings }
        #expect(after.isEmpty, "\(after)")
    }

    @Test("from reviews: the current revision's failed answers, kept apart from the findings; a correction counts, not what it corrected")
    func fromReviews() throws {
        let f = try ReviewFixture(rude: 12, calm: 12)
        try f.sampleAll()
        let store = f.store
        let lead = Reviewer(name: "qa.lead")
        // Every conversation reviewed: Anna's fail on accuracy, Boris's pass.
        for conversation in (0..<12).map({ "rude-\($0)" }) + (0..<12).map({ "calm-\($0)" }) {
            let item = try f.item(conversation)
            let answers = TestRubric.passAll.merging(["accuracy": conversation.hasPrefix("rude") ? "fail" : "pass"]) { _, new in new }
            try store.submit(ReviewSubmission(item: item, reviewer: lead, rubric: TestRubric.rubric,
                                              scorecard: try Scorecard(rubric: TestRubric.rubric, answers: answers)), now: f.now)
        }
        // One of Anna's is corrected to a pass: its current revision is what counts.
        let corrected = try f.item("rude-0")
        try store.submit(ReviewSubmission(item: corrected, reviewer: lead, rubric: TestRubric.rubric,
                                          scorecard: try Scorecard(rubric: TestRubric.rubric, answers: TestRubric.passAll), revisionReason: "misread"),
                         now: f.minutes(5))
        let list = try RetrainingSuggestions(criteria: ["accuracy"]).fetch(from: f.database)
        let anna = try #require(list.first { $0.source == .reviews })
        #expect(anna.agent == "en.anna" && anna.problems == 11 && anna.total == 12)
        #expect(abs(anna.teamRate - 11.0 / 24.0) < 1e-9)
        #expect(anna.evidence.allSatisfy { $0.hasPrefix("review #") } && anna.evidence.count == 5)
        #expect(!list.contains { $0.source == .findings })  // the test rubric has no accuracy findings on these chats
    }

    @Test("the two-scan count per agent equals the SQL it replaces, in and out of a window, with dismissed findings")
    func countsAsSQLDoes() throws {
        var h = try CoachingHistory()
        h.add("en.anna", month: 9, firstDay: 3, count: 30, rude: 12)
        h.add("en.anna", month: 10, firstDay: 5, count: 20, rude: 3)
        h.add("en.boris", month: 9, firstDay: 3, count: 25, rude: 5)
        h.add("en.carl", month: 10, firstDay: 5, count: 10, rude: 0)
        try h.importAll()
        try h.flag()
        try h.database.writer.write { db in
            try db.execute(sql: "UPDATE findings SET verdict = 'dismissed' WHERE criterion = 'courtesy' AND conversation_id % 3 = 0")
        }
        let criteria = ["courtesy", "greeting", "script", "accuracy"]
        for (since, until) in [(nil, nil), ("2026-09-10T00:00:00.000Z", "2026-10-10T00:00:00.000Z")] as [(String?, String?)] {
            try h.database.writer.read { db in
                let counted = try FindingsPerAgent.count(db, criteria: criteria, since: since, until: until)
                let window = [since.map { "c.started_at >= '\($0)'" }, until.map { "c.started_at < '\($0)'" }].compactMap { $0 } + ["1"]
                let inWindow = window.joined(separator: " AND ")
                for (a, agent) in counted.agents.enumerated() {
                    let evaluated = try Int.fetchOne(db, sql: """
                        SELECT COUNT(*) FROM conversations c WHERE c.agent_id = ? AND \(inWindow)
                          AND EXISTS (SELECT 1 FROM evaluations e WHERE e.conversation_id = c.id)
                        """, arguments: [agent])
                    #expect(counted.evaluated[a] == evaluated)
                    for (k, criterion) in criteria.enumerated() {
                        let problems = try Int.fetchOne(db, sql: """
                            SELECT COUNT(DISTINCT c.id) FROM findings f JOIN conversations c ON c.id = f.conversation_id
                            WHERE c.agent_id = ? AND \(inWindow) AND f.criterion = ? AND f.status != 'error'
                              AND (f.verdict IS NULL OR f.verdict != 'dismissed')
                            """, arguments: [agent, criterion])
                        #expect(counted.problems[a][k] == problems, "\(agent) \(criterion) \(since ?? "-")")
                    }
                }
                let agents = try String.fetchAll(db, sql: "SELECT DISTINCT agent_id FROM conversations c WHERE \(inWindow) ORDER BY 1")
                #expect(counted.agents == agents)
            }
        }
    }
}
