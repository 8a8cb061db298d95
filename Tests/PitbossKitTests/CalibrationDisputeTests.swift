import Foundation
import GRDB
import Testing
@testable import PitbossKit

/// Calibration sessions and disputes in the store: blind and isolated from real reviews; every dispute state change and
/// refusal; and the v9 migration of a workspace with data in it.
@Suite("Calibration and disputes")
struct CalibrationDisputeTests {
    let maria = Reviewer(name: "qa.maria")
    let tom = Reviewer(name: "qa.tom")
    let olga = Reviewer(name: "sup.olga")

    /// Three conversations, one rude (flagged and queued), a rubric of courtesy (critical: no) and greeting.
    func fixture() throws -> ReviewFixture { try ReviewFixture(rude: 1, calm: 2) }

    func card(_ f: ReviewFixture, courtesy: String) throws -> Scorecard {
        try Scorecard(rubric: TestRubric.rubric, answers: TestRubric.passAll.merging(["courtesy": courtesy]) { _, new in new })
    }

    func count(_ f: ReviewFixture, _ sql: String) throws -> Int { try f.count(sql) }

    @Test("a calibration task is scored into the calibration tables only: no real review, verdict, precision or queue item changes")
    func calibrationIsIsolated() throws {
        let f = try fixture()
        let store = CalibrationStore(queue: f.queue)
        let session = try store.create(CalibrationRequest(name: "w1", reviewers: ["qa.maria", "qa.tom"], conversations: .named(["rude-0", "calm-0"])),
                                       scorers: [maria, tom], rubric: TestRubric.rubric, by: "sup.olga", now: f.now)
        #expect(session.conversations == ["rude-0", "calm-0"])
        #expect(try count(f, "SELECT COUNT(*) FROM queue_items WHERE reason = 'calibration' AND assigned_by = 'sup.olga'") == 4)
        let finding = try #require(try FindingQuery(conversation: "rude-0").fetch(from: f.database).first { $0.status != .error })
        let precisionBefore = try RulePrecision.fetch(from: f.database)
        let queueBefore = try count(f, "SELECT COUNT(*) FROM queue_items WHERE reason != 'calibration' AND status = 'open'")

        // Maria takes her tasks first (assigned to her), and the real item of the same conversation is claimable by Tom at once.
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        #expect(claim.reason == .calibration)
        let real = try #require(try f.queue.claimNext(for: tom, reason: .flagged, now: f.now))
        #expect(real.conversation == claim.conversation)
        let stored = try f.store.submit(ReviewSubmission(item: claim.item, reviewer: maria, rubric: TestRubric.rubric, scorecard: try card(f, courtesy: "fail"),
                                                         verdicts: [FindingVerdict(finding: finding.id, verdict: .confirmed, rule: finding.rule)]), now: f.now)
        #expect(stored.calibrationSession == "w1")
        #expect(try count(f, "SELECT COUNT(*) FROM reviews") == 0)
        #expect(try count(f, "SELECT COUNT(*) FROM calibration_reviews") == 1)
        #expect(try FindingQuery(conversation: "rude-0").fetch(from: f.database).first { $0.id == finding.id }?.verdict == nil)
        #expect(try RulePrecision.fetch(from: f.database) == precisionBefore)
        #expect(try count(f, "SELECT COUNT(*) FROM queue_items WHERE reason != 'calibration' AND status IN ('open', 'claimed')") == queueBefore)
        // Both are scored: the real review too, and it does not touch the calibration tasks.
        _ = try f.store.submit(ReviewSubmission(item: real.item, reviewer: tom, rubric: TestRubric.rubric, scorecard: try card(f, courtesy: "pass")), now: f.now)
        #expect(try count(f, "SELECT COUNT(*) FROM reviews") == 1)
        #expect(try count(f, "SELECT COUNT(*) FROM queue_items WHERE reason = 'calibration' AND status = 'open'") == 3)
        #expect(try count(f, "SELECT COUNT(*) FROM queue_items WHERE reason = 'calibration' AND status = 'claimed'") == 0)
        // A calibration answer is given once.
        let again = #expect(throws: PitbossError.self) {
            try f.store.submit(ReviewSubmission(item: claim.item, reviewer: maria, rubric: TestRubric.rubric, scorecard: try card(f, courtesy: "pass"),
                                                revisionReason: "second thoughts"), now: f.now)
        }
        #expect(again?.code == .refused)
    }

    @Test("blind until closed; only the creator closes; unscored tasks stay unscored; the analysis compares what was given")
    func closeAndAnalyse() throws {
        let f = try fixture()
        let store = CalibrationStore(queue: f.queue)
        let session = try store.create(CalibrationRequest(name: "w2", reviewers: ["qa.maria", "qa.tom"], expert: "sup.olga", conversations: .named(["rude-0", "calm-0", "calm-1"])),
                                       scorers: [maria, tom, olga], rubric: TestRubric.rubric, by: "sup.olga", now: f.now)
        #expect(session.reviewers == ["qa.maria", "qa.tom", "sup.olga"])
        for (reviewer, courtesy) in [(maria, ["fail", "pass", "pass"]), (tom, ["pass", "pass", "fail"]), (olga, ["fail", "pass", "pass"])] {
            for (conversation, answer) in zip(session.conversations, courtesy) {
                let item = try f.queue.item(named: conversation, for: reviewer.name)
                _ = try f.store.submit(ReviewSubmission(item: item, reviewer: reviewer, rubric: TestRubric.rubric, scorecard: try card(f, courtesy: answer)), now: f.now)
            }
        }
        let refused = #expect(throws: PitbossError.self) { try store.close("w2", by: "qa.maria", now: f.now) }
        #expect(refused?.code == .refused)
        let (closed, unfinished) = try store.close("w2", by: "sup.olga", now: f.now)
        #expect(closed.isClosed && unfinished == 0)
        let late = #expect(throws: PitbossError.self) { try store.close("w2", by: "sup.olga", now: f.now) }
        #expect(late?.message.contains("closed already") == true)

        let analysis = CalibrationAnalysis.analyse(closed, reviews: try store.reviews(closed), rubric: TestRubric.rubric)
        let courtesy = try #require(analysis.criteria.first { $0.criterion == "courtesy" })
        #expect(courtesy.percent == 5.0 / 9.0)  // rude-0: 1 of 3 pairs agree; calm-0: 3 of 3; calm-1: 1 of 3
        #expect(courtesy.level == .nominal)
        let greeting = try #require(analysis.criteria.first { $0.criterion == "greeting" })
        #expect(greeting.alpha == nil && greeting.alphaUndefined != nil)  // everyone passed it: alpha says nothing
        // The expert is the consensus: Maria agrees with her throughout, Tom differs on two conversations.
        #expect(analysis.deviations.map { "\($0.reviewer) \($0.deviations)/\($0.compared)" } == ["qa.maria 0/\(3 * TestRubric.rubric.criteria.count)", "qa.tom 2/\(3 * TestRubric.rubric.criteria.count)"])
        #expect(analysis.conversations.first.map { $0.disagreedOn } == ["courtesy"])
        let page = analysis.render(.table)
        #expect(page.contains("Agreement per criterion") && !page.contains("nan"))
    }

    /// A review of rude-0 by Maria, through the queue.
    func reviewed(_ f: ReviewFixture) throws -> StoredReview {
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        return try f.store.submit(ReviewSubmission(item: claim.item, reviewer: maria, rubric: TestRubric.rubric, scorecard: try card(f, courtesy: "fail")), now: f.now)
    }

    @Test("a dispute: opened within the window, one open per review; accepted as a revision by someone else; then closed to every other step")
    func disputeLifecycle() throws {
        let f = try fixture()
        let review = try reviewed(f)
        let disputes = DisputeStore(reviews: f.store, disputeDays: 14)
        let late = #expect(throws: PitbossError.self) {
            try disputes.open(review: review.id, criteria: ["courtesy"], reason: "too late", by: "en.anna", now: f.now.addingTimeInterval(15 * 86_400))
        }
        #expect(late?.code == .refused)
        #expect(throws: PitbossError.self) { try disputes.open(review: review.id, criteria: ["charm"], reason: "no such", by: "en.anna", now: f.now) }
        #expect(throws: PitbossError.self) { try disputes.open(review: review.id, criteria: ["courtesy"], reason: " ", by: "en.anna", now: f.now) }
        let dispute = try disputes.open(review: review.id, criteria: ["courtesy"], reason: "I quoted the player", by: "en.anna", now: f.now)
        #expect(dispute.status == .open && dispute.reviewer == "qa.maria")
        let second = #expect(throws: PitbossError.self) { try disputes.open(review: review.id, criteria: ["courtesy"], reason: "again", by: "en.anna", now: f.now) }
        #expect(second?.message.contains("already disputed (dispute #\(dispute.id), open)") == true)

        // The author and the agent may not decide it.
        let author = #expect(throws: PitbossError.self) { try disputes.decide(dispute.id, .reject, reason: "no", arbiter: maria, rubric: TestRubric.rubric, now: f.now) }
        #expect(author?.code == .refused)
        let agent = #expect(throws: PitbossError.self) {
            try disputes.decide(dispute.id, .reject, reason: "no", arbiter: Reviewer(name: "tl.anna", agentIDs: ["en.anna"]), rubric: TestRubric.rubric, now: f.now)
        }
        #expect(agent?.code == .refused)
        #expect(throws: PitbossError.self) { try disputes.decide(dispute.id, .accept(["greeting": "fail"]), reason: "not contested", arbiter: olga, rubric: TestRubric.rubric, now: f.now) }

        let accepted = try disputes.decide(dispute.id, .accept(["courtesy": "pass"]), reason: "quoting, not rude", arbiter: olga, rubric: TestRubric.rubric, now: f.now)
        #expect(accepted.status == .accepted && accepted.decidedBy == "sup.olga")
        let history = try f.store.history(conversation: review.conversation)
        #expect(history.count == 2)
        #expect(history.last?.revisionReason == "dispute #\(dispute.id): quoting, not rude")
        #expect(history.last?.answers.first { $0.criterion == "courtesy" }?.answer == "pass")
        #expect(history.last?.id == accepted.revision)
        for step in [{ _ = try disputes.decide(dispute.id, .reject, reason: "late", arbiter: olga, rubric: TestRubric.rubric, now: f.now) },
                     { _ = try disputes.withdraw(dispute.id, by: "en.anna", reason: nil, now: f.now) }] {
            let error = #expect(throws: PitbossError.self) { try step() }
            #expect(error?.code == .refused)
        }
        #expect(try f.count("SELECT COUNT(*) FROM audit_log WHERE action = 'dispute'") == 2)
    }

    @Test("rejected and withdrawn disputes leave the review as it was; an open one past twice the window is stale")
    func rejectWithdrawStale() throws {
        let f = try fixture()
        let review = try reviewed(f)
        let disputes = DisputeStore(reviews: f.store, disputeDays: 2)
        let first = try disputes.open(review: review.id, criteria: ["courtesy"], reason: "r", by: "en.anna", now: f.now)
        #expect(try disputes.decide(first.id, .reject, reason: "it was rude", arbiter: olga, rubric: TestRubric.rubric, now: f.now).status == .rejected)
        let second = try disputes.open(review: review.id, criteria: ["courtesy"], reason: "r2", by: "en.anna", now: f.now)
        #expect(try disputes.list(status: .open, now: f.now.addingTimeInterval(5 * 86_400)).map(\.stale) == [true])
        #expect(try disputes.list(staleOnly: true, now: f.now.addingTimeInterval(3 * 86_400)).isEmpty)
        #expect(try disputes.withdraw(second.id, by: "en.anna", reason: "fair enough", now: f.now).status == .withdrawn)
        #expect(try f.store.history(conversation: review.conversation).count == 1)
        #expect(try disputes.list(reviewer: "QA.MARIA").count == 2)
    }

    @Test("v9 from a v8 workspace with data: queue items kept with their ids, once per reason still enforced, calibration tasks beside them")
    func migrationFromV8() throws {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue, upTo: "v8 each flag run's summary")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO conversations (id, external_id, source_file, source_record, source_format, channel, language, agent_id, shift_id,
                                           started_at, content_hash, turn_count, imported_at)
                VALUES (1, 'c-1', 'f', '1', 'jsonl', 'chat', 'en', 'en.a', 's', '2026-11-21T22:00:00.000Z', 'h', 0, 'now');
                INSERT INTO queue_items (id, conversation_id, reason, priority, status, assigned_to, created_at, assigned_by, skip_reason)
                VALUES (5, 1, 'flagged', 300, 'claimed', 'qa.maria', 'now', 'sup.olga', NULL), (9, 1, 'sample', 250, 'skipped', NULL, 'now', NULL, 'dup');
                INSERT INTO reviews (id, conversation_id, reviewer, created_at, queue_item_id) VALUES (3, 1, 'qa.maria', 'now', 5);
                INSERT INTO queue_items (id, conversation_id, reason, priority, created_at) VALUES (12, 1, 'dispute', 1, 'now');
                DELETE FROM queue_items WHERE id = 12;
                """)
        }
        try Migrations.migrator.migrate(queue)
        try queue.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, reason, status, assigned_to, assigned_by, skip_reason FROM queue_items ORDER BY id")
            #expect(rows.map { "\($0[0] as Int64) \($0[1] as String) \($0[2] as String) \($0[3] as String? ?? "-") \($0[4] as String? ?? "-") \($0[5] as String? ?? "-")" }
                    == ["5 flagged claimed qa.maria sup.olga -", "9 sample skipped - - dup"])
            #expect(throws: (any Error).self) { try db.execute(sql: "INSERT INTO queue_items (conversation_id, reason, priority, created_at) VALUES (1, 'flagged', 1, 'now')") }
            try db.execute(sql: """
                INSERT INTO calibration_sessions (id, name, created_by, created_at, rubric_name, rubric_version, rubric_hash, rubric_path) VALUES (1, 'w', 'o', 'now', 'r', '1', 'h', 'p');
                INSERT INTO queue_items (conversation_id, reason, priority, assigned_to, created_at, calibration_session_id) VALUES (1, 'calibration', 300, 'qa.maria', 'now', 1);
                INSERT INTO queue_items (conversation_id, reason, priority, assigned_to, created_at, calibration_session_id) VALUES (1, 'calibration', 300, 'qa.tom', 'now', 1);
                """)
            #expect(throws: (any Error).self) {
                try db.execute(sql: "INSERT INTO queue_items (conversation_id, reason, priority, assigned_to, created_at, calibration_session_id) VALUES (1, 'calibration', 300, 'qa.tom', 'now', 1)")
            }
            #expect(db.lastInsertedRowID == 14)  // AUTOINCREMENT kept across the rebuild: 12, deleted before it, is not handed out again
            try db.execute(sql: "INSERT INTO disputes (review_id, conversation_id, criteria, reason, opened_by, opened_at) VALUES (3, 1, '[]', 'r', 'a', 'now')")
            #expect(throws: (any Error).self) {
                try db.execute(sql: "INSERT INTO disputes (review_id, conversation_id, criteria, reason, opened_by, opened_at) VALUES (3, 1, '[]', 'r', 'a', 'now')")
            }
        }
    }

    @Test("a calibration task stays with its reviewer: a forced release keeps it theirs, and nobody else can be assigned it or claim it")
    func tasksStayWithTheirReviewer() throws {
        let f = try fixture()
        _ = try CalibrationStore(queue: f.queue).create(CalibrationRequest(name: "w3", reviewers: ["qa.maria", "qa.tom"], conversations: .named(["calm-0"])),
                                                        scorers: [maria, tom], rubric: TestRubric.rubric, by: "sup.olga", now: f.now)
        let task = try f.queue.item(named: "calm-0", for: "qa.tom")
        _ = try f.queue.claim(task, for: tom, now: f.now)
        try f.queue.release(task, by: "sup.olga", force: true, now: f.now)
        #expect(try f.count("SELECT COUNT(*) FROM queue_items WHERE id = \(task) AND status = 'open' AND assigned_to = 'qa.tom'") == 1)
        let other = Reviewer(name: "qa.oleg")
        #expect(try f.queue.claimNext(for: other, reason: .calibration, now: f.now) == nil)
        let assign = #expect(throws: PitbossError.self) { try f.queue.assign(items: [task], to: maria, by: "sup.olga", now: f.now) }
        #expect(assign?.code == .refused)
        let twice = #expect(throws: PitbossError.self) {
            try CalibrationStore(queue: f.queue).create(CalibrationRequest(name: "w4", reviewers: ["qa.maria", "QA.MARIA", "qa.tom"], conversations: .named(["calm-1"])),
                                                        scorers: [maria, Reviewer(name: "QA.MARIA"), tom], rubric: TestRubric.rubric, by: "sup.olga", now: f.now)
        }
        #expect(twice?.message.contains("named twice") == true)
    }

    @Test("an accepted dispute's revision changes only through another dispute, and a correction does not reopen the window")
    func decisionsStand() throws {
        let f = try fixture()
        let review = try reviewed(f)
        let disputes = DisputeStore(reviews: f.store, disputeDays: 14)
        let d = try disputes.open(review: review.id, criteria: ["courtesy"], reason: "r", by: "en.anna", now: f.now)
        let accepted = try disputes.decide(d.id, .accept(["courtesy": "pass"]), reason: "ok", arbiter: olga, rubric: TestRubric.rubric, now: f.now)
        let revise = #expect(throws: PitbossError.self) {
            try f.store.submit(ReviewSubmission(item: review.item ?? 0, reviewer: maria, rubric: TestRubric.rubric, scorecard: try card(f, courtesy: "fail"),
                                                revisionReason: "I still think so", basedOn: accepted.revision), now: f.now)
        }
        #expect(revise?.message.contains("is the decision of dispute #\(d.id)") == true)
        let late = #expect(throws: PitbossError.self) {
            try disputes.open(review: try #require(accepted.revision), criteria: ["courtesy"], reason: "again", by: "en.anna", now: f.now.addingTimeInterval(15 * 86_400))
        }
        #expect(late?.message.contains("first review of this conversation") == true)
    }

    @Test("the trend names a criterion only when its alpha stays low over two sessions at least")
    func trendNeedsTwoSessions() {
        func analysis(_ name: String, alpha: Double?) -> CalibrationAnalysis {
            CalibrationAnalysis(session: name, expert: nil, consensus: "", reviewers: [], reviews: 0,
                                criteria: [.init(criterion: "courtesy", level: .nominal, conversations: 3, percent: nil, alpha: alpha, alphaUndefined: nil, pairs: [],
                                                 belowTentative: (alpha ?? 1) < 0.667)],
                                conversations: [], deviations: [])
        }
        #expect(CalibrationTrend.build([analysis("a", alpha: 0.2)]).needingWork.isEmpty)
        #expect(CalibrationTrend.build([analysis("a", alpha: 0.2), analysis("b", alpha: nil), analysis("c", alpha: 0.5)]).needingWork == ["courtesy"])
        #expect(CalibrationTrend.build([analysis("a", alpha: 0.2), analysis("b", alpha: 0.9)]).needingWork.isEmpty)
    }
}
