import GRDB

/// A name a filter gives — an agent, a shift, a language, a rule, a rubric, a reviewer, a conversation — checked against
/// what is stored. A name that matches nothing is a typo far more often than a question with an empty answer:
/// it is an error naming the closest stored names, never a quietly empty result (`scanned 0`, `0 findings`).
public enum KnownNames {
    public enum Kind: Sendable {
        case agent, shift, language, rule, rubric, reviewer, conversation

        var what: String {
            switch self {
            case .agent: "agent"
            case .shift: "shift"
            case .language: "language"
            case .rule: "rule"
            case .rubric: "rubric"
            case .reviewer: "reviewer"
            case .conversation: "conversation"
            }
        }

        /// Whether `$1` is stored, and every stored value (for the suggestions). The same SQL on SQLite and PostgreSQL.
        var sql: (exists: String, all: String) {
            switch self {
            case .agent:
                // An agent who only took over transferred conversations is in the turns alone (no index there: asked
                // only when the conversations do not know the name).
                ("SELECT EXISTS (SELECT 1 FROM conversations WHERE agent_id = $1) OR EXISTS (SELECT 1 FROM turns WHERE agent_id = $1)",
                 "SELECT DISTINCT agent_id FROM conversations")
            case .shift: ("SELECT EXISTS (SELECT 1 FROM conversations WHERE shift_id = $1)", "SELECT DISTINCT shift_id FROM conversations")
            case .language: ("SELECT EXISTS (SELECT 1 FROM conversations WHERE language = $1)", "SELECT DISTINCT language FROM conversations")
            case .rule: ("SELECT EXISTS (SELECT 1 FROM findings WHERE rule_id = $1)", "SELECT DISTINCT rule_id FROM findings")
            case .rubric: ("SELECT EXISTS (SELECT 1 FROM findings WHERE rubric_name = $1)", "SELECT DISTINCT rubric_name FROM findings")
            case .reviewer:
                ("SELECT EXISTS (SELECT 1 FROM reviews WHERE reviewer = $1) OR EXISTS (SELECT 1 FROM queue_items WHERE assigned_to = $1)",
                 "SELECT reviewer FROM reviews UNION SELECT assigned_to FROM queue_items WHERE assigned_to IS NOT NULL")
            case .conversation:
                ("SELECT EXISTS (SELECT 1 FROM conversations WHERE external_id = $1)", "SELECT external_id FROM conversations")
            }
        }
    }

    /// Throws for the first of `values` that is neither stored nor among `alsoKnown` (names known elsewhere: a
    /// rubric's rules that have not fired yet, the workspace's reviewers).
    public static func check(_ values: [String], _ kind: Kind, alsoKnown: [String] = [], in database: PitbossDatabase) throws(PitbossError) {
        guard !values.isEmpty else { return }
        do {
            try database.writer.read { db in try check(values, kind, alsoKnown: alsoKnown, in: db) }
        } catch {
            throw PitbossDatabase.translate(error, doing: "look up the names given", busyTimeout: database.busyTimeout)
        }
    }

    static func check(_ values: [String], _ kind: Kind, alsoKnown: [String] = [], in db: Database) throws {
        try check(values, kind, alsoKnown: alsoKnown, exists: { sql, value in try Bool.fetchOne(db, sql: sql, arguments: value.map { [$0] } ?? []) == true },
                  all: { try String.fetchAll(db, sql: $0) })
    }

    /// The same check inside a transaction's session, on either backend.
    static func check(_ values: [String], _ kind: Kind, alsoKnown: [String] = [], in db: any SQLSession) throws {
        try check(values, kind, alsoKnown: alsoKnown, exists: { sql, value in try db.value(Bool.self, sql, value.map { [$0] } ?? []) == true },
                  all: { try db.values(String.self, $0) })
    }

    /// The same check in a workspace on either backend.
    public static func check(_ values: [String], _ kind: Kind, alsoKnown: [String] = [], in workspace: Workspace) throws(PitbossError) {
        guard !values.isEmpty else { return }
        switch workspace.backend {
        case .sqlite(let database): try check(values, kind, alsoKnown: alsoKnown, in: database)
        case .postgres(let server):
            do {
                try check(values, kind, alsoKnown: alsoKnown, exists: { sql, value in try server.connection.value(sql, value.map { [$0] } ?? []) == "t" },
                          all: { try server.connection.execute($0).rows.compactMap { $0[0] } })
            } catch {
                throw PostgresDatabase.translate(error, doing: "look up the names given")
            }
        }
    }

    private static func check(_ values: [String], _ kind: Kind, alsoKnown: [String], exists: (String, String?) throws -> Bool,
                              all: (String) throws -> [String]) throws {
        for value in values where !alsoKnown.contains(value) {
            guard try !exists(kind.sql.exists, value) else { continue }
            // Suggestions from a bounded read: a conversation id is one of 400,000.
            let stored = kind == .conversation ? [] : try all(kind.sql.all)
            // Each name on one line, whatever it holds: the message lists them side by side.
            let known = Array(Set(stored + alsoKnown)).map(TerminalSafe.line)
            let closest = RetrainingStore.closest(to: value, among: known)
            let nothing = try exists("SELECT NOT EXISTS (SELECT 1 FROM conversations)", nil)
            let unknown = switch kind {
            case .agent, .shift, .language: "no conversation is stored for \(kind.what) '\(value)'"
            case .rule, .rubric: "no finding is stored for \(kind.what) '\(value)'"
            case .reviewer: "nobody called '\(value)' has reviewed or claimed anything"
            case .conversation: "no conversation with id '\(value)' is stored"
            }
            throw PitbossError.badInput(unknown
                + (!closest.isEmpty ? "; similar: \(closest.joined(separator: ", "))"
                   : nothing ? " (the database has no conversations yet)"
                   : known.count <= 12 && !known.isEmpty ? "; known: \(known.sorted().joined(separator: ", "))" : ""))
        }
    }
}
