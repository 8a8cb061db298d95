import ArgumentParser
import Foundation
import PitbossKit

/// Options every command that touches the workspace takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file (default: $PITBOSS_DB, else ./pitboss.sqlite).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("The workspace config, time zone and shifts (default: $PITBOSS_CONFIG, else ./pitboss.yaml if present).", valueName: "path"))
    var config: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("Who is acting, recorded on what this command does (default: $PITBOSS_USER, else the OS user).", valueName: "name"))
    var actingAs: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Who is acting, spelt as the workspace's roster spells them (when it lists them), without edge spaces.
    var user: String {
        let given = (actingAs ?? environment["PITBOSS_USER"] ?? environment["USER"] ?? ProcessInfo.processInfo.userName)
        return (try? workspaceConfig())?.roster.canonical(given) ?? given.trimmingCharacters(in: .whitespaces)
    }

    func validate() throws {
        if let actingAs, actingAs.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--as needs a name") }
        if let name = environment["PITBOSS_USER"], name.trimmingCharacters(in: .whitespaces).isEmpty, actingAs == nil {
            throw ValidationError("PITBOSS_USER is set but blank: set it to your name, or unset it")
        }
    }

    var databasePath: String { PitbossDatabase.location(explicitPath: db, environment: environment) }

    /// The workspace's settings alone, for commands that need no database (check on a file, rubric).
    func workspaceConfig() throws(PitbossError) -> WorkspaceConfig {
        try WorkspaceConfig.locate(explicitPath: config, environment: environment)
    }

    /// The workspace with its database open for `access`. `PITBOSS_BUSY_TIMEOUT` (seconds) changes how long a write
    /// waits for another process's.
    func openWorkspace(_ access: Workspace.Access, onPostgres: OnPostgres = .refused) throws(PitbossError) -> Workspace {
        if PostgresDatabase.isServer(databasePath) && onPostgres == .refused {
            let command = Self.typedCommand
            throw .usage("\(command) does not run on a PostgreSQL workspace yet (so far: \(Self.commandsOnPostgres)). To try it on a copy: "
                + "pitboss migrate --from \(PostgresConnection.redacted(databasePath)) --to copy.sqlite, then \(command) --db copy.sqlite; what it writes there stays in the copy")
        }
        var timeout = PitbossDatabase.defaultBusyTimeout
        if let text = environment["PITBOSS_BUSY_TIMEOUT"] {
            guard let seconds = TimeInterval(text), seconds >= 0, seconds <= 86_400 else {
                throw .usage("PITBOSS_BUSY_TIMEOUT='\(text)' is not a number of seconds from 0 to 86400 (a day)")
            }
            timeout = seconds
        }
        let workspace = try Workspace.open(config: try workspaceConfig(), databasePath: databasePath, access: access, busyTimeout: timeout)
        // Acting as whoever the OS says (root, in a container) is recorded silently otherwise: a person's write (a claim, a
        // score, an assignment) says so; the batch jobs (import, flag) record who started them without a word.
        if case .sqlite = workspace.backend, access == .write, actingAs == nil, environment["PITBOSS_USER"] == nil, workspace.config.roster.role(of: user) == nil {
            Console.note("note: acting as '\(user)', the OS user\(workspace.config.roster.isDeclared ? ", who is not on the workspace's roster" : ""); what this command records is recorded under that name; name yourself with --as NAME or PITBOSS_USER")
        }
        switch onPostgres {
        case .readingCopy: return try workspace.forReading()
        case .readingCopyQuotingFindings: return try workspace.forReading(quotingFindings: true)
        case .refused, .server: return workspace
        }
    }

    /// How a command runs on a PostgreSQL workspace.
    enum OnPostgres {
        /// Not yet (a new command must choose how it runs there): refused with how to run it on a copy.
        case refused
        /// On the server, through the workspace's stores.
        case server
        /// On one snapshot of the server copied into memory (`Workspace.forReading`): for commands that only read.
        case readingCopy
        /// The same, with the turns findings point to, for a report that quotes them.
        case readingCopyQuotingFindings
    }

    /// The commands that run on a PostgreSQL workspace so far.
    static let commandsOnPostgres = "every command but doctor"

    /// The command as typed (`pitboss queue list`), for messages about it.
    static var typedCommand: String {
        let words = CommandLine.arguments.dropFirst()
        guard let first = words.first, let command = Pitboss.configuration.subcommands.first(where: { $0._commandName == first }) else {
            return "this command"
        }
        if let second = words.dropFirst().first, command.configuration.subcommands.contains(where: { $0._commandName == second }) {
            return "pitboss \(first) \(second)"
        }
        return "pitboss \(first)"
    }

    /// Who is acting in `workspace`: on SQLite `user`; on PostgreSQL the login, or whoever a supervisor's login names.
    func actor(in workspace: Workspace) throws(PitbossError) -> String {
        guard case .postgres = workspace.backend else { return user }
        let named = (actingAs ?? environment["PITBOSS_USER"]).map { $0.trimmingCharacters(in: .whitespaces) }
        return try workspace.actor(requested: named, fallback: user)
    }

    /// Refuses, for a reviewer, what only supervisors do (exit 77); without supervisors declared, says that anyone may.
    func requireSupervisor(_ workspace: Workspace, to action: String) throws(PitbossError) {
        if case .postgres = workspace.backend { return try workspace.requireSupervisor(try actor(in: workspace), to: action) }
        let roster = workspace.config.roster
        if roster.supervisors.isEmpty {
            Console.note("note: pitboss.yaml declares no supervisors, so anyone may \(action); list them under supervisors: to keep it to them")
        }
        try roster.requireSupervisor(user, to: action)
    }

    /// `--lease`, checked: 1 to 1440 minutes.
    static func lease(_ minutes: Double?) throws(PitbossError) -> Double? {
        if let minutes, !(minutes >= 1 && minutes <= 24 * 60) { throw .usage("--lease must be a number of minutes from 1 to 1440") }
        return minutes
    }
}

/// `--show-pii`: every output that carries transcript text masks personal data unless asked.
struct PersonalDataOptions: ParsableArguments {
    @Flag(name: .customLong("show-pii"), help: "Show card numbers, e-mail addresses, phone and document numbers unmasked.")
    var showPII = false

    /// The mask to apply, or nil when personal data is to be shown.
    var mask: PersonalDataMask? { showPII ? nil : PersonalDataMask() }
}

/// Parsing of argument values that several commands share.
enum Arguments {
    /// A list option as every command takes it: repeated (`--rule a --rule b`), comma-separated (`--rule a,b`), or both;
    /// blanks dropped, each value once, in the order given.
    static func list(_ values: [String], _ flag: String) throws(PitbossError) -> [String] {
        var seen = Set<String>()
        let items = values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { $0.trimmingCharacters(in: .whitespaces) }
        // An empty value would silently drop the filter (every agent, every language): a typo, said as one.
        if items.contains(where: \.isEmpty) { throw .usage("\(flag): an empty value; give one or more, e.g. \(flag) a,b") }
        return items.filter { seen.insert($0).inserted }
    }

    /// Language codes as stored: lower case.
    static func languages(_ values: [String], _ flag: String = "--language") throws(PitbossError) -> [String] {
        try list(values, flag).map { $0.lowercased() }
    }

    /// `2026-11-21T22:00:00Z`, or a date (midnight in the workspace's zone).
    static func time(_ text: String?, _ flag: String, zone: TimeZone) throws(PitbossError) -> Date? {
        guard let text else { return nil }
        guard let date = UTCTimestamp.parse(text, zoneForNaiveTimes: zone) ?? UTCTimestamp.parse(text + "T00:00", zoneForNaiveTimes: zone) else {
            throw .usage("\(flag): '\(text)' is not a time like 2026-11-21T22:00:00Z or a date like 2026-11-21")
        }
        return date
    }

    static func channel(_ text: String) throws(PitbossError) -> Channel {
        guard let c = Channel(lenient: text) else { throw .usage("--channel: '\(text)' is not one of \(Channel.namesForHumans)") }
        return c
    }

    /// `F12,F13` or `12` → finding ids; `F12:quoting the player` carries a reason.
    static func findings(_ values: [String], _ flag: String) throws(PitbossError) -> [(Int64, String?)] {
        var result: [(Int64, String?)] = []
        for value in values {
            // A reason may hold commas, so a value with a reason names one finding.
            let parts = value.contains(":") ? [Substring(value)] : value.split(separator: ",")
            for part in parts {
                let pieces = part.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                let idText = pieces[0].hasPrefix("F") || pieces[0].hasPrefix("f") ? String(pieces[0].dropFirst()) : pieces[0]
                guard let id = Int64(idText) else {
                    throw .usage("\(flag): '\(part)' is not a finding id like F12 (or F12:reason); see the F numbers in pitboss review or pitboss findings")
                }
                result.append((id, pieces.count > 1 && !pieces[1].isEmpty ? pieces[1] : nil))
            }
        }
        return result
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}
extension AgentsReport.Sort: ExpressibleByArgument {}

/// For commands that write one record, not a listing: a table (or text) for people, or JSON. Each command accepts
/// exactly the formats it can write.
enum TableOrJSON: String, ExpressibleByArgument, CaseIterable { case table, json }
extension QueueStatus: ExpressibleByArgument {}
extension QueueListStatus: ExpressibleByArgument {}
extension QueueReason: ExpressibleByArgument {}
extension TranscriptFormat: ExpressibleByArgument {}
