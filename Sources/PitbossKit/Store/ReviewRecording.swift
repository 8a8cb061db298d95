import Foundation

/// Submitting reviews and reading them back: one implementation per backend (`ReviewStore`, `PostgresReviewStore`),
/// both deciding with `ReviewRules`.
public protocol ReviewRecording: Sendable {
    /// The queue the reviews are submitted through.
    var claims: any ClaimQueue { get }
    /// Stores a review in one transaction (see `ReviewStore.submit`); any refusal leaves everything as it was.
    func submit(_ s: ReviewSubmission, now: Date) throws(PitbossError) -> StoredReview
    /// Every revision of the reviews of a queue item's conversation (or of a conversation, or all), oldest first.
    func history(item: Int64?, conversation: String?) throws(PitbossError) -> [StoredReview]
}

extension ReviewStore: ReviewRecording {
    public var claims: any ClaimQueue { queue }
}
