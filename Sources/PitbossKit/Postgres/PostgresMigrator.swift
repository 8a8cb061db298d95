/// Brings a PostgreSQL database to this build's schema (`PostgresSchema`), as GRDB's migrator does on SQLite: each
/// migration once, in order, recorded in `pitboss_migrations`; a schema from a newer Pitboss refused untouched.
struct PostgresMigrator {
    let connection: PostgresConnection
    let shownTarget: String

    func appliedMigrations() throws(PitbossError) -> [String] {
        do {
            let exists = try connection.execute("SELECT to_regclass('pitboss_migrations') IS NOT NULL").rows.first?.first == "t"
            guard exists else { return [] }
            return try connection.execute("SELECT identifier FROM pitboss_migrations ORDER BY identifier").rows.compactMap { $0[0] }
        } catch {
            throw PostgresDatabase.translate(error, doing: "read the schema version of \(shownTarget)")
        }
    }

    /// Applies what is missing, each migration in its own transaction, under an advisory lock so two processes opening a
    /// new database at once do not both create it. A schema from a newer Pitboss is refused before anything is written.
    func migrate(allowed: Bool) throws(PitbossError) {
        let known = Set(PostgresSchema.migrations.map(\.identifier))
        let applied = try appliedMigrations()
        try refuseNewer(applied: applied, known: known)
        guard PostgresSchema.migrations.contains(where: { !applied.contains($0.identifier) }) else { return }
        // On a server, the schema is the owner's to create and upgrade, deliberately: a person's login that could create
        // tables (PostgreSQL before 15 lets anyone create in the public schema) would own them and could disable the
        // triggers that keep reviews and the audit log append-only.
        guard allowed else {
            if applied.isEmpty {
                throw .missingFile("\(shownTarget) holds no Pitboss workspace yet: its owner creates one first (see the README's set-up on PostgreSQL)")
            }
            let at = applied.compactMap(PitbossDatabase.schemaVersion).max() ?? 0
            throw .refused("\(shownTarget) is at schema v\(at) and this Pitboss writes v\(PostgresSchema.version): the database's owner brings it up to date first (see the README's set-up on PostgreSQL); nothing was changed")
        }
        // The schema's grants name the group roles: created first when the cluster lacks them.
        do { try connection.executeScript(PostgresSchema.roles) } catch {
            throw PostgresDatabase.translate(error, doing: "create the roles pitboss_reviewer, pitboss_supervisor and pitboss_admin, which the schema's grants name (the login that creates the schema needs CREATEROLE, or a DBA creates the roles first: see the README's set-up on PostgreSQL)")
        }
        do {
            try connection.transaction {
                try connection.execute("SELECT pg_advisory_xact_lock(hashtext('pitboss-schema'))")
                try connection.execute("CREATE TABLE IF NOT EXISTS pitboss_migrations (identifier text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
                try connection.execute("GRANT SELECT ON pitboss_migrations TO PUBLIC")
                let done = Set(try connection.execute("SELECT identifier FROM pitboss_migrations").rows.compactMap { $0[0] })
                for migration in PostgresSchema.migrations where !done.contains(migration.identifier) {
                    try connection.executeScript(migration.sql)
                    try connection.execute("INSERT INTO pitboss_migrations (identifier) VALUES ($1)", [migration.identifier])
                }
            }
        } catch {
            throw PostgresDatabase.translate(error, doing: "create the Pitboss schema (v\(PostgresSchema.version)) in \(shownTarget)",
                                             refusal: "the schema is created by the database's owner (init, or migrate into a new database, run as that login; see the README's set-up on PostgreSQL)")
        }
    }

    private func refuseNewer(applied: [String], known: Set<String>) throws(PitbossError) {
        let unknown = applied.filter { !known.contains($0) }
        guard !unknown.isEmpty else { return }
        let theirs = unknown.compactMap(PitbossDatabase.schemaVersion).max() ?? PostgresSchema.version + 1
        throw .refused("\(shownTarget): this database was written by a newer Pitboss (schema v\(theirs): \(unknown.sorted().joined(separator: ", "))); this build knows schema v\(PostgresSchema.version). Use the newer Pitboss for this database; nothing was changed")
    }

}
