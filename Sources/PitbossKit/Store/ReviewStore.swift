import Foundation
import GRDB

/// A reviewer's verdict on one finding.
public struct FindingVerdict: Sendable, Equatable, Codable, FetchableRecord {
    public enum Verdict: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible { case confirmed, dismissed }
    public var finding: Int64
    public var verdict: Verdict
    public var reason: String?
    /// The rule of the finding as the reviewer saw it; when given, a finding that now says something else is refused.
    public var rule: String?

    public init(finding: Int64, verdict: Verdict, reason: String? = nil, rule: String? = nil) {
        self.finding = finding
        self.verdict = verdict
        self.reason = reason
        self.rule = rule
    }

    public static func == (a: FindingVerdict, b: FindingVerdict) -> Bool {
        a.finding == b.finding && a.verdict == b.verdict && a.reason == b.reason
    }

    enum CodingKeys: String, CodingKey { case finding, verdict, reason }

    public init(row: Row) {
        finding = row["finding"]
        verdict = row["verdict"]
        reason = row["reason"]
    }
}

/// What a reviewer submits for one queue item.
public struct ReviewSubmission: Sendable {
    public var item: Int64
    public var reviewer: Reviewer
    public var rubric: Rubric
    public var scorecard: Scorecard
    public var verdicts: [FindingVerdict]
    public var comment: String?
    /// Set when correcting a submitted review: the correction is a new revision and the old one stays.
    public var revisionReason: String?
    /// The review the correction starts from; when another correction was stored since, this one is refused
    /// rather than silently undoing it.
    public var basedOn: Int64?
    /// Set by an interactive review, which works under a claim: if the claim ended meanwhile (a supervisor took the
    /// item back, or it ran out), the submit is refused even when the item is open again.
    public var requiresClaim = false
    /// Set by a dispute's decision: the one way to revise a review that an accepted dispute stored.
    var decidesDispute = false

    public init(item: Int64, reviewer: Reviewer, rubric: Rubric, scorecard: Scorecard, verdicts: [FindingVerdict] = [],
                comment: String? = nil, revisionReason: String? = nil, basedOn: Int64? = nil) {
        self.basedOn = basedOn
        self.item = item
        self.reviewer = reviewer
        self.rubric = rubric
        self.scorecard = scorecard
        self.verdicts = verdicts
        self.comment = comment
        self.revisionReason = revisionReason
    }
}

/// A stored review (one revision of it), as `pitboss history` shows it.
public struct StoredReview: Sendable, Codable, Equatable, FetchableRecord {
    public var id: Int64
    public var item: Int64?
    public var conversation: String
    public var reviewer: String
    public var createdAt: String
    public var revision: Int
    public var revises: Int64?
    public var revisionReason: String?
    public var rubric: String
    public var rubricVersion: String
    public var rubricHash: String
    public var score: Double
    public var rawScore: Double
    public var autoFailed: Bool
    public var comment: String?
    public var answers: [CriterionAnswer]
    public var verdicts: [FindingVerdict]
    /// The calibration session, for a calibration review (kept apart from the real ones); nil for a real review.
    public var calibrationSession: String?

    enum CodingKeys: String, CodingKey {
        case id, item, conversation, reviewer
        case calibrationSession = "calibration_session"
        case createdAt = "created_at"
        case revision, revises
        case revisionReason = "revision_reason"
        case rubric
        case rubricVersion = "rubric_version"
        case rubricHash = "rubric_hash"
        case score
        case rawScore = "raw_score"
        case autoFailed = "auto_failed"
        case comment, answers, verdicts
    }

    /// The review's own row; its answers and verdicts are read after.
    public init(row: Row) {
        id = row["id"]
        item = row["item"]
        conversation = row["conversation"]
        reviewer = row["reviewer"]
        createdAt = row["created_at"]
        revision = row["revision"]
        revises = row["revises"]
        revisionReason = row["revision_reason"]
        rubric = row["rubric"]
        rubricVersion = row["rubric_version"]
        rubricHash = row["rubric_hash"]
        score = row["score"] ?? 0
        rawScore = row["raw_score"] ?? 0
        autoFailed = row["auto_failed"]
        comment = row["comment"]
        answers = []
        verdicts = []
    }
}

/// Submitting reviews, their revisions and the reviewers' verdicts on findings; reading them back.
public struct ReviewStore: Sendable {
    public let queue: ReviewQueue
    public var database: PitbossDatabase { queue.database }

    public init(queue: ReviewQueue) {
        self.queue = queue
    }

    /// Stores a review in one transaction: the review, its answers and verdicts, the findings' current verdicts,
    /// the item scored (and the conversation's other open unassigned flagged/sample items with it), and the
    /// audit entries. Any refusal leaves everything as it was.
    @discardableResult
    public func submit(_ s: ReviewSubmission, now: Date = Date()) throws(PitbossError) -> StoredReview {
        let (reviewID, calibration) = try queue.transaction("store the review of item \(s.item)") { db in try insert(s, db, now: now) }
        let stored: StoredReview?
        if calibration {
            do { stored = try database.writer.read { db in try CalibrationStore.stored(reviewID, SQLiteSessions.Session(db: db, reviews: nil)) } } catch {
                throw PitbossDatabase.translate(error, doing: "read back calibration review \(reviewID)", busyTimeout: database.busyTimeout)
            }
        } else {
            stored = try reviews(id: reviewID).first
        }
        guard let stored else { throw .internalFailure("review \(reviewID) was stored but cannot be read back") }
        return stored
    }

    /// The submit inside a transaction the caller holds (a dispute's decision stores its revision with the decision):
    /// the review's id, and whether it went to the calibration tables.
    func insert(_ s: ReviewSubmission, _ db: Database, now: Date) throws -> (id: Int64, calibration: Bool) {
        let writing = SQLiteReviewWriting(db: db, queue: queue)
        try writing.expireClaims(now: now)
        let item = try writing.loadItem(s.item)
        // A calibration task's answers go to the calibration tables, and nowhere else.
        if item.reason == .calibration { return (try CalibrationStore.store(s, item: item, SQLiteSessions.Session(db: db, reviews: nil), now: now), true) }
        return (try ReviewRules.insert(s, item: item, into: writing, now: now), false)
    }

    /// Every revision of the reviews of a queue item's conversation (or of a conversation), oldest first.
    public func history(item: Int64? = nil, conversation: String? = nil) throws(PitbossError) -> [StoredReview] {
        if let item { return try reviews(where: "r.conversation_id = (SELECT conversation_id FROM queue_items WHERE id = \(item))") }
        if let conversation { return try reviews(where: "c.external_id = \(conversation)") }
        return try reviews(where: "1")
    }

    func reviews(id: Int64) throws(PitbossError) -> [StoredReview] { try reviews(where: "r.id = \(id)") }

    func reviews(where condition: SQL) throws(PitbossError) -> [StoredReview] {
        do {
            return try database.writer.read { db in
                let reviews = try SQLRequest<StoredReview>("""
                    SELECT r.id, r.queue_item_id AS item, c.external_id AS conversation, r.reviewer, r.created_at, r.revision, r.revises,
                           r.revision_reason, r.rubric_name AS rubric, r.rubric_version, r.rubric_hash, r.score, r.raw_score, r.auto_failed, r.comment
                    FROM reviews r JOIN conversations c ON c.id = r.conversation_id
                    WHERE \(condition) ORDER BY r.id
                    """).fetchAll(db)
                return try reviews.map { review in
                    var review = review
                    review.answers = try SQLRequest<CriterionAnswer>("""
                        SELECT criterion, answer, item_score, weight, critical FROM review_answers WHERE review_id = \(review.id) ORDER BY position
                        """).fetchAll(db)
                    review.verdicts = try SQLRequest<FindingVerdict>("""
                        SELECT finding_id AS finding, verdict, reason FROM review_verdicts WHERE review_id = \(review.id) ORDER BY finding_id
                        """).fetchAll(db)
                    return review
                }
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read reviews", busyTimeout: database.busyTimeout)
        }
    }

    /// "87.5", "100", "0".
    public static func formatScore(_ score: Double) -> String {
        let rounded = (score * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }
}
