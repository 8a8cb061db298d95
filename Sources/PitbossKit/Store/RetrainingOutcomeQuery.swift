import Foundation
import GRDB

/// Measures retraining outcomes from the database: the conversations, findings and reviews of each assignment's agent
/// and of everyone else, in the assignment's baseline and follow-up windows.
///
/// The work is a few grouped scans, whatever the number of assignments: conversations, findings and reviews are
/// counted per hour (and per agent for the agents being measured, everyone else together), and each window is then a
/// sum of hours. So windows are whole hours in UTC — the baseline the days before the hour it was assigned in, the
/// follow-up the days from the hour after it was completed — and memory grows with the hours spanned, not with the
/// conversations.
public struct RetrainingOutcomeQuery: Sendable {
    public var settings: OutcomeSettings
    /// The rubric whose findings count, in both windows.
    public var rubricName: String
    public var rubricVersion: String
    public var rubricHash: String
    /// Only this criterion of each assignment (nil: all it addresses).
    public var criterion: String?
    /// Module → the rules it addresses (from the catalogue): its findings are counted from those rules only.
    public var moduleRules: [String: [String]] = [:]
    /// The rubric's criteria, when known: an assignment's criterion outside them is measured by reviews only.
    public var rubricCriteria: Set<String>?

    public init(settings: OutcomeSettings, rubricName: String, rubricVersion: String, rubricHash: String, criterion: String? = nil) {
        self.settings = settings
        self.rubricName = rubricName
        self.rubricVersion = rubricVersion
        self.rubricHash = rubricHash
        self.criterion = criterion
    }

    public init(settings: OutcomeSettings, rubric: Rubric, criterion: String? = nil) {
        self.init(settings: settings, rubricName: rubric.name, rubricVersion: rubric.version, rubricHash: rubric.contentHash, criterion: criterion)
        rubricCriteria = Set(rubric.criteria.map(\.id))
    }

    /// The windows of an assignment, as whole UTC hours; the follow-up is nil until it is completed.
    public func windows(of assignment: RetrainingAssignment, now: Date) -> (baseline: RetrainingOutcome.Window, followUp: RetrainingOutcome.Window?, counted: RetrainingOutcome.Window?, ended: Bool) {
        let before = settings.baseline(assignedAt: UTCTimestamp.parse(assignment.assignedAt) ?? now)
        let baseline = RetrainingOutcome.Window(from: Self.hour(before.from), until: Self.hour(before.until))
        guard assignment.state == .completed, let completed = UTCTimestamp.parse(assignment.stateAt) else { return (baseline, nil, nil, false) }
        let after = settings.followUp(completedAt: completed)
        let ended = now >= after.until
        // An open window is counted up to the present hour, included.
        let countedEnd = ended ? after.until : max(after.from, OutcomeSettings.hourFloor(now).addingTimeInterval(3_600))
        return (baseline, RetrainingOutcome.Window(from: Self.hour(after.from), until: Self.hour(after.until)),
                RetrainingOutcome.Window(from: Self.hour(after.from), until: Self.hour(countedEnd)), ended)
    }

    /// From the start of the earliest baseline to the end of the latest follow-up counted: what a re-evaluation covers.
    public func span(of assignments: [RetrainingAssignment], now: Date) -> (from: Date, until: Date)? {
        let spans = assignments.filter { $0.state != .cancelled }.map { windows(of: $0, now: now) }
        guard let from = spans.map(\.baseline.from).min(), let until = spans.map({ $0.counted?.until ?? $0.baseline.until }).max(),
              let start = UTCTimestamp.parse(from), let end = UTCTimestamp.parse(until) else { return nil }
        return (start, end)
    }

    /// The outcome of each assignment (cancelled ones have none and are left out), in the order given.
    public func measure(_ assignments: [RetrainingAssignment], in database: PitbossDatabase, now: Date = Date()) throws(PitbossError) -> [RetrainingOutcome] {
        let measured = assignments.filter { $0.state != .cancelled }
        guard !measured.isEmpty else { return [] }
        let criteria = Array(Set(measured.flatMap { criteriaOf($0) })).sorted()
        let ruleSets = [[]] + Array(Set(measured.map { rulesOf($0) }.filter { !$0.isEmpty })).sorted { $0.lexicographicallyPrecedes($1) }
        let spans = measured.map { windows(of: $0, now: now) }
        let from = spans.map(\.baseline.from).min()!  // safe: measured is not empty
        let until = spans.map { $0.counted?.until ?? $0.baseline.until }.max()!
        do {
            return try database.writer.read { db in
                let others = influences(try RetrainingStore.current(db, "state != \(RetrainingState.cancelled)"), now: now)
                let excluded = zip(measured, spans).map { assignment, span in trained(alongside: assignment, span: span, among: others) }
                // Keyed by the id's bytes: Swift's String equality would take two spellings of one name (a precomposed
                // and a combining ü) for one agent, where the database keeps them apart.
                var agents: [String: String] = [:]
                for agent in measured.map(\.agent) + excluded.flatMap({ $0.values.flatMap(\.values) }) { agents[AgentKey.of(agent)] = agent }
                let activity = try Activity.load(db, agents: Array(agents.values), criteria: criteria, ruleSets: ruleSets, from: from, until: until, rubricHash: rubricHash)
                return zip(measured, zip(spans, excluded)).map { assignment, rest in
                    outcome(assignment, rest.0, rest.1, activity)
                }
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "measure retraining outcomes", busyTimeout: database.busyTimeout)
        }
    }

    /// When another assignment influenced its agent: from when it was made to the end of its follow-up (or until now,
    /// while it is not completed).
    struct Influence {
        let agent: String
        let key: String
        let criteria: [String]
        let from: String
        let until: String
    }

    func influences(_ assignments: [RetrainingAssignment], now: Date) -> [Influence] {
        assignments.map { other in
            let until: Date = if other.state == .completed, let done = UTCTimestamp.parse(other.stateAt) {
                settings.followUp(completedAt: done).until
            } else {
                now.addingTimeInterval(3_600)
            }
            return Influence(agent: other.agent, key: AgentKey.of(other.agent), criteria: other.criteria,
                             from: Self.hour(OutcomeSettings.hourFloor(UTCTimestamp.parse(other.assignedAt) ?? now)), until: Self.hour(until))
        }
    }

    /// Per criterion, the other agents retrained on it while this assignment is measured: they are left out of the
    /// team it is compared with, for a cohort trained together would otherwise hide each other's effect.
    func trained(alongside assignment: RetrainingAssignment, span: (baseline: RetrainingOutcome.Window, followUp: RetrainingOutcome.Window?,
                                                                   counted: RetrainingOutcome.Window?, ended: Bool),
                 among others: [Influence]) -> [String: [String: String]] {
        let measuredUntil = span.followUp?.until ?? span.baseline.until
        let key = AgentKey.of(assignment.agent), criteria = criteriaOf(assignment)
        var result: [String: [String: String]] = [:]  // criterion → agent key → agent
        for other in others where other.key != key && other.from < measuredUntil && other.until > span.baseline.from {
            for criterion in other.criteria where criteria.contains(criterion) { result[criterion, default: [:]][other.key] = other.agent }
        }
        return result
    }

    func criteriaOf(_ assignment: RetrainingAssignment) -> [String] {
        criterion.map { assignment.criteria.contains($0) ? [$0] : [] } ?? assignment.criteria
    }

    func rulesOf(_ assignment: RetrainingAssignment) -> [String] { (moduleRules[assignment.module] ?? []).sorted() }

    private func outcome(_ assignment: RetrainingAssignment,
                         _ window: (baseline: RetrainingOutcome.Window, followUp: RetrainingOutcome.Window?, counted: RetrainingOutcome.Window?, ended: Bool),
                         _ excluded: [String: [String: String]], _ activity: Activity) -> RetrainingOutcome {
        let empty = activity.emptyCounts
        let agentBefore = activity.sum(agent: assignment.agent, window.baseline)
        let everyoneBefore = activity.sum(agent: nil, window.baseline)
        let agentAfter = window.counted.map { activity.sum(agent: assignment.agent, $0) } ?? empty
        let everyoneAfter = window.counted.map { activity.sum(agent: nil, $0) } ?? empty
        let restBefore = everyoneBefore - agentBefore, restAfter = everyoneAfter - agentAfter

        let criteria = criteriaOf(assignment).map { name -> RetrainingOutcome.CriterionOutcome in
            let k = activity.criteria.firstIndex(of: name)!  // safe: every assignment's criteria were loaded
            let rules = rulesOf(assignment)
            let p = activity.problemIndex(criterion: k, rules: rules)
            var teamBefore = restBefore, teamAfter = restAfter
            for key in (excluded[name] ?? [:]).keys {
                activity.subtract(key: key, window.baseline, from: &teamBefore)
                if let counted = window.counted { activity.subtract(key: key, counted, from: &teamAfter) }
            }
            func findings(_ c: Counts) -> Tally { Tally(problems: c.problems(p), total: c.evaluated) }
            func reviews(_ c: Counts) -> Tally { Tally(problems: c.failed(k), total: c.answered(k)) }
            return .init(criterion: name,
                         findings: RateComparison(source: .findings, baseline: findings(agentBefore), followUp: findings(agentAfter),
                                                  teamBaseline: findings(teamBefore), teamFollowUp: findings(teamAfter)),
                         reviews: RateComparison(source: .reviews, baseline: reviews(agentBefore), followUp: reviews(agentAfter),
                                                 teamBaseline: reviews(teamBefore), teamFollowUp: reviews(teamAfter)),
                         leftOutOfTeam: (excluded[name] ?? [:]).values.sorted(), rules: rules, inRubric: rubricCriteria?.contains(name) ?? true)
        }
        var verdict = RetrainingOutcome.combine(criteria.map(\.verdict))
        var reason: String?
        switch assignment.state {
        case .assigned, .started:
            verdict = .tooEarly
            reason = "not completed yet (still \(assignment.state.rawValue)): the follow-up window opens when it is completed"
        case .completed where !window.ended && agentAfter.evaluated < settings.followUpMinimum:
            verdict = .tooEarly
            reason = "the follow-up window is open until \(window.followUp?.until ?? "?") and holds \(agentAfter.evaluated) evaluated conversation\(agentAfter.evaluated == 1 ? "" : "s") of the agent so far; \(settings.followUpMinimum) allow a judgement before it ends"
        default:
            if verdict == .notEnoughData { reason = Self.missing(criteria) }
        }
        // The scores' team is the rest of the floor: a QA score is not about one criterion.
        let teamBefore = restBefore, teamAfter = restAfter
        return RetrainingOutcome(
            assignment: assignment, verdict: verdict, reason: reason, baseline: window.baseline, followUp: window.followUp,
            followUpEnded: window.ended,
            rubric: .init(name: rubricName, version: rubricVersion, hash: rubricHash,
                          notEvaluatedBaseline: agentBefore.conversations - agentBefore.evaluated,
                          notEvaluatedFollowUp: agentAfter.conversations - agentAfter.evaluated,
                          teamNotEvaluatedBaseline: restBefore.conversations - restBefore.evaluated,
                          teamNotEvaluatedFollowUp: restAfter.conversations - restAfter.evaluated),
            criteria: criteria,
            scores: .init(baseline: .init(sum: agentBefore.scoreSum, count: agentBefore.scores),
                          followUp: .init(sum: agentAfter.scoreSum, count: agentAfter.scores),
                          teamBaseline: .init(sum: teamBefore.scoreSum, count: teamBefore.scores),
                          teamFollowUp: .init(sum: teamAfter.scoreSum, count: teamAfter.scores)))
    }

    /// What is missing, per criterion and source: "courtesy: findings 12 more after; reviews 41 more before, 57 more after
    /// (each window needs 98 to show a halving of 18 %)".
    static func missing(_ criteria: [RetrainingOutcome.CriterionOutcome]) -> String? {
        func need(_ r: RateComparison) -> String? {
            guard r.verdict == .notEnoughData else { return nil }
            let more = [(r.moreNeededBaseline ?? 0, "before"), (r.moreNeededFollowUp ?? 0, "after")].filter { $0.0 > 0 }
            guard !more.isEmpty else { return nil }
            return "\(r.source.rawValue) \(more.map { "\($0.0) more \($0.1)" }.joined(separator: ", "))"
        }
        let parts = criteria.filter { $0.verdict == .notEnoughData }.map { c -> String in
            let needs = [c.inRubric ? need(c.findings) : nil, need(c.reviews)].compactMap { $0 }
            return "\(c.criterion): " + (needs.isEmpty ? "no conversation to compare" : needs.joined(separator: "; "))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
            + " — what each window needs to show a halving of the baseline rate (\(RateComparison.noProblemMinimum) while no problem is seen)"
    }

    /// A window's bound as stored timestamps are written (they compare as text).
    static func hour(_ date: Date) -> String { UTCTimestamp.format(date) }
}

/// What happened in one hour (or a window's sum of hours) for one agent or for everyone, as one flat vector so that
/// hours can be summed and prefix-summed without an allocation per field: conversations, evaluated, reviews with a
/// score, their sum, then per rule set and criterion the conversations with a finding that stands, then per criterion
/// the reviewed answers that applied and those that failed.
struct Counts {
    var values: [Double]
    let criteria: Int
    let ruleSets: Int

    init(criteria: Int, ruleSets: Int) {
        self.criteria = criteria
        self.ruleSets = ruleSets
        values = Array(repeating: 0, count: Self.width(criteria: criteria, ruleSets: ruleSets))
    }

    static func width(criteria: Int, ruleSets: Int) -> Int { 4 + criteria * ruleSets + 2 * criteria }

    var conversations: Int { get { Int(values[0]) } set { values[0] = Double(newValue) } }
    /// Conversations the rubric evaluated.
    var evaluated: Int { get { Int(values[1]) } set { values[1] = Double(newValue) } }
    var scores: Int { get { Int(values[2]) } set { values[2] = Double(newValue) } }
    var scoreSum: Double { get { values[3] } set { values[3] = newValue } }
    /// Evaluated conversations with a finding that stands, at `Activity.problemIndex`.
    func problems(_ p: Int) -> Int { Int(values[4 + p]) }
    mutating func setProblems(_ p: Int, _ n: Int) { values[4 + p] = Double(n) }
    func answered(_ k: Int) -> Int { Int(values[4 + criteria * ruleSets + k]) }
    func failed(_ k: Int) -> Int { Int(values[4 + criteria * ruleSets + criteria + k]) }
    mutating func setReviewed(_ k: Int, answered: Int, failed: Int) {
        values[4 + criteria * ruleSets + k] = Double(answered)
        values[4 + criteria * ruleSets + criteria + k] = Double(failed)
    }

    static func - (a: Counts, b: Counts) -> Counts {
        var c = a
        c.add(b, -1)
        return c
    }

    /// Adds (or with -1 takes away) another's counts, in place.
    mutating func add(_ b: Counts, _ sign: Double = 1) {
        for i in values.indices { values[i] += sign * b.values[i] }
    }
}

/// One agent's hours (or everyone's), in order, with running totals: the sum over any window is the difference of
/// two rows, found by bisection.
struct HourlySeries {
    let hours: [String]
    /// (hours.count + 1) rows of `width` values; row i holds the sum of the first i hours.
    let cumulative: [Double]
    let width: Int

    /// From hours in any order, each the start of its row of `width` values in `values`.
    init(hours byHour: [String: Int], values: [Double], width: Int) {
        let ordered = byHour.sorted { $0.key < $1.key }
        hours = ordered.map(\.key)
        var running = Array(repeating: 0.0, count: width)
        var rows = running
        rows.reserveCapacity((ordered.count + 1) * width)
        for (_, start) in ordered {
            for i in 0..<width { running[i] += values[start + i] }
            rows += running
        }
        cumulative = rows
        self.width = width
    }

    /// Where the first hour at or after `hour` is.
    func position(_ hour: String) -> Int {
        var low = 0, high = hours.count
        while low < high {
            let mid = (low + high) / 2
            if hours[mid] < hour { low = mid + 1 } else { high = mid }
        }
        return low
    }

    func sum(_ window: RetrainingOutcome.Window, into counts: inout Counts, _ sign: Double = 1) {
        // Hours are keyed "2026-11-21T18", the first 13 characters of a timestamp; windows begin and end on the hour.
        let from = position(String(window.from.prefix(13))) * width, until = position(String(window.until.prefix(13))) * width
        for i in 0..<width { counts.values[i] += sign * (cumulative[until + i] - cumulative[from + i]) }
    }
}

/// Hours of counts as they are read, in one flat buffer: where each hour's row of values starts.
struct Rows {
    var hours: [String: Int] = [:]
    var values: [Double] = []

    /// Hands the buffer and the start of `hour`'s row (made, zeroed, when new) to `body`.
    mutating func with(_ hour: String, width: Int, _ body: (inout [Double], Int) -> Void) {
        let start: Int
        if let known = hours[hour] {
            start = known
        } else {
            start = values.count
            hours[hour] = start
            values.append(contentsOf: repeatElement(0, count: width))
        }
        body(&values, start)
    }
}

/// Hourly counts for each measured agent and for everyone, over the span of all the windows.
struct Activity {
    let criteria: [String]
    /// The rule sets findings are counted from: the first, empty, is every rule of the criterion.
    let ruleSets: [[String]]
    /// Measured agent (by `AgentKey`) → their hours.
    var agents: [String: HourlySeries] = [:]
    /// Everyone's hours (the measured agents included).
    var everyone: HourlySeries?

    var emptyCounts: Counts { Counts(criteria: criteria.count, ruleSets: ruleSets.count) }

    /// An agent's counts in a window, or everyone's (nil).
    func sum(agent: String?, _ window: RetrainingOutcome.Window) -> Counts {
        var total = emptyCounts
        (agent.map { agents[AgentKey.of($0)] } ?? everyone)?.sum(window, into: &total)
        return total
    }

    /// Takes an agent's counts (by `AgentKey`) in a window away from `counts`.
    func subtract(key: String, _ window: RetrainingOutcome.Window, from counts: inout Counts) {
        agents[key]?.sum(window, into: &counts, -1)
    }

    func problemIndex(criterion k: Int, rules: [String]) -> Int {
        (ruleSets.firstIndex(of: rules) ?? 0) * criteria.count + k
    }

    static func load(_ db: Database, agents: [String], criteria: [String], ruleSets: [[String]], from: String, until: String,
                     rubricHash: String) throws -> Activity {
        var activity = Activity(criteria: criteria, ruleSets: ruleSets)
        let width = activity.emptyCounts.values.count
        let problemsAt = 4, answeredAt = 4 + criteria.count * ruleSets.count, failedAt = answeredAt + criteria.count
        // who ("" for everyone not measured) → where each hour's row starts in one flat buffer of values (an array per
        // hour would be an allocation per agent and hour). Rows are read by column position: by name costs a search of
        // the column names per value.
        var table: [String: Rows] = [:]
        func with(_ who: String, _ hour: String, _ body: (inout [Double], Int) -> Void) {
            table[who, default: Rows()].with(hour, width: width, body)
        }
        let index = Dictionary(uniqueKeysWithValues: criteria.enumerated().map { ($1, $0) })
        let who: SQL = "CASE WHEN c.agent_id IN \(agents) THEN hex(c.agent_id) ELSE '' END"
        // The unary plus keeps SQLite from reading the window through conversations_by_started_at and then every row
        // for its agent: a scan of the covering conversations_by_agent is 6x faster over a quarter's conversations.
        let window: SQL = "+c.started_at >= \(from) AND +c.started_at < \(until)"
        // When the rubric has evaluated every conversation (a floor that flags after each shift), there is nothing to
        // look up per conversation.
        let everyConversation = try Bool.fetchOne(db, sql: """
            SELECT (SELECT COUNT(*) FROM evaluations WHERE rubric_hash = ?) = (SELECT COUNT(*) FROM conversations)
            """, arguments: [rubricHash]) ?? false
        let evaluatedWithRubric: SQL = everyConversation
            ? "1" : "EXISTS (SELECT 1 FROM evaluations e WHERE e.conversation_id = c.id AND e.rubric_hash = \(rubricHash))"

        try SQLRequest<Row>("""
            SELECT \(who) AS who, substr(c.started_at, 1, 13) AS hour, COUNT(*) AS conversations, SUM(\(evaluatedWithRubric)) AS evaluated
            FROM conversations c WHERE \(window) GROUP BY 1, 2
            """).fetchCursor(db).forEach { row in
            with(row[0], row[1]) { $0[$1] = row[2]; $0[$1 + 1] = row[3] }
        }
        // A finding stands when a reviewer confirmed it (whichever rubric made it), or when this rubric made it and
        // nobody has judged it; a dismissed one never counts. Once for every criterion's rules, once per module's rules.
        for (r, rules) in ruleSets.enumerated() {
            let ofRules: SQL = rules.isEmpty ? "1" : "f.rule_id IN \(rules)"
            // Driven by the criterion's findings (findings_by_criterion), one row per conversation, then its conversation.
            try SQLRequest<Row>("""
                SELECT \(who) AS who, substr(c.started_at, 1, 13) AS hour, x.criterion AS criterion, COUNT(*) AS problems
                FROM (SELECT DISTINCT f.conversation_id AS id, f.criterion AS criterion FROM findings f
                      WHERE f.criterion IN \(criteria) AND \(ofRules) AND f.status != \(FindingStatus.error)
                        AND (f.verdict = \(FindingVerdict.Verdict.confirmed) OR (f.verdict IS NULL AND f.rubric_hash = \(rubricHash)))) x
                JOIN conversations c ON c.id = x.id
                WHERE \(window) AND \(evaluatedWithRubric)
                GROUP BY 1, 2, 3
                """).fetchCursor(db).forEach { row in
                guard let k = index[row[2]] else { return }
                with(row[0], row[1]) { $0[$1 + problemsAt + r * criteria.count + k] = row[3] }
            }
        }
        try SQLRequest<Row>("""
            SELECT \(who) AS who, substr(c.started_at, 1, 13) AS hour, a.criterion AS criterion, COUNT(*) AS answered, SUM(a.item_score = 0) AS failed
            FROM current_reviews r JOIN conversations c ON c.id = r.conversation_id JOIN review_answers a ON a.review_id = r.id
            WHERE \(window) AND a.item_score IS NOT NULL AND a.criterion IN \(criteria)
            GROUP BY 1, 2, 3
            """).fetchCursor(db).forEach { row in
            guard let k = index[row[2]] else { return }
            with(row[0], row[1]) { $0[$1 + answeredAt + k] = row[3]; $0[$1 + failedAt + k] = row[4] }
        }
        try SQLRequest<Row>("""
            SELECT \(who) AS who, substr(c.started_at, 1, 13) AS hour, COUNT(r.score) AS scores, TOTAL(r.score) AS score_sum
            FROM current_reviews r JOIN conversations c ON c.id = r.conversation_id
            WHERE \(window) AND r.score IS NOT NULL
            GROUP BY 1, 2
            """).fetchCursor(db).forEach { row in
            with(row[0], row[1]) { $0[$1 + 2] = row[2]; $0[$1 + 3] = row[3] }
        }
        var everyone = Rows()
        // Each agent's hours are let go as soon as their series is built.
        while let (who, rows) = table.popFirst() {
            for (hour, start) in rows.hours {
                everyone.with(hour, width: width) { values, into in
                    for i in 0..<width { values[into + i] += rows.values[start + i] }
                }
            }
            if !who.isEmpty { activity.agents[who] = HourlySeries(hours: rows.hours, values: rows.values, width: width) }
        }
        activity.everyone = HourlySeries(hours: everyone.hours, values: everyone.values, width: width)
        return activity
    }
}

