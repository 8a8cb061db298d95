import Foundation
import GRDB

/// Per rubric and rule, over the conversations a selection takes: findings, conversations, confirmed and dismissed, and
/// the reasons given for each dismissal. One sequential scan of the findings (1.6 million at 400,000 conversations)
/// with the rule told by a hash of its bytes — a GROUP BY sorted them all, and took 2.3 s of a report that should take
/// one. Conversations are counted with a bit per conversation id and rule.
struct RuleCounts {
    struct Rule {
        var rubric: String
        var rule: String
        var criterion: String
        var fires = 0
        var conversations = 0
        var confirmed = 0
        var dismissed = 0
        /// Bits by conversation id: which conversations it fired in.
        var seen: [UInt64]
    }

    var rules: [Rule] = []
    /// "rubric\0rule" → trimmed dismissal reason → count.
    var reasons: [String: [String: Int]] = [:]

    static func load(_ db: Database, selection: FlagSelection, rubricName: String?) throws -> RuleCounts {
        let maxID = try Int.fetchOne(db, sql: "SELECT MAX(id) FROM conversations") ?? 0
        // Which conversations the filters take, by id; every one when there are no filters.
        var taken: [Bool]?
        let (conditions, arguments) = selection.conditions
        if !conditions.isEmpty {
            var flags = [Bool](repeating: false, count: maxID + 1)
            let statement = try db.makeStatement(sql: "SELECT c.id FROM conversations c WHERE " + conditions.joined(separator: " AND "))
            try statement.setArguments(StatementArguments(arguments.map { $0?.databaseValue ?? .null }))
            var ids = FastStatement(statement)
            try ids.forEachRow { row in
                let id = row.int(0)
                if id >= 0, id <= maxID { flags[id] = true }
            }
            taken = flags
        }

        var counts = RuleCounts()
        var byHash: [UInt64: [Int]] = [:]
        var keys: [(rubric: [UInt8], rule: [UInt8])] = []
        let words = maxID / 64 + 1
        var findings = FastStatement(try db.makeStatement(sql: """
            SELECT conversation_id, rubric_name, rule_id, criterion, verdict, verdict_reason FROM findings
            WHERE status != 'error' \(rubricName == nil ? "" : "AND rubric_name = ?")
            """))
        if let rubricName { findings.bind(rubricName) }
        try findings.forEachRow { row in
            let id = row.int(0)
            guard id >= 0, id <= maxID, taken?[id] ?? true else { return }
            let hash = row.hash(1) &* 1_099_511_628_211 ^ row.hash(2)
            let r: Int
            if let known = byHash[hash]?.first(where: { row.text(1, equals: keys[$0].rubric) && row.text(2, equals: keys[$0].rule) }) {
                r = known
            } else {
                r = counts.rules.count
                let rubric = row.string(1), rule = row.string(2)
                keys.append((Array(rubric.utf8), Array(rule.utf8)))
                byHash[hash, default: []].append(r)
                counts.rules.append(Rule(rubric: rubric, rule: rule, criterion: row.string(3), seen: [UInt64](repeating: 0, count: words)))
            }
            counts.rules[r].fires += 1
            let bit: UInt64 = 1 << UInt64(id % 64)
            if counts.rules[r].seen[id / 64] & bit == 0 {
                counts.rules[r].seen[id / 64] |= bit
                counts.rules[r].conversations += 1
            }
            if row.text(4, equals: Self.confirmed) {
                counts.rules[r].confirmed += 1
            } else if row.text(4, equals: Self.dismissed) {
                counts.rules[r].dismissed += 1
                let reason = row.string(5).trimmingCharacters(in: .whitespacesAndNewlines)
                if !reason.isEmpty { counts.reasons["\(counts.rules[r].rubric)\u{0}\(counts.rules[r].rule)", default: [:]][reason, default: 0] += 1 }
            }
        }
        for r in counts.rules.indices { counts.rules[r].seen = [] }
        return counts
    }

    static let confirmed = Array("confirmed".utf8), dismissed = Array("dismissed".utf8)
}
