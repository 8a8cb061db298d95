import Foundation

/// A supervisor handing queue items to a reviewer: named items (all or none), or the most urgent open ones that match a
/// filter. One implementation per backend (`ReviewQueue`, `PostgresReviewQueue`); what may be assigned is
/// `ReviewQueue.Item.mustBeAssignable`, once. Every assignment is audited in the same transaction.
public protocol WorkAssigning: Sendable {
    /// Hands these items to `reviewer`; an item already theirs is left as it is (and not audited again).
    func assign(items: [Int64], to reviewer: Reviewer, by actor: String, now: Date) throws(PitbossError)
    /// Hands up to `count` open, unassigned items matching `filter` to `reviewer`, most urgent first, never one of their own
    /// conversations nor one someone else is reviewing; returns their ids.
    func assign(to reviewer: Reviewer, count: Int, filter: ReviewQueue.ItemFilter, by actor: String, now: Date) throws(PitbossError) -> [Int64]
}

extension ReviewQueue: WorkAssigning {}
