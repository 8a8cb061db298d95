import Foundation
import GRDB

/// The append-only record of every state change of the queue and the reviews: claim, release, expire, skip,
/// assign, sample, score, revise. The database refuses UPDATE and DELETE on it (migration v3's triggers).
public enum AuditLog {
    /// Appends one entry inside the caller's transaction, so the entry and the change stand or fall together.
    static func append(_ db: Database, at now: Date, actor: String, action: String, item: Int64? = nil,
                       conversation: Int64? = nil, review: Int64? = nil, detail: [String: String] = [:]) throws {
        try db.execute(sql: """
            INSERT INTO audit_log (at, actor, action, queue_item_id, conversation_id, review_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [UTCTimestamp.format(now), actor, action, item, conversation, review, json(detail)])
    }

    static func json(_ detail: [String: String]) -> String {
        JSONOutput.string(detail, pretty: false)
    }

    /// One entry, as `pitboss history` shows it.
    public struct Entry: Sendable, Codable, Equatable {
        public var id: Int64
        public var at: String
        public var actor: String
        public var action: String
        public var item: Int64?
        public var conversation: String?
        public var review: Int64?
        public var detail: [String: String]
    }

    /// Entries, oldest first: of one queue item, of one conversation, or all.
    public static func entries(in database: PitbossDatabase, item: Int64? = nil, conversation: String? = nil) throws(PitbossError) -> [Entry] {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let item { conditions.append("a.queue_item_id = ?"); arguments.append(item) }
        if let conversation { conditions.append("c.external_id = ?"); arguments.append(conversation) }
        let sql = """
            SELECT a.id, a.at, a.actor, a.action, a.queue_item_id, c.external_id, a.review_id, a.detail
            FROM audit_log a LEFT JOIN conversations c ON c.id = a.conversation_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY a.id
            """
        do {
            let rows = try database.writer.read { db in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) }
            return rows.map { row in
                Entry(id: row[0], at: row[1], actor: row[2], action: row[3], item: row[4], conversation: row[5], review: row[6],
                      detail: (try? JSONDecoder().decode([String: String].self, from: Data((row[7] as String).utf8))) ?? [:])
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read the audit log", busyTimeout: database.busyTimeout)
        }
    }
}
