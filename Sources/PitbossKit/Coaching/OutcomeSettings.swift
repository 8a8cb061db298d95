import Foundation

/// How an outcome is measured (`retraining:` in `pitboss.yaml`):
///
/// ```yaml
/// retraining:
///   baseline_days: 30        # the days before the assignment that show the problem
///   follow_up_days: 30       # the days after completion that show whether it went away
///   follow_up_minimum: 30    # evaluated conversations that let a follow-up be judged before it has ended
/// ```
public struct OutcomeSettings: Sendable, Equatable {
    public var baselineDays: Int
    public var followUpDays: Int
    public var followUpMinimum: Int

    public init(baselineDays: Int = 30, followUpDays: Int = 30, followUpMinimum: Int = 30) {
        self.baselineDays = baselineDays
        self.followUpDays = followUpDays
        self.followUpMinimum = followUpMinimum
    }

    /// The baseline window of an assignment made at `assigned`: the days before the hour it was made in.
    public func baseline(assignedAt assigned: Date) -> (from: Date, until: Date) {
        let end = Self.hourFloor(assigned)
        return (end.addingTimeInterval(-Double(baselineDays) * 86_400), end)
    }

    /// The follow-up window of an assignment completed at `completed`: the days from the hour after it (the hour it
    /// was completed in is neither before nor after).
    public func followUp(completedAt completed: Date) -> (from: Date, until: Date) {
        let start = Self.hourFloor(completed).addingTimeInterval(3_600)
        return (start, start.addingTimeInterval(Double(followUpDays) * 86_400))
    }

    static func hourFloor(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 3_600).rounded(.down) * 3_600)
    }

    /// Days are bounded so that a window's end stays a representable date.
    public static let dayRange = 1...3650
}
