import Foundation
import GRDB

/// The review screen's context on PostgreSQL.
struct PostgresReviewContext: ReviewContextReading {
    let database: PostgresDatabase
    private var connection: PostgresConnection { database.connection }

    func calibrationSession(ofItem item: Int64) throws(PitbossError) -> CalibrationSession? {
        try CalibrationStore(server: PostgresReviewStore(queue: PostgresReviewQueue(database: database))).session(ofItem: item)
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
        let completed = try read("read retraining follow-ups") {
            try connection.rows("""
                SELECT id, agent_id AS agent, module, criteria, evidence, note, to_char(due_on, 'YYYY-MM-DD') AS due_on, repeat_of, assigned_by,
                       assigned_at, state, state_at, state_reason
                FROM retraining_current WHERE state = 'completed' AND state_at >= $1 AND agent_id = $2 ORDER BY assigned_at DESC, id DESC
                """, [RetrainingFollowUp.earliestCompletion(settings: settings, now: now), agent]).map { try RetrainingAssignment(row: $0) }
        }
        return RetrainingFollowUp.open(completed, settings: settings, now: now)
    }

    private func read<T>(_ action: String, _ body: () throws -> T) throws(PitbossError) -> T {
        do { return try body() } catch { throw PostgresDatabase.translate(error, doing: action) }
    }
}
