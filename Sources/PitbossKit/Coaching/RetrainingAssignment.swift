import Foundation
import GRDB

/// A retraining assignment as it stands: what was assigned, and its latest state.
public struct RetrainingAssignment: Sendable, Codable, Equatable, FetchableRecord {
    public var id: Int64
    public var agent: String
    public var module: String
    public var criteria: [String]
    public var evidence: [String]
    public var note: String?
    public var dueOn: String
    /// The earlier assignment on one of the same criteria, within 90 days, that this one repeats.
    public var repeatOf: Int64?
    public var assignedBy: String
    public var assignedAt: String
    public var state: RetrainingState
    public var stateAt: String
    public var stateReason: String?

    enum CodingKeys: String, CodingKey {
        case id, agent, module, criteria, evidence, note, state
        case dueOn = "due_on", repeatOf = "repeat_of", assignedBy = "assigned_by", assignedAt = "assigned_at"
        case stateAt = "state_at", stateReason = "state_reason"
    }

    /// Past its due date and not finished.
    public func isOverdue(today: String) -> Bool { (state == .assigned || state == .started) && dueOn < today }
}

/// One change of an assignment's state, as the history shows it.
public struct RetrainingEvent: Sendable, Codable, Equatable, FetchableRecord {
    public var state: RetrainingState
    public var actor: String
    public var at: String
    public var recordedAt: String
    public var reason: String?

    enum CodingKeys: String, CodingKey { case state, actor, at, reason; case recordedAt = "recorded_at" }
}
