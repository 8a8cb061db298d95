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
        try page(in: SQLiteSessions(database: database), now: now)
    }

    /// The same on either backend: the same SQL.
    func page(in sessions: any SQLSessions, now: Date = Date()) throws(PitbossError) -> Page {
        try sessions.read("read the review queue") { try page(in: $0, now: now) }
    }

    func page(in db: any SQLSession, now: Date) throws -> Page {
        let nowText = UTCTimestamp.format(now)
        let expired = "(q.status = 'claimed' AND q.claim_expires_at <= ?)"
        let status = """
            CASE WHEN \(expired) THEN (CASE WHEN q.assigned_by IS NOT NULL THEN 'assigned' ELSE 'open' END)
                 WHEN q.status = 'open' AND q.assigned_to IS NOT NULL THEN 'assigned'
                 ELSE q.status END
            """
        let holder = "CASE WHEN \(expired) AND q.assigned_by IS NULL THEN NULL ELSE q.assigned_to END"
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let value = self.status { conditions.append("\(status) = ?"); arguments += [nowText, value.rawValue] }
        else if !includeFinished { conditions.append("q.status IN ('open', 'claimed')") }
        if let reason { conditions.append("q.reason = ?"); arguments.append(reason.rawValue) }
        if let assignedTo { conditions.append("\(holder) = ?"); arguments += [nowText, assignedTo] }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let chosen = try db.values(Int64.self, "SELECT q.id FROM queue_items q \(filter) ORDER BY q.priority DESC, q.id \(limit.map { "LIMIT \($0)" } ?? "")", arguments)
        let count = limit == nil ? chosen.count : try db.value(Int.self, "SELECT COUNT(*) FROM queue_items q \(filter)", arguments) ?? chosen.count
        // In slices of 500 ids, within either backend's limit on parameters; each slice in queue order, as the ids are.
        var entries: [QueueEntry] = []
        for start in stride(from: 0, to: chosen.count, by: 500) {
            let slice = Array(chosen[start..<min(start + 500, chosen.count)])
            entries += try db.rows("""
            SELECT q.id, c.external_id AS conversation, c.agent_id AS agent, c.channel, c.language, c.shift_id AS shift, q.reason, q.priority,
                   \(status) AS status, \(holder) AS assigned_to,
                   CASE WHEN \(expired) THEN NULL ELSE q.claim_expires_at END AS claim_expires_at,
                   (SELECT COUNT(*) FROM findings f WHERE f.conversation_id = q.conversation_id AND f.status <> 'error') AS findings,
                   (SELECT f.severity FROM findings f WHERE f.conversation_id = q.conversation_id AND f.status <> 'error'
                    ORDER BY CASE f.severity WHEN 'critical' THEN 4 WHEN 'major' THEN 3 WHEN 'minor' THEN 2 ELSE 1 END DESC LIMIT 1) AS worst_severity
            FROM queue_items q JOIN conversations c ON c.id = q.conversation_id
            WHERE q.id IN (\(slice.map { _ in "?" }.joined(separator: ", ")))
            ORDER BY q.priority DESC, q.id
            """, [nowText, nowText, nowText] + slice).map { try QueueEntry(row: $0) }
        }
        return Page(entries: entries, total: count)
    }
}
