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
        let rows = try Row.fetchCursor(db, sql: "SELECT conversation_id, role, at, start_seconds FROM turns ORDER BY conversation_id, idx")
        while let row = try rows.next() {
            let id: Int64 = row[0]
            if id != current {
                try flush()
                current = id
            }
            // Differences are all that matter: an instant's seconds since 1970 measure as well as seconds since the start.
            let seconds: Double? = (row[3] as Double?) ?? (row[2] as String?).flatMap { UTCTimestamp.parse($0) }?.timeIntervalSince1970
            turns.append((role: SpeakerRole(rawValue: row[1]) ?? .system, seconds: seconds))
        }
        try flush()
    }
}
