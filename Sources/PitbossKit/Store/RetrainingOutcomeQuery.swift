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
    /// Rule → its criterion in the rubric: a module's rules narrow the findings of their own criterion only.
    public var ruleCriteria: [String: String] = [:]

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
        ruleCriteria = Dictionary(rubric.rules.map { ($0.id, $0.criterion) }) { first, _ in first }
    }

    /// The windows of an assignment, as whole UTC hours; the follow-up is nil until it is completed.
    public func windows(of assignment: RetrainingAssignment, now: Date) -> (baseline: RetrainingOutcome.Window, followUp: RetrainingOutcome.Window?, counted: RetrainingOutcome.Window?, ended: Bool) {
        let before = settings.baseline(assignedAt: UTCTimestamp.parse(assignment.assignedAt) ?? now)
        let baseline = RetrainingOutcome.Window(from: Self.bound(before.from), until: Self.bound(before.until))
        guard assignment.state == .completed, let completed = UTCTimestamp.parse(assignment.stateAt) else { return (baseline, nil, nil, false) }
        let after = settings.followUp(completedAt: completed)
        let ended = now >= after.until
        // An open window is counted up to the present hour, included.
        let countedEnd = ended ? after.until : max(after.from, OutcomeSettings.hourFloor(now).addingTimeInterval(3_600))
        return (baseline, RetrainingOutcome.Window(from: Self.bound(after.from), until: Self.bound(after.until)),
                RetrainingOutcome.Window(from: Self.bound(after.from), until: Self.bound(countedEnd)), ended)
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
        let narrowed = measured.flatMap { a in criteriaOf(a).map { rulesOf(a, on: $0) } }.filter { !$0.isEmpty }
        let ruleSets = [[]] + Array(Set(narrowed)).sorted { $0.lexicographicallyPrecedes($1) }
        let spans = measured.map { windows(of: $0, now: now) }
        let from = spans.map(\.baseline.from).min()!  // safe: measured is not empty
        let until = spans.map { $0.counted?.until ?? $0.baseline.until }.max()!
        do {
            return try database.writer.read { db in
                let others = influences(try RetrainingStore.current(SQLiteSessions.Session(db: db, reviews: nil), "state <> 'cancelled'", []), now: now)
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
                             from: Self.bound(OutcomeSettings.hourFloor(UTCTimestamp.parse(other.assignedAt) ?? now)), until: Self.bound(until))
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

    /// The module's rules on this criterion (a rule the rubric does not place is taken as on it); empty: every rule.
    func rulesOf(_ assignment: RetrainingAssignment, on criterion: String) -> [String] {
        (moduleRules[assignment.module] ?? []).filter { (ruleCriteria[$0] ?? criterion) == criterion }.sorted()
    }

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
            let rules = rulesOf(assignment, on: name)
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
            reason = "the follow-up window is open until \(window.followUp.map { $0.until.prefix(16) + "Z" } ?? "?") and holds \(agentAfter.evaluated) evaluated conversation\(agentAfter.evaluated == 1 ? "" : "s") of the agent so far; \(settings.followUpMinimum) allow a judgement before it ends"
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
    static func bound(_ date: Date) -> String { UTCTimestamp.format(date) }
}
