import GRDB

/// Why a conversation is in the review queue. Stored as text in `queue_items.reason`.
public enum QueueReason: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    /// The rubric found something at or above the queueing severity.
    case flagged
    /// Drawn in a random sample.
    case sample
    /// A calibration task (several reviewers, the same conversation).
    case calibration
    /// An agent contested a score.
    case dispute
}
