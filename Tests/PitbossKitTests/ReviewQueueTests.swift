import Foundation
import GRDB
import Testing
@testable import PitbossKit

/// A workspace for review tests: conversations of several agents, flagged with the test rubric and sampled.
struct ReviewFixture {
    let scratch = Scratch()
    let database: PitbossDatabase
    let now = UTCTimestamp.parse("2026-11-22T08:00:00Z")!

    /// "rude-N" conversations are flagged (agent en.anna), "calm-N" are not (agent en.boris).
    init(rude: Int = 2, calm: Int = 2, rudeReply: String = "hello, how can I help? not my problem, bye") throws {
        database = try PitbossDatabase.inMemory()
        var lines: [String] = []
        for i in 0..<rude {
            lines.append(Fixture.canonicalLine(id: "rude-\(i)", agent: "en.anna", turns: """
                [{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi, card 4111 1111 1111 1111 declined"},\
                {"speaker":"agent","at":"2026-11-21T22:04:30Z","text":"\(rudeReply)"}]
                """))
        }
        for i in 0..<calm { lines.append(Fixture.canonicalLine(id: "calm-\(i)", agent: "en.boris")) }
        let path = scratch.write("in.jsonl", lines.joined(separator: "\n") + "\n")
        _ = try TranscriptImporter(store: ConversationStore(database: database), schedule: .standard, options: ImportOptions()).run(paths: [path])
        var options = FlagRunner.Options()
        options.user = "qa.lead"
        options.selection = FlagSelection(agent: "en.anna")  // the calm ones stay out of the queue until sampled
        _ = try FlagRunner(store: FlagStore(database: database), rubric: TestRubric.rubric, options: options).run(now: now)
    }

    var queue: ReviewQueue { ReviewQueue(database: database, lease: 30 * 60) }
    var store: ReviewStore { ReviewStore(queue: queue) }

    func sampleAll() throws {
        _ = try SampleStore(database: database).sample(SamplePopulation(), SampleRequest(size: .count(1_000), seed: "all"), by: "qa.lead", now: now)
    }

    func count(_ sql: String) throws -> Int {
        try database.writer.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    func item(_ conversation: String) throws -> Int64 { try queue.item(named: conversation) }

    func minutes(_ m: Double) -> Date { now.addingTimeInterval(m * 60) }
}

@Suite("The shared review queue: claims, leases, assignment, release, skip")
struct ReviewQueueTests {
    let maria = Reviewer(name: "qa.maria")
    let ivan = Reviewer(name: "qa.ivan")

    @Test("the next item is the most urgent; two reviewers never get the same one; an empty queue gives nil")
    func claimNext() throws {
        let f = try ReviewFixture(rude: 2, calm: 0)
        let first = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let second = try #require(try f.queue.claimNext(for: ivan, now: f.now))
        #expect(first.item != second.item)
        #expect(first.expiresAt == "2026-11-22T08:30:00.000Z")
        #expect(try f.queue.claimNext(for: Reviewer(name: "qa.third"), now: f.now) == nil)
        // Asking again resumes one's own claim rather than taking another.
        #expect(try f.queue.claimNext(for: maria, now: f.minutes(5))?.item == first.item)
    }

    @Test("a claim expires after its lease and the item returns to the queue; the expiry is in the audit log")
    func leaseExpiry() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        #expect(try f.queue.claimNext(for: ivan, now: f.minutes(29)) == nil)
        #expect(try QueueQuery(status: .claimed).fetch(from: f.database, now: f.minutes(29)).count == 1)
        #expect(try QueueQuery(status: .open).fetch(from: f.database, now: f.minutes(31)).map(\.id) == [claim.item])
        let taken = try #require(try f.queue.claimNext(for: ivan, now: f.minutes(31)))
        #expect(taken.item == claim.item)
        let actions = try AuditLog.entries(in: f.database, item: claim.item).map { "\($0.actor) \($0.action.rawValue)" }
        #expect(actions == ["qa.maria claim", "pitboss expire", "qa.ivan claim"])
        // Maria's late score is refused: the item is Ivan's now.
        let card = try Scorecard(rubric: TestRubric.rubric, answers: TestRubric.passAll)
        let error = #expect(throws: PitbossError.self) {
            try f.store.submit(ReviewSubmission(item: claim.item, reviewer: maria, rubric: TestRubric.rubric, scorecard: card), now: f.minutes(32))
        }
        #expect(error?.code == .refused)
        #expect(try f.count("SELECT COUNT(*) FROM reviews") == 0)
    }

    @Test("nobody reviews a conversation in which they were the agent: it is never handed to them, and claiming it is refused")
    func selfReview() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let anna = Reviewer(name: "anna", agentIDs: ["en.anna"])
        #expect(try f.queue.claimNext(for: anna, now: f.now) == nil)
        let error = #expect(throws: PitbossError.self) { try f.queue.claim(try f.item("rude-0"), for: anna, now: f.now) }
        #expect(error?.code == .refused)
        #expect(error?.message.contains("was the agent") == true)
        // The reviewer's own name counts too, whatever its case.
        #expect(try f.queue.claimNext(for: Reviewer(name: "EN.ANNA"), now: f.now) == nil)
        #expect(try f.queue.assign(to: anna, count: 5, by: "lead", now: f.now).isEmpty)
    }

    @Test("a reviewer whose own conversations fill the front of the queue still gets the first one that is not theirs")
    func ownConversationsFirst() throws {
        let f = try ReviewFixture(rude: 30, calm: 1)
        try f.sampleAll()
        let anna = Reviewer(name: "anna", agentIDs: ["en.anna"])
        let claim = try #require(try f.queue.claimNext(for: anna, now: f.now))
        #expect(claim.conversation == "calm-0")
        #expect(try f.queue.assign(to: anna, count: 5, by: "lead", now: f.now).isEmpty)  // calm-0 is hers now, nothing else is allowed
    }

    @Test("a supervisor's assignment goes to its reviewer first, is not handed to others, and survives an expired claim")
    func assignment() throws {
        let f = try ReviewFixture(rude: 2, calm: 0)
        let assigned = try f.queue.assign(to: ivan, count: 1, by: "qa.lead", now: f.now)
        #expect(assigned.count == 1)
        let mariaGets = try #require(try f.queue.claimNext(for: maria, now: f.now))
        #expect(mariaGets.item != assigned[0])
        #expect(try f.queue.claimNext(for: maria, now: f.minutes(1))?.item == mariaGets.item)  // resumes, never Ivan's
        let ivanGets = try #require(try f.queue.claimNext(for: ivan, now: f.now))
        #expect(ivanGets.item == assigned[0])
        _ = try f.queue.claimNext(for: Reviewer(name: "qa.x"), now: f.minutes(40))  // expires both claims
        let entry = try #require(try QueueQuery().fetch(from: f.database, now: f.minutes(40)).first { $0.id == assigned[0] })
        #expect(entry.status == .assigned)  // open for its reviewer only: shown as such
        #expect(entry.assignedTo == "qa.ivan")
        #expect(try QueueQuery(assignedTo: "qa.ivan").fetch(from: f.database, now: f.minutes(40)).map(\.id) == assigned)
    }

    @Test("release: the holder gives an item back; someone else needs force; abandoning keeps a supervisor's assignment")
    func release() throws {
        let f = try ReviewFixture(rude: 2, calm: 0)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let error = #expect(throws: PitbossError.self) { try f.queue.release(claim.item, by: "qa.ivan", now: f.now) }
        #expect(error?.code == .refused)
        try f.queue.release(claim.item, by: "qa.lead", force: true, now: f.now)
        #expect(try QueueQuery(status: .open).fetch(from: f.database, now: f.now).count == 2)
        #expect(throws: PitbossError.self) { try f.queue.release(claim.item, by: "qa.maria", now: f.now) }  // held by nobody

        let assigned = try f.queue.assign(to: maria, count: 1, by: "qa.lead", now: f.now)[0]
        let mine = try #require(try f.queue.claimNext(for: maria, now: f.now))
        #expect(mine.item == assigned)
        #expect(try f.queue.abandon(assigned, by: maria, now: f.now) == .stillAssigned)  // not "back in the queue": it waits for her
        let entry = try #require(try QueueQuery().fetch(from: f.database, now: f.now).first { $0.id == assigned })
        #expect(entry.status == .assigned && entry.assignedTo == "qa.maria")
        #expect(try f.queue.abandon(assigned, by: maria, now: f.now) == .notHeld)  // no claim left to end
    }

    @Test("skip needs a reason, is recorded, and takes the item out of the queue until released")
    func skip() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let id = try f.item("rude-0")
        #expect(throws: PitbossError.self) { try f.queue.skip(id, why: "  ", by: maria, now: f.now) }
        #expect(throws: PitbossError.self) { try f.queue.skip(id, why: "a test chat", by: Reviewer(name: "anna", agentIDs: ["en.anna"]), now: f.now) }
        try f.queue.skip(id, why: "test chat from the QA team", by: maria, now: f.now)
        #expect(try f.queue.claimNext(for: ivan, now: f.now) == nil)
        #expect(try AuditLog.entries(in: f.database, item: id).last?.detail["why"] == "test chat from the QA team")
        try f.queue.release(id, by: "qa.maria", now: f.now)
        #expect(try f.queue.claimNext(for: ivan, now: f.now)?.item == id)
    }

    @Test("the audit log refuses to be changed")
    func auditIsAppendOnly() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        _ = try f.queue.claimNext(for: maria, now: f.now)
        #expect(throws: (any Error).self) { try f.database.writer.write { try $0.execute(sql: "UPDATE audit_log SET actor = 'someone'") } }
        #expect(throws: (any Error).self) { try f.database.writer.write { try $0.execute(sql: "DELETE FROM audit_log") } }
        #expect(try f.count("SELECT COUNT(*) FROM audit_log WHERE actor = 'qa.maria'") == 1)
    }

    @Test("a sample queues its conversations with reason sample and stores its seed and plan")
    func sampleQueued() throws {
        let f = try ReviewFixture(rude: 1, calm: 3)
        let outcome = try SampleStore(database: f.database).sample(SamplePopulation(), SampleRequest(size: .count(2), seed: "s1"), by: "qa.lead", now: f.now)
        #expect(outcome.queued == 2)
        // The flagged conversation was in the queue already, so only calm ones were drawn.
        #expect(outcome.draw.chosen.allSatisfy { $0.unit.id.hasPrefix("calm-") })
        let plan = try SampleStore(database: f.database).plan(try #require(outcome.sampleID))
        #expect(plan.seed == "s1")
        #expect(plan.population == 3)
        #expect(try QueueQuery(reason: .sample).fetch(from: f.database).count == 2)
        // Re-deriving with the same seed over the same population (queued ones included again) gives the same ids.
        let again = try SampleStore(database: f.database).sample(SamplePopulation(includeQueued: true), SampleRequest(size: .count(2), seed: "s1"),
                                                                 by: "auditor", dryRun: true, now: f.now)
        #expect(again.draw.plan.population == 2)  // the flagged one and the calm one not drawn: a sample never takes one twice
        // An auditor re-derives the stored sample from its stored population, whatever the queue looks like now.
        let verification = try SampleStore(database: f.database).verify(try #require(outcome.sampleID))
        #expect(verification.matches)
        #expect(verification.stored == outcome.draw.chosen.map(\.unit.id).sorted())
        let dry = try SampleStore(database: f.database).sample(SamplePopulation(agents: ["en.boris"]), SampleRequest(size: .count(5), seed: "s1"),
                                                               by: "qa.lead", dryRun: true, now: f.now)
        #expect(dry.sampleID == nil)
        #expect(try f.count("SELECT COUNT(*) FROM samples") == 1)
    }
}
