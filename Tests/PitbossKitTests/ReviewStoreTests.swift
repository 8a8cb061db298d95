import Foundation
import GRDB
import Testing
@testable import PitbossKit

@Suite("Reviews: stored whole or not at all, immutable, corrected by revisions, feeding the rules' precision")
struct ReviewStoreTests {
    let maria = Reviewer(name: "qa.maria")
    let ivan = Reviewer(name: "qa.ivan")
    let rubric = TestRubric.rubric

    func card(_ changes: [String: String] = [:]) throws -> Scorecard {
        try Scorecard(rubric: rubric, answers: TestRubric.passAll.merging(changes) { _, new in new })
    }

    @Test("a submitted review stores every answer, the score, the rubric hash, the reviewer, and the findings' verdicts")
    func submit() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let finding = try #require(try FindingQuery(conversation: "rude-0", rule: "rude").fetch(from: f.database).first)
        let stored = try f.store.submit(ReviewSubmission(item: claim.item, reviewer: maria, rubric: rubric, scorecard: try card(["courtesy": "fail"]),
                                                         verdicts: [FindingVerdict(finding: finding.id, verdict: .confirmed)], comment: "rude"), now: f.minutes(3))
        // Applicable weights: courtesy 2, accuracy 3, greeting 1, script 1, verification 2 = 9; courtesy failed → 7/9.
        #expect(abs(stored.score - 7.0 / 9.0 * 100) < 1e-9)
        #expect(stored.answers.map(\.criterion) == rubric.criteria.map(\.id))
        #expect(stored.rubricHash == rubric.contentHash)
        #expect(stored.reviewer == "qa.maria")
        #expect(stored.verdicts == [FindingVerdict(finding: finding.id, verdict: .confirmed)])
        #expect(try FindingQuery(conversation: "rude-0", rule: "rude").fetch(from: f.database).first?.verdict == .confirmed)
        #expect(try QueueQuery(status: .scored).fetch(from: f.database).map(\.id) == [claim.item])
        #expect(try AuditLog.entries(in: f.database, item: claim.item).map(\.action) == [.claim, .score])
        let precision = try #require(try RulePrecision.fetch(from: f.database).first { $0.rule == "rude" })
        #expect(precision.confirmed == 1 && precision.precision == 1)
    }

    @Test("an item someone else holds, or an unknown finding, is refused and nothing is stored")
    func refusals() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let held = #expect(throws: PitbossError.self) {
            try f.store.submit(ReviewSubmission(item: claim.item, reviewer: ivan, rubric: rubric, scorecard: try card()), now: f.now)
        }
        #expect(held?.code == .refused)
        #expect(held?.message.contains("claimed by qa.maria") == true)
        let unknown = #expect(throws: PitbossError.self) {
            try f.store.submit(ReviewSubmission(item: claim.item, reviewer: maria, rubric: rubric, scorecard: try card(),
                                                verdicts: [FindingVerdict(finding: 999, verdict: .dismissed)]), now: f.now)
        }
        #expect(unknown?.message.contains("F999 is not a finding of rude-0") == true)
        #expect(try f.count("SELECT COUNT(*) FROM reviews") == 0)
        #expect(try f.count("SELECT COUNT(*) FROM review_answers") == 0)
        #expect(try f.count("SELECT COUNT(*) FROM findings WHERE verdict IS NOT NULL") == 0)
        #expect(try QueueQuery(status: .claimed).fetch(from: f.database, now: f.now).count == 1)
    }

    @Test("a submitted review is immutable: scoring again is refused, the database refuses UPDATE and DELETE; a revision keeps the history")
    func revisions() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let item = try f.item("rude-0")
        let first = try f.store.submit(ReviewSubmission(item: item, reviewer: maria, rubric: rubric, scorecard: try card()), now: f.now)
        #expect(first.revision == 1)
        let again = #expect(throws: PitbossError.self) {
            try f.store.submit(ReviewSubmission(item: item, reviewer: ivan, rubric: rubric, scorecard: try card()), now: f.minutes(1))
        }
        #expect(again?.code == .refused)
        #expect(throws: (any Error).self) { try f.database.writer.write { try $0.execute(sql: "UPDATE reviews SET score = 100") } }
        #expect(throws: (any Error).self) { try f.database.writer.write { try $0.execute(sql: "DELETE FROM review_answers") } }

        let second = try f.store.submit(ReviewSubmission(item: item, reviewer: ivan, rubric: rubric, scorecard: try card(["accuracy": "fail"]),
                                                         revisionReason: "missed the false promise in turn 1"), now: f.minutes(10))
        #expect(second.revision == 2)
        #expect(second.revises == first.id)
        #expect(second.autoFailed && second.score == 0)
        let third = try f.store.submit(ReviewSubmission(item: item, reviewer: maria, rubric: rubric, scorecard: try card(),
                                                        revisionReason: "calibration: the promise was conditional"), now: f.minutes(20))
        #expect(third.revises == second.id && third.revision == 3)
        let history = try f.store.history(item: item)
        #expect(history.map(\.revision) == [1, 2, 3])
        #expect(history[0].score == 100 && history[0].revisionReason == nil)
        #expect(history[1].revisionReason == "missed the false promise in turn 1")
        #expect(try AuditLog.entries(in: f.database, item: item).map(\.action) == [.score, .revise, .revise])
        #expect(throws: PitbossError.self) {  // a revision needs a reason and something to revise
            try f.store.submit(ReviewSubmission(item: try f.item("rude-0"), reviewer: maria, rubric: rubric, scorecard: try card(), revisionReason: " "), now: f.now)
        }
    }

    @Test("scoring a conversation closes its other waiting items (flagged and sampled), so nobody reviews it twice")
    func siblings() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        _ = try SampleStore(database: f.database).sample(SamplePopulation(includeQueued: true), SampleRequest(size: .count(1), seed: "s"), by: "lead", now: f.now)
        let items = try QueueQuery().fetch(from: f.database).map(\.id)
        #expect(items.count == 2)
        let review = try f.store.submit(ReviewSubmission(item: items[0], reviewer: maria, rubric: rubric, scorecard: try card()), now: f.now)
        #expect(try QueueQuery(status: .scored).fetch(from: f.database).count == 2)
        #expect(try AuditLog.entries(in: f.database, item: items[1]).last?.review == review.id)
        // Whichever item is named, the history and a correction are the conversation's.
        #expect(try f.store.history(item: items[1]).map(\.id) == [review.id])
        let fix = try f.store.submit(ReviewSubmission(item: items[1], reviewer: ivan, rubric: rubric, scorecard: try card(["greeting": "fail"]),
                                                      revisionReason: "greeting missed", basedOn: review.id), now: f.minutes(5))
        #expect(fix.revises == review.id)
        // A correction that started from the old revision is refused, not stored over the newer one.
        let stale = #expect(throws: PitbossError.self) {
            try f.store.submit(ReviewSubmission(item: items[0], reviewer: maria, rubric: rubric, scorecard: try card(),
                                                revisionReason: "typo", basedOn: review.id), now: f.minutes(6))
        }
        #expect(stale?.code == .refused)
        #expect(try f.store.history(item: items[0]).count == 2)
    }

    @Test("a correction never touches the queue: another item of the conversation claimed by someone else stays theirs")
    func correctionLeavesQueueAlone() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let scoredItem = try f.item("rude-0")
        let first = try f.store.submit(ReviewSubmission(item: scoredItem, reviewer: maria, rubric: rubric, scorecard: try card()), now: f.now)
        try f.database.writer.write { db in
            try db.execute(sql: "INSERT INTO queue_items (conversation_id, reason, priority, created_at) SELECT conversation_id, 'dispute', 500, 'now' FROM queue_items WHERE id = ?",
                           arguments: [scoredItem])
        }
        let dispute = try #require(try f.queue.claimNext(for: ivan, now: f.minutes(1)))
        #expect(try f.queue.item(named: "rude-0") == dispute.item)  // the claimed item is what the conversation's id names now
        let fix = try f.store.submit(ReviewSubmission(item: dispute.item, reviewer: maria, rubric: rubric, scorecard: try card(["greeting": "fail"]),
                                                      revisionReason: "greeting was the bot's", basedOn: first.id), now: f.minutes(2))
        #expect(fix.item == scoredItem)
        let entry = try #require(try QueueQuery().fetch(from: f.database, now: f.minutes(2)).first { $0.id == dispute.item })
        #expect(entry.status == .claimed && entry.assignedTo == "qa.ivan")
    }

    @Test("two items of one conversation are never reviewed by two people at once")
    func oneReviewerPerConversation() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        _ = try SampleStore(database: f.database).sample(SamplePopulation(includeQueued: true), SampleRequest(size: .count(1), seed: "s"), by: "lead", now: f.now)
        let first = try #require(try f.queue.claimNext(for: maria, now: f.now))
        #expect(try f.queue.claimNext(for: ivan, now: f.now) == nil)
        let other = try #require(try QueueQuery(status: .open).fetch(from: f.database, now: f.now).first)
        #expect(other.id != first.item)
        let error = #expect(throws: PitbossError.self) { try f.queue.claim(other.id, for: ivan, now: f.now) }
        #expect(error?.message.contains("is being reviewed by qa.maria") == true)
    }

    @Test("a verdict on a finding that was replaced by another rule's (flag ran again) is refused")
    func verdictOnReplacedFinding() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let finding = try #require(try FindingQuery(conversation: "rude-0", rule: "rude").fetch(from: f.database).first)
        let error = #expect(throws: PitbossError.self) {
            try f.store.submit(ReviewSubmission(item: claim.item, reviewer: maria, rubric: rubric, scorecard: try card(),
                                                verdicts: [FindingVerdict(finding: finding.id, verdict: .dismissed, rule: "greet")]), now: f.now)
        }
        #expect(error?.message.contains("is now a finding of rule rude, not greet") == true)
        #expect(try f.count("SELECT COUNT(*) FROM reviews") == 0)
    }

    final class Script: ReviewTerminal {
        var lines: [String]
        var output = ""
        init(_ lines: [String]) { self.lines = lines }
        func write(_ text: String) { output += text }
        func readLine(prompt: String) -> String? {
            output += prompt
            return lines.isEmpty ? nil : lines.removeFirst()
        }
    }

    func session(_ f: ReviewFixture, _ claim: ReviewQueue.Claim, showPII: Bool = false) throws -> ReviewSession {
        let conversation = try #require(try ConversationStore(database: f.database).conversation(externalID: claim.conversation))
        return ReviewSession(store: f.store, rubric: rubric, reviewer: maria, claim: claim, conversation: conversation,
                             findings: try FindingQuery(conversation: claim.conversation).fetch(from: f.database),
                             style: .plain, timeZone: Fixture.utc, showPersonalData: showPII)
    }

    @Test("the interactive walk: verdicts, the suggested answers taken with Enter, a retyped bad answer, a comment, submit")
    func interactive() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let findings = try FindingQuery(conversation: "rude-0").fetch(from: f.database).filter { $0.status != .error }
        // One verdict per finding: confirm the rudeness, dismiss the rest with a reason.
        var lines = findings.map { $0.rule == "rude" ? "c" : "d not in this chat" }
        lines += ["", "maybe", "pass"]  // courtesy: suggestion (fail), then accuracy: a bad answer, retyped
        lines += Array(repeating: "", count: rubric.criteria.count - 2)
        lines += ["Rude closing line", "s"]
        let script = Script(lines)
        let outcome = try session(f, claim).run(script, now: { f.minutes(4) })
        guard case .submitted(let review) = outcome else { Issue.record("not submitted: \(script.output)"); return }
        #expect(review.answers.first { $0.criterion == "courtesy" }?.answer == "fail")
        #expect(review.comment == "Rude closing line")
        #expect(review.verdicts.count == findings.count)
        #expect(script.output.contains("»not my problem«[F"))
        #expect(script.output.contains("[card …1111]"))
        #expect(!script.output.contains("4111 1111"))
        #expect(script.output.contains("'maybe' is not an answer here"))
    }

    @Test("bulk verdicts: 'd all REASON' for this finding and every one after it; 'c rule' for those of this finding's rule")
    func bulkVerdicts() throws {
        // Three findings: two of the rude rule, one of disclosing the balance before verifying.
        let reply = "hello, how can I help? not my problem. useless. your balance is 40, bye"
        let f = try ReviewFixture(rude: 1, calm: 0, rudeReply: reply)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let findings = try FindingQuery(conversation: "rude-0").fetch(from: f.database).filter { $0.status != .error }
        #expect(findings.count == 3 && Set(findings.map(\.rule)) == ["rude", "verify"])
        // Said back and confirmed first: "d all …" might have been meant as a reason.
        let script = Script(["d all quoting the player", "y"] + Array(repeating: "", count: rubric.criteria.count) + ["", "s"])
        guard case .submitted(let review) = try session(f, claim).run(script, now: { f.minutes(4) }) else {
            Issue.record("not submitted: \(script.output)"); return
        }
        #expect(review.verdicts.count == findings.count)
        #expect(review.verdicts.allSatisfy { $0.verdict == .dismissed && $0.reason == "quoting the player" })
        #expect(script.output.contains("→ dismissed") && script.output.contains("dismissed F") && script.output.contains("and the 2 findings after it"))

        let g = try ReviewFixture(rude: 1, calm: 0, rudeReply: reply)
        let second = try #require(try g.queue.claimNext(for: maria, now: g.now))
        let first = try #require(findings.first)
        let sameRule = findings.filter { $0.rule == first.rule }.count
        // Confirm the first finding's rule at once; every other finding is asked, and skipped.
        let answers = ["c rule", "n", "c rule", "y"] + Array(repeating: "s", count: findings.count - sameRule)  // no, then yes
        let partial = Script(answers + Array(repeating: "", count: rubric.criteria.count) + ["", "s"])
        guard case .submitted(let mixed) = try session(g, second).run(partial, now: { g.minutes(4) }) else {
            Issue.record("not submitted: \(partial.output)"); return
        }
        #expect(mixed.verdicts.count == sameRule && mixed.verdicts.allSatisfy { $0.verdict == .confirmed })
    }

    @Test("abandoning an item a supervisor assigned says it stays assigned, not that it is back in the queue")
    func abandonAssigned() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        _ = try f.queue.assign(to: maria, count: 1, by: "qa.lead", now: f.now)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let script = Script(["abandon"])
        guard case .abandoned = try session(f, claim).run(script, now: { f.minutes(1) }) else { Issue.record("not abandoned"); return }
        #expect(script.output.contains("stays assigned to you") && !script.output.contains("back in the queue."), "\(script.output)")
    }

    @Test("after [e]dit, Enter at the comment prompt keeps the comment typed before, and the summary shows it; - clears it")
    func editKeepsComment() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let findings = try FindingQuery(conversation: "rude-0").fetch(from: f.database).filter { $0.status != .error }
        let criteria = rubric.criteria.count
        var lines = Array(repeating: "s", count: findings.count)
        lines += Array(repeating: "", count: criteria) + ["Rude closing line", "e"]  // answer, comment, then edit
        lines += Array(repeating: "", count: criteria) + ["", "s"]                   // Enter at the comment prompt, submit
        let script = Script(lines)
        guard case .submitted(let review) = try session(f, claim).run(script, now: { f.minutes(4) }) else {
            Issue.record("not submitted: \(script.output)"); return
        }
        #expect(review.comment == "Rude closing line")
        #expect(script.output.contains("Comment: “Rude closing line”"))
        #expect(script.output.contains("Comment so far: “Rude closing line”"))

        let g = try ReviewFixture(rude: 1, calm: 0)
        let second = try #require(try g.queue.claimNext(for: maria, now: g.now))
        var clearing = Array(repeating: "s", count: findings.count)
        clearing += Array(repeating: "", count: criteria) + ["typo", "e"] + Array(repeating: "", count: criteria) + ["-", "s"]
        let cleared = Script(clearing)
        guard case .submitted(let plain) = try session(g, second).run(cleared, now: { g.minutes(4) }) else {
            Issue.record("not submitted: \(cleared.output)"); return
        }
        #expect(plain.comment == nil)
        #expect(cleared.output.contains("Comment: none"))
    }

    @Test("a long review keeps its claim (renewed at a prompt after half the lease); if the item was lost, the reviewer hears so")
    func leaseRenewal() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        var minute = 0.0
        let script = Script(Array(repeating: "s", count: 20) + Array(repeating: "", count: rubric.criteria.count) + ["", "s"])
        // Every answer takes the reviewer ten minutes: the review takes far longer than the 30-minute lease.
        final class Clock: @unchecked Sendable { var minute = 0.0 }
        let clock = Clock()
        let outcome = try session(f, claim).run(script, now: { clock.minute += 10; return f.minutes(clock.minute) })
        guard case .submitted = outcome else { Issue.record("not submitted: \(script.output)"); return }
        #expect(try AuditLog.entries(in: f.database, item: claim.item).map(\.action).contains(.renew))
        minute = clock.minute
        #expect(minute > 30)

        let g = try ReviewFixture(rude: 1, calm: 0)
        let lost = try #require(try g.queue.claimNext(for: maria, now: g.now))
        _ = try g.queue.claimNext(for: ivan, now: g.minutes(45))  // the lease ran out while Maria read; Ivan has it now
        let late = Script(["c"])
        #expect(throws: PitbossError.self) { _ = try session(g, lost).run(late, now: { g.minutes(46) }) }
        #expect(late.output.contains("ran out and was taken"))
        #expect(!late.output.contains("What you had entered"))  // nothing was entered before the first prompt
    }

    @Test("a submit that is refused prints everything the reviewer entered, so nothing typed is lost")
    func rescueCommand() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let script = Script(Array(repeating: "d not rude", count: 10) + Array(repeating: "", count: rubric.criteria.count) + ["it's fine", "s"])
        // Between the last answer and the submit a supervisor takes the item back and gives it to Ivan.
        final class Once: @unchecked Sendable { var done = false }
        let once = Once()
        let s = try session(f, claim)
        let terminal = Interposer(script) {
            guard !once.done else { return }
            once.done = true
            try? f.queue.release(claim.item, by: "qa.lead", force: true, now: f.minutes(1))
            _ = try? f.queue.claimNext(for: ivan, now: f.minutes(1))
        }
        #expect(throws: PitbossError.self) { _ = try s.run(terminal, now: { f.minutes(2) }) }
        #expect(script.output.contains("Not stored: "))
        #expect(script.output.contains("item \(claim.item) by qa.maria (rubric \(rubric.path)); courtesy=pass,"))
        #expect(script.output.contains("comment: it's fine"))
        #expect(try f.count("SELECT COUNT(*) FROM reviews") == 0)
    }

    @Test("a supervisor's forced release ends the reviewer's claim: their submit is refused even though nobody took the item")
    func forcedReleaseRefusesSubmit() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let script = Script(Array(repeating: "s", count: 10) + Array(repeating: "", count: rubric.criteria.count) + ["", "s"])
        let terminal = Interposer(script) { try? f.queue.release(claim.item, by: "qa.lead", force: true, now: f.minutes(1)) }
        #expect(throws: PitbossError.self) { _ = try session(f, claim).run(terminal, now: { f.minutes(2) }) }
        #expect(script.output.contains("your claim on item \(claim.item) ended before the submit"))
        #expect(try f.count("SELECT COUNT(*) FROM reviews") == 0)
        #expect(try QueueQuery(status: .open).fetch(from: f.database, now: f.minutes(2)).map(\.id) == [claim.item])
    }

    @Test("in a comment or a reason only 'abandon' abandons: 'quit' is text there")
    func quitIsText() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let findings = try FindingQuery(conversation: "rude-0").fetch(from: f.database).filter { $0.status != .error }
        let script = Script(["d", "quit"] + Array(repeating: "s", count: findings.count - 1)
                            + Array(repeating: "", count: rubric.criteria.count) + [":q", "s"])
        guard case .submitted(let review) = try session(f, claim).run(script, now: { f.minutes(3) }) else {
            Issue.record("not submitted: \(script.output)"); return
        }
        #expect(review.comment == ":q")
        #expect(review.verdicts.first?.reason == "quit")
    }

    /// A script that runs `beforeSubmit` when the review is submitted.
    final class Interposer: ReviewTerminal {
        let script: Script
        let beforeSubmit: () -> Void
        init(_ script: Script, beforeSubmit: @escaping () -> Void) {
            self.script = script
            self.beforeSubmit = beforeSubmit
        }
        func write(_ text: String) { script.write(text) }
        func readLine(prompt: String) -> String? { script.readLine(prompt: prompt) }
        func submitting(_ body: () throws -> StoredReview) throws -> StoredReview {
            beforeSubmit()
            return try body()
        }
    }

    @Test("the end of input (a closed terminal, a pipe run dry) stores nothing and gives the claim back")
    func endOfInput() throws {
        let f = try ReviewFixture(rude: 1, calm: 0)
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let outcome = try session(f, claim, showPII: true).run(Script(["c"]), now: { f.minutes(1) })
        guard case .abandoned = outcome else { Issue.record("expected abandoned"); return }
        #expect(try f.count("SELECT COUNT(*) FROM reviews") == 0)
        #expect(try f.count("SELECT COUNT(*) FROM findings WHERE verdict IS NOT NULL") == 0)
        #expect(try QueueQuery(status: .open).fetch(from: f.database, now: f.minutes(1)).map(\.id) == [claim.item])
    }
}
