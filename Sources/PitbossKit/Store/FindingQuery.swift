import Foundation
import GRDB

/// A stored finding, as `pitboss findings` lists it.
public struct StoredFinding: Sendable, Codable, Equatable, FetchableRecord {
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
    /// The rubric that made it (its `rubric:` name) and the SHA-256 of its file.
    public var rubric: String
    public var rubricHash: String
    /// A reviewer's verdict: confirmed or dismissed; nil until reviewed.
    public var verdict: FindingVerdict.Verdict?

    enum CodingKeys: String, CodingKey {
        case id, conversation, agent, rule, criterion, severity, status, turn, start, end, text, message, run, rubric
        case rubricHash = "rubric_hash"
        case verdict
    }

    /// As people count turns: from 1; every key present.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(conversation, forKey: .conversation)
        try c.encode(agent, forKey: .agent)
        try c.encode(rule, forKey: .rule)
        try c.encode(criterion, forKey: .criterion)
        try c.encode(severity, forKey: .severity)
        try c.encode(status, forKey: .status)
        try c.encode(turn.map(Turn.number), forKey: .turn)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(text, forKey: .text)
        try c.encode(message, forKey: .message)
        try c.encode(run, forKey: .run)
        try c.encode(rubric, forKey: .rubric)
        try c.encode(rubricHash, forKey: .rubricHash)
        try c.encode(verdict, forKey: .verdict)
    }
}

/// Filters of `pitboss findings`.
public struct FindingQuery: Sendable {
    public var run: Int64?
    public var conversation: String?
    public var agent: String?
    /// Only these rules (any of them); none: every rule.
    public var rules: [String]
    /// Only findings of this rubric (by its `rubric:` name): with several rubrics routed, rule ids may repeat.
    public var rubric: String?
    public var minSeverity: Severity?
    public var limit: Int?

    public init(run: Int64? = nil, conversation: String? = nil, agent: String? = nil, rule: String? = nil, rules: [String] = [],
                rubric: String? = nil, minSeverity: Severity? = nil, limit: Int? = nil) {
        self.rubric = rubric
        self.run = run
        self.conversation = conversation
        self.agent = agent
        self.rules = (rule.map { [$0] } ?? []) + rules
        self.minSeverity = minSeverity
        self.limit = limit
    }

    public func fetch(from database: PitbossDatabase) throws(PitbossError) -> [StoredFinding] {
        try fetch(from: database, withTurnText: false).map(\.finding)
    }

    /// The findings with the text of the turn each cites (nil for an absence), for masking what they cite in
    /// context; one query, the turn joined.
    public func fetchWithTurns(from database: PitbossDatabase) throws(PitbossError) -> [(finding: StoredFinding, turnText: String?)] {
        try fetch(from: database, withTurnText: true)
    }

    /// How many findings match, whatever the limit: what a page of them leaves out.
    public func count(from database: PitbossDatabase) throws(PitbossError) -> Int {
        // Only the conversation filter needs the conversations; without it, counting is one pass over the findings.
        let request: SQLRequest<Int> = conversation == nil
            ? "SELECT COUNT(*) FROM findings f \(SQL.whereClause(conditions))"
            : "SELECT COUNT(*) FROM findings f JOIN conversations c ON c.id = f.conversation_id \(SQL.whereClause(conditions))"
        do {
            return try database.writer.read { db in try request.fetchOne(db) ?? 0 }
        } catch {
            throw PitbossDatabase.translate(error, doing: "count findings", busyTimeout: database.busyTimeout)
        }
    }

    private var conditions: [SQL] {
        var conditions: [SQL] = []
        if let run { conditions.append("f.run_id = \(run)") }
        if let conversation { conditions.append("c.external_id = \(conversation)") }
        if let agent { conditions.append("f.agent_id = \(agent)") }
        if !rules.isEmpty { conditions.append("f.rule_id IN \(rules)") }
        if let rubric { conditions.append("f.rubric_name = \(rubric)") }
        if let minSeverity { conditions.append("f.severity IN \(Severity.allCases.filter { $0 >= minSeverity })") }
        return conditions
    }

    private func fetch(from database: PitbossDatabase, withTurnText: Bool) throws(PitbossError) -> [(finding: StoredFinding, turnText: String?)] {
        let request: SQLRequest<Row> = """
            SELECT f.id, c.external_id AS conversation, f.agent_id AS agent, f.rule_id AS rule, f.criterion, f.severity, f.status,
                   f.turn, f.start, f."end", f.text, f.message, f.run_id AS run, f.rubric_name AS rubric, f.rubric_hash, f.verdict
                   \(withTurnText ? SQL(", t.text AS turn_text") : SQL(""))
            FROM findings f JOIN conversations c ON c.id = f.conversation_id
            \(withTurnText ? SQL("LEFT JOIN turns t ON t.conversation_id = f.conversation_id AND t.idx = f.turn") : SQL(""))
            \(SQL.whereClause(conditions))
            ORDER BY f.conversation_id, f.turn, f.start, f.id
            \(limit.map { "LIMIT \($0)" } ?? SQL(""))
            """
        do {
            return try database.writer.read { db in
                let found = try request.fetchAll(db).map { row in
                    (finding: try StoredFinding(row: row), turnText: withTurnText ? row["turn_text"] as String? : nil)
                }
                // An empty list must mean "no findings", never "you misspelt the id": the names are checked (with the
                // closest stored ones) when nothing matched.
                if found.isEmpty {
                    try KnownNames.check(conversation.map { [$0] } ?? [], .conversation, in: db)
                    try KnownNames.check(agent.map { [$0] } ?? [], .agent, in: db)
                    try KnownNames.check(rubric.map { [$0] } ?? [], .rubric, in: db)
                }
                return found
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read findings", busyTimeout: database.busyTimeout)
        }
    }

    // MARK: - On PostgreSQL

    /// The conditions with PostgreSQL's numbered parameters.
    private var serverConditions: (sql: String, parameters: [String?]) {
        var conditions: [String] = []
        var parameters: [String?] = []
        func add(_ condition: (String) -> String, _ value: String) {
            parameters.append(value)
            conditions.append(condition("$\(parameters.count)"))
        }
        if let run { add({ "f.run_id = \($0)" }, String(run)) }
        if let conversation { add({ "c.external_id = \($0)" }, conversation) }
        if let agent { add({ "f.agent_id = \($0)" }, agent) }
        if !rules.isEmpty { add({ "f.rule_id = ANY(\($0)::text[])" }, PostgresText.array(rules)) }
        if let rubric { add({ "f.rubric_name = \($0)" }, rubric) }
        if let minSeverity { add({ "f.severity = ANY(\($0)::text[])" }, PostgresText.array(Severity.allCases.filter { $0 >= minSeverity }.map(\.rawValue))) }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), parameters)
    }

    public func count(from server: PostgresDatabase) throws(PitbossError) -> Int {
        let (filter, parameters) = serverConditions
        do {
            return Int(try server.connection.value("SELECT count(*) FROM findings f JOIN conversations c ON c.id = f.conversation_id \(filter)", parameters) ?? "0") ?? 0
        } catch {
            throw PostgresDatabase.translate(error, doing: "count findings")
        }
    }

    /// The same findings from a PostgreSQL workspace, in the same order, with the same check of the names given.
    public func fetch(from workspace: Workspace, server: PostgresDatabase, withTurnText: Bool) throws(PitbossError) -> [(finding: StoredFinding, turnText: String?)] {
        let (filter, parameters) = serverConditions
        let found: [(finding: StoredFinding, turnText: String?)]
        do {
            found = try server.connection.rows("""
                SELECT f.id, c.external_id AS conversation, f.agent_id AS agent, f.rule_id AS rule, f.criterion, f.severity, f.status,
                       f.turn, f.start, f."end", f.text, f.message, f.run_id AS run, f.rubric_name AS rubric, f.rubric_hash, f.verdict
                       \(withTurnText ? ", t.text AS turn_text" : "")
                FROM findings f JOIN conversations c ON c.id = f.conversation_id
                \(withTurnText ? "LEFT JOIN turns t ON t.conversation_id = f.conversation_id AND t.idx = f.turn" : "")
                \(filter)
                ORDER BY f.conversation_id, f.turn, f.start, f.id
                \(limit.map { "LIMIT \($0)" } ?? "")
                """, parameters).map { row in (finding: try StoredFinding(row: row), turnText: withTurnText ? row["turn_text"] as String? : nil) }
        } catch {
            throw PostgresDatabase.translate(error, doing: "read findings")
        }
        if found.isEmpty {
            try KnownNames.check(conversation.map { [$0] } ?? [], .conversation, in: workspace)
            try KnownNames.check(agent.map { [$0] } ?? [], .agent, in: workspace)
            try KnownNames.check(rubric.map { [$0] } ?? [], .rubric, in: workspace)
        }
        return found
    }
}
