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
    public var status: QueueListStatus
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

/// Where a queue item stands as a listing shows it: the stored status, with an open item a supervisor assigned told
/// apart (`assigned`: it waits for its reviewer, nobody else gets it) and a claim whose lease ran out shown as what it
/// became.
public enum QueueListStatus: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    case open, assigned, claimed, scored, skipped

    /// Still to be done.
    public static let pending: [QueueListStatus] = [.open, .assigned, .claimed]
}

/// Filters of `pitboss queue list`.
public struct QueueQuery: Sendable {
    /// Only items that stand so; nil: those still to be done (open, assigned, claimed), unless `includeFinished`.
    public var status: QueueListStatus?
    public var reason: QueueReason?
    public var assignedTo: String?
    /// With no status asked for, scored and skipped items too.
    public var includeFinished: Bool
    public var limit: Int?

    public init(status: QueueListStatus? = nil, reason: QueueReason? = nil, assignedTo: String? = nil, includeFinished: Bool = false, limit: Int? = nil) {
        self.status = status
        self.reason = reason
        self.assignedTo = assignedTo
        self.includeFinished = includeFinished
        self.limit = limit
    }

    /// The items, and how many match in all (more than shown when `limit` cut the list).
    public struct Page: Sendable, Equatable {
        public var entries: [QueueEntry]
        public var total: Int
    }

    /// Highest priority first (age is part of it), then the first queued: the order claims take. A claim whose lease
    /// has run out is shown as it will be treated: open (assigned, when a supervisor assigned it), and held by nobody
    /// unless a supervisor assigned it.
    public func fetch(from database: PitbossDatabase, now: Date = Date()) throws(PitbossError) -> [QueueEntry] {
        try page(from: database, now: now).entries
    }

    /// Two steps, so that a page of 50 out of 90,000 open items costs a sort of their ids and priorities, not the
    /// findings of every one of them: the page's ids first, then its rows in full.
    public func page(from database: PitbossDatabase, now: Date = Date()) throws(PitbossError) -> Page {
        let expired: SQL = "(q.status = \(QueueStatus.claimed) AND q.claim_expires_at <= \(UTCTimestamp.format(now)))"
        let status: SQL = """
            CASE WHEN \(expired) THEN (CASE WHEN q.assigned_by IS NOT NULL THEN 'assigned' ELSE 'open' END)
                 WHEN q.status = \(QueueStatus.open) AND q.assigned_to IS NOT NULL THEN 'assigned'
                 ELSE q.status END
            """
        let holder: SQL = "CASE WHEN \(expired) AND q.assigned_by IS NULL THEN NULL ELSE q.assigned_to END"
        var conditions: [SQL] = []
        if let value = self.status { conditions.append("\(status) = \(value)") }
        else if !includeFinished { conditions.append("q.status IN \([QueueStatus.open, .claimed])") }
        if let reason { conditions.append("q.reason = \(reason)") }
        if let assignedTo { conditions.append("\(holder) = \(assignedTo)") }
        let filter = SQL.whereClause(conditions)
        let ids: SQLRequest<Int64> = "SELECT q.id FROM queue_items q \(filter) ORDER BY q.priority DESC, q.id \(limit.map { "LIMIT \($0)" } ?? SQL(""))"
        let total: SQLRequest<Int> = "SELECT COUNT(*) FROM queue_items q \(filter)"
        do {
            return try database.writer.read { db in
                let chosen = try ids.fetchAll(db)
                let count = limit == nil ? chosen.count : try total.fetchOne(db) ?? chosen.count
                guard !chosen.isEmpty else { return Page(entries: [], total: count) }
                let request: SQLRequest<QueueEntry> = """
                    SELECT q.id, c.external_id AS conversation, c.agent_id AS agent, c.channel, c.language, c.shift_id AS shift, q.reason, q.priority,
                           \(status) AS status, \(holder) AS assigned_to,
                           CASE WHEN \(expired) THEN NULL ELSE q.claim_expires_at END AS claim_expires_at,
                           (SELECT COUNT(*) FROM findings f WHERE f.conversation_id = q.conversation_id AND f.status != \(FindingStatus.error)) AS findings,
                           (SELECT f.severity FROM findings f WHERE f.conversation_id = q.conversation_id AND f.status != \(FindingStatus.error)
                            ORDER BY CASE f.severity WHEN 'critical' THEN 4 WHEN 'major' THEN 3 WHEN 'minor' THEN 2 ELSE 1 END DESC LIMIT 1) AS worst_severity
                    FROM queue_items q JOIN conversations c ON c.id = q.conversation_id
                    WHERE q.id IN \(chosen)
                    ORDER BY q.priority DESC, q.id
                    """
                return Page(entries: try request.fetchAll(db), total: count)
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read the review queue", busyTimeout: database.busyTimeout)
        }
    }
}
