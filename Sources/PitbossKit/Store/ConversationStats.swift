import GRDB

/// How many conversations and turns the database holds, broken down the ways supervisors ask.
public struct ConversationStats: Sendable, Equatable, Codable {
    public struct Count: Sendable, Equatable, Codable {
        public var key: String
        public var conversations: Int
        public var turns: Int
    }

    public var conversations: Int
    public var turns: Int
    public var byChannel: [Count]
    public var byLanguage: [Count]
    public var byAgent: [Count]
    public var byShift: [Count]

    enum CodingKeys: String, CodingKey {
        case conversations, turns
        case byChannel = "by_channel", byLanguage = "by_language", byAgent = "by_agent", byShift = "by_shift"
    }

    /// Reads the counts; every list is ordered by key, byte for byte (SQLite's order, whatever the server's collation).
    public static func read(from database: PitbossDatabase) throws(PitbossError) -> ConversationStats {
        try read(in: SQLiteSessions(database: database))
    }

    /// The same on either backend.
    static func read(in sessions: any SQLSessions) throws(PitbossError) -> ConversationStats {
        try sessions.read("count conversations") { db in
            func counts(_ column: String) throws -> [Count] {
                try db.rows("SELECT \(column) AS key, COUNT(*) AS conversations, SUM(turn_count) AS turns FROM conversations GROUP BY \(column)", [])
                    .map { Count(key: $0["key"], conversations: $0["conversations"], turns: $0["turns"]) }
                    .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            }
            let conversations = try db.value(Int.self, "SELECT COUNT(*) FROM conversations") ?? 0
            let turns = try db.value(Int.self, "SELECT COALESCE(SUM(turn_count), 0) FROM conversations") ?? 0
            return ConversationStats(conversations: conversations, turns: turns, byChannel: try counts("channel"),
                                     byLanguage: try counts("language"), byAgent: try counts("agent_id"), byShift: try counts("shift_id"))
        }
    }
}
