import Foundation
import GRDB

/// The append-only record of every state change of the queue and the reviews: claim, release, expire, skip,
/// assign, sample, score, revise. The database refuses UPDATE and DELETE on it (migration v3's triggers).
public enum AuditLog {
    /// Appends one entry inside the caller's transaction, so the entry and the change stand or fall together.
    static func append(_ db: Database, at now: Date, actor: String, action: AuditAction, item: Int64? = nil,
                       conversation: Int64? = nil, review: Int64? = nil, detail: [String: String] = [:]) throws {
        try db.execute(literal: """
            INSERT INTO audit_log (at, actor, action, queue_item_id, conversation_id, review_id, detail)
            VALUES (\(UTCTimestamp.format(now)), \(actor), \(action), \(item), \(conversation), \(review), \(JSONOutput.string(detail, pretty: false)))
            """)
    }

    /// One entry, as `pitboss history` shows it.
    public struct Entry: Sendable, Codable, Equatable, FetchableRecord {
        public var id: Int64
        public var at: String
        public var actor: String
        public var action: AuditAction
        public var item: Int64?
        public var conversation: String?
        public var review: Int64?
        /// Stored as a JSON object of strings (GRDB decodes the column as JSON).
        public var detail: [String: String]
    }

    /// Entries, oldest first: of one queue item, of one conversation, or all.
    public static func entries(in database: PitbossDatabase, item: Int64? = nil, conversation: String? = nil) throws(PitbossError) -> [Entry] {
        var conditions: [SQL] = []
        if let item { conditions.append("a.queue_item_id = \(item)") }
        if let conversation { conditions.append("c.external_id = \(conversation)") }
        let request: SQLRequest<Entry> = """
            SELECT a.id, a.at, a.actor, a.action, a.queue_item_id AS item, c.external_id AS conversation, a.review_id AS review, a.detail
            FROM audit_log a LEFT JOIN conversations c ON c.id = a.conversation_id
            \(SQL.whereClause(conditions))
            ORDER BY a.id
            """
        do {
            return try database.writer.read { db in try request.fetchAll(db) }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read the audit log", busyTimeout: database.busyTimeout)
        }
    }

    /// The same entries from a PostgreSQL workspace.
    static func entries(in server: PostgresDatabase, item: Int64?, conversation: String?) throws(PitbossError) -> [Entry] {
        var conditions: [String] = []
        var parameters: [String?] = []
        if let item { parameters.append(String(item)); conditions.append("a.queue_item_id = $\(parameters.count)") }
        if let conversation { parameters.append(conversation); conditions.append("c.external_id = $\(parameters.count)") }
        do {
            return try server.connection.rows("""
                SELECT a.id, a.at, a.actor, a.action, a.queue_item_id AS item, c.external_id AS conversation, a.review_id AS review, a.detail
                FROM audit_log a LEFT JOIN conversations c ON c.id = a.conversation_id
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                ORDER BY a.id
                """, parameters).map { try Entry(row: $0) }
        } catch {
            throw PostgresDatabase.translate(error, doing: "read the audit log")
        }
    }
}
