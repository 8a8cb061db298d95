import Foundation
import GRDB

/// An item of the review queue, as `pitboss queue list` shows it.
public struct QueueEntry: Sendable, Codable, Equatable, FetchableRecord {
    public var id: Int64
    public var conversation: String
    public var agent: String
    public var channel: String
    public var language: String
    public var shift: String
    public var reason: QueueReason
    public var priority: Int
    public var status: QueueStatus
    public var assignedTo: String?
    /// When the claim runs out (UTC), for a claimed item.
    public var claimExpiresAt: String?
    public var findings: Int
    public var worstSeverity: Severity?

    enum CodingKeys: String, CodingKey {
        case id, conversation, agent, channel, language, shift, reason, priority, status
        case assignedTo = "assigned_to"
        case claimExpiresAt = "claim_expires_at"
        case findings
        case worstSeverity = "worst_severity"
    }
}

/// Filters of `pitboss queue list`.
public struct QueueQuery: Sendable {
    public var status: QueueStatus?
    public var reason: QueueReason?
    public var assignedTo: String?
    /// Only items still to be done (open or claimed): what a reviewer holds now, not what they finished.
    public var pendingOnly: Bool
    public var limit: Int?

    public init(status: QueueStatus? = nil, reason: QueueReason? = nil, assignedTo: String? = nil, pendingOnly: Bool = false, limit: Int? = nil) {
        self.status = status
        self.reason = reason
        self.assignedTo = assignedTo
        self.pendingOnly = pendingOnly
        self.limit = limit
    }

    /// Highest priority first (age is part of it), then the first queued: the order claims take. A claim whose lease has run out is shown as it will be treated: open,
    /// and held by nobody unless a supervisor assigned it.
    public func fetch(from database: PitbossDatabase, now: Date = Date()) throws(PitbossError) -> [QueueEntry] {
        let expired: SQL = "(q.status = \(QueueStatus.claimed) AND q.claim_expires_at <= \(UTCTimestamp.format(now)))"
        let status: SQL = "CASE WHEN \(expired) THEN \(QueueStatus.open) ELSE q.status END"
        let holder: SQL = "CASE WHEN \(expired) AND q.assigned_by IS NULL THEN NULL ELSE q.assigned_to END"
        var conditions: [SQL] = []
        if let value = self.status { conditions.append("\(status) = \(value)") }
        if let reason { conditions.append("q.reason = \(reason)") }
        if let assignedTo { conditions.append("\(holder) = \(assignedTo)") }
        if pendingOnly { conditions.append("\(status) IN \([QueueStatus.open, .claimed])") }
        let request: SQLRequest<QueueEntry> = """
            SELECT q.id, c.external_id AS conversation, c.agent_id AS agent, c.channel, c.language, c.shift_id AS shift, q.reason, q.priority,
                   \(status) AS status, \(holder) AS assigned_to,
                   CASE WHEN \(expired) THEN NULL ELSE q.claim_expires_at END AS claim_expires_at,
                   (SELECT COUNT(*) FROM findings f WHERE f.conversation_id = q.conversation_id AND f.status != \(FindingStatus.error)) AS findings,
                   (SELECT f.severity FROM findings f WHERE f.conversation_id = q.conversation_id AND f.status != \(FindingStatus.error)
                    ORDER BY CASE f.severity WHEN 'critical' THEN 4 WHEN 'major' THEN 3 WHEN 'minor' THEN 2 ELSE 1 END DESC LIMIT 1) AS worst_severity
            FROM queue_items q JOIN conversations c ON c.id = q.conversation_id
            \(SQL.whereClause(conditions))
            ORDER BY q.priority DESC, q.id
            \(limit.map { "LIMIT \($0)" } ?? SQL(""))
            """
        do {
            return try database.writer.read { db in try request.fetchAll(db) }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read the review queue", busyTimeout: database.busyTimeout)
        }
    }
}
