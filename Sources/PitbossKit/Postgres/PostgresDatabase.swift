import Foundation

/// A workspace on a PostgreSQL server: one connection, its schema brought up to date (or a newer one refused, as on
/// SQLite), and the person the server says is logged in.
public final class PostgresDatabase {
    public let connection: PostgresConnection
    /// The target as it may be shown (no password).
    public let shownTarget: String

    /// Whether `--db`/`PITBOSS_DB` names a server rather than a file: a `postgres://` or `postgresql://` URI.
    public static func isServer(_ location: String) -> Bool {
        let lower = location.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// Connects and migrates. `createRoles` (init) also creates the three group roles when the cluster lacks them.
    public init(_ target: String, createRoles: Bool = false) throws(PitbossError) {
        connection = try PostgresConnection(target)
        shownTarget = PostgresConnection.redacted(target)
        do {
            // Times cross the wire as ISO 8601 in UTC; the session's zone must not change what text a timestamp reads as.
            try connection.execute("SET TIME ZONE 'UTC'")
            try connection.execute("SET DateStyle = 'ISO, YMD'")
            try connection.execute("SET extra_float_digits = 1")
        } catch {
            throw .internalFailure("cannot set up the PostgreSQL session on \(shownTarget): \(error)")
        }
        try migrate(createRoles: createRoles)
    }

    /// The schema version the database is at (0 when it holds no Pitboss schema).
    public func schemaVersion() throws(PitbossError) -> Int {
        try appliedMigrations().compactMap(PitbossDatabase.schemaVersion).max() ?? 0
    }

    private func appliedMigrations() throws(PitbossError) -> [String] {
        do {
            let exists = try connection.execute("SELECT to_regclass('pitboss_migrations') IS NOT NULL").rows.first?.first == "t"
            guard exists else { return [] }
            return try connection.execute("SELECT identifier FROM pitboss_migrations ORDER BY identifier").rows.compactMap { $0[0] }
        } catch {
            throw Self.translate(error, doing: "read the schema version of \(shownTarget)")
        }
    }

    /// Applies what is missing, each migration in its own transaction, under an advisory lock so two processes opening a
    /// new database at once do not both create it. A schema from a newer Pitboss is refused before anything is written.
    private func migrate(createRoles: Bool) throws(PitbossError) {
        let known = Set(PostgresSchema.migrations.map(\.identifier))
        let applied = try appliedMigrations()
        try refuseNewer(applied: applied, known: known)
        if createRoles {
            do { try connection.executeScript(PostgresSchema.roles) } catch {
                throw Self.translate(error, doing: "create the roles pitboss_reviewer, pitboss_supervisor and pitboss_admin (the login running init needs CREATEROLE, or a DBA creates them first)")
            }
        }
        guard PostgresSchema.migrations.contains(where: { !applied.contains($0.identifier) }) else { return }
        do {
            try connection.transaction {
                try connection.execute("SELECT pg_advisory_xact_lock(hashtext('pitboss schema'))")
                try connection.execute("CREATE TABLE IF NOT EXISTS pitboss_migrations (identifier text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
                try connection.execute("GRANT SELECT ON pitboss_migrations TO PUBLIC")
                let done = Set(try connection.execute("SELECT identifier FROM pitboss_migrations").rows.compactMap { $0[0] })
                for migration in PostgresSchema.migrations where !done.contains(migration.identifier) {
                    try connection.executeScript(migration.sql)
                    try connection.execute("INSERT INTO pitboss_migrations (identifier) VALUES ($1)", [migration.identifier])
                }
            }
        } catch {
            throw Self.translate(error, doing: "create the Pitboss schema (v\(PostgresSchema.version)) in \(shownTarget); the login must be allowed to create tables there (the database's owner, or a DBA: see the README's set-up on PostgreSQL)")
        }
    }

    private func refuseNewer(applied: [String], known: Set<String>) throws(PitbossError) {
        let unknown = applied.filter { !known.contains($0) }
        guard !unknown.isEmpty else { return }
        let theirs = unknown.compactMap(PitbossDatabase.schemaVersion).max() ?? PostgresSchema.version + 1
        throw .refused("\(shownTarget): this database was written by a newer Pitboss (schema v\(theirs): \(unknown.sorted().joined(separator: ", "))); this build knows schema v\(PostgresSchema.version). Use the newer Pitboss for this database; nothing was changed")
    }

    /// Who logged in: the actor of everything this connection records.
    public func loginName() throws(PitbossError) -> String {
        do { return try connection.execute("SELECT session_user").rows.first?.first.flatMap { $0 } ?? "" } catch {
            throw Self.translate(error, doing: "read who is logged in to \(shownTarget)")
        }
    }

    /// Whether the login may act for others and do what only supervisors do (a member of `pitboss_supervisor`).
    public func loginIsSupervisor() throws(PitbossError) -> Bool {
        do {
            return try connection.execute("SELECT pg_has_role(session_user, 'pitboss_supervisor', 'MEMBER')").rows.first?.first == "t"
        } catch {
            throw Self.translate(error, doing: "read the roles of the login to \(shownTarget)")
        }
    }

    /// The server's errors in Pitboss's words: a refused privilege is a refusal (77), a lost server is temporary (75).
    public static func translate(_ error: any Error, doing action: String) -> PitbossError {
        if let pitboss = error as? PitbossError { return pitboss }
        guard let failure = error as? PostgresConnection.Failure else { return .internalFailure("cannot \(action): \(error)") }
        switch failure.sqlState {
        case PostgresConnection.Failure.insufficientPrivilege?:
            return .refused("cannot \(action): the server refused it (\(failure.message)); ask a Pitboss admin for the role that allows it")
        case let state? where state.hasPrefix("08") || state == "57P01" || state == "40001" || state == "40P01" || state == "55P03":
            return .temporary("cannot \(action): \(failure.message); try again (the unfinished transaction was rolled back)")
        case "53100"?:
            return .ioFailure("cannot \(action): the server's disk is full (\(failure.message)); the unfinished transaction was rolled back")
        default:
            return .internalFailure("cannot \(action): \(failure)")
        }
    }
}
