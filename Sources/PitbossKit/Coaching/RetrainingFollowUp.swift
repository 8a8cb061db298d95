import Foundation

/// A completed retraining whose follow-up window is open: the agent's conversations now are what its outcome is
/// measured on.
public struct RetrainingFollowUp: Sendable, Equatable {
    public var assignment: RetrainingAssignment
    /// The follow-up window: from ≤ t < until.
    public var from: Date
    public var until: Date

    public init(assignment: RetrainingAssignment, from: Date, until: Date) {
        self.assignment = assignment
        self.from = from
        self.until = until
    }

    /// Which of these completed assignments are in follow-up `now` (their window is open, or opens within the hour).
    static func open(_ completed: [RetrainingAssignment], settings: OutcomeSettings, now: Date) -> [RetrainingFollowUp] {
        completed.compactMap { a in
            guard let done = UTCTimestamp.parse(a.stateAt) else { return nil }
            let window = settings.followUp(completedAt: done)
            return now >= window.from.addingTimeInterval(-3_600) && now < window.until ? RetrainingFollowUp(assignment: a, from: window.from, until: window.until) : nil
        }
    }

    /// The earliest completion whose follow-up may still be open `now`: completed within the follow-up span, and an hour.
    static func earliestCompletion(settings: OutcomeSettings, now: Date) -> String {
        UTCTimestamp.format(now.addingTimeInterval(-Double(settings.followUpDays) * 86_400 - 3_600))
    }

    /// Whether a conversation that started then is measured in this follow-up.
    public func covers(_ startedAt: Date) -> Bool { startedAt >= from && startedAt < until }

    /// What a reviewer of a conversation in the window is told: so that they know, not so that the score changes.
    public func notice(in zone: TimeZone) -> String {
        let a = assignment
        return "Agent \(a.agent) is in the follow-up of retraining #\(a.id) (\(a.module): \(a.criteria.joined(separator: ", "))) until "
            + LocalTime.format(until, in: zone) + ": this review is part of its outcome. Score it as you would any other."
    }
}
