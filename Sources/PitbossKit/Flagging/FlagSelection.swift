import Foundation
import GRDB

/// Which conversations a flag run looks at. Whatever the filters, a conversation already evaluated with
/// the same rubric (same content hash of the rubric file) and the same content is skipped.
public struct FlagSelection: Sendable, Equatable, Codable {
    public var shift: String?
    public var since: Date?
    public var until: Date?
    public var agent: String?
    public var channel: Channel?
    /// A rubric route's filters (see `RubricRoute`): any of these channels, languages, tags.
    public var channels: [Channel]?
    public var languages: [String]?
    public var tags: [String]?

    public init(shift: String? = nil, since: Date? = nil, until: Date? = nil, agent: String? = nil, channel: Channel? = nil) {
        self.shift = shift
        self.since = since
        self.until = until
        self.agent = agent
        self.channel = channel
    }

    /// The SQL conditions on `conversations c`, and their arguments.
    var conditions: (sql: [String], arguments: [(any DatabaseValueConvertible)?]) {
        var sql: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let shift { sql.append("c.shift_id = ?"); arguments.append(shift) }
        if let since { sql.append("c.started_at >= ?"); arguments.append(UTCTimestamp.format(since)) }
        if let until { sql.append("c.started_at < ?"); arguments.append(UTCTimestamp.format(until)) }
        if let agent { sql.append("c.agent_id = ?"); arguments.append(agent) }
        if let channel { sql.append("c.channel = ?"); arguments.append(channel.rawValue) }
        func oneOf(_ column: String, _ values: [String]) {
            sql.append("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))")
            arguments += values.map { $0 }
        }
        if let channels { oneOf("c.channel", channels.map(\.rawValue)) }
        if let languages { oneOf("c.language", languages) }
        if let tags {
            sql.append("EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE t.value IN (\(Array(repeating: "?", count: tags.count).joined(separator: ", "))))")
            arguments += tags.map { $0 }
        }
        return (sql, arguments)
    }

    /// As recorded with the run: `{"shift":"2026-11-21-night"}`, `{}` for everything.
    public var json: String {
        var object: [String: String] = [:]
        if let shift { object["shift"] = shift }
        if let since { object["since"] = UTCTimestamp.format(since) }
        if let until { object["until"] = UTCTimestamp.format(until) }
        if let agent { object["agent"] = agent }
        if let channel { object["channel"] = channel.rawValue }
        if let channels { object["channels"] = channels.map(\.rawValue).joined(separator: ",") }
        if let languages { object["languages"] = languages.joined(separator: ",") }
        if let tags { object["tags"] = tags.joined(separator: ",") }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
