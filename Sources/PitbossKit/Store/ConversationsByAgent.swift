import GRDB

/// Every conversation started in a window, read in agent order from the covering index `conversations_by_agent` (the
/// unary plus keeps SQLite off `conversations_by_started_at`, which would then read every row for its agent). A new
/// agent is a change of text from the row before, compared byte for byte — no String is made per conversation, and
/// ids that Swift would take for equal (NFC and NFD spellings) stay two agents, as the database keeps them.
enum ConversationsByAgent {
    /// Calls `agent` when the agent changes, then `conversation` with the conversation's id and the hour it started
    /// ("2026-11-21T18").
    static func scan(_ db: Database, since: String?, until: String?, agent newAgent: (String) -> Void,
                     conversation: (Int, String) -> Void) throws {
        var conditions = ["1"]
        if since != nil { conditions.append("+c.started_at >= ?") }
        if until != nil { conditions.append("+c.started_at < ?") }
        var statement = FastStatement(try db.makeStatement(sql: """
            SELECT c.id, c.agent_id, substr(c.started_at, 1, 13) FROM conversations c
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY c.agent_id
            """))
        if let since { statement.bind(since) }
        if let until { statement.bind(until) }
        var previous: [UInt8]? = nil
        try statement.forEachRow { row in
            if previous == nil || !row.text(1, equals: previous!) {  // safe: checked first
                let agent = row.string(1)
                previous = Array(agent.utf8)
                newAgent(agent)
            }
            conversation(row.int(0), row.string(2))
        }
    }
}
