import Foundation
import GRDB

/// Who needs retraining, from the evidence: agents whose problem rate on a criterion is above the team's, with
/// confidence. Two sources are kept apart because they answer differently:
/// - **findings**: of the agent's conversations the rubric evaluated, the share with a finding on the criterion that
///   no reviewer dismissed (every conversation counts: large n, machine judgement);
/// - **reviews**: of the agent's reviewed conversations (their current revision), the share that failed the criterion
///   (small n, human judgement).
///
/// An agent is suggested only when the lower bound of the 95 % Wilson interval of their rate is above the team's rate
/// (the rate over every agent, them included), so one bad day of three conversations is not a pattern.
public struct RetrainingSuggestion: Sendable, Codable, Equatable {
    public enum Source: String, Sendable, Codable { case findings, reviews }

    public var agent: String
    public var criterion: String
    public var source: Source
    public var problems: Int
    public var total: Int
    public var rate: Double
    public var lower: Double
    public var upper: Double
    public var teamRate: Double
    /// Conversation ids (findings) or review numbers (reviews) that are the evidence, the first few.
    public var evidence: [String]
    /// An open assignment (assigned or started) on this criterion: shown, not suggested again.
    public var openAssignment: Int64?
    /// A retraining on this criterion completed in the last 90 days: its outcome, not a new assignment, is what to
    /// look at; shown, not suggested.
    public var recentlyCompleted: Int64?
    public var completedOn: String?

    /// Suggested: neither assigned nor recently retrained on the criterion.
    public var isSuggested: Bool { openAssignment == nil && recentlyCompleted == nil }

    enum CodingKeys: String, CodingKey {
        case agent, criterion, source, problems, total, rate, lower, upper, evidence
        case teamRate = "team_rate", openAssignment = "open_assignment", recentlyCompleted = "recently_completed", completedOn = "completed_on"
    }
}

public struct RetrainingSuggestions: Sendable {
    public var since: Date?
    public var until: Date?
    public var criteria: [String]
    /// Fewer conversations (or reviews) than this say nothing about an agent.
    public var minimum: Int
    /// How many evidence ids to cite per line.
    public var evidenceLimit = 5
    /// What "recently completed" is measured from.
    public var now = Date()

    public init(since: Date? = nil, until: Date? = nil, criteria: [String], minimum: Int = 10) {
        self.since = since
        self.until = until
        self.criteria = criteria
        self.minimum = minimum
    }

    /// Suggestions, most striking first (the largest lower bound above the team's rate).
    public func fetch(from database: PitbossDatabase) throws(PitbossError) -> [RetrainingSuggestion] {
        var window: [SQL] = []
        if let since { window.append("c.started_at >= \(UTCTimestamp.format(since))") }
        if let until { window.append("c.started_at < \(UTCTimestamp.format(until))") }
        let inWindow = window.isEmpty ? SQL("1") : window.joined(separator: " AND ")
        do {
            return try database.writer.read { db in
                // Findings: evaluated conversations per agent, and those with an undismissed finding per criterion.
                let perAgent = try FindingsPerAgent.count(db, criteria: criteria, since: since.map(UTCTimestamp.format),
                                                          until: until.map(UTCTimestamp.format))
                // Reviews: the current revision's answer on each criterion, where it applied.
                let reviewed = try SQLRequest<Row>("""
                    SELECT c.agent_id AS agent, a.criterion AS criterion, COUNT(*) AS total, SUM(a.item_score = 0) AS problems
                    FROM current_reviews r JOIN conversations c ON c.id = r.conversation_id JOIN review_answers a ON a.review_id = r.id
                    WHERE \(inWindow) AND a.item_score IS NOT NULL
                    GROUP BY c.agent_id, a.criterion
                    """).fetchAll(db)
                // Open assignments, and those completed in the last 90 days (newest first), by agent.
                let session = SQLiteSessions.Session(db: db, reviews: nil)
                let open = AssignmentsByAgent(try RetrainingStore.current(session, "state IN ('assigned', 'started')", []))
                let recent = AssignmentsByAgent(try RetrainingStore.current(session, "state = 'completed' AND state_at >= ?",
                                                                            [UTCTimestamp.format(now.addingTimeInterval(-RetrainingStore.repeatWindow))])
                    .sorted { $0.stateAt > $1.stateAt })

                var suggestions: [RetrainingSuggestion] = []
                for (k, criterion) in criteria.enumerated() {
                    var counts: [(agent: String, problems: Int, total: Int)] = perAgent.agents.indices.filter { perAgent.evaluated[$0] > 0 }.map {
                        (perAgent.agents[$0], perAgent.problems[$0][k], perAgent.evaluated[$0])
                    }
                    suggestions += try judge(db, criterion, .findings, &counts, open, recent, inWindow)
                    var byReview = reviewed.filter { $0["criterion"] == criterion }.map { row in
                        (agent: row["agent"] as String, problems: row["problems"] as Int? ?? 0, total: row["total"] as Int)
                    }
                    suggestions += try judge(db, criterion, .reviews, &byReview, open, recent, inWindow)
                }
                return suggestions.sorted { ($0.lower - $0.teamRate, $1.agent) > ($1.lower - $1.teamRate, $0.agent) }
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "find who needs retraining", busyTimeout: database.busyTimeout)
        }
    }

    private func judge(_ db: Database, _ criterion: String, _ source: RetrainingSuggestion.Source,
                       _ counts: inout [(agent: String, problems: Int, total: Int)], _ open: AssignmentsByAgent, _ recent: AssignmentsByAgent,
                       _ inWindow: SQL) throws -> [RetrainingSuggestion] {
        let teamTotal = counts.map(\.total).reduce(0, +)
        guard teamTotal > 0 else { return [] }
        let teamRate = Double(counts.map(\.problems).reduce(0, +)) / Double(teamTotal)
        var result: [RetrainingSuggestion] = []
        for (agent, problems, total) in counts.sorted(by: { $0.agent < $1.agent }) where total >= minimum {
            let interval = ProportionInterval.wilson(successes: problems, trials: total)
            guard interval.lower > teamRate + 1e-12 else { continue }  // above it, not equal to it within rounding
            let assignment = open.first(agent, criterion)?.id
            let completed = recent.first(agent, criterion)
            result.append(RetrainingSuggestion(
                agent: agent, criterion: criterion, source: source, problems: problems, total: total, rate: interval.estimate ?? 0,
                lower: interval.lower, upper: interval.upper, teamRate: teamRate, evidence: try evidence(db, agent, criterion, source, inWindow),
                openAssignment: assignment, recentlyCompleted: completed?.id, completedOn: completed.map { String($0.stateAt.prefix(10)) }))
        }
        return result
    }

    /// One agent's evidence, the latest first.
    private func evidence(_ db: Database, _ agent: String, _ criterion: String, _ source: RetrainingSuggestion.Source, _ inWindow: SQL) throws -> [String] {
        switch source {
        case .findings:
            return try SQLRequest<String>("""
                SELECT DISTINCT c.external_id FROM findings f JOIN conversations c ON c.id = f.conversation_id
                WHERE c.agent_id = \(agent) AND f.criterion = \(criterion) AND \(inWindow) AND f.status != \(FindingStatus.error)
                  AND (f.verdict IS NULL OR f.verdict != \(FindingVerdict.Verdict.dismissed))
                ORDER BY c.started_at DESC LIMIT \(evidenceLimit)
                """).fetchAll(db)
        case .reviews:
            return try SQLRequest<Int64>("""
                SELECT r.id FROM current_reviews r JOIN conversations c ON c.id = r.conversation_id JOIN review_answers a ON a.review_id = r.id
                WHERE c.agent_id = \(agent) AND a.criterion = \(criterion) AND a.item_score = 0 AND \(inWindow)
                ORDER BY r.id DESC LIMIT \(evidenceLimit)
                """).fetchAll(db).map { "review #\($0)" }
        }
    }
}

/// Assignments by agent (byte for byte, as the database tells agents apart), in the order given.
struct AssignmentsByAgent {
    private let byAgent: [String: [RetrainingAssignment]]

    init(_ list: [RetrainingAssignment]) {
        byAgent = Dictionary(grouping: list) { AgentKey.of($0.agent) }
    }

    /// The first of the agent's assignments that addresses the criterion.
    func first(_ agent: String, _ criterion: String) -> RetrainingAssignment? {
        byAgent[AgentKey.of(agent)]?.first { $0.criteria.contains(criterion) }
    }
}

