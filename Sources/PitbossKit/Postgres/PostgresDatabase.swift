import Foundation

/// A workspace on a PostgreSQL server: one connection, its schema brought up to date (or a newer one refused, as on
/// SQLite), and the person the server says is logged in.
public final class PostgresDatabase: Sendable {
    public let connection: PostgresConnection
    /// The target as it may be shown (no password).
    public let shownTarget: String
    /// Who logged in (`session_user`): the actor of everything this connection records.
    public let loginName: String
    /// Whether the login may act for others and do what only supervisors do (a member of `pitboss_supervisor`).
    public let loginIsSupervisor: Bool

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
        try PostgresMigrator(connection: connection, shownTarget: shownTarget).migrate(createRoles: createRoles)
        do {
            let who = try connection.execute("""
                SELECT session_user, CASE WHEN to_regrole('pitboss_supervisor') IS NULL THEN false
                                          ELSE pg_has_role(session_user, 'pitboss_supervisor', 'MEMBER') END
                """).rows.first
            loginName = who?[0] ?? ""
            loginIsSupervisor = who?[1] == "t"
        } catch {
            throw Self.translate(error, doing: "read who is logged in to \(shownTarget)")
        }
    }

    /// The schema version the database is at (0 when it holds no Pitboss schema).
    public func schemaVersion() throws(PitbossError) -> Int {
        try PostgresMigrator(connection: connection, shownTarget: shownTarget).appliedMigrations().compactMap(PitbossDatabase.schemaVersion).max() ?? 0
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
