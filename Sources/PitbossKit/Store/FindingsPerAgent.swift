import Foundation
import GRDB

/// Per agent, in a window: the conversations the rubric evaluated, and per criterion those with a finding that no
/// reviewer dismissed. What `retrain suggest` ranks from.
///
/// Counted in two sequential scans and arrays indexed by conversation id, not in SQL: a GROUP BY over every finding
/// joined to its conversation sorts a million rows (1.7 s at 400,000 conversations); the scans take a third of that.
struct FindingsPerAgent {
    /// Agent ids, each once, as the database tells them apart (byte for byte).
    var agents: [String] = []
    var evaluated: [Int] = []
    /// Per agent, per criterion (in the order asked).
    var problems: [[Int]] = []

    static func count(_ db: Database, criteria: [String], since: String?, until: String?) throws -> FindingsPerAgent {
        var result = FindingsPerAgent()
        guard let maxID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM conversations"), maxID > 0, maxID < Int64(Int32.max) else { return result }
        // Conversation id → its agent's number, -1 outside the window.
        var agentOf = [Int32](repeating: -1, count: Int(maxID) + 1)
        try ConversationsByAgent.scan(db, since: since, until: until, agent: { result.agents.append($0) },
                                      conversation: { id, _ in agentOf[id] = Int32(result.agents.count - 1) })
        result.evaluated = Array(repeating: 0, count: result.agents.count)
        result.problems = Array(repeating: Array(repeating: 0, count: criteria.count), count: result.agents.count)
        var evaluations = FastStatement(try db.makeStatement(sql: "SELECT DISTINCT conversation_id FROM evaluations"))
        try evaluations.forEachRow { row in
            let id = row.int(0)
            if id >= 0, id < agentOf.count, agentOf[id] >= 0 { result.evaluated[Int(agentOf[id])] += 1 }
        }
        // Each conversation's criteria with a standing finding, as bits (a conversation counts once per criterion);
        // SQLite turns the criterion into its position, so no text is made per finding.
        let words = (criteria.count + 63) / 64
        var flagged = [UInt64](repeating: 0, count: (Int(maxID) + 1) * words)
        var findings = FastStatement(try db.makeStatement(sql: """
            SELECT f.conversation_id, CASE f.criterion \(criteria.indices.map { _ in "WHEN ? THEN ?" }.joined(separator: " ")) ELSE -1 END
            FROM findings f WHERE f.status != ? AND (f.verdict IS NULL OR f.verdict != ?)
            """))
        for (k, criterion) in criteria.enumerated() {
            findings.bind(criterion)
            findings.bind(k)
        }
        findings.bind(FindingStatus.error.rawValue)
        findings.bind(FindingVerdict.Verdict.dismissed.rawValue)
        try findings.forEachRow { row in
            let id = row.int(0), k = row.int(1)
            guard k >= 0, id >= 0, id < agentOf.count, agentOf[id] >= 0 else { return }
            flagged[id * words + k / 64] |= 1 << UInt64(k % 64)
        }
        for id in 0..<agentOf.count where agentOf[id] >= 0 {
            for k in criteria.indices where flagged[id * words + k / 64] & (1 << UInt64(k % 64)) != 0 {
                result.problems[Int(agentOf[id])][k] += 1
            }
        }
        return result
    }
}
