import GRDB

/// Where a dispute stands. Stored as text in `disputes.status`.
public enum DisputeStatus: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    case open, accepted, rejected, withdrawn
}

/// A score contested by the agent or a team lead: which review, which criteria and why; then who decided what. An
/// accepted dispute stored a new revision of the review (`revision`), so `history` shows the score before and after.
public struct Dispute: Sendable, Codable, Equatable {
    public var id: Int64
    /// The review contested (the revision current when the dispute was opened).
    public var review: Int64
    public var conversation: String
    public var agent: String
    /// Who wrote the contested review.
    public var reviewer: String
    public var criteria: [String]
    public var reason: String
    public var openedBy: String
    public var openedAt: String
    public var status: DisputeStatus
    public var decidedBy: String?
    public var decidedAt: String?
    public var decisionReason: String?
    /// The revision an accepted dispute stored.
    public var revision: Int64?
    /// Open for longer than twice the workspace's dispute window: someone should decide it.
    public var stale = false

    enum CodingKeys: String, CodingKey {
        case id, review, conversation, agent, reviewer, criteria, reason, status, revision, stale
        case openedBy = "opened_by", openedAt = "opened_at", decidedBy = "decided_by", decidedAt = "decided_at", decisionReason = "decision_reason"
    }
}

/// What an arbiter decides: accept with the answers that replace the contested ones, or reject.
public enum DisputeDecision: Sendable, Equatable {
    case accept([String: String])
    case reject
}
