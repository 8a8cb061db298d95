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

    @Test("too few conversations say nothing; a dismissed finding is no evidence; an open assignment is shown, not suggested again")
    func exclusions() throws {
        let f = try fixture()
        #expect(try RetrainingSuggestions(criteria: ["courtesy"], minimum: 31).fetch(from: f.database).isEmpty)
        let module = RetrainingModule(name: "de-escalation", title: "Courtesy", criteria: ["courtesy"])
        let id = try RetrainingStore(database: f.database).assign(
            RetrainingStore.Request(agent: "en.anna", module: module, dueOn: "2026-12-31", on: f.now), by: "qa.lead", now: f.now, zone: Fixture.utc).assignment.id
        #expect(try RetrainingSuggestions(criteria: ["courtesy"]).fetch(from: f.database).first?.openAssignment == id)
        // Reviewers dismiss every courtesy finding: the findings no longer show a problem.
        try f.database.writer.write { db in try db.execute(sql: "UPDATE findings SET verdict = 'dismissed' WHERE criterion = 'courtesy'") }
        let after = try RetrainingSuggestions(criteria: ["courtesy"]).fetch(from: f.database).filter { $0.source == .findings }
        #expect(after.isEmpty, "\(after)")
    }
}
