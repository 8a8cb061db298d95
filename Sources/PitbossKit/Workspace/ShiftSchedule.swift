import Foundation

/// The workspace's shifts: named, contiguous stretches of local time that cover the whole day.
///
/// A shift that runs past midnight belongs to the date on which it started, so 02:00 on the 22nd
/// is in `2026-11-21-night`.
public struct ShiftSchedule: Sendable, Equatable {
    public struct Shift: Sendable, Equatable {
        public var name: String
        /// Minutes after local midnight.
        public var startMinute: Int
        public var endMinute: Int

        public init(name: String, startMinute: Int, endMinute: Int) {
            self.name = name
            self.startMinute = startMinute
            self.endMinute = endMinute
        }

        var wrapsMidnight: Bool { endMinute <= startMinute }

        func contains(minuteOfDay m: Int) -> Bool {
            wrapsMidnight ? (m >= startMinute || m < endMinute) : (m >= startMinute && m < endMinute)
        }
    }

    public var timeZone: TimeZone
    public var shifts: [Shift]

    /// Day 06–14, evening 14–22, night 22–06, in UTC unless the workspace names a time zone.
    public static let standard = ShiftSchedule(trusted: TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current, shifts: [
        Shift(name: "day", startMinute: 6 * 60, endMinute: 14 * 60),
        Shift(name: "evening", startMinute: 14 * 60, endMinute: 22 * 60),
        Shift(name: "night", startMinute: 22 * 60, endMinute: 6 * 60),
    ])

    /// For the schedule written above, which the tests check with the validating initializer.
    private init(trusted timeZone: TimeZone, shifts: [Shift]) {
        self.timeZone = timeZone
        self.shifts = shifts
    }

    public init(timeZone: TimeZone, shifts: [Shift]) throws(PitbossError) {
        guard !shifts.isEmpty else { throw .badInput("the shift schedule names no shifts") }
        var names = Set<String>()
        for shift in shifts {
            guard shift.name.range(of: #"^[a-z0-9][a-z0-9_-]*$"#, options: .regularExpression) != nil else {
                throw .badInput("shift name '\(shift.name)' must be lower-case letters, digits, '-' or '_'")
            }
            guard names.insert(shift.name).inserted else { throw .badInput("shift '\(shift.name)' is named twice") }
        }
        // Every minute of the day must belong to exactly one shift, or some conversations would
        // get no shift (or two).
        for minute in 0..<(24 * 60) {
            let owners = shifts.filter { $0.contains(minuteOfDay: minute) }
            guard owners.count == 1 else {
                let time = String(format: "%02d:%02d", minute / 60, minute % 60)
                let problem = owners.isEmpty ? "no shift covers \(time)"
                    : "shifts \(owners.map(\.name).joined(separator: " and ")) overlap at \(time)"
                throw .badInput("the shift schedule is not a partition of the day: \(problem)")
            }
        }
        self.timeZone = timeZone
        self.shifts = shifts
    }

    /// The shift id, e.g. `2026-11-21-night`, of the shift in which `instant` falls.
    public func shiftID(for instant: Date) -> String {
        let offset = timeZone.secondsFromGMT(for: instant)
        let localSeconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offset
        var days = localSeconds / 86_400
        var secondOfDay = localSeconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let minute = secondOfDay / 60
        let shift = shifts.first { $0.contains(minuteOfDay: minute) }!
        if shift.wrapsMidnight && minute < shift.endMinute { days -= 1 }
        let (y, m, d) = UTCTimestamp.civilFromDays(days)
        return String(format: "%04d-%02d-%02d-", y, m, d) + shift.name
    }
}
