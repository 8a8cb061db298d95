import Foundation
import GRDB

/// Disputes in the store, on either backend (their SQL reads alike on both: see `SQLSession`). Every step is one
/// transaction with its audit entry; a decision is taken only while the dispute is open, so of two arbiters deciding at
/// once one wins and the other is told who did.
public struct DisputeStore: Sendable {
    let sessions: any SQLSessions
    /// How many days after a review it may be disputed (`dispute_days`).
    public let disputeDays: Int

    public init(reviews: ReviewStore, disputeDays: Int = 14) {
        self.sessions = SQLiteSessions(reviews: reviews)
        self.disputeDays = disputeDays
    }

    init(sessions: any SQLSessions, disputeDays: Int) {
        self.sessions = sessions
        self.disputeDays = disputeDays
    }

    /// Opens a dispute of a review's answers to `criteria`, within `disputeDays` of the review; one open dispute per review.
    public func open(review id: Int64, criteria: [String], reason: String, by actor: String, now: Date = Date()) throws(PitbossError) -> Dispute {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw .usage("a dispute needs a reason: what the review got wrong") }
        guard !criteria.isEmpty else { throw .usage("a dispute names the contested criteria") }
        let disputeID: Int64 = try transaction("open a dispute of review #\(id)") { db in
            guard let review = try db.row("""
                SELECT r.id, r.conversation_id, r.created_at, r.reviewer, (SELECT n.id FROM reviews n WHERE n.revises = r.id) AS successor
                FROM reviews r WHERE r.id = ?
                """, [id]) else {
                throw PitbossError.badInput("there is no review #\(id); a conversation's history lists its reviews")
            }
            if let successor: Int64 = review["successor"] {
                throw PitbossError.refused("review #\(id) was corrected since by review #\(successor): dispute the review as it stands (#\(successor)); the conversation's history shows both")
            }
            let answered = try db.values(String.self, "SELECT criterion FROM review_answers WHERE review_id = ? ORDER BY position", [id])
            for criterion in criteria where !answered.contains(criterion) {
                throw PitbossError.usage("review #\(id) has no answer to '\(criterion)'; its criteria: \(answered.joined(separator: ", "))")
            }
            // The window runs from the conversation's first review: a correction does not open it again.
            let firstReview = try db.value(String.self, "SELECT MIN(created_at) FROM reviews WHERE conversation_id = ?", [review["conversation_id"] as Int64])
            let createdAt: String = firstReview ?? review["created_at"]
            if let created = UTCTimestamp.parse(createdAt), now.timeIntervalSince(created) > Double(disputeDays) * 86_400 {
                throw PitbossError.refused("the first review of this conversation was stored at \(LocalTime.readable(createdAt)): the \(disputeDays) day\(disputeDays == 1 ? "" : "s") in which it could be disputed are over (dispute_days)")
            }
            try db.takeTurns("dispute-of-review", id)  // of two disputes of one review at once, the second finds the first
            if let open = try db.value(Int64.self, "SELECT id FROM disputes WHERE review_id = ? AND status = 'open'", [id]) {
                throw PitbossError.refused("review #\(id) is already disputed (dispute #\(open), open): one open dispute per review: decide or withdraw that one first")
            }
            let conversation: Int64 = review["conversation_id"]
            let disputeID = try db.insertReturningID("""
                INSERT INTO disputes (review_id, conversation_id, criteria, reason, opened_by, opened_at) VALUES (?, ?, ?, ?, ?, ?)
                """, [id, conversation, String(decoding: try JSONOutput.data(criteria), as: UTF8.self), reason, actor, UTCTimestamp.format(now)])
            try db.audit(at: now, actor: actor, action: .dispute, conversation: conversation, review: id,
                                detail: ["dispute": String(disputeID), "step": "open", "criteria": criteria.joined(separator: ","), "reason": reason])
            return disputeID
        }
        return try dispute(disputeID, now: now)
    }

    /// The review a dispute would name: a review number, or a conversation id for its current review.
    public func review(named target: String) throws(PitbossError) -> Int64 {
        let found: Int64? = try read("find review \(target)") { db in
            if let number = Int64(target.hasPrefix("#") ? String(target.dropFirst()) : target),
               try db.value(Bool.self, "SELECT EXISTS (SELECT 1 FROM reviews WHERE id = ?)", [number]) == true { return number }
            return try db.value(Int64.self, """
                SELECT r.id FROM current_reviews r JOIN conversations c ON c.id = r.conversation_id WHERE c.external_id = ? ORDER BY r.id DESC LIMIT 1
                """, [target])
        }
        guard let found else { throw .badInput("'\(target)' is neither a review number nor a reviewed conversation; a conversation's history lists its reviews") }
        return found
    }

    /// Decides an open dispute. The arbiter is neither the review's author nor the conversation's agent. Accepting stores
    /// a new revision of the review (its reason "dispute #ID: …") with the new answers, in the same transaction.
    public func decide(_ id: Int64, _ decision: DisputeDecision, reason: String, arbiter: Reviewer, rubric: Rubric, now: Date = Date()) throws(PitbossError) -> Dispute {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw .usage("a decision needs a reason, for the agent and the reviewer") }
        let nowText = UTCTimestamp.format(now)
        try transaction("decide dispute #\(id)") { db in
            let dispute = try Self.load(id, db)
            guard dispute.status == .open else {
                throw PitbossError.refused("dispute #\(id) was \(dispute.status.rawValue) already" + (dispute.decidedBy.map { " by \($0)" } ?? "")
                    + (dispute.decidedAt.map { " at \(LocalTime.readable($0))" } ?? "") + "; nothing was changed")
            }
            if dispute.reviewer.lowercased() == arbiter.name.lowercased() {
                throw PitbossError.refused("\(arbiter.name) wrote review #\(dispute.review): a dispute is decided by someone else")
            }
            let conversationRow = try db.value(Int64.self, "SELECT conversation_id FROM disputes WHERE id = ?", [id]) ?? 0
            if try db.wasAgent(arbiter, in: conversationRow) {
                throw PitbossError.refused("\(arbiter.name) was the agent in \(dispute.conversation): nobody decides a dispute of their own conversation")
            }
            var revision: Int64?
            if case .accept(let answers) = decision {
                for criterion in answers.keys where !dispute.criteria.contains(criterion) {
                    throw PitbossError.usage("'\(criterion)' is not contested in dispute #\(id) (it contests \(dispute.criteria.joined(separator: ", "))); accepting changes the contested answers only")
                }
                guard !answers.isEmpty else { throw PitbossError.usage("accepting says what the contested answers become") }
                let old = try db.row("SELECT queue_item_id, comment, rubric_name, rubric_hash FROM reviews WHERE id = ?", [dispute.review])
                guard let old, let item: Int64 = old["queue_item_id"] else {
                    throw PitbossError.internalFailure("review #\(dispute.review) has no queue item to revise through")
                }
                let oldRubric: String = old["rubric_name"]
                let oldHash: String = old["rubric_hash"]
                guard oldRubric == rubric.name, oldHash.isEmpty || oldHash == rubric.contentHash else {
                    throw PitbossError.badInput("review #\(dispute.review) was scored with rubric \(oldRubric) (\(oldHash.prefix(12))), not \(rubric.name) (\(rubric.contentHash.prefix(12))): decide with the rubric file it was scored with")
                }
                var merged: [String: String] = [:]
                for row in try db.rows("SELECT criterion, answer FROM review_answers WHERE review_id = ?", [dispute.review]) {
                    let criterion: String = row["criterion"]
                    if rubric.criterion(criterion) != nil { merged[criterion] = row["answer"] }
                }
                merged.merge(answers) { _, new in new }
                let card = try Scorecard(rubric: rubric, answers: merged)
                let verdicts = try db.rows("""
                    SELECT finding_id AS finding, verdict, reason FROM review_verdicts WHERE review_id = ? ORDER BY finding_id
                    """, [dispute.review]).map(FindingVerdict.init(row:))
                // The revision is the arbiter's, based on the contested review: a correction stored since refuses it.
                var submission = ReviewSubmission(item: item, reviewer: arbiter, rubric: rubric, scorecard: card, verdicts: verdicts,
                                                  comment: old["comment"], revisionReason: "dispute #\(id): \(reason)", basedOn: dispute.review)
                submission.decidesDispute = true
                revision = try db.insertReview(submission, now: now)
            }
            let status: DisputeStatus = revision == nil ? .rejected : .accepted
            let changed = try db.execute("""
                UPDATE disputes SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ?, revision_id = ? WHERE id = ? AND status = 'open'
                """, [status.rawValue, arbiter.name, nowText, reason, revision, id])
            guard changed == 1 else { throw PitbossError.refused("dispute #\(id) was decided meanwhile; nothing was changed") }
            try db.audit(at: now, actor: arbiter.name, action: .dispute, conversation: conversationRow, review: revision ?? dispute.review,
                                detail: ["dispute": String(id), "step": status.rawValue, "reason": reason])
        }
        return try dispute(id, now: now)
    }

    /// Withdraws an open dispute (the CLI lets its opener or a supervisor do it).
    public func withdraw(_ id: Int64, by actor: String, reason: String?, now: Date = Date()) throws(PitbossError) -> Dispute {
        try transaction("withdraw dispute #\(id)") { db in
            let dispute = try Self.load(id, db)
            guard dispute.status == .open else {
                throw PitbossError.refused("dispute #\(id) is \(dispute.status.rawValue), not open: only an open dispute is withdrawn")
            }
            let changed = try db.execute("UPDATE disputes SET status = 'withdrawn', decided_by = ?, decided_at = ?, decision_reason = ? WHERE id = ? AND status = 'open'",
                                         [actor, UTCTimestamp.format(now), reason, id])
            guard changed == 1 else { throw PitbossError.refused("dispute #\(id) was decided meanwhile; nothing was changed") }
            let conversation = try db.value(Int64.self, "SELECT conversation_id FROM disputes WHERE id = ?", [id])
            try db.audit(at: now, actor: actor, action: .dispute, conversation: conversation, review: dispute.review,
                                detail: ["dispute": String(id), "step": "withdrawn"].merging(reason.map { ["reason": $0] } ?? [:]) { a, _ in a })
        }
        return try dispute(id, now: now)
    }

    /// One dispute; an unknown id is bad input naming the range there is.
    public func dispute(_ id: Int64, now: Date = Date()) throws(PitbossError) -> Dispute {
        var found = try read("read dispute #\(id)") { db in try Self.load(id, db) }
        found.stale = isStale(found, now: now)
        return found
    }

    /// Disputes, newest first, by status, the conversation's agent and the review's author.
    public func list(status: DisputeStatus? = nil, agent: String? = nil, reviewer: String? = nil, staleOnly: Bool = false, now: Date = Date()) throws(PitbossError) -> [Dispute] {
        let ids: [Int64] = try read("list disputes") { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let status { conditions.append("d.status = ?"); arguments.append(status.rawValue) }
            if let agent { conditions.append("lower(c.agent_id) = lower(?)"); arguments.append(agent) }
            if let reviewer { conditions.append("lower(r.reviewer) = lower(?)"); arguments.append(reviewer) }
            return try db.values(Int64.self, """
                SELECT d.id FROM disputes d JOIN reviews r ON r.id = d.review_id JOIN conversations c ON c.id = d.conversation_id
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")) ORDER BY d.id DESC
                """, arguments)
        }
        var disputes: [Dispute] = []
        for id in ids { disputes.append(try dispute(id, now: now)) }
        return staleOnly ? disputes.filter(\.stale) : disputes
    }

    func isStale(_ d: Dispute, now: Date) -> Bool {
        guard d.status == .open, let opened = UTCTimestamp.parse(d.openedAt) else { return false }
        return now.timeIntervalSince(opened) > Double(disputeDays * 2) * 86_400
    }

    static func load(_ id: Int64, _ db: any SQLSession) throws -> Dispute {
        guard let row = try db.row("""
            SELECT d.*, c.external_id, c.agent_id, r.reviewer FROM disputes d JOIN conversations c ON c.id = d.conversation_id
            JOIN reviews r ON r.id = d.review_id WHERE d.id = ?
            """, [id]) else {
            let last = try db.value(Int64.self, "SELECT MAX(id) FROM disputes")
            throw PitbossError.badInput("there is no dispute #\(id); " + (last.map { "the disputes are #1–#\($0)" } ?? "none has been opened"))
        }
        let criteriaText: String = row["criteria"]
        return Dispute(id: id, review: row["review_id"], conversation: row["external_id"], agent: row["agent_id"], reviewer: row["reviewer"],
                       criteria: (try? JSONDecoder().decode([String].self, from: Data(criteriaText.utf8))) ?? [],
                       reason: row["reason"], openedBy: row["opened_by"], openedAt: row["opened_at"],
                       status: DisputeStatus(rawValue: row["status"]) ?? .open, decidedBy: row["decided_by"], decidedAt: row["decided_at"],
                       decisionReason: row["decision_reason"], revision: row["revision_id"])
    }

    private func transaction<T>(_ action: String, _ body: (any SQLSession) throws -> T) throws(PitbossError) -> T {
        try sessions.transaction(action, body)
    }

    private func read<T>(_ action: String, _ body: (any SQLSession) throws -> T) throws(PitbossError) -> T {
        try sessions.read(action, body)
    }
}
