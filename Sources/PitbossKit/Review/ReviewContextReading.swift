import Foundation

/// What the review screen shows besides the transcript and its findings: the calibration session a task belongs to
/// (scored blind, with the session's rubric), whether the conversation was evaluated with its current text, and the
/// agent's open retraining follow-ups. One implementation per backend.
public protocol ReviewContextReading: Sendable {
    func calibrationSession(ofItem item: Int64) throws(PitbossError) -> CalibrationSession?
    func isEvaluated(conversation externalID: String) throws(PitbossError) -> Bool
    func followUps(agent: String, settings: OutcomeSettings, now: Date) throws(PitbossError) -> [RetrainingFollowUp]
}

/// The review screen's context from a SQLite workspace, through its stores.
struct SQLiteReviewContext: ReviewContextReading {
    let calibration: CalibrationStore
    let flags: FlagStore
    let retraining: RetrainingStore

    func calibrationSession(ofItem item: Int64) throws(PitbossError) -> CalibrationSession? { try calibration.session(ofItem: item) }
    func isEvaluated(conversation externalID: String) throws(PitbossError) -> Bool { try flags.isEvaluated(conversation: externalID) }
    func followUps(agent: String, settings: OutcomeSettings, now: Date) throws(PitbossError) -> [RetrainingFollowUp] {
        try retraining.inFollowUp(now: now, settings: settings, agent: agent)
    }
}
