import Foundation

/// The one JSON style of every output and every JSON column Pitboss writes: keys sorted, slashes unescaped, times as
/// ISO 8601 UTC (`2026-11-21T22:04:00.000Z`), every key present (null when empty, by `EveryKey`). Keys are snake_case
/// by each type's own `CodingKeys`; no key strategy, which would also rewrite the keys of dictionaries that hold data
/// (agent ids, criteria).
public enum JSONOutput {
    /// Pretty for output a person may read; compact for values stored in the database.
    public static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(UTCTimestamp.format(date))
        }
        return encoder
    }

    /// The value as JSON text with a final line feed. Encoding Pitboss's own output types cannot fail (no
    /// non-finite numbers reach them); if one ever did, the output says so instead of printing nothing.
    public static func string<T: Encodable>(_ value: T, pretty: Bool = true) -> String {
        do {
            return String(decoding: try encoder(pretty: pretty).encode(EveryKey(value: value)), as: UTF8.self) + (pretty ? "\n" : "")
        } catch {
            return #"{"error": "cannot encode the output as JSON"}"# + "\n"
        }
    }

    /// Compact JSON for a database column.
    public static func data<T: Encodable>(_ value: T) throws -> Data {
        try encoder(pretty: false).encode(EveryKey(value: value))
    }
}
