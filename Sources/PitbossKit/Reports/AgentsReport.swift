import Foundation
import GRDB

/// `pitboss report agents`: per agent, over the conversations the filters take — how many, the share flagged,
/// findings per 100 conversations by criterion, the QA score (mean, median, reviews, auto-fails) and its trend by
/// week, open and overdue retraining — each beside the team's (everyone the filters take).
public struct AgentsReport: PitbossReport, Equatable {
    public struct Week: Sendable, Codable, Equatable {
        public var week: String
        /// The mean score of the reviewed conversations that started that week; nil when none was reviewed.
        public var mean: Double?
        public var reviews: Int
    }

    public struct Row: Sendable, Codable, Equatable {
        public var agent: String
        public var conversations: Int
        /// Conversations a rubric evaluated: the base of the flagged share and the findings per 100.
        public var evaluated: Int
        public var flagged: Int
        public var flaggedShare: Double?
        /// Findings that stand (confirmed or not judged) per 100 conversations, by criterion.
        public var findingsPer100: [String: Double]
        /// Every criterion's together; nil when nothing was evaluated.
        public var findingsPer100Total: Double?
        public var reviews: Int
        public var scoreMean: Double?
        public var scoreMedian: Double?
        public var autoFails: Int
        public var trend: [Week]
        public var openRetraining: Int
        public var overdueRetraining: Int
        /// The agent's mean score minus the team's; their flagged share minus the team's.
        public var scoreVsTeam: Double?
        public var flaggedShareVsTeam: Double?

        enum CodingKeys: String, CodingKey {
            case agent, conversations, evaluated, flagged, reviews, trend
            case flaggedShare = "flagged_share", findingsPer100 = "findings_per_100", findingsPer100Total = "findings_per_100_total", scoreMean = "score_mean", scoreMedian = "score_median"
            case autoFails = "auto_fails", openRetraining = "open_retraining", overdueRetraining = "overdue_retraining"
            case scoreVsTeam = "score_vs_team", flaggedShareVsTeam = "flagged_share_vs_team"
        }
    }

    /// How the agents are ordered, worst first where there is a worst.
    public enum Sort: String, Sendable, CaseIterable, Codable {
        /// Lowest mean score first; agents without a review last.
        case score
        /// Highest share flagged first.
        case flagged
        /// Most findings per 100 conversations (all criteria) first.
        case findings
        case conversations
        /// Most overdue, then open, retraining first.
        case retraining
        case agent
    }

    public var criteria: [String]
    public var weeks: [String]
    public var team: Row
    public var agents: [Row]

    enum CodingKeys: String, CodingKey { case criteria, weeks, team, agents }

    init(criteria: [String], weeks: [String], team: Row, agents: [Row]) {
        self.criteria = criteria
        self.weeks = weeks
        self.team = team
        self.agents = agents
    }

    /// Per agent over `selection`; `criteria` in the rubric's order; `weeks` of trend; `today` (the workspace's date)
    /// for what is overdue.
    /// `rubrics`: the names of the rubrics whose findings count (the workspace's; nil: every rubric's).
    public static func fetch(from database: PitbossDatabase, selection: FlagSelection = FlagSelection(), criteria: [String] = [],
                             rubrics: [String]? = nil, weeks: Int = 6, sort: Sort = .score, zone: TimeZone,
                             today: String) throws(PitbossError) -> AgentsReport {
        do {
            var activity = try database.writer.read { db in
                try AgentActivity.load(db, selection: selection, criteria: criteria, weekCount: weeks, zone: zone, today: today, rubrics: rubrics)
            }
            activity.dropLeadingEmptyWeeks()
            return AgentsReport(activity, sort: sort)
        } catch {
            throw PitbossDatabase.translate(error, doing: "read the agents report", busyTimeout: database.busyTimeout)
        }
    }

    init(_ activity: AgentActivity, sort: Sort) {
        criteria = activity.criteria
        weeks = activity.weeks
        func row(_ agent: String, _ t: AgentActivity.Tally, team: AgentActivity.Tally?) -> Row {
            var perHundred: [String: Double] = [:]
            for (k, criterion) in activity.criteria.enumerated() { perHundred[criterion] = t.perHundred(k) }
            let mean = t.meanScore, share = t.flaggedShare
            return Row(agent: agent, conversations: t.conversations, evaluated: t.evaluated, flagged: t.flagged, flaggedShare: share,
                       findingsPer100: perHundred, findingsPer100Total: t.perHundredTotal,
                       reviews: t.reviews, scoreMean: mean, scoreMedian: t.medianScore, autoFails: t.autoFails,
                       trend: activity.weeks.indices.map { Week(week: activity.weeks[$0], mean: t.weekMean($0), reviews: t.weekCount[$0]) },
                       openRetraining: t.openRetraining, overdueRetraining: t.overdueRetraining,
                       scoreVsTeam: team.flatMap { team in mean.flatMap { m in team.meanScore.map { m - $0 } } },
                       flaggedShareVsTeam: team.flatMap { team in share.flatMap { s in team.flaggedShare.map { s - $0 } } })
        }
        team = row("team", activity.team, team: nil)
        agents = zip(activity.agents, activity.tallies).map { row($0, $1, team: activity.team) }
        agents.sort(by: Self.order(sort))
    }

    static func order(_ sort: Sort) -> (Row, Row) -> Bool {
        func total(_ r: Row) -> Double { r.findingsPer100Total ?? -1 }
        return { a, b in
            switch sort {
            case .score where a.scoreMean != b.scoreMean:
                guard let x = a.scoreMean else { return false }
                guard let y = b.scoreMean else { return true }
                return x < y
            case .flagged where a.flaggedShare != b.flaggedShare: return (a.flaggedShare ?? -1) > (b.flaggedShare ?? -1)
            case .findings where total(a) != total(b): return total(a) > total(b)
            case .conversations where a.conversations != b.conversations: return a.conversations > b.conversations
            case .retraining where (a.overdueRetraining, a.openRetraining) != (b.overdueRetraining, b.openRetraining):
                return (a.overdueRetraining, a.openRetraining) > (b.overdueRetraining, b.openRetraining)
            default: return a.agent < b.agent
            }
        }
    }

    public func document(zone: TimeZone) -> ReportDocument {
        typealias Column = ReportDocument.Column
        typealias Cell = ReportDocument.Cell
        // The table people read stays narrow: a total and the agent's commonest criterion; the per-criterion rates are
        // in CSV and JSON, and on the page in a table of their own.
        let columns = [Column("agent"), Column("conversations", "conv.", numeric: true), Column("evaluated", numeric: true),
                       Column("flagged", numeric: true, onlyInCSV: true),
                       Column("flagged_share", "flagged", numeric: true), Column("flagged_share_vs_team", "flagged vs team", numeric: true)]
            + criteria.map { Column("findings_per_100.\($0)", "\($0) /100", numeric: true, onlyInCSV: true) }
            + [Column("findings_per_100_total", "findings /100", numeric: true),
               Column("most_findings", "most in", onlyForPeople: true),
               Column("reviews", numeric: true), Column("score_mean", "score", numeric: true), Column("score_median", "median", numeric: true),
               Column("score_vs_team", "score vs team", numeric: true), Column("auto_fails", "auto-fails", numeric: true),
               Column("trend", "by week"), Column("open_retraining", "open retraining", numeric: true),
               Column("overdue_retraining", "overdue", numeric: true)]
        // One scale for every sparkline, so that rows compare: the lowest to the highest weekly mean in the report.
        let means = ([team] + agents).flatMap { $0.trend.compactMap(\.mean) }
        let scale = means.min().flatMap { low in means.max().map { low...max($0, low + 1) } }
        func cells(_ r: Row) -> [Cell] {
            let trendValue = r.trend.map { "\($0.week)=\($0.mean.map(ReportNumber.plain) ?? "")" }.joined(separator: ";")
            let most = r.findingsPer100.filter { $0.value > 0 }.max { ($0.value, $1.key) < ($1.value, $0.key) }
            // Red only where there is enough to go on: ten conversations for the flagged share, three reviews for the score.
            return [.text(r.agent), .int(r.conversations), .int(r.evaluated, tone: r.evaluated < r.conversations ? .yellow : nil), .int(r.flagged),
                    .share(r.flaggedShare),
                    signedShare(r.flaggedShareVsTeam, worseWhenHigher: true, enough: r.evaluated >= Self.enoughConversations)]
                + criteria.map { .number(r.findingsPer100[$0]) }
                + [.number(r.findingsPer100Total), .text(most.map { "\($0.key) \(String(format: "%.0f", $0.value))" } ?? ""),
                   .int(r.reviews), .number(r.scoreMean), .number(r.scoreMedian),
                   signed(r.scoreVsTeam, worseWhenHigher: false, enough: r.reviews >= Self.enoughReviews),
                   .int(r.autoFails, tone: r.autoFails > 0 ? .red : nil), .trend(r.trend.map(\.mean), domain: scale, value: trendValue),
                   .int(r.openRetraining), .int(r.overdueRetraining, tone: r.overdueRetraining > 0 ? .red : nil)]
        }
        let byCriterion = ReportDocument.Section(
            key: "findings_per_100", title: "Findings per 100 conversations, by criterion",
            note: "Findings that stand (confirmed, or not yet judged) per 100 of the agent's conversations, the team's first; red: more than twice the team's rate and at least 10, over \(Self.enoughConversations) conversations or more.",
            columns: [Column("agent")] + criteria.map { Column("findings_per_100.\($0)", $0, numeric: true) },
            rows: ([team] + agents).enumerated().map { i, r in [.text(r.agent, tone: i == 0 ? .bold : nil)] + criteria.map { c in
                guard let value = r.findingsPer100[c] else { return .number(nil) }
                let teamValue = team.findingsPer100[c] ?? 0
                let high = i > 0 && r.evaluated >= Self.enoughConversations && value > 2 * teamValue && value >= 10
                return .number(value, tone: high ? .red : value == 0 ? .dim : nil)
            } }, inCSV: false, onTerminal: false)
        // The trend of the first agents in the chosen order who were scored in two weeks or more (a lone week is no trend).
        let trended = agents.filter { $0.trend.filter { $0.mean != nil }.count >= 2 }.prefix(5)
        let chartAgents = trended.isEmpty ? agents.filter { $0.scoreMean != nil }.prefix(5) : trended
        var charts: [ReportChart] = []
        if !chartAgents.isEmpty {
            let shown = ([team] + chartAgents).flatMap { $0.trend.compactMap(\.mean) }
            charts.append(.lines(LineChart(
                title: "QA score by week: the team and the first \(chartAgents.count) agents of the table scored in two weeks or more",
                xLabel: "ISO week the conversation started" + (weeks.first.map { ", from \($0)" } ?? ""), yLabel: "mean QA score (0–100)", categories: weeks,
                series: [.team(team.trend.map(\.mean))] + chartAgents.map { ChartSeries($0.agent, $0.trend.map(\.mean)) },
                domain: LineChart.scoreDomain(shown))))
        }
        let trendTable = ReportDocument.Section(
            key: "trend", title: "QA score by week", note: "The mean score of the reviewed conversations that started each week (the number of reviews in brackets).",
            columns: [Column("agent")] + weeks.map { Column($0, numeric: true) },
            rows: ([team] + agents).enumerated().filter { $0.element.reviews > 0 }.map { i, r in
                [.text(r.agent, tone: i == 0 ? .bold : nil)] + r.trend.map { w in
                    Cell(value: w.mean.map(ReportNumber.plain) ?? "", shown: w.mean.map { String(format: "%.1f (%d)", $0, w.reviews) } ?? "–")
                }
            }, charts: charts, emptyText: "nothing reviewed yet", inCSV: false, onTerminal: false)
        return ReportDocument(
            title: "Agents: scores, findings and retraining",
            facts: [.init("Agents", String(agents.count)), .init("Conversations", String(team.conversations)), .init("Evaluated", String(team.evaluated)),
                    .init("Flagged", team.flaggedShare.map(ReportNumber.percent) ?? "–"), .init("Reviews", String(team.reviews)),
                    .init("Team score", team.scoreMean.map { String(format: "%.1f", $0) } ?? "–"),
                    .init("Weeks", weeks.first.map { "\($0) to \(weeks.last ?? $0)" } ?? "–")],
            sections: [
                .init(key: "team", title: "The team",
                      note: "Everyone the filters take. Shares flagged and findings per 100 are of the conversations a rubric evaluated (flag them first); findings count when confirmed or not yet judged; scores are the current revision of each review."
                        + (team.evaluated < team.conversations ? " \(team.conversations - team.evaluated) of the \(team.conversations) conversations have not been evaluated by a rubric yet and count in neither." : ""),
                      columns: columns, rows: [cells(team)],
                      charts: criteria.isEmpty ? [] : [.bars(BarChart(
                          title: "Findings per 100 conversations by criterion, the team", valueLabel: "findings per 100 conversations",
                          categoryLabel: "criterion", categories: criteria, series: [.team(criteria.map { team.findingsPer100[$0] })]))]),
                .init(key: "agents", title: "Per agent",
                      note: "“vs team” is the agent's figure minus the team's: red where it is worse by 5 points or more, over \(Self.enoughConversations) conversations (flagged) or \(Self.enoughReviews) reviews (score) or more.",
                      columns: columns, rows: agents.map(cells), emptyText: "no conversations in the selection"),
                trendTable,
                byCriterion,
            ])
    }

    /// Below these an agent's difference from the team is shown, but not marked as worse: too little to go on.
    static let enoughConversations = 10, enoughReviews = 3

    private func signed(_ x: Double?, worseWhenHigher: Bool, enough: Bool) -> ReportDocument.Cell {
        guard let x else { return .number(nil) }
        let worse = worseWhenHigher ? x > 0 : x < 0
        return ReportDocument.Cell(value: ReportNumber.plain(x), shown: String(format: "%+.1f", x), tone: enough && worse && abs(x) >= 5 ? .red : nil)
    }

    private func signedShare(_ x: Double?, worseWhenHigher: Bool, enough: Bool) -> ReportDocument.Cell {
        guard let x else { return .share(nil) }
        let worse = worseWhenHigher ? x > 0 : x < 0
        return ReportDocument.Cell(value: ReportNumber.plain(x), shown: String(format: "%+.0f pp", x * 100), tone: enough && worse && abs(x) >= 0.05 ? .red : nil)
    }
}
