import Foundation
import GRDB

/// Measures the first response of conversations imported before the column existed, in one pass over the turns in
/// key order (conversation, turn), with the same definition as import (`FirstResponse`).
enum FirstResponseBackfill {
    static func run(_ db: Database) throws {
        let update = try db.makeStatement(sql: "UPDATE conversations SET first_response_seconds = ?, unanswered = ? WHERE id = ?")
        var current: Int64?
        var turns: [(role: SpeakerRole, seconds: Double?)] = []
        func flush() throws {
            guard let id = current else { return }
            let stored = FirstResponse.measure(turns).stored
            if stored.seconds != nil || stored.unanswered {
                try update.execute(arguments: [stored.seconds, stored.unanswered, id])
            }
            turns.removeAll(keepingCapacity: true)
        }
        // A turn's time as import reads it (`Conversation.seconds(ofTurn:)`): its offset into a recording, else its instant
        // less the conversation's start — the same numbers even where a conversation mixes the two.
        let rows = try Row.fetchCursor(db, sql: """
            SELECT t.conversation_id, t.role, t.at, t.start_seconds, c.started_at
            FROM turns t JOIN conversations c ON c.id = t.conversation_id ORDER BY t.conversation_id, t.idx
            """)
        var startedAt: Date?
        while let row = try rows.next() {
            let id: Int64 = row[0]
            if id != current {
                try flush()
                current = id
                startedAt = UTCTimestamp.parse(row[4] as String)
            }
            let instant = (row[2] as String?).flatMap { UTCTimestamp.parse($0) }
            let seconds: Double? = (row[3] as Double?) ?? instant.flatMap { at in startedAt.map { at.timeIntervalSince($0) } }
            turns.append((role: SpeakerRole(rawValue: row[1]) ?? .system, seconds: seconds))
        }
        try flush()
    }
}
