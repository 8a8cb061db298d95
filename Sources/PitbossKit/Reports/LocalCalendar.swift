import Foundation

/// The day, hour and ISO week of instants in the workspace's time zone, for grouping a report's rows. The zone's offset
/// is looked up once per UTC hour (Foundation's lookup costs a microsecond, and a report places 400,000 conversations).
struct LocalCalendar {
    let zone: TimeZone
    private var offsets: [Int: Int] = [:]

    init(zone: TimeZone) { self.zone = zone }

    struct Moment {
        /// Days since 1970-01-01 in the zone.
        var days: Int
        var secondsOfDay: Int
        var hour: Int { secondsOfDay / 3600 }
        var day: String { LocalCalendar.dayText(days) }
        var week: String { LocalCalendar.isoWeek(days: days) }
    }

    mutating func moment(_ date: Date) -> Moment {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let utcHour = seconds >= 0 ? seconds / 3600 : (seconds - 3599) / 3600
        let offset: Int
        if let known = offsets[utcHour] { offset = known } else {
            offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utcHour * 3600)))
            offsets[utcHour] = offset
        }
        let local = seconds + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        return Moment(days: days, secondsOfDay: local - days * 86_400)
    }

    /// A stored UTC time (`2026-11-21T22:04:00.000Z`) in the zone; nil when the text is not a time.
    mutating func moment(utc text: String) -> Moment? {
        UTCTimestamp.parse(text).map { moment($0) }
    }

    static func dayText(_ days: Int) -> String {
        let (y, m, d) = UTCTimestamp.civilFromDays(days)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// ISO 8601 week, `2026-W47`: weeks begin on Monday, and week 1 is the one with the year's first Thursday.
    static func isoWeek(days: Int) -> String {
        let weekday = ((days + 3) % 7 + 7) % 7  // 1970-01-01 was a Thursday; Monday is 0
        let thursday = days - weekday + 3
        let (year, _, _) = UTCTimestamp.civilFromDays(thursday)
        let week = (thursday - UTCTimestamp.daysFromCivil(year: year, month: 1, day: 1)) / 7 + 1
        return String(format: "%04d-W%02d", year, week)
    }

    /// The `count` ISO weeks that end with the week of `days`, oldest first.
    static func weeks(endingAt days: Int, count: Int) -> [String] {
        (0..<max(0, count)).reversed().map { isoWeek(days: days - 7 * $0) }
    }
}
