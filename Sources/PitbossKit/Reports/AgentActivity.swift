import Foundation
import GRDB

/// What each agent did over the conversations a report covers, and the team's sum: conversations, flagged ones,
/// findings per criterion, QA scores (with their weeks), reviewed answers per criterion, open retraining. Read in
/// sequential scans — conversations in agent order, then flagged items, findings, reviews and answers, each placed by
/// arrays indexed by conversation id — not with GROUP BYs, which sort a million findings (see Benchmarks/README.md,
/// "Retraining"). Memory grows with the highest conversation id (five bytes each) and the agents, not the findings.
struct AgentActivity {
    struct Tally {
        var conversations = 0
        /// Conversations a rubric of the report evaluated: what shares flagged and findings per 100 are of (a
        /// conversation never flagged is not a clean one).
        var evaluated = 0
        var flagged = 0
        /// By criterion: findings that stand (confirmed, or not judged), and conversations with at least one.
        var findings: [Int]
        var conversationsWithFinding: [Int]
        /// Current reviews' scores (0–100), for the mean and the median; reviews counts those without a score too.
        var scores: [Double] = []
        var reviews = 0
        var autoFails = 0
        /// By week of the trend: the sum and number of scores of conversations that started in it.
        var weekSum: [Double]
        var weekCount: [Int]
        /// By criterion: reviewed answers that applied, and those that failed (item score 0).
        var answered: [Int]
        var failed: [Int]
        var openRetraining = 0
        var overdueRetraining = 0

        init(criteria: Int, weeks: Int) {
            findings = Array(repeating: 0, count: criteria)
            conversationsWithFinding = findings
            answered = findings
            failed = findings
            weekSum = Array(repeating: 0, count: weeks)
            weekCount = Array(repeating: 0, count: weeks)
        }

        mutating func growCriteria() {
            findings.append(0)
            conversationsWithFinding.append(0)
            answered.append(0)
            failed.append(0)
        }

        mutating func add(_ other: Tally) {
            conversations += other.conversations
            evaluated += other.evaluated
            flagged += other.flagged
            for k in findings.indices {
                findings[k] += other.findings[k]
                conversationsWithFinding[k] += other.conversationsWithFinding[k]
                answered[k] += other.answered[k]
                failed[k] += other.failed[k]
            }
            scores += other.scores
            reviews += other.reviews
            autoFails += other.autoFails
            for w in weekSum.indices {
                weekSum[w] += other.weekSum[w]
                weekCount[w] += other.weekCount[w]
            }
            openRetraining += other.openRetraining
            overdueRetraining += other.overdueRetraining
        }

        var meanScore: Double? { scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count) }
        var medianScore: Double? {
            guard !scores.isEmpty else { return nil }
            let sorted = scores.sorted()
            let mid = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        }
        var flaggedShare: Double? { evaluated == 0 ? nil : Double(flagged) / Double(evaluated) }
        func perHundred(_ k: Int) -> Double? { evaluated == 0 ? nil : Double(findings[k]) * 100 / Double(evaluated) }
        var perHundredTotal: Double? { evaluated == 0 ? nil : Double(findings.reduce(0, +)) * 100 / Double(evaluated) }
        func weekMean(_ w: Int) -> Double? { weekCount[w] == 0 ? nil : weekSum[w] / Double(weekCount[w]) }
    }

    var criteria: [String]
    var weeks: [String]
    var agents: [String] = []
    var tallies: [Tally] = []
    var team: Tally

    /// A trend begins with the first week anyone was scored in (the last week always stays, and so does `keeping`, a
    /// week something is marked in): twelve weeks asked of a floor that has reviewed for three show three.
    mutating func dropLeadingEmptyWeeks(keeping: String? = nil) {
        var empty = team.weekCount.dropLast().prefix { $0 == 0 }.count
        if let keeping, let kept = weeks.firstIndex(of: keeping) { empty = min(empty, kept) }
        guard empty > 0 else { return }
        weeks.removeFirst(empty)
        func trim(_ t: inout Tally) {
            t.weekSum.removeFirst(empty)
            t.weekCount.removeFirst(empty)
        }
        trim(&team)
        for a in tallies.indices { trim(&tallies[a]) }
    }

    /// The criteria come first in the order given (the rubric's); one met only in findings is added after them.
    /// The trend has up to `weekCount` weeks, ending with the week of the last conversation covered (or of `until`).
    /// `rubrics`: the names of the rubrics whose evaluations and findings count (nil: every rubric's). A rubric renamed
    /// or retired leaves its findings stored; counting them beside the new one's would count every fault twice.
    static func load(_ db: Database, selection: FlagSelection, criteria given: [String], weekCount: Int, zone: TimeZone,
                     today: String, rubrics: [String]? = nil) throws -> AgentActivity {
        try ReportScope.verify(selection, in: db)
        var calendar = LocalCalendar(zone: zone)
        let (conditions, arguments) = selection.conditions
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let values = StatementArguments(arguments.map { $0?.databaseValue ?? .null })
        let last = try String.fetchOne(db, sql: "SELECT MAX(c.started_at) FROM conversations c \(whereClause)", arguments: values)
        let end = last.flatMap { calendar.moment(utc: $0) } ?? calendar.moment(selection.until ?? Date())
        let weeks = LocalCalendar.weeks(endingAt: end.days, count: weekCount)
        let weekIndex = Dictionary(weeks.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })

        var activity = AgentActivity(criteria: given, weeks: weeks, team: Tally(criteria: given.count, weeks: weeks.count))
        let maxID = try Int.fetchOne(db, sql: "SELECT MAX(id) FROM conversations") ?? 0
        var agentOf = [Int32](repeating: -1, count: maxID + 1)

        // Conversations, in agent order: a new agent is a change of text from the row before (no String per row).
        let scan = try db.makeStatement(sql: "SELECT c.id, c.agent_id FROM conversations c \(whereClause) ORDER BY c.agent_id")
        try scan.setArguments(values)
        var conversations = FastStatement(scan)
        var previous: [UInt8]?
        try conversations.forEachRow { row in
            if previous == nil || !row.text(1, equals: previous!) {  // safe: checked first
                let agent = row.string(1)
                previous = Array(agent.utf8)
                activity.agents.append(agent)
                activity.tallies.append(Tally(criteria: given.count, weeks: weeks.count))
            }
            let id = row.int(0), a = activity.tallies.count - 1
            guard id >= 0, id <= maxID else { return }
            agentOf[id] = Int32(a)
            activity.tallies[a].conversations += 1
        }
        func agent(_ id: Int) -> Int? {
            guard id >= 0, id <= maxID else { return nil }
            let a = agentOf[id]
            return a >= 0 ? Int(a) : nil
        }

        let ofRubrics = rubrics.map { names in "rubric_name IN (\(names.map { _ in "?" }.joined(separator: ", ")))" }
        func bindRubrics(_ statement: inout FastStatement) { for name in rubrics ?? [] { statement.bind(name) } }
        var evaluated = [Bool](repeating: false, count: maxID + 1)
        var evaluations = FastStatement(try db.makeStatement(sql: "SELECT conversation_id FROM evaluations \(ofRubrics.map { "WHERE " + $0 } ?? "")"))
        bindRubrics(&evaluations)
        try evaluations.forEachRow { row in
            let id = row.int(0)
            guard let a = agent(id), !evaluated[id] else { return }
            evaluated[id] = true
            activity.tallies[a].evaluated += 1
        }
        var flagged = FastStatement(try db.makeStatement(sql: "SELECT DISTINCT conversation_id FROM queue_items WHERE reason = 'flagged'"))
        try flagged.forEachRow { row in
            let id = row.int(0)
            if let a = agent(id), evaluated[id] { activity.tallies[a].flagged += 1 }
        }

        // Findings that stand: confirmed by a reviewer, or not judged yet; a dismissed one and a rule's error never count.
        var criterionBytes = activity.criteria.map { Array($0.utf8) }
        var seen = [UInt64](repeating: 0, count: maxID + 1)  // per conversation, one bit per criterion (the first 64)
        func criterionIndex(_ row: FastStatement.Row, column: Int32) -> Int {
            if let k = criterionBytes.firstIndex(where: { row.text(column, equals: $0) }) { return k }
            let name = row.string(column)
            activity.criteria.append(name)
            criterionBytes.append(Array(name.utf8))
            for a in activity.tallies.indices { activity.tallies[a].growCriteria() }
            activity.team.growCriteria()
            return activity.criteria.count - 1
        }
        var findings = FastStatement(try db.makeStatement(sql: """
            SELECT conversation_id, criterion FROM findings WHERE status != 'error' AND (verdict IS NULL OR verdict = 'confirmed')
            \(ofRubrics.map { "AND " + $0 } ?? "")
            """))
        bindRubrics(&findings)
        try findings.forEachRow { row in
            let id = row.int(0)
            guard let a = agent(id) else { return }
            let k = criterionIndex(row, column: 1)
            activity.tallies[a].findings[k] += 1
            if k < 64, seen[id] & (1 << UInt64(k)) == 0 {
                seen[id] |= 1 << UInt64(k)
                activity.tallies[a].conversationsWithFinding[k] += 1
            }
        }

        var reviews = FastStatement(try db.makeStatement(sql: """
            SELECT r.conversation_id, r.score, r.auto_failed, c.started_at FROM current_reviews r JOIN conversations c ON c.id = r.conversation_id
            """))
        try reviews.forEachRow { row in
            guard let a = agent(row.int(0)) else { return }
            activity.tallies[a].reviews += 1
            if row.int(2) != 0 { activity.tallies[a].autoFails += 1 }
            guard let score = row.double(1) else { return }
            activity.tallies[a].scores.append(score)
            if let week = calendar.moment(utc: row.string(3)).flatMap({ weekIndex[$0.week] }) {
                activity.tallies[a].weekSum[week] += score
                activity.tallies[a].weekCount[week] += 1
            }
        }

        var answers = FastStatement(try db.makeStatement(sql: """
            SELECT r.conversation_id, a.criterion, a.item_score = 0 FROM current_reviews r JOIN review_answers a ON a.review_id = r.id
            WHERE a.item_score IS NOT NULL
            """))
        try answers.forEachRow { row in
            guard let a = agent(row.int(0)) else { return }
            let k = criterionIndex(row, column: 1)
            activity.tallies[a].answered[k] += 1
            if row.int(2) != 0 { activity.tallies[a].failed[k] += 1 }
        }

        // By the id's bytes: two spellings of one name (NFC, NFD) are two agents here, as in the database.
        let index = Dictionary(activity.agents.enumerated().map { (Array($1.utf8), $0) }, uniquingKeysWith: { a, _ in a })
        for row in try Row.fetchAll(db, sql: "SELECT agent_id, due_on FROM retraining_current WHERE state IN ('assigned', 'started')") {
            guard let a = index[Array((row[0] as String).utf8)] else { continue }
            activity.tallies[a].openRetraining += 1
            if (row[1] as String) < today { activity.tallies[a].overdueRetraining += 1 }
        }
        for tally in activity.tallies { activity.team.add(tally) }
        return activity
    }
}
