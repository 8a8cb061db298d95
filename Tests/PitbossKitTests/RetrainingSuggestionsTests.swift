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
}
