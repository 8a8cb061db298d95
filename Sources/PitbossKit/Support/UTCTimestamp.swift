import Foundation

/// Fast, allocation-light ISO 8601 parsing and formatting of instants.
///
/// Foundation's `ISO8601DateFormatter` costs microseconds per call on Linux; an import parses
/// millions of timestamps, so the few shapes that transcripts use are parsed by hand here.
public enum UTCTimestamp {
    /// Parses `YYYY-MM-DD[T ]HH:MM[:SS[.fff…]][Z|±HH[[:]MM]]`.
    /// A timestamp without a zone designator is local time in `zoneForNaiveTimes`.
    public static func parse(_ text: some StringProtocol, zoneForNaiveTimes: TimeZone? = nil) -> Date? {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == UInt8(ascii: " ") { bytes.removeLast() }
        return bytes.withUnsafeBufferPointer { parse(bytes: $0, zoneForNaiveTimes: zoneForNaiveTimes) }
    }

    static func parse(bytes b: UnsafeBufferPointer<UInt8>, zoneForNaiveTimes: TimeZone?) -> Date? {
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var value = 0
            for k in 0..<count {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            i += count
            return value
        }
        func expect(_ ascii: Character) -> Bool {
            guard i < b.count, b[i] == ascii.asciiValue else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        guard i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ")
        else { return nil }
        i += 1
        guard let hour = digits(2), expect(":"), let minute = digits(2), hour < 24, minute < 60 else { return nil }
        var second = 0
        // Milliseconds, as stored: digits past the third are read and dropped, so that a time read back
        // from the database is the same instant (and hashes the same) as the time first imported.
        var millis = 0
        if i < b.count, b[i] == UInt8(ascii: ":") {
            i += 1
            guard let s = digits(2), s < 61 else { return nil }
            second = s
            if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                i += 1
                let start = i
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    if i - start < 3 { millis = millis * 10 + Int(b[i] - 48) }
                    i += 1
                }
                guard i > start else { return nil }
                for _ in 0..<max(0, 3 - (i - start)) { millis *= 10 }
            }
        }
        let localSeconds = Double(daysFromCivil(year: year, month: month, day: day) * 86_400
            + hour * 3600 + minute * 60 + second) + Double(millis) / 1000
        if i == b.count {
            guard let zone = zoneForNaiveTimes else { return nil }
            // The offset at the naive instant is right except within the hour of a DST change.
            let guess = Date(timeIntervalSince1970: localSeconds)
            let offset = zone.secondsFromGMT(for: guess.addingTimeInterval(-Double(zone.secondsFromGMT(for: guess))))
            return Date(timeIntervalSince1970: localSeconds - Double(offset))
        }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            return i + 1 == b.count ? Date(timeIntervalSince1970: localSeconds) : nil
        }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return nil }
        let sign = b[i] == UInt8(ascii: "+") ? 1 : -1
        i += 1
        guard let offsetHours = digits(2), offsetHours < 24 else { return nil }
        // ±hh alone is ISO 8601's whole-hour offset (PostgreSQL writes a timestamptz so: `+00`).
        if i == b.count { return Date(timeIntervalSince1970: localSeconds - Double(sign * offsetHours * 3600)) }
        _ = expect(":")
        guard let offsetMinutes = digits(2), i == b.count, offsetMinutes < 60 else { return nil }
        return Date(timeIntervalSince1970: localSeconds - Double(sign * (offsetHours * 3600 + offsetMinutes * 60)))
    }

    /// `2026-11-21T22:39:52.000Z`: fixed width, so text order is time order in SQLite.
    public static func format(_ date: Date) -> String {
        // Times come from `parse` (years 0000–9999) or from the database; one from elsewhere outside that
        // range (or not a number) is written as the nearest end of it, never a trap on an Int conversion.
        let millisDouble = (date.timeIntervalSince1970 * 1000).rounded()
        let totalMillis = millisDouble.isNaN ? 0 : Int(min(max(millisDouble, Double(Self.firstMillis)), Double(Self.lastMillis)))
        let millis = ((totalMillis % 1000) + 1000) % 1000
        let totalSeconds = (totalMillis - millis) / 1000
        var days = totalSeconds / 86_400
        var secondsOfDay = totalSeconds % 86_400
        if secondsOfDay < 0 { secondsOfDay += 86_400; days -= 1 }
        let (year, month, day) = civilFromDays(days)
        // Written digit by digit into a fixed buffer: this runs once per stored turn.
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var v = value
                for k in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[k] = UInt8(48 + v % 10)
                    v /= 10
                }
            }
            put(year, 4, at: 0); buffer[4] = 45; put(month, 2, at: 5); buffer[7] = 45; put(day, 2, at: 8)
            buffer[10] = 84; put(secondsOfDay / 3600, 2, at: 11); buffer[13] = 58; put(secondsOfDay / 60 % 60, 2, at: 14)
            buffer[16] = 58; put(secondsOfDay % 60, 2, at: 17); buffer[19] = 46; put(millis, 3, at: 20); buffer[23] = 90
            return 24
        }
    }

    /// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z in milliseconds since 1970.
    static let firstMillis = -62_167_219_200_000
    static let lastMillis = 253_402_300_799_999

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
