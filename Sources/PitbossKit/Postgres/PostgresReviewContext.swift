import Foundation
import GRDB

/// The review screen's context on PostgreSQL. Calibration sessions are created and scored on SQLite only so far: a
/// calibration task (in a workspace moved to the server) is refused before anything is shown, as `score` refuses it.
struct PostgresReviewContext: ReviewContextReading {
    let database: PostgresDatabase
    private var connection: PostgresConnection { database.connection }

    func calibrationSession(ofItem item: Int64) throws(PitbossError) -> CalibrationSession? {
        let session = try read("read queue item \(item)") {
            try connection.value("""
                SELECT s.name FROM queue_items q JOIN calibration_sessions s ON s.id = q.calibration_session_id WHERE q.id = $1
                """, [String(item)])
        }
        guard let session else { return nil }
        throw .refused("item \(item) is a task of calibration session \(session), and calibration is not scored on PostgreSQL yet: "
            + "give it back, and score it on a SQLite copy", remedy: .releaseItem(item))
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
