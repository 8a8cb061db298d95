import Foundation
import GRDB
import Testing
@testable import PitbossKit

@Suite("Retraining assignments: assigned, started, completed or cancelled, each change appended, never edited")
struct RetrainingStoreTests {
    let courtesy = RetrainingModule(name: "de-escalation", title: "Staying courteous", criteria: ["courtesy"])
    let utc = Fixture.utc

    func request(_ f: ReviewFixture, agent: String = "en.anna", due: String = "2026-12-15", daysAgo: Double = 0) -> RetrainingStore.Request {
        RetrainingStore.Request(agent: agent, module: courtesy, dueOn: due, on: f.now.addingTimeInterval(-daysAgo * 86_400))
    }

    @Test("the whole path: assigned, started, completed, with who and when of each change")
    func lifecycle() throws {
        let f = try ReviewFixture(rude: 1, calm: 1)
        let store = RetrainingStore(database: f.database)
        let (assignment, earlier) = try store.assign(request(f), by: "qa.lead", now: f.now, zone: utc)
        #expect(assignment.state == .assigned && assignment.criteria == ["courtesy"] && earlier.isEmpty)
        try store.move(assignment.id, to: .started, on: f.minutes(60), by: "qa.lead", now: f.minutes(60))
        let done = try store.move(assignment.id, to: .completed, on: f.minutes(120), by: "qa.lead", now: f.minutes(120))
        #expect(done.state == .completed)
        let (_, events) = try store.show(assignment.id)
        #expect(events.map(\.state) == [.assigned, .started, .completed])
        #expect(try AuditLog.entries(in: f.database).filter { $0.action == .retrain }.count == 3)
    }

    @Test("refused, with nothing stored: a move its state does not allow, a cancel without a reason, a date before the last change or in the future")
    func refusals() throws {
        let f = try ReviewFixture(rude: 1, calm: 1)
        let store = RetrainingStore(database: f.database)
        let id = try store.assign(request(f), by: "qa.lead", now: f.now, zone: utc).assignment.id
        #expect(throws: PitbossError.self) { try store.move(id, to: .cancelled, reason: " ", on: f.now, by: "qa.lead", now: f.now) }
        #expect(throws: PitbossError.self) { try store.move(id, to: .started, on: f.minutes(-60), by: "qa.lead", now: f.now) }
        #expect(throws: PitbossError.self) { try store.move(id, to: .started, on: f.minutes(600), by: "qa.lead", now: f.now) }
        try store.move(id, to: .cancelled, reason: "left the company", on: f.now, by: "qa.lead", now: f.now)
        #expect { try store.move(id, to: .completed, on: f.now, by: "qa.lead", now: f.now) } throws: { ($0 as? PitbossError)?.code == .refused }
        #expect(try store.show(id).events.count == 2)
    }

    @Test("an agent nobody has heard of is named with the closest known ids; a due date before the assignment is refused")
    func badRequests() throws {
        let f = try ReviewFixture(rude: 1, calm: 1)
        let store = RetrainingStore(database: f.database)
        #expect { try store.assign(request(f, agent: "en.ana"), by: "qa.lead", now: f.now, zone: utc) } throws: {
            ($0 as? PitbossError)?.message.contains("agents with a similar id: en.anna") == true
        }
        #expect(throws: PitbossError.self) { try store.assign(request(f, due: "2026-01-01"), by: "qa.lead", now: f.now, zone: utc) }
        #expect(try store.list().isEmpty)
    }

    @Test("a second assignment on the same criterion within 90 days repeats the first; an older one does not count")
    func repeats() throws {
        let f = try ReviewFixture(rude: 1, calm: 1)
        let store = RetrainingStore(database: f.database)
        let old = try store.assign(request(f, daysAgo: 125), by: "qa.lead", now: f.now, zone: utc).assignment
        let first = try store.assign(request(f, daysAgo: 30), by: "qa.lead", now: f.now, zone: utc)
        #expect(first.earlier.isEmpty && first.assignment.repeatOf == nil)  // 95 days before it: outside the window
        let second = try store.assign(request(f, daysAgo: 10), by: "qa.lead", now: f.now, zone: utc)
        #expect(second.assignment.repeatOf == first.assignment.id)
        let third = try store.assign(request(f), by: "qa.lead", now: f.now, zone: utc)
        #expect(third.earlier.map(\.id) == [second.assignment.id, first.assignment.id])
        #expect(old.repeatOf == nil)
    }

    @Test("overdue is derived from the due date; lists filter by agent, module and state")
    func listing() throws {
        let f = try ReviewFixture(rude: 1, calm: 1)
        let store = RetrainingStore(database: f.database)
        let late = try store.assign(request(f, due: "2026-11-22", daysAgo: 5), by: "qa.lead", now: f.now, zone: utc).assignment
        _ = try store.assign(request(f, agent: "en.boris", due: "2026-12-31"), by: "qa.lead", now: f.now, zone: utc)
        #expect(try store.list(overdueOn: "2026-11-23").map(\.id) == [late.id])
        #expect(try store.list(agent: "en.boris").count == 1)
        #expect(try store.list(state: .assigned).count == 2)
        try store.move(late.id, to: .completed, on: f.now, by: "qa.lead", now: f.now)
        #expect(try store.list(overdueOn: "2026-11-23").isEmpty)
    }

    @Test("the history is append-only in the database itself")
    func appendOnly() throws {
        let f = try ReviewFixture(rude: 1, calm: 1)
        _ = try RetrainingStore(database: f.database).assign(request(f), by: "qa.lead", now: f.now, zone: utc)
        for sql in ["UPDATE retraining_assignments SET module = 'x'", "DELETE FROM retraining_events", "UPDATE retraining_events SET state = 'completed'"] {
            #expect(throws: DatabaseError.self) { try f.database.writer.write { try $0.execute(sql: sql) } }
        }
    }

    @Test("named criteria narrow the module's, each once; one outside the module is refused")
    func criteriaNarrowTheModule() throws {
        let f = try ReviewFixture(rude: 1, calm: 1)
        let store = RetrainingStore(database: f.database)
        let payments = RetrainingModule(name: "payments-policy", title: "Payments", criteria: ["accuracy", "verification"])
        var asked = RetrainingStore.Request(agent: "en.anna", module: payments, criteria: ["verification", "accuracy", "verification"],
                                            dueOn: "2026-12-15", on: f.now)
        #expect(try store.assign(asked, by: "qa.lead", now: f.now, zone: utc).assignment.criteria == ["accuracy", "verification"])
        asked.criteria = ["courtesy"]
        #expect(throws: PitbossError.self) { try store.assign(asked, by: "qa.lead", now: f.now, zone: utc) }
        #expect(try store.list().count == 1)
    }

    @Test("a module's rules must be the rubric's and on the module's criteria")
    func moduleRulesAgainstTheRubric() {
        let rubric = TestRubric.rubric
        #expect(RetrainingModule(name: "m", title: "M", criteria: ["courtesy"], rules: ["rude"]).ruleProblems(against: rubric).isEmpty)
        let unknown = RetrainingModule(name: "m", title: "M", criteria: ["courtesy"], rules: ["no-such-rule"]).ruleProblems(against: rubric)
        #expect(unknown == ["module m names rule 'no-such-rule', which rubric test does not have (its rules on courtesy: rude)"])
        let elsewhere = RetrainingModule(name: "m", title: "M", criteria: ["courtesy"], rules: ["greet"]).ruleProblems(against: rubric)
        #expect(elsewhere.first?.contains("which is on greeting, not on the module's criteria (courtesy)") == true, "\(elsewhere)")
        #expect(RetrainingModule(name: "m", title: "M", criteria: ["courtesy", "tone"]).unknownCriteria(in: rubric) == ["tone"])
    }
}
