import GRDB

/// What an audit-log entry records. Stored as text in `audit_log.action`.
public enum AuditAction: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    case claim, renew, release, expire, assign, skip, sample, score, revise
    case retrain
    case calibrate, dispute
}
