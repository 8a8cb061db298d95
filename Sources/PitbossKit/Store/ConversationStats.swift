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

    /// Reads the counts; `agent` and `shift` lists are ordered by key.
    public static func read(from database: PitbossDatabase) throws(PitbossError) -> ConversationStats {
        do {
            return try database.writer.read { db in
                func counts(_ column: String) throws -> [Count] {
                    try Row.fetchAll(db, sql: """
                        SELECT \(column) AS key, COUNT(*) AS conversations, SUM(turn_count) AS turns
                        FROM conversations GROUP BY \(column) ORDER BY \(column)
                        """).map { Count(key: $0["key"], conversations: $0["conversations"], turns: $0["turns"]) }
                }
                let conversations = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conversations") ?? 0
                let turns = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(turn_count), 0) FROM conversations") ?? 0
                return ConversationStats(conversations: conversations, turns: turns, byChannel: try counts("channel"),
                                         byLanguage: try counts("language"), byAgent: try counts("agent_id"),
                                         byShift: try counts("shift_id"))
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "count conversations")
        }
    }
}
