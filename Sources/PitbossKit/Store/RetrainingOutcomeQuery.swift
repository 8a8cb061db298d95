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

    /// Reads the window's conversations, their evaluations, findings and reviews in sequential scans, each
    /// conversation placed by arrays indexed by its id (who it belongs to, which hour), and counts them per agent and
    /// hour. SQL GROUP BYs over every finding joined to its conversation sorted a million rows; the scans do not.
    static func load(_ db: Database, agents: [String], criteria: [String], ruleSets: [[String]], from: String, until: String,
                     rubricHash: String) throws -> Activity {
        var activity = Activity(criteria: criteria, ruleSets: ruleSets)
        let width = activity.emptyCounts.values.count
        let problemsAt = 4, answeredAt = 4 + criteria.count * ruleSets.count, failedAt = answeredAt + criteria.count
        guard let maxID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM conversations"), maxID > 0, maxID < Int64(Int32.max) else {
            activity.everyone = HourlySeries(hours: [:], values: [], width: width)
            return activity
        }
        let measured = Set(agents.map(AgentKey.of))
        var whoKeys = [""]  // who 0 is everyone not measured; then each measured agent, by AgentKey
        var whoOf = [Int32](repeating: -1, count: Int(maxID) + 1)  // -1: outside the window
        var hourOf = [Int32](repeating: 0, count: Int(maxID) + 1)
        var hours: [String] = [], hourIndex: [String: Int32] = [:]
        var table = Buckets(width: width)

        // The covering index conversations_by_agent, in agent order: a new agent is a change of text from the row
        // before. (The unary plus keeps SQLite from reading the window through conversations_by_started_at.)
        var conversations = FastStatement(try db.makeStatement(sql: """
            SELECT c.id, c.agent_id, substr(c.started_at, 1, 13) FROM conversations c
            WHERE +c.started_at >= ? AND +c.started_at < ? ORDER BY c.agent_id
            """))
        conversations.bind(from)
        conversations.bind(until)
        var previous: [UInt8]? = nil
        var who: Int32 = 0
        try conversations.forEachRow { row in
            if previous == nil || !row.text(1, equals: previous!) {  // safe: checked first
                let agent = row.string(1)
                previous = Array(agent.utf8)
                let key = AgentKey.of(agent)
                if measured.contains(key) {
                    whoKeys.append(key)
                    who = Int32(whoKeys.count - 1)
                } else {
                    who = 0
                }
            }
            let hour = row.string(2)
            let h: Int32
            if let known = hourIndex[hour] { h = known } else {
                h = Int32(hours.count)
                hours.append(hour)
                hourIndex[hour] = h
            }
            let id = row.int(0)
            whoOf[id] = who
            hourOf[id] = h
            table.add(who, h, 0, 1)
        }
        func place(_ id: Int) -> (Int32, Int32)? {
            guard id >= 0, id < whoOf.count, whoOf[id] >= 0 else { return nil }
            return (whoOf[id], hourOf[id])
        }

        var evaluated = [Bool](repeating: false, count: Int(maxID) + 1)
        var evaluations = FastStatement(try db.makeStatement(sql: "SELECT conversation_id FROM evaluations WHERE rubric_hash = ?"))
        evaluations.bind(rubricHash)
        try evaluations.forEachRow { row in
            let id = row.int(0)
            guard let (w, h) = place(id) else { return }
            evaluated[id] = true
            table.add(w, h, 1, 1)
        }

        // A finding stands when a reviewer confirmed it (whichever rubric made it), or when this rubric made it and
        // nobody has judged it; a dismissed one never counts. A conversation counts once per criterion: bits per
        // conversation, one per rule set and criterion; SQLite turns the criterion into its position.
        let slots = ruleSets.count * criteria.count, words = (slots + 63) / 64
        var flagged = [UInt64](repeating: 0, count: (Int(maxID) + 1) * words)
        let position = criteria.indices.map { _ in "WHEN ? THEN ?" }.joined(separator: " ")
        for (r, rules) in ruleSets.enumerated() {
            var findings = FastStatement(try db.makeStatement(sql: """
                SELECT f.conversation_id, CASE f.criterion \(position) ELSE -1 END FROM findings f
                WHERE f.status != ? AND (f.verdict = ? OR (f.verdict IS NULL AND f.rubric_hash = ?))
                  \(rules.isEmpty ? "" : "AND f.rule_id IN (\(rules.map { _ in "?" }.joined(separator: ", ")))")
                """))
            for (k, criterion) in criteria.enumerated() {
                findings.bind(criterion)
                findings.bind(k)
            }
            findings.bind(FindingStatus.error.rawValue)
            findings.bind(FindingVerdict.Verdict.confirmed.rawValue)
            findings.bind(rubricHash)
            for rule in rules { findings.bind(rule) }
            try findings.forEachRow { row in
                let id = row.int(0), k = row.int(1)
                guard k >= 0, place(id) != nil, evaluated[id] else { return }
                let slot = r * criteria.count + k
                flagged[id * words + slot / 64] |= 1 << UInt64(slot % 64)
            }
        }
        for id in 0..<whoOf.count where whoOf[id] >= 0 && evaluated[id] {
            for slot in 0..<slots where flagged[id * words + slot / 64] & (1 << UInt64(slot % 64)) != 0 {
                table.add(whoOf[id], hourOf[id], problemsAt + slot, 1)
            }
        }

        // Reviews (their current revision) are few: one row per answer, and one per score.
        var answers = FastStatement(try db.makeStatement(sql: """
            SELECT r.conversation_id, CASE a.criterion \(position) ELSE -1 END, a.item_score = 0
            FROM current_reviews r JOIN review_answers a ON a.review_id = r.id WHERE a.item_score IS NOT NULL
            """))
        for (k, criterion) in criteria.enumerated() {
            answers.bind(criterion)
            answers.bind(k)
        }
        try answers.forEachRow { row in
            let k = row.int(1)
            guard k >= 0, let (w, h) = place(row.int(0)) else { return }
            table.add(w, h, answeredAt + k, 1)
            if row.int(2) != 0 { table.add(w, h, failedAt + k, 1) }
        }
        var scores = FastStatement(try db.makeStatement(sql: "SELECT conversation_id, score FROM current_reviews WHERE score IS NOT NULL"))
        try scores.forEachRow { row in
            guard let (w, h) = place(row.int(0)), let score = row.double(1) else { return }
            table.add(w, h, 2, 1)
            table.add(w, h, 3, score)
        }

        let (byWho, everyone) = table.series(hours: hours, whoCount: whoKeys.count)
        for (w, key) in whoKeys.enumerated() where w > 0 { activity.agents[key] = byWho[w] }
        activity.everyone = everyone
        return activity
    }
}

/// Counts per (who, hour) in one flat buffer of rows, as the scans add to them.
struct Buckets {
    let width: Int
    private var rowOf: [Int64: Int] = [:]
    private var values: [Double] = []

    init(width: Int) { self.width = width }

    mutating func add(_ who: Int32, _ hour: Int32, _ offset: Int, _ amount: Double) {
        let key = Int64(who) << 32 | Int64(hour)
        let start: Int
        if let known = rowOf[key] {
            start = known
        } else {
            start = values.count
            rowOf[key] = start
            values.append(contentsOf: repeatElement(0, count: width))
        }
        values[start + offset] += amount
    }

    /// Each who's hours as a series, and everyone's together.
    func series(hours: [String], whoCount: Int) -> (byWho: [HourlySeries], everyone: HourlySeries) {
        var perWho = [[String: Int]](repeating: [:], count: whoCount)
        var everyone = Rows()
        for (key, start) in rowOf {
            let who = Int(key >> 32), hour = hours[Int(key & 0xFFFF_FFFF)]
            perWho[who][hour] = start
            everyone.with(hour, width: width) { into, at in
                for i in 0..<width { into[at + i] += values[start + i] }
            }
        }
        return (perWho.map { HourlySeries(hours: $0, values: values, width: width) },
                HourlySeries(hours: everyone.hours, values: everyone.values, width: width))
    }
}

