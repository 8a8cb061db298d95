import Foundation
import GRDB

/// Reviews on PostgreSQL: submitted with `ReviewRules` (the same rules as on SQLite) in one transaction, and read back.
/// A calibration task's answers go to the calibration tables (`CalibrationStore.store`), as on SQLite.
public struct PostgresReviewStore: ReviewRecording {
    public let queue: PostgresReviewQueue

    public init(queue: PostgresReviewQueue) {
        self.queue = queue
    }

    private var connection: PostgresConnection { queue.database.connection }
    public var claims: any ClaimQueue { queue }

    /// Stores a review by `ReviewRules` (a calibration task's by `CalibrationStore`) inside the caller's transaction: the
    /// review's id, and whether it went to the calibration tables.
    func insert(_ s: ReviewSubmission, now: Date) throws -> (id: Int64, calibration: Bool) {
        let writing = PostgresReviewWriting(queue: queue)
        try writing.expireClaims(now: now)
        // The item's row is locked for the transaction: a claim or release of it waits for the review.
        _ = try connection.value("SELECT id FROM queue_items WHERE id = $1 FOR UPDATE", [String(s.item)])
        let item = try writing.loadItem(s.item)
        if item.reason == .calibration { return (try CalibrationStore.store(s, item: item, PostgresSessions.Session(reviews: self), now: now), true) }
        return (try ReviewRules.insert(s, item: item, into: writing, now: now), false)
    }

    public func submit(_ s: ReviewSubmission, now: Date) throws(PitbossError) -> StoredReview {
        let (reviewID, calibration): (Int64, Bool)
        do {
            (reviewID, calibration) = try connection.transaction { try insert(s, now: now) }
            if calibration, let stored = try CalibrationStore.stored(reviewID, PostgresSessions.Session(reviews: self)) { return stored }
        } catch {
            throw PostgresDatabase.translate(error, doing: "store the review of item \(s.item)")
        }
        guard !calibration, let stored = try reviews(where: "r.id = $1", [String(reviewID)]).first else {
            throw .internalFailure("review \(reviewID) was stored but cannot be read back")
        }
        return stored
    }

    public func history(item: Int64?, conversation: String?) throws(PitbossError) -> [StoredReview] {
        if let item { return try reviews(where: "r.conversation_id = (SELECT conversation_id FROM queue_items WHERE id = $1)", [String(item)]) }
        if let conversation { return try reviews(where: "c.external_id = $1", [conversation]) }
        return try reviews(where: "true", [])
    }

    private func reviews(where condition: String, _ parameters: [String?]) throws(PitbossError) -> [StoredReview] {
        do {
            return try connection.rows("""
                SELECT r.id, r.queue_item_id AS item, c.external_id AS conversation, r.reviewer, r.created_at, r.revision, r.revises,
                       r.revision_reason, r.rubric_name AS rubric, r.rubric_version, r.rubric_hash, r.score, r.raw_score, r.auto_failed, r.comment
                FROM reviews r JOIN conversations c ON c.id = r.conversation_id
                WHERE \(condition) ORDER BY r.id
                """, parameters).map { row in
                var review = StoredReview(row: row)
                review.answers = try connection.rows("""
                    SELECT criterion, answer, item_score, weight, critical FROM review_answers WHERE review_id = $1 ORDER BY position
                    """, [String(review.id)]).map { try CriterionAnswer(row: $0) }
                review.verdicts = try connection.rows("""
                    SELECT finding_id AS finding, verdict, reason FROM review_verdicts WHERE review_id = $1 ORDER BY finding_id
                    """, [String(review.id)]).map(FindingVerdict.init(row:))
                return review
            }
        } catch {
            throw PostgresDatabase.translate(error, doing: "read reviews")
        }
    }
}

/// Storing a review on PostgreSQL, inside the store's transaction.
struct PostgresReviewWriting: ReviewWriting {
    let queue: PostgresReviewQueue
    private var connection: PostgresConnection { queue.database.connection }

    func expireClaims(now: Date) throws { try queue.expireClaims(now: now) }

    func loadItem(_ id: Int64) throws -> ReviewQueue.Item { try queue.load(id) }

    func latestReview(conversation: Int64) throws -> (id: Int64, revision: Int, reviewer: String, item: Int64?)? {
        try connection.rows("""
            SELECT id, revision, reviewer, queue_item_id FROM current_reviews WHERE conversation_id = $1 ORDER BY id DESC LIMIT 1
            """, [String(conversation)]).first.map { ($0["id"], $0["revision"], $0["reviewer"], $0["queue_item_id"]) }
    }

    func acceptedDispute(storing review: Int64) throws -> Int64? {
        try connection.value("SELECT id FROM disputes WHERE revision_id = $1 AND status = 'accepted'", [String(review)]).flatMap { Int64($0) }
    }

    func findingRules(conversation: Int64) throws -> [Int64: String] {
        var rules: [Int64: String] = [:]
        for row in try connection.execute("SELECT id, rule_id FROM findings WHERE conversation_id = $1 AND status <> 'error' ORDER BY id",
                                          [String(conversation)]).rows {
            if let id = row[0].flatMap({ Int64($0) }), let rule = row[1] { rules[id] = rule }
        }
        return rules
    }

    func insertReview(_ s: ReviewSubmission, conversation: Int64, item: Int64, revision: Int, revises: Int64?, now: String) throws -> Int64 {
        let id = try connection.value("""
            INSERT INTO reviews (conversation_id, reviewer, created_at, queue_item_id, revision, revises, revision_reason,
                                 rubric_name, rubric_version, rubric_hash, score, raw_score, auto_failed, comment)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id
            """, [String(conversation), s.reviewer.name, now, String(item), String(revision), revises.map(String.init), s.revisionReason,
                  s.rubric.name, s.rubric.version, s.rubric.contentHash, "\(s.scorecard.score)", "\(s.scorecard.rawScore)",
                  s.scorecard.autoFailed ? "true" : "false", s.comment])
        guard let id = id.flatMap({ Int64($0) }) else { throw PitbossError.internalFailure("the new review has no id") }
        return id
    }

    func insertAnswer(review: Int64, position: Int, _ a: CriterionAnswer) throws {
        try connection.execute("""
            INSERT INTO review_answers (review_id, criterion, position, answer, item_score, weight, critical) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [String(review), a.criterion, String(position), a.answer, a.itemScore.map { "\($0)" }, "\(a.weight)", a.critical ? "true" : "false"])
    }

    func insertVerdict(review: Int64, _ v: FindingVerdict, rule: String?, by reviewer: String, now: String) throws {
        try connection.execute("INSERT INTO review_verdicts (review_id, finding_id, rule_id, verdict, reason) VALUES ($1, $2, $3, $4, $5)",
                               [String(review), String(v.finding), rule, v.verdict.rawValue, v.reason])
        try connection.execute("UPDATE findings SET verdict = $1, verdict_by = $2, verdict_at = $3, verdict_reason = $4 WHERE id = $5",
                               [v.verdict.rawValue, reviewer, now, v.reason, String(v.finding)])
    }

    func markScored(item: Int64, by reviewer: String) throws {
        try connection.execute("UPDATE queue_items SET status = 'scored', assigned_to = $1, claim_expires_at = NULL WHERE id = $2", [reviewer, String(item)])
    }

    func openSiblings(conversation: Int64, except item: Int64) throws -> [Int64] {
        try connection.execute("""
            SELECT id FROM queue_items WHERE conversation_id = $1 AND id <> $2 AND status = 'open' AND reason IN ('flagged', 'sample') ORDER BY id
            """, [String(conversation), String(item)]).rows.compactMap { $0[0].flatMap { Int64($0) } }
    }

    func markSiblingScored(item: Int64, by reviewer: String) throws {
        try connection.execute("UPDATE queue_items SET status = 'scored', assigned_to = $1 WHERE id = $2", [reviewer, String(item)])
    }

    func audit(at now: Date, actor: String, action: AuditAction, item: Int64?, conversation: Int64?, review: Int64?, detail: [String: String]) throws {
        try queue.audit(at: now, actor: actor, action: action, item: item, conversation: conversation, review: review, detail: detail)
    }
}
