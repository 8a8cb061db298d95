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

        /// Whether `?` is stored, and every stored value (for the suggestions).
        var sql: (exists: String, all: String) {
            switch self {
            case .agent:
                // An agent who only took over transferred conversations is in the turns alone (no index there: asked
                // only when the conversations do not know the name).
                ("SELECT EXISTS (SELECT 1 FROM conversations WHERE agent_id = ?1) OR EXISTS (SELECT 1 FROM turns WHERE agent_id = ?1)",
                 "SELECT DISTINCT agent_id FROM conversations")
            case .shift: ("SELECT EXISTS (SELECT 1 FROM conversations WHERE shift_id = ?1)", "SELECT DISTINCT shift_id FROM conversations")
            case .language: ("SELECT EXISTS (SELECT 1 FROM conversations WHERE language = ?1)", "SELECT DISTINCT language FROM conversations")
            case .rule: ("SELECT EXISTS (SELECT 1 FROM findings WHERE rule_id = ?1)", "SELECT DISTINCT rule_id FROM findings")
            case .rubric: ("SELECT EXISTS (SELECT 1 FROM findings WHERE rubric_name = ?1)", "SELECT DISTINCT rubric_name FROM findings")
            case .reviewer:
                ("SELECT EXISTS (SELECT 1 FROM reviews WHERE reviewer = ?1) OR EXISTS (SELECT 1 FROM queue_items WHERE assigned_to = ?1)",
                 "SELECT reviewer FROM reviews UNION SELECT assigned_to FROM queue_items WHERE assigned_to IS NOT NULL")
            case .conversation:
                ("SELECT EXISTS (SELECT 1 FROM conversations WHERE external_id = ?1)", "SELECT external_id FROM conversations")
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
        for value in values where !alsoKnown.contains(value) {
            guard try Bool.fetchOne(db, sql: kind.sql.exists, arguments: [value]) != true else { continue }
            // Suggestions from a bounded read: a conversation id is one of 400,000.
            let stored = kind == .conversation ? [] : try String.fetchAll(db, sql: kind.sql.all)
            let known = Array(Set(stored + alsoKnown))
            let closest = RetrainingStore.closest(to: value, among: known)
            let nothing = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM conversations)") == true
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
