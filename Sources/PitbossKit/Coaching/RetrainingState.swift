import GRDB

/// Where a retraining assignment stands: assigned → started → completed, or cancelled with a reason. Overdue is not a
/// state: it is derived from the due date.
public enum RetrainingState: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    case assigned, started, completed, cancelled

    /// The states an assignment may move to from this one.
    public var next: Set<RetrainingState> {
        switch self {
        case .assigned: [.started, .completed, .cancelled]
        case .started: [.completed, .cancelled]
        case .completed, .cancelled: []
        }
    }
}
