import Foundation
import GRDB

/// What a report's filters select, said to people ("shift 2026-11-21-night · chat · since 2026-11-01"), and checked
/// against the database first: a filter that names nothing stored — an agent, a shift, a language nobody has — is a
/// typo, answered with the closest names there are rather than with an empty report.
public enum ReportScope {
    public static func describe(_ selection: FlagSelection, zone: TimeZone) -> String {
        var parts: [String] = []
        if let shift = selection.shift { parts.append("shift \(shift)") }
        if let agent = selection.agent { parts.append("agent \(agent)") }
        if let channel = selection.channel { parts.append("\(channel.rawValue) only") }
        if let languages = selection.languages { parts.append("in \(languages.joined(separator: ", "))") }
        if let since = selection.since { parts.append("since \(LocalTime.short(since, in: zone))") }
        if let until = selection.until { parts.append("before \(LocalTime.short(until, in: zone))") }
        return parts.isEmpty ? "every conversation stored" : parts.joined(separator: " · ")
    }

    /// Throws, naming the closest stored values, when the agent, shift or a language of `selection` is in no conversation.
    static func verify(_ selection: FlagSelection, in db: Database) throws {
        func check(_ value: String?, column: String, what: String) throws {
            guard let value, try Int.fetchOne(db, sql: "SELECT 1 FROM conversations WHERE \(column) = ? LIMIT 1", arguments: [value]) == nil else { return }
            let known = try String.fetchAll(db, sql: "SELECT DISTINCT \(column) FROM conversations")
            let closest = RetrainingStore.closest(to: value, among: known)
            throw PitbossError.badInput("no conversation is stored for \(what) '\(value)'"
                + (closest.isEmpty ? (known.isEmpty ? " (the database has no conversations yet)" : "") : "; similar: \(closest.joined(separator: ", "))"))
        }
        try check(selection.agent, column: "agent_id", what: "agent")
        try check(selection.shift, column: "shift_id", what: "shift")
        for language in selection.languages ?? [] { try check(language, column: "language", what: "language") }
    }
}
