import Foundation

/// The review queue as reviewers and supervisors use it one item at a time: take the next item or a named one, give
/// it back, take it out of review. One implementation per backend (`ReviewQueue` on SQLite, `PostgresReviewQueue`),
/// held to the same contract by the same tests.
public protocol ClaimQueue: Sendable {
    /// How long a claim lasts before it goes back to the queue, in seconds.
    var lease: TimeInterval { get }
    /// The reviewer's own unexpired claim first, then what was assigned to them, then the open queue by priority; never
    /// a conversation they were the agent in, nor one someone else is reviewing. Nil when nothing is left for them.
    func claimNext(for reviewer: Reviewer, reason: QueueReason?, now: Date) throws(PitbossError) -> ReviewQueue.Claim?
    /// Claims one item by id (or renews the reviewer's own claim on it).
    func claim(_ id: Int64, for reviewer: Reviewer, now: Date) throws(PitbossError) -> ReviewQueue.Claim
    /// Gives an item back to the open queue; someone else's needs `force`.
    func release(_ id: Int64, by actor: String, force: Bool, now: Date) throws(PitbossError)
    /// Ends the reviewer's own claim without a review (see `ReviewQueue.abandon`).
    func abandon(_ id: Int64, by reviewer: Reviewer, now: Date) throws(PitbossError) -> ReviewQueue.Abandoned
    /// Takes an item out of review, saying why.
    func skip(_ id: Int64, why: String, by reviewer: Reviewer, force: Bool, now: Date) throws(PitbossError)
    /// The item that TARGET means: `#12`, a conversation id, or an item number.
    func item(named target: String, for reviewer: String?) throws(PitbossError) -> Int64
    /// The external id of an item's conversation, nil when there is no such item.
    func conversation(ofItem id: Int64) throws(PitbossError) -> String?
}

extension ReviewQueue: ClaimQueue {}
