import GRDB

/// Where a queue item stands. Stored as text in `queue_items.status`; a claim whose lease ran out counts as open.
public enum QueueStatus: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    /// Waiting for a reviewer (possibly assigned to one by a supervisor).
    case open
    /// A reviewer holds it, until the lease runs out.
    case claimed
    /// A review was submitted.
    case scored
    /// Taken out of review, with a reason.
    case skipped
}
