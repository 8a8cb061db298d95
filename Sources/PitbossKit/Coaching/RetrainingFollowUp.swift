import Foundation

/// A completed retraining whose follow-up window is open: the agent's conversations now are what its outcome is
/// measured on.
public struct RetrainingFollowUp: Sendable, Equatable {
    public var assignment: RetrainingAssignment
    /// When the follow-up window ends.
    public var until: Date

    public init(assignment: RetrainingAssignment, until: Date) {
        self.assignment = assignment
        self.until = until
    }

    /// What a reviewer is told: so that they know, not so that the score changes.
    public func notice(in zone: TimeZone) -> String {
        let a = assignment
        return "Agent \(a.agent) is in the follow-up of retraining #\(a.id) (\(a.module): \(a.criteria.joined(separator: ", "))) until "
            + LocalTime.format(until, in: zone) + ": this review is part of its outcome. Score it as you would any other."
    }
}
