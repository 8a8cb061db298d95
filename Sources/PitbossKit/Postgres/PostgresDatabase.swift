import Foundation

/// A workspace on a PostgreSQL server: one connection, its schema brought up to date (or a newer one refused, as on
/// SQLite), and the person the server says is logged in.
public final class PostgresDatabase: @unchecked Sendable {
    public let connection: PostgresConnection
    /// What to connect to, as given (password included): for the second session, never shown.
    private let target: String
    private let readerLock = NSLock()
    private var reader: PostgresConnection?  // guarded by readerLock
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

    /// What opening does with the schema.
    public enum Schema: Sendable {
        /// It must be there and current: a person's command never creates tables on a server.
        case mustBeCurrent
        /// Create it, or bring it up to date (with the three group roles when the cluster lacks them): the owner's
        /// `init`, and `migrate` into a new database.
        case createOrUpgrade
    }

    /// How long a statement waits for a lock another session holds before giving up (exit 75), as SQLite's busy timeout.
    public let lockTimeout: TimeInterval

    /// Connects and checks (or creates) the schema.
    public init(_ target: String, schema: Schema = .mustBeCurrent, lockTimeout: TimeInterval = PitbossDatabase.defaultBusyTimeout) throws(PitbossError) {
        self.target = target
        self.lockTimeout = lockTimeout
        shownTarget = PostgresConnection.redacted(target)
        connection = try Self.session(target, shown: shownTarget, lockTimeout: lockTimeout)
        try PostgresMigrator(connection: connection, shownTarget: shownTarget).migrate(allowed: schema == .createOrUpgrade)
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

    /// A connection set up as every Pitboss session is.
    private static func session(_ target: String, shown: String, lockTimeout: TimeInterval) throws(PitbossError) -> PostgresConnection {
        let connection = try PostgresConnection(target)
        do {
            // No wait for another session's lock is endless: a claim, a flag batch or an import gives up with "try again".
            // Times cross the wire as ISO 8601 in UTC; the session's zone must not change what text a timestamp reads as.
            try connection.setUpSession(["SET lock_timeout = '\(Int(lockTimeout * 1000))ms'", "SET TIME ZONE 'UTC'",
                                         "SET DateStyle = 'ISO, YMD'", "SET extra_float_digits = 1"])
        } catch {
            throw .internalFailure("cannot set up the PostgreSQL session on \(shown): \(error)")
        }
        return connection
    }

    /// A second session of the same login, opened on first use, for reads that run beside this one's writes (flag reads
    /// the next batch while the last is written).
    public func readerConnection() throws(PitbossError) -> PostgresConnection {
        readerLock.lock()
        defer { readerLock.unlock() }
        if let reader { return reader }
        let opened = try Self.session(target, shown: shownTarget, lockTimeout: lockTimeout)
        reader = opened
        return opened
    }

    /// Refuses any of `names` that is not a login of `pitboss_reviewer` (supervisors are members too; a superuser, a member
    /// of every role, is not a person of the workspace) on this server: on
    /// PostgreSQL the people are the server's logins, and work or an act in the name of anyone else could never be theirs.
    public func requireReviewerLogins(_ names: [String], for what: String) throws(PitbossError) {
        for name in names {
            let known: [String]
            do { known = try reviewerLogins(named: name) } catch { throw Self.translate(error, doing: "look up the login \(name)") }
            guard !known.isEmpty else {
                let similar = RetrainingStore.closest(to: name, among: (try? reviewerLogins()) ?? [])
                throw .badInput("\(name) is not a login of pitboss_reviewer on this server, so cannot be \(what)"
                    + (similar.isEmpty ? "" : "; similar logins: \(similar.joined(separator: ", "))")
                    + " (a DBA creates a person's login: see the README's team set-up)")
            }
        }
    }

    /// Refuses a login that neither owns the workspace's tables nor has the owning role's rights. Copying a workspace in
    /// is the owner's: the rows go in as they were written (other people's names, past dates, ids), and with COPY, which
    /// the server refuses on tables with row-level security to anyone but their owner.
    public func requireTableOwner(toDo action: String) throws(PitbossError) {
        let found: [String?]?
        do {
            found = try connection.execute("""
                SELECT pg_get_userbyid(relowner), pg_has_role(session_user, relowner, 'USAGE') FROM pg_class WHERE oid = to_regclass('conversations')
                """).rows.first
        } catch { throw Self.translate(error, doing: "read who owns the workspace's tables on \(shownTarget)") }
        guard let found, found[1] != "t" else { return }
        throw .refused("\(loginName) cannot \(action) \(shownTarget): that is for the login that owns its tables (\(found[0] ?? "?")), or one granted that role; nothing was written")
    }

    /// The people's logins on this server (or the one `named`, if it is one): members of `pitboss_reviewer`
    /// (supervisors included) that may log in.
    func reviewerLogins(named name: String? = nil) throws(PostgresConnection.Failure) -> [String] {
        try connection.execute("""
            SELECT rolname FROM pg_roles
            WHERE rolcanlogin AND NOT rolsuper AND pg_has_role(oid, 'pitboss_reviewer', 'MEMBER') AND ($1::text IS NULL OR rolname = $1)
            """, [name]).rows.compactMap { $0[0] }
    }

    /// The schema version the database is at (0 when it holds no Pitboss schema).
    public func schemaVersion() throws(PitbossError) -> Int {
        try PostgresMigrator(connection: connection, shownTarget: shownTarget).appliedMigrations().compactMap(PitbossDatabase.schemaVersion).max() ?? 0
    }

    /// The server's errors in Pitboss's words: a refused privilege is a refusal (77), a lost server is temporary (75).
    /// `refusal` says why a refused privilege is refused, where the roles' usual split is not the reason.
    public static func translate(_ error: any Error, doing action: String, refusal: String? = nil) -> PitbossError {
        if let pitboss = error as? PitbossError { return pitboss }
        guard let failure = error as? PostgresConnection.Failure else { return .internalFailure("cannot \(action): \(error)") }
        switch failure.sqlState {
        case PostgresConnection.Failure.insufficientPrivilege?:
            return .refused("cannot \(action): the server refused it (\(failure.message)); "
                + (refusal ?? "the login's role does not allow it: reviewers claim, skip and score, while importing, flagging, sampling, assigning and deciding need pitboss_supervisor"))
        case let state? where state.hasPrefix("28"):
            return .refused("cannot \(action): the server no longer lets this login in (\(failure.message)); ask whoever runs the server")
        case let state? where state.hasPrefix("08") || state == "57P01" || state == "40001" || state == "40P01" || state == "55P03":
            return .temporary("cannot \(action): \(failure.message); try again (the unfinished transaction was rolled back)")
        case "53100"?:
            return .ioFailure("cannot \(action): the server's disk is full (\(failure.message)); the unfinished transaction was rolled back")
        default:
            return .internalFailure("cannot \(action): \(failure)")
        }
    }
}
