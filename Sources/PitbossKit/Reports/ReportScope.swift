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
        // Times with the zone they are in, as on every screen.
        if let since = selection.since { parts.append("since \(LocalTime.short(since, in: zone)) \(LocalTime.offset(since, in: zone))") }
        if let until = selection.until { parts.append("before \(LocalTime.short(until, in: zone)) \(LocalTime.offset(until, in: zone))") }
        return parts.isEmpty ? "every conversation stored" : parts.joined(separator: " · ")
    }

    /// Throws, naming the closest stored values, when the agent, shift or a language of `selection` is in no conversation.
    static func verify(_ selection: FlagSelection, in db: Database) throws {
        try KnownNames.check(selection.agent.map { [$0] } ?? [], .agent, in: db)
        try KnownNames.check(selection.shift.map { [$0] } ?? [], .shift, in: db)
        try KnownNames.check(selection.languages ?? [], .language, in: db)
    }
}
