import Foundation
import GRDB

/// `pitboss report agent ID`: one agent's page — the score trend by week beside the team's, with retraining
/// assignments and completions marked on it; per criterion, how often their conversations had a finding and how often
/// reviewers failed them, against the team, with n and Wilson's interval (worse when the whole interval is above the
/// team's rate); their recent confirmed findings with the cited words (personal data masked); their reviews and
/// their retraining.
public struct AgentReport: PitbossReport, Equatable {
    public struct Criterion: Sendable, Codable, Equatable {
        public var criterion: String
        /// The agent's conversations a rubric evaluated.
        public var conversations: Int
        /// Conversations with a finding of the criterion that stands; their share with its 95 % interval.
        public var withFinding: Int
        public var findingRate: Double?
        public var findingRateLow: Double?
        public var findingRateHigh: Double?
        public var teamFindingRate: Double?
        /// Reviewed answers that applied, those that failed, the share failed with its interval, and the team's.
        public var answered: Int
        public var failed: Int
        public var failRate: Double?
        public var failRateLow: Double?
        public var failRateHigh: Double?
        public var teamFailRate: Double?
        /// The agent's interval lies wholly above the team's rate, for findings or for failed answers.
        public var worseThanTeam: Bool

        enum CodingKeys: String, CodingKey {
            case criterion, conversations, answered, failed
            case withFinding = "with_finding", findingRate = "finding_rate", findingRateLow = "finding_rate_low",
                 findingRateHigh = "finding_rate_high", teamFindingRate = "team_finding_rate", failRate = "fail_rate",
                 failRateLow = "fail_rate_low", failRateHigh = "fail_rate_high", teamFailRate = "team_fail_rate", worseThanTeam = "worse_than_team"
        }
    }

    public struct ConfirmedFinding: Sendable, Codable, Equatable {
        public var finding: Int64
        public var conversation: String
        public var startedAt: Date
        public var rule: String
        public var criterion: String
        public var severity: Severity
        /// The cited words, personal data masked.
        public var text: String?
        public var message: String
        public var confirmedBy: String?

        enum CodingKeys: String, CodingKey {
            case finding, conversation, rule, criterion, severity, text, message
            case startedAt = "started_at", confirmedBy = "confirmed_by"
        }
    }

    public struct Review: Sendable, Codable, Equatable {
        public var review: Int64
        public var conversation: String
        /// When the conversation reviewed started.
        public var conversationStartedAt: Date
        public var reviewer: String
        public var createdAt: Date
        public var revision: Int
        public var score: Double?
        public var autoFailed: Bool

        enum CodingKeys: String, CodingKey {
            case review, conversation, reviewer, revision, score
            case createdAt = "created_at", autoFailed = "auto_failed", conversationStartedAt = "conversation_started_at"
        }
    }

    public struct Assignment: Sendable, Codable, Equatable {
        public var assignment: Int64
        public var module: String
        public var criteria: [String]
        public var assignedAt: Date
        /// Its week, where the trend marks it.
        public var assignedWeek: String
        public var dueOn: String
        public var state: RetrainingState
        public var completedAt: Date?
        public var completedWeek: String?

        enum CodingKeys: String, CodingKey {
            case assignment, module, criteria, state
            case assignedAt = "assigned_at", assignedWeek = "assigned_week", dueOn = "due_on", completedAt = "completed_at",
                 completedWeek = "completed_week"
        }
    }

    /// Whether the cited words have personal data masked (the default) or shown as asked.
    public var personalDataMasked: Bool
    /// The agent's row as `report agents` shows it, and the team's.
    public var agent: AgentsReport.Row
    public var team: AgentsReport.Row
    public var weeks: [String]
    public var criteria: [Criterion]
    public var confirmedFindings: [ConfirmedFinding]
    public var reviews: [Review]
    public var retraining: [Assignment]
    /// Disputes of the agent's reviews, newest first.
    public var disputes: [Dispute] = []

    enum CodingKeys: String, CodingKey {
        case agent, team, weeks, criteria, reviews, retraining, disputes
        case confirmedFindings = "confirmed_findings", personalDataMasked = "personal_data_masked"
    }

    /// How many recent findings and reviews the page lists.
    public static let recent = 15

    public static func fetch(from database: PitbossDatabase, agent: String, selection: FlagSelection = FlagSelection(), criteria: [String] = [],
                             rubrics: [String]? = nil, weeks: Int = 12, zone: TimeZone, today: String, mask: PersonalDataMask? = PersonalDataMask()) throws(PitbossError) -> AgentReport {
        var team = selection
        team.agent = nil
        do {
            return try database.writer.read { db in
                var only = selection
                only.agent = agent
                try ReportScope.verify(only, in: db)
                var activity = try AgentActivity.load(db, selection: team, criteria: criteria, weekCount: weeks, zone: zone, today: today, rubrics: rubrics)
                let retraining = try assignments(db, agent: agent, zone: zone)
                activity.dropLeadingEmptyWeeks(keeping: retraining.map(\.assignedWeek).filter(activity.weeks.contains).min())
                // By the id's bytes, as the database compares them (an NFC and an NFD spelling are two agents).
                let bytes = Array(agent.utf8)
                guard let index = activity.agents.firstIndex(where: { Array($0.utf8) == bytes }) else {
                    throw PitbossError.badInput("agent '\(agent)' has conversations, but none in the selection (\(ReportScope.describe(team, zone: zone))): widen the filters")
                }
                let overview = AgentsReport(activity, sort: .agent)
                guard let row = overview.agents.first(where: { Array($0.agent.utf8) == bytes }) else { throw PitbossError.internalFailure("the agents report lost the row of \(agent)") }
                let tally = activity.tallies[index], all = activity.team
                let rows = activity.criteria.enumerated().map { k, criterion -> Criterion in
                    let found = tally.evaluated > 0 ? ProportionInterval.wilson(successes: tally.conversationsWithFinding[k], trials: tally.evaluated) : nil
                    let failedShare = tally.answered[k] > 0 ? ProportionInterval.wilson(successes: tally.failed[k], trials: tally.answered[k]) : nil
                    let teamFound = all.evaluated > 0 ? Double(all.conversationsWithFinding[k]) / Double(all.evaluated) : nil
                    let teamFailed = all.answered[k] > 0 ? Double(all.failed[k]) / Double(all.answered[k]) : nil
                    let worse = (found.flatMap { f in teamFound.map { f.lower > $0 } } ?? false)
                        || (failedShare.flatMap { f in teamFailed.map { f.lower > $0 } } ?? false)
                    return Criterion(criterion: criterion, conversations: tally.evaluated, withFinding: tally.conversationsWithFinding[k],
                                     findingRate: found?.estimate, findingRateLow: found?.lower, findingRateHigh: found?.upper, teamFindingRate: teamFound,
                                     answered: tally.answered[k], failed: tally.failed[k], failRate: failedShare?.estimate, failRateLow: failedShare?.lower,
                                     failRateHigh: failedShare?.upper, teamFailRate: teamFailed, worseThanTeam: worse)
                }.sorted { a, b in
                    if a.worseThanTeam != b.worseThanTeam { return a.worseThanTeam }
                    let x = (a.findingRate ?? 0) - (a.teamFindingRate ?? 0), y = (b.findingRate ?? 0) - (b.teamFindingRate ?? 0)
                    return x != y ? x > y : a.criterion < b.criterion
                }
                return AgentReport(personalDataMasked: mask != nil, agent: row, team: overview.team, weeks: activity.weeks, criteria: rows,
                                   confirmedFindings: try confirmed(db, agent: agent, selection: selection, mask: mask),
                                   reviews: try reviews(db, agent: agent, selection: selection),
                                   retraining: retraining,
                                   disputes: try Int64.fetchAll(db, sql: """
                                       SELECT d.id FROM disputes d JOIN conversations c ON c.id = d.conversation_id WHERE c.agent_id = ? ORDER BY d.id DESC
                                       """, arguments: [agent]).map { try DisputeStore.load($0, SQLiteSessions.Session(db: db, reviews: nil)) })
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read the agent's report", busyTimeout: database.busyTimeout)
        }
    }

    private static func conversationConditions(_ selection: FlagSelection, agent: String) -> (String, StatementArguments) {
        var only = selection
        only.agent = agent
        let (conditions, arguments) = only.conditions
        return (conditions.joined(separator: " AND "), StatementArguments(arguments.map { $0?.databaseValue ?? .null }))
    }

    static func confirmed(_ db: Database, agent: String, selection: FlagSelection, mask: PersonalDataMask?) throws -> [ConfirmedFinding] {
        let (conditions, arguments) = conversationConditions(selection, agent: agent)
        return try Row.fetchAll(db, sql: """
            SELECT f.id, c.external_id, c.started_at, f.rule_id, f.criterion, f.severity, f.status, f.text, f.message, f.verdict_by,
                   f.turn, f.start, f."end", t.text AS turn_text
            FROM findings f JOIN conversations c ON c.id = f.conversation_id
            LEFT JOIN turns t ON t.conversation_id = f.conversation_id AND t.idx = f.turn
            WHERE \(conditions) AND f.verdict = 'confirmed'
            ORDER BY c.started_at DESC, f.id DESC LIMIT \(recent)
            """, arguments: arguments).map { row in
            var finding = Finding(rule: row["rule_id"], criterion: row["criterion"], severity: Severity(rawValue: row["severity"]) ?? .minor,
                                  status: FindingStatus(rawValue: row["status"]) ?? .found, agent: agent, turn: row["turn"], start: row["start"],
                                  end: row["end"], text: row["text"], message: row["message"])
            if let mask { finding = mask.masked(finding, inTurn: row["turn_text"]) }
            return ConfirmedFinding(finding: row["id"], conversation: row["external_id"],
                                    startedAt: UTCTimestamp.parse(row["started_at"] as String) ?? Date(timeIntervalSince1970: 0),
                                    rule: finding.rule, criterion: finding.criterion, severity: finding.severity, text: finding.text,
                                    message: finding.message, confirmedBy: row["verdict_by"])
        }
    }

    static func reviews(_ db: Database, agent: String, selection: FlagSelection) throws -> [Review] {
        let (conditions, arguments) = conversationConditions(selection, agent: agent)
        return try Row.fetchAll(db, sql: """
            SELECT r.id, c.external_id, r.reviewer, r.created_at, r.revision, r.score, r.auto_failed, c.started_at
            FROM current_reviews r JOIN conversations c ON c.id = r.conversation_id
            WHERE \(conditions) ORDER BY r.created_at DESC, r.id DESC LIMIT \(recent)
            """, arguments: arguments).map { row in
            Review(review: row[0], conversation: row[1], conversationStartedAt: UTCTimestamp.parse(row[7] as String) ?? Date(timeIntervalSince1970: 0),
                   reviewer: row[2], createdAt: UTCTimestamp.parse(row[3] as String) ?? Date(timeIntervalSince1970: 0),
                   revision: row[4], score: row[5], autoFailed: row[6])
        }
    }

    static func assignments(_ db: Database, agent: String, zone: TimeZone) throws -> [Assignment] {
        var calendar = LocalCalendar(zone: zone)
        return try Row.fetchAll(db, sql: """
            SELECT a.id, a.module, a.criteria, a.assigned_at, a.due_on, a.state,
                   (SELECT MAX(e.at) FROM retraining_events e WHERE e.assignment_id = a.id AND e.state = 'completed') AS completed_at
            FROM retraining_current a WHERE a.agent_id = ? ORDER BY a.assigned_at, a.id
            """, arguments: [agent]).map { row in
            let assigned = UTCTimestamp.parse(row["assigned_at"] as String) ?? Date(timeIntervalSince1970: 0)
            let completed = (row["completed_at"] as String?).flatMap { UTCTimestamp.parse($0) }
            let criteria = (try? JSONDecoder().decode([String].self, from: Data((row["criteria"] as String).utf8))) ?? []
            return Assignment(assignment: row["id"], module: row["module"], criteria: criteria, assignedAt: assigned,
                              assignedWeek: calendar.moment(assigned).week, dueOn: row["due_on"],
                              state: RetrainingState(rawValue: row["state"]) ?? .assigned, completedAt: completed,
                              completedWeek: completed.map { calendar.moment($0).week })
        }
    }

    public func document(zone: TimeZone) -> ReportDocument {
        typealias Column = ReportDocument.Column
        typealias Cell = ReportDocument.Cell
        var markers: [LineChart.Marker] = []
        for a in retraining {
            markers.append(.init(category: a.assignedWeek, label: "#\(a.assignment) \(a.module) assigned", filled: false))
            if let week = a.completedWeek { markers.append(.init(category: week, label: "#\(a.assignment) \(a.module) completed", filled: true)) }
        }
        let trendRows = weeks.indices.map { w -> [Cell] in
            [.text(weeks[w]), .number(agent.trend[w].mean), .int(agent.trend[w].reviews), .number(team.trend[w].mean), .int(team.trend[w].reviews),
             .text(markers.filter { $0.category == weeks[w] }.map(\.label).joined(separator: "; "))]
        }
        func rate(_ x: Double?, _ low: Double?, _ high: Double?, n: Int) -> Cell {
            guard let x, let low, let high else { return .share(nil) }
            return Cell(value: ReportNumber.plain(x), shown: "\(ReportNumber.percent(x)) (\(ReportNumber.percent(low))–\(ReportNumber.percent(high)))")
        }
        let criterionRows = criteria.map { c -> [Cell] in
            [.text(c.criterion, tone: c.worseThanTeam ? .red : nil), .int(c.conversations), .int(c.withFinding),
             rate(c.findingRate, c.findingRateLow, c.findingRateHigh, n: c.conversations), .share(c.findingRateLow), .share(c.findingRateHigh),
             .share(c.teamFindingRate), .int(c.answered), .int(c.failed), rate(c.failRate, c.failRateLow, c.failRateHigh, n: c.answered),
             .share(c.failRateLow), .share(c.failRateHigh), .share(c.teamFailRate), .bool(c.worseThanTeam, tone: .red)]
        }
        let time = { (date: Date) in LocalTime.short(date, in: zone) }
        let zoneName = ReportNumber.zoneName(zone)
        let overview = AgentsReport(criteria: criteria.map(\.criterion), weeks: weeks, team: team, agents: [agent]).document(zone: zone)
        let summary = overview.sections.first { $0.key == "agents" }.map { agents in
            (columns: agents.columns, rows: (overview.sections.first { $0.key == "team" }?.rows ?? []) + agents.rows)
        } ?? (columns: [], rows: [])
        return ReportDocument(
            title: "Agent \(agent.agent)", personalDataMasked: personalDataMasked,
            facts: [.init("Conversations", String(agent.conversations)),
                    .init("Flagged", "\(agent.flaggedShare.map(ReportNumber.percent) ?? "–") (team \(team.flaggedShare.map(ReportNumber.percent) ?? "–"))"),
                    .init("QA score", "\(agent.scoreMean.map { String(format: "%.1f", $0) } ?? "–") over \(agent.reviews) reviews (team \(team.scoreMean.map { String(format: "%.1f", $0) } ?? "–"))"),
                    .init("Auto-fails", String(agent.autoFails)),
                    .init("Retraining", "\(agent.openRetraining) open, \(agent.overdueRetraining) overdue, \(retraining.filter { $0.state == .completed }.count) completed")],
            sections: [
                .init(key: "summary", title: "\(agent.agent) beside the team", note: "As on the agents report: the agent's row and the team's (everyone the filters take).",
                      columns: summary.columns, rows: summary.rows, inCSV: true, onTerminal: false),
                .init(key: "trend", title: "QA score by week", note: "The mean score of the reviewed conversations that started each week, beside the team's; ▽ marks a retraining assigned, ▲ one completed.",
                      columns: [Column("week"), Column("agent.trend.mean", "agent", numeric: true), Column("agent.trend.reviews", "reviews", numeric: true),
                                Column("team.trend.mean", "team", numeric: true), Column("team.trend.reviews", "team reviews", numeric: true),
                                Column("retraining", onlyForPeople: true)],
                      rows: trendRows,
                      charts: [.lines(LineChart(title: "QA score by week, \(agent.agent) and the team", xLabel: "ISO week the conversation started" + (weeks.first.map { ", from \($0)" } ?? ""),
                                                yLabel: "mean QA score (0–100)", categories: weeks,
                                                series: [ChartSeries(agent.agent, agent.trend.map(\.mean)), .team(team.trend.map(\.mean))],
                                                markers: markers,
                                                domain: LineChart.scoreDomain((agent.trend + team.trend).compactMap(\.mean))))]),
                .init(key: "criteria", title: "By criterion, against the team",
                      note: "Share of the agent's conversations with a finding that stands, and share of reviewed answers failed, each with n and a 95 % Wilson interval; red where the whole interval is above the team's rate.",
                      columns: [Column("criterion"), Column("conversations", "evaluated", numeric: true), Column("with_finding", "with finding", numeric: true),
                                Column("finding_rate", "rate (95 % CI)", numeric: true), Column("finding_rate_low", onlyInCSV: true),
                                Column("finding_rate_high", onlyInCSV: true), Column("team_finding_rate", "team rate", numeric: true),
                                Column("answered", "reviewed", numeric: true), Column("failed", numeric: true),
                                Column("fail_rate", "failed (95 % CI)", numeric: true), Column("fail_rate_low", onlyInCSV: true),
                                Column("fail_rate_high", onlyInCSV: true), Column("team_fail_rate", "team failed", numeric: true),
                                Column("worse_than_team", "worse than team")],
                      rows: criterionRows,
                      charts: criteria.isEmpty ? [] : [.bars(BarChart(
                          title: "Conversations with a finding, by criterion: \(agent.agent) and the team", valueLabel: "conversations with a finding (%)",
                          categoryLabel: "criterion", categories: criteria.map(\.criterion),
                          series: [ChartSeries(agent.agent, criteria.map { $0.findingRate.map { $0 * 100 } }),
                                   .team(criteria.map { $0.teamFindingRate.map { $0 * 100 } })]))]),
                .init(key: "confirmed_findings", title: "Recent confirmed findings", note: "The latest \(Self.recent) findings a reviewer confirmed, with the cited words" + (personalDataMasked ? "; personal data masked." : "; personal data shown unmasked, as asked."),
                      columns: [Column("started_at", "started (\(zoneName))"), Column("conversation"), Column("finding"), Column("rule"), Column("criterion"), Column("severity"),
                                Column("text", "words", wraps: true), Column("message", onlyInCSV: true), Column("confirmed_by", "confirmed by")],
                      rows: confirmedFindings.map { f in
                          [Cell(value: UTCTimestamp.format(f.startedAt), shown: time(f.startedAt)), .text(f.conversation), Cell(value: String(f.finding), shown: "F\(f.finding)"),
                           .text(f.rule), .text(f.criterion), .text(f.severity.rawValue, tone: f.severity >= .major ? .red : nil), Cell(value: f.text ?? "", shown: f.text.map { "“\($0)”" } ?? "–"),
                           .text(f.message), .text(f.confirmedBy)]
                      }, emptyText: "no confirmed findings"),
                .init(key: "reviews", title: "Recent reviews", note: "The current revision of the latest \(Self.recent) reviews of the agent's conversations.",
                      columns: [Column("created_at", "reviewed (\(zoneName))"), Column("review"), Column("conversation"),
                                Column("conversation_started_at", "conversation started"), Column("reviewer"), Column("revision", numeric: true),
                                Column("score", numeric: true), Column("auto_failed", "auto-fail")],
                      rows: reviews.map { r in
                          [Cell(value: UTCTimestamp.format(r.createdAt), shown: time(r.createdAt)), Cell(value: String(r.review), shown: "#\(r.review)"),
                           .text(r.conversation), Cell(value: UTCTimestamp.format(r.conversationStartedAt), shown: time(r.conversationStartedAt)),
                           .text(r.reviewer), .int(r.revision), .number(r.score), .bool(r.autoFailed, tone: .red)]
                      }, emptyText: "no reviews yet"),
                .init(key: "retraining", title: "Retraining",
                      columns: [Column("assignment"), Column("module"), Column("criteria"), Column("assigned_at", "assigned (\(zoneName))"), Column("due_on", "due"),
                                Column("state"), Column("completed_at", "completed (\(zoneName))")],
                      rows: retraining.map { a in
                          [Cell(value: String(a.assignment), shown: "#\(a.assignment)"), .text(a.module), Cell(value: a.criteria.joined(separator: ";"), shown: a.criteria.joined(separator: ", ")),
                           Cell(value: UTCTimestamp.format(a.assignedAt), shown: time(a.assignedAt)), .text(a.dueOn), .text(a.state.rawValue),
                           Cell(value: a.completedAt.map(UTCTimestamp.format) ?? "", shown: a.completedAt.map(time) ?? "–")]
                      }, emptyText: "no retraining assigned"),
                .init(key: "disputes", title: "Disputes",
                      columns: [Column("dispute"), Column("review"), Column("conversation"), Column("criteria"), Column("opened_by", "opened by"),
                                Column("opened_at", "opened (\(zoneName))"), Column("status"), Column("decided_by", "decided by"), Column("reason", wraps: true)],
                      rows: disputes.map { d in
                          let opened = UTCTimestamp.parse(d.openedAt)
                          return [Cell(value: String(d.id), shown: "#\(d.id)"), Cell(value: String(d.review), shown: "#\(d.review)"), .text(d.conversation),
                                  Cell(value: d.criteria.joined(separator: ";"), shown: d.criteria.joined(separator: ", ")), .text(d.openedBy),
                                  Cell(value: d.openedAt, shown: opened.map(time) ?? d.openedAt), .text(d.status.rawValue), .text(d.decidedBy), .text(d.reason)]
                      }, emptyText: "no disputes"),
            ])
    }
}
