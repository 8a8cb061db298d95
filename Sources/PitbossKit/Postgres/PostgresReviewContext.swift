import Foundation
import GRDB

/// The review screen's context on PostgreSQL.
struct PostgresReviewContext: ReviewContextReading {
    let database: PostgresDatabase
    private var connection: PostgresConnection { database.connection }

    func calibrationSession(ofItem item: Int64) throws(PitbossError) -> CalibrationSession? {
        try CalibrationStore(sessions: PostgresSessions(database: database)).session(ofItem: item)
    }

    func isEvaluated(conversation externalID: String) throws(PitbossError) -> Bool {
        try read("read whether \(externalID) was flagged") {
            try connection.value("""
                SELECT EXISTS (SELECT 1 FROM evaluations e JOIN conversations c ON c.id = e.conversation_id
                               WHERE c.external_id = $1 AND e.content_hash = c.content_hash)
                """, [externalID]) == "t"
        }
    }

    func followUps(agent: String, settings: OutcomeSettings, now: Date) throws(PitbossError) -> [RetrainingFollowUp] {
        try RetrainingStore(server: database).inFollowUp(now: now, settings: settings, agent: agent)
    }

    private func read<T>(_ action: String, _ body: () throws -> T) throws(PitbossError) -> T {
        do { return try body() } catch { throw PostgresDatabase.translate(error, doing: action) }
    }
}
