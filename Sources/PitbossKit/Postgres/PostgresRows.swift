import Foundation
import GRDB

/// PostgreSQL results as GRDB rows, so that the records the SQLite stores decode (`FetchableRecord`) decode from the
/// server's rows too. Values take the type SQLite would have given them: integers and booleans as integers, reals as
/// doubles, instants as the ISO 8601 text SQLite stores (`2026-11-21T22:04:00.000Z`), everything else as text. Read
/// their columns by name: GRDB builds such a row from a dictionary, so its column order is not the query's.
extension PostgresConnection {
    public func rows(_ sql: String, _ parameters: [String?] = []) throws(Failure) -> [Row] {
        let result = try execute(sql, parameters)
        return result.rows.map { values in
            var dictionary: [String: DatabaseValue] = [:]
            for (index, column) in result.columns.enumerated() {
                dictionary[column] = Self.databaseValue(values[index], type: result.types[index])
            }
            return Row(dictionary)
        }
    }

    /// The first column of the first row, when there is one and it is not NULL.
    public func value(_ sql: String, _ parameters: [String?] = []) throws(Failure) -> String? {
        try execute(sql, parameters).rows.first?.first ?? nil
    }

    static func databaseValue(_ text: String?, type: UInt32) -> DatabaseValue {
        guard let text else { return .null }
        switch type {
        case 20, 21, 23, 26: return Int64(text).map { $0.databaseValue } ?? text.databaseValue
        case 16: return (text == "t" ? Int64(1) : Int64(0)).databaseValue
        case 700, 701, 1700: return Double(text).map { $0.databaseValue } ?? text.databaseValue
        case 1184, 1114: return (PostgresText.instant(text) ?? text).databaseValue
        default: return text.databaseValue
        }
    }
}

/// Values written as PostgreSQL reads them, and read back as Pitboss stores them.
public enum PostgresText {
    /// `2026-11-21 22:04:00.12+00` (the server's output in a UTC session) → `2026-11-21T22:04:00.120Z`.
    public static func instant(_ text: String) -> String? {
        date(text).map(UTCTimestamp.format)
    }

    /// The instant a timestamptz's text output names (`2026-11-21 22:04:00.12+00`).
    public static func date(_ text: String) -> Date? {
        UTCTimestamp.parse(text)
    }

    /// A text array literal (`{"a","b\"c"}`) for `= ANY($1::text[])`.
    public static func array(_ values: some Sequence<String>) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"
    }

    /// An array literal of values that may be NULL, for `unnest($1::text[])` (any element type: each is quoted text).
    /// Built as bytes, with runs free of `\\` and `"` copied whole: a flag batch's findings pass through here.
    public static func array(_ values: [String?]) -> String {
        var buffer: [UInt8] = [UInt8(ascii: "{")]
        buffer.reserveCapacity(values.count * 24)
        for (position, value) in values.enumerated() {
            if position > 0 { buffer.append(UInt8(ascii: ",")) }
            guard var value else { buffer.append(contentsOf: "NULL".utf8); continue }
            buffer.append(UInt8(ascii: "\""))
            value.withUTF8 { bytes in
                var start = 0
                for index in bytes.indices where bytes[index] == 92 || bytes[index] == 34 {
                    buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                    buffer.append(92)
                    start = index
                }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
            }
            buffer.append(UInt8(ascii: "\""))
        }
        buffer.append(UInt8(ascii: "}"))
        return String(decoding: buffer, as: UTF8.self)
    }

    /// An integer array literal for `= ANY($1::bigint[])`.
    public static func array(_ values: some Sequence<Int64>) -> String {
        "{" + values.map(String.init).joined(separator: ",") + "}"
    }
}

extension PostgresText {
    /// SQL written for SQLite's `?` placeholders (a condition both backends read alike, such as `SamplePopulation`'s),
    /// numbered `$first`, `$first+1`, … for PostgreSQL. `?` inside a quoted literal or identifier is left alone.
    public static func numbered(_ sql: String, from first: Int = 1) -> String {
        var result = ""
        var next = first
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                result += "$\(next)"
                next += 1
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// GRDB arguments as the text parameters PostgreSQL reads: numbers in decimal, text as it is, NULL as nil.
    public static func parameters(_ values: [(any DatabaseValueConvertible)?]) -> [String?] {
        values.map { value in
            guard let value else { return nil }
            switch value.databaseValue.storage {
            case .null: return nil
            case .int64(let number): return String(number)
            case .double(let number): return "\(number)"
            case .string(let text): return text
            case .blob(let data): return String(decoding: data, as: UTF8.self)
            }
        }
    }
}
