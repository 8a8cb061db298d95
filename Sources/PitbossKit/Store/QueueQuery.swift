import Foundation
import GRDB

/// An item of the review queue, as `pitboss queue list` shows it.
public struct QueueEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var conversation: String
    public var agent: String
    public var channel: String
    public var language: String
    public var shift: String
    public var reason: String
    public var priority: Int
    public var status: String
    public var assignedTo: String?
    /// When the claim runs out (UTC), for a claimed item.
    public var claimExpiresAt: String?
    public var findings: Int
    public var worstSeverity: String?

    enum CodingKeys: String, CodingKey {
        case id, conversation, agent, channel, language, shift, reason, priority, status
        case assignedTo = "assigned_to"
        case claimExpiresAt = "claim_expires_at"
        case findings
        case worstSeverity = "worst_severity"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(conversation, forKey: .conversation)
        try c.encode(agent, forKey: .agent)
        try c.encode(channel, forKey: .channel)
        try c.encode(language, forKey: .language)
        try c.encode(shift, forKey: .shift)
        try c.encode(reason, forKey: .reason)
        try c.encode(priority, forKey: .priority)
        try c.encode(status, forKey: .status)
        try c.encode(assignedTo, forKey: .assignedTo)
        try c.encode(claimExpiresAt, forKey: .claimExpiresAt)
        try c.encode(findings, forKey: .findings)
        try c.encode(worstSeverity, forKey: .worstSeverity)
    }
}

/// Filters of `pitboss queue list`.
public struct QueueQuery: Sendable {
    public var status: String?
    public var reason: String?
    public var assignedTo: String?
    public var limit: Int?

    public init(status: String? = nil, reason: String? = nil, assignedTo: String? = nil, limit: Int? = nil) {
        self.status = status
        self.reason = reason
        self.assignedTo = assignedTo
        self.limit = limit
    }

    /// Highest priority first (age is part of it), then the first queued: the order claims take. A claim whose lease has run out is shown as it will be treated: open,
    /// and held by nobody unless a supervisor assigned it.
    public func fetch(from database: PitbossDatabase, now: Date = Date()) throws(PitbossError) -> [QueueEntry] {
        let nowText = UTCTimestamp.format(now)
        let expired = "(q.status = 'claimed' AND q.claim_expires_at <= '\(nowText)')"
        let status = "CASE WHEN \(expired) THEN 'open' ELSE q.status END"
        let holder = "CASE WHEN \(expired) AND q.assigned_by IS NULL THEN NULL ELSE q.assigned_to END"
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let value = self.status {
            guard ["open", "claimed", "scored", "skipped"].contains(value) else {
                throw .usage("--status: '\(value)' is not one of open, claimed, scored, skipped")
            }
            conditions.append("\(status) = ?"); arguments.append(value)
        }
        if let reason {
            guard ["flagged", "sample", "calibration", "dispute"].contains(reason) else {
                throw .usage("--reason: '\(reason)' is not one of flagged, sample, calibration, dispute")
            }
            conditions.append("q.reason = ?"); arguments.append(reason)
        }
        if let assignedTo { conditions.append("\(holder) = ?"); arguments.append(assignedTo) }
        let sql = """
            SELECT q.id, c.external_id, c.agent_id, c.channel, c.language, c.shift_id, q.reason, q.priority, \(status), \(holder),
                   CASE WHEN \(expired) THEN NULL ELSE q.claim_expires_at END,
                   (SELECT COUNT(*) FROM findings f WHERE f.conversation_id = q.conversation_id AND f.status != 'error'),
                   (SELECT f.severity FROM findings f WHERE f.conversation_id = q.conversation_id AND f.status != 'error'
                    ORDER BY CASE f.severity WHEN 'critical' THEN 4 WHEN 'major' THEN 3 WHEN 'minor' THEN 2 ELSE 1 END DESC LIMIT 1)
            FROM queue_items q JOIN conversations c ON c.id = q.conversation_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY q.priority DESC, q.id
            \(limit.map { "LIMIT \($0)" } ?? "")
            """
        do {
            return try database.writer.read { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                    QueueEntry(id: row[0], conversation: row[1], agent: row[2], channel: row[3], language: row[4], shift: row[5],
                               reason: row[6], priority: row[7], status: row[8], assignedTo: row[9], claimExpiresAt: row[10], findings: row[11],
                               worstSeverity: row[12])
                }
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read the review queue", busyTimeout: database.busyTimeout)
        }
    }
}
