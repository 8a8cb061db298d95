import Foundation
import GRDB

/// A stored finding, as `pitboss findings` lists it.
public struct StoredFinding: Sendable, Codable, Equatable {
    public var id: Int64
    public var conversation: String
    public var agent: String?
    public var rule: String
    public var criterion: String
    public var severity: Severity
    public var status: FindingStatus
    public var turn: Int?
    public var start: Int?
    public var end: Int?
    public var text: String?
    public var message: String
    public var run: Int64
    public var rubricHash: String
    /// A reviewer's verdict: confirmed or dismissed; nil until reviewed.
    public var verdict: String?

    enum CodingKeys: String, CodingKey {
        case id, conversation, agent, rule, criterion, severity, status, turn, start, end, text, message, run
        case rubricHash = "rubric_hash"
        case verdict
    }

    /// Every key is always present (null when it does not apply), so that consumers see one shape.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(conversation, forKey: .conversation)
        try c.encode(agent, forKey: .agent)
        try c.encode(rule, forKey: .rule)
        try c.encode(criterion, forKey: .criterion)
        try c.encode(severity, forKey: .severity)
        try c.encode(status, forKey: .status)
        try c.encode(turn, forKey: .turn)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(text, forKey: .text)
        try c.encode(message, forKey: .message)
        try c.encode(run, forKey: .run)
        try c.encode(rubricHash, forKey: .rubricHash)
        try c.encode(verdict, forKey: .verdict)
    }
}

/// Filters of `pitboss findings`.
public struct FindingQuery: Sendable {
    public var run: Int64?
    public var conversation: String?
    public var agent: String?
    public var rule: String?
    public var minSeverity: Severity?
    public var limit: Int?

    public init(run: Int64? = nil, conversation: String? = nil, agent: String? = nil, rule: String? = nil,
                minSeverity: Severity? = nil, limit: Int? = nil) {
        self.run = run
        self.conversation = conversation
        self.agent = agent
        self.rule = rule
        self.minSeverity = minSeverity
        self.limit = limit
    }

    public func fetch(from database: PitbossDatabase) throws(PitbossError) -> [StoredFinding] {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let run { conditions.append("f.run_id = ?"); arguments.append(run) }
        if let conversation { conditions.append("c.external_id = ?"); arguments.append(conversation) }
        if let agent { conditions.append("f.agent_id = ?"); arguments.append(agent) }
        if let rule { conditions.append("f.rule_id = ?"); arguments.append(rule) }
        if let minSeverity {
            let names = Severity.allCases.filter { $0 >= minSeverity }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            conditions.append("f.severity IN (\(names))")
        }
        let sql = """
            SELECT f.id, c.external_id, f.agent_id, f.rule_id, f.criterion, f.severity, f.status, f.turn, f.start, f."end",
                   f.text, f.message, f.run_id, f.rubric_hash, f.verdict
            FROM findings f JOIN conversations c ON c.id = f.conversation_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY f.conversation_id, f.turn, f.start, f.id
            \(limit.map { "LIMIT \($0)" } ?? "")
            """
        do {
            return try database.writer.read { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                    StoredFinding(id: row[0], conversation: row[1], agent: row[2], rule: row[3], criterion: row[4],
                                  severity: Severity(rawValue: row[5]) ?? .info, status: FindingStatus(rawValue: row[6]) ?? .error,
                                  turn: row[7], start: row[8], end: row[9], text: row[10], message: row[11], run: row[12],
                                  rubricHash: row[13], verdict: row[14])
                }
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read findings", busyTimeout: database.busyTimeout)
        }
    }
}
