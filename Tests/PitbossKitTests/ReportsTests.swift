import Foundation
import GRDB
import Testing
@testable import PitbossKit

/// A small floor whose every number in the reports is worked out by hand below.
///
/// Conversations (chat unless said; the customer writes, the agent replies 30 s later):
/// - en.anna: a1 rude (17 Nov), a2 polite (18 Nov), a3 polite (10 Nov, week 46);
/// - en.boris: b1 rude (17 Nov), b2 rude and answered after 400 s (18 Nov), b3 a polite e-mail (19 Nov).
/// Flagged (test rubric): a1, b1, b2. Sampled: a2, a3, b3.
/// Reviews (test rubric; weights courtesy 2, accuracy 3, greeting 1, script 1, verification 2, sla 1, rg n/a):
/// - qa.maria, claimed 2 min before: a1 courtesy fail → 7/9 = 77.78, dismissing its finding ("quoting");
///   b1 courtesy fail → 77.78, confirming its finding;
/// - qa.oleg: a2 all pass → 100 (claimed 1 min before); b2 courtesy and sla fail → 7/10 = 70, confirming both findings
///   (claimed 5 min before); b3 all pass → 100, the next day, without a claim;
/// - qa.lead revises maria's a1 to a courtesy pass → 100: her score is overturned.
/// Retraining: en.boris, de-escalation, assigned 15 Nov (week 46), due 20 Nov, still open on 25 Nov: overdue.
struct ReportFloor {
    let database: PitbossDatabase
    static let day = UTCTimestamp.parse("2026-11-22T09:00:00Z")!
    static let today = "2026-11-25"
    static let utc = Fixture.utc

    static func turns(at start: String, reply seconds: Int, rude: Bool) -> String {
        let t0 = UTCTimestamp.parse(start)!
        let reply = UTCTimestamp.format(t0.addingTimeInterval(Double(seconds)))
        let words = rude ? "hello, how can I help? not my problem, bye" : "hello, how can I help? bye"
        return #"[{"speaker":"customer","at":"\#(start)","text":"hi"},{"speaker":"agent","at":"\#(reply)","text":"\#(words)"}]"#
    }

    init(scratch: Scratch) throws {
        database = try PitbossDatabase.inMemory()
        let plan: [(String, String, String, String, Int, Bool)] = [
            ("a1", "en.anna", "chat", "2026-11-17T10:00:00Z", 30, true), ("a2", "en.anna", "chat", "2026-11-18T10:00:00Z", 30, false),
            ("a3", "en.anna", "chat", "2026-11-10T10:00:00Z", 30, false), ("b1", "en.boris", "chat", "2026-11-17T11:00:00Z", 30, true),
            ("b2", "en.boris", "chat", "2026-11-18T11:00:00Z", 400, true), ("b3", "en.boris", "email", "2026-11-19T11:00:00Z", 30, false),
        ]
        let lines = plan.map { Fixture.canonicalLine(id: $0.0, channel: $0.2, agent: $0.1, startedAt: $0.3, turns: Self.turns(at: $0.3, reply: $0.4, rude: $0.5)) }
        let path = scratch.write("floor.jsonl", lines.joined(separator: "\n") + "\n")
        _ = try TranscriptImporter(store: ConversationStore(database: database), schedule: .standard, options: ImportOptions()).run(paths: [path])
        var options = FlagRunner.Options()
        options.user = "qa.lead"
        _ = try FlagRunner(store: FlagStore(database: database), rubric: TestRubric.rubric, options: options).run(now: Self.day)
        _ = try SampleStore(database: database).sample(SamplePopulation(), SampleRequest(size: .count(1_000), seed: "all"), by: "qa.lead", now: Self.day)

        let store = ReviewStore(queue: ReviewQueue(database: database, lease: 1_800))
        func minutes(_ m: Double) -> Date { Self.day.addingTimeInterval(m * 60) }
        func findings(_ conversation: String) throws -> [StoredFinding] { try FindingQuery(conversation: conversation).fetch(from: database) }
        func item(_ conversation: String, _ reason: QueueReason) throws -> Int64 {
            try database.writer.read { db in
                try Int64.fetchOne(db, sql: "SELECT q.id FROM queue_items q JOIN conversations c ON c.id = q.conversation_id WHERE c.external_id = ? AND q.reason = ?",
                                   arguments: [conversation, reason.rawValue])!
            }
        }
        func score(_ conversation: String, _ reason: QueueReason, by name: String, failing: [String], verdicts: [FindingVerdict] = [],
                   claimed: Double?, submitted: Double) throws {
            let id = try item(conversation, reason)
            let reviewer = Reviewer(name: name)
            if let claimed { _ = try store.queue.claim(id, for: reviewer, now: minutes(claimed)) }
            var answers = TestRubric.passAll
            for criterion in failing { answers[criterion] = "fail" }
            _ = try store.submit(ReviewSubmission(item: id, reviewer: reviewer, rubric: TestRubric.rubric,
                                                  scorecard: try Scorecard(rubric: TestRubric.rubric, answers: answers), verdicts: verdicts), now: minutes(submitted))
        }
        let a1 = try findings("a1"), b1 = try findings("b1"), b2 = try findings("b2")
        try score("a1", .flagged, by: "qa.maria", failing: ["courtesy"], verdicts: a1.map { FindingVerdict(finding: $0.id, verdict: .dismissed, reason: "quoting") },
                  claimed: 0, submitted: 2)
        try score("b1", .flagged, by: "qa.maria", failing: ["courtesy"], verdicts: b1.map { FindingVerdict(finding: $0.id, verdict: .confirmed) },
                  claimed: 10, submitted: 12)
        try score("a2", .sample, by: "qa.oleg", failing: [], claimed: 20, submitted: 21)
        try score("b2", .flagged, by: "qa.oleg", failing: ["courtesy", "sla"], verdicts: b2.map { FindingVerdict(finding: $0.id, verdict: .confirmed) },
                  claimed: 30, submitted: 35)
        try score("b3", .sample, by: "qa.oleg", failing: [], claimed: nil, submitted: 24 * 60)
        let original = try database.writer.read { db in try Int64.fetchOne(db, sql: "SELECT r.id FROM reviews r JOIN conversations c ON c.id = r.conversation_id WHERE c.external_id = 'a1'")! }
        _ = try store.submit(ReviewSubmission(item: try item("a1", .flagged), reviewer: Reviewer(name: "qa.lead"), rubric: TestRubric.rubric,
                                              scorecard: try Scorecard(rubric: TestRubric.rubric, answers: TestRubric.passAll),
                                              revisionReason: "quoting the player is not rude", basedOn: original), now: minutes(60))
        let module = RetrainingModule(name: "de-escalation", title: "Courtesy", criteria: ["courtesy"])
        _ = try RetrainingStore(database: database).assign(.init(agent: "en.boris", module: module, dueOn: "2026-11-20", on: minutes(-7 * 24 * 60)),
                                                           by: "sup.olga", now: minutes(90), zone: Self.utc)
    }

    func agents(weeks: Int = 2, sort: AgentsReport.Sort = .score, selection: FlagSelection = FlagSelection()) throws -> AgentsReport {
        try AgentsReport.fetch(from: database, selection: selection, criteria: TestRubric.rubric.criteria.map(\.id), weeks: weeks, sort: sort,
                               zone: Self.utc, today: Self.today)
    }
}

@Suite("Reports: agents, one agent, shifts, reviewers — numbers worked out by hand")
struct ReportsTests {
    let scratch = Scratch()

    func close(_ a: Double?, _ b: Double, _ tolerance: Double = 0.005) -> Bool { a.map { abs($0 - b) < tolerance } ?? false }

    @Test("agents: conversations, share flagged, standing findings per 100, scores from the current revisions, the weekly trend, retraining, against the team")
    func agents() throws {
        let floor = try ReportFloor(scratch: scratch)
        let report = try floor.agents()
        // Two weeks asked; nobody was scored in week 46, so the trend starts in week 47.
        #expect(report.weeks == ["2026-W47"])
        #expect(report.agents.map(\.agent) == ["en.boris", "en.anna"])  // lowest mean score first
        let anna = try #require(report.agents.first { $0.agent == "en.anna" }), boris = try #require(report.agents.first { $0.agent == "en.boris" })
        #expect(anna.conversations == 3 && anna.flagged == 1 && close(anna.flaggedShare, 1.0 / 3))
        // a1's finding was dismissed: it does not stand. b1's and b2's rude findings and b2's late reply were confirmed.
        #expect(anna.findingsPer100["courtesy"] == 0 && close(boris.findingsPer100["courtesy"], 200.0 / 3) && close(boris.findingsPer100["sla"], 100.0 / 3))
        // Anna: a1 revised to 100, a2 100. Boris: 77.78, 70, 100.
        #expect(anna.reviews == 2 && anna.scoreMean == 100 && anna.scoreMedian == 100 && anna.autoFails == 0)
        #expect(boris.reviews == 3 && close(boris.scoreMean, (700.0 / 9 + 70 + 100) / 3) && close(boris.scoreMedian, 700.0 / 9))
        #expect(anna.trend.map(\.mean) == [100] && anna.trend.map(\.reviews) == [2])
        #expect(boris.trend.map(\.reviews) == [3] && close(boris.trend[0].mean, (700.0 / 9 + 170) / 3))
        #expect(boris.openRetraining == 1 && boris.overdueRetraining == 1 && anna.openRetraining == 0)
        let team = report.team
        #expect(team.conversations == 6 && team.flagged == 3 && team.reviews == 5 && team.scoreMedian == 100)
        #expect(close(team.scoreMean, (700.0 / 9 + 370) / 5) && close(team.findingsPer100["courtesy"], 100.0 / 3))
        #expect(close(boris.scoreVsTeam, (boris.scoreMean ?? 0) - (team.scoreMean ?? 0)) && close(anna.flaggedShareVsTeam, 1.0 / 3 - 0.5))
        #expect(try floor.agents(sort: .agent).agents.map(\.agent) == ["en.anna", "en.boris"])
        #expect(try floor.agents(sort: .retraining).agents.first?.agent == "en.boris")
        // A filter narrows the team too: e-mail only is b3 alone.
        #expect(try floor.agents(selection: FlagSelection(channel: .email)).team.conversations == 1)
    }

    @Test("one agent: criteria against the team with Wilson's interval, recent confirmed findings, reviews and retraining")
    func agent() throws {
        let floor = try ReportFloor(scratch: scratch)
        let report = try AgentReport.fetch(from: floor.database, agent: "en.boris", criteria: TestRubric.rubric.criteria.map(\.id), weeks: 2,
                                           zone: ReportFloor.utc, today: ReportFloor.today)
        let courtesy = try #require(report.criteria.first { $0.criterion == "courtesy" })
        // 2 of 3 conversations with a standing courtesy finding; the team 2 of 6. Wilson (z = 1.96) for 2 of 3: 0.2077–0.9385.
        #expect(courtesy.withFinding == 2 && courtesy.conversations == 3 && close(courtesy.findingRate, 2.0 / 3) && close(courtesy.teamFindingRate, 1.0 / 3))
        #expect(close(courtesy.findingRateLow, 0.2077, 0.0005) && close(courtesy.findingRateHigh, 0.9385, 0.0005))
        // Reviewed answers: Boris failed courtesy twice in 3; the team 2 of 5 (a1's failure was revised away).
        #expect(courtesy.answered == 3 && courtesy.failed == 2 && close(courtesy.teamFailRate, 0.4))
        #expect(!courtesy.worseThanTeam)  // 0.21 is not above 0.33: too few to say
        #expect(report.confirmedFindings.count == 3 && Set(report.confirmedFindings.map(\.conversation)) == ["b1", "b2"])
        #expect(report.confirmedFindings.contains { $0.text == "not my problem" && $0.confirmedBy == "qa.maria" })
        #expect(report.reviews.map(\.conversation) == ["b3", "b2", "b1"] && report.reviews.map(\.reviewer) == ["qa.oleg", "qa.oleg", "qa.maria"])
        // Week 46 had no review but stays on this page: the retraining was assigned in it.
        #expect(report.weeks == ["2026-W46", "2026-W47"])
        #expect(report.retraining.map(\.module) == ["de-escalation"] && report.retraining[0].assignedWeek == "2026-W46" && report.retraining[0].completedWeek == nil)
        #expect { try AgentReport.fetch(from: floor.database, agent: "en.bors", zone: ReportFloor.utc, today: ReportFloor.today) } throws: {
            "\($0)".contains("no conversation is stored for agent 'en.bors'; similar: en.boris")
        }
    }

    @Test("reviewers: pace, claim to submit, dismissals, leniency on comparable items, revisions and overturned scores")
    func reviewers() throws {
        let floor = try ReportFloor(scratch: scratch)
        let report = try ReviewersReport.fetch(from: floor.database, zone: ReportFloor.utc)
        #expect(report.reviewers.map(\.reviewer) == ["qa.oleg", "qa.maria", "qa.lead"])
        let maria = try #require(report.reviewers.first { $0.reviewer == "qa.maria" })
        let oleg = try #require(report.reviewers.first { $0.reviewer == "qa.oleg" })
        let lead = try #require(report.reviewers.first { $0.reviewer == "qa.lead" })
        #expect(maria.reviews == 2 && maria.activeDays == 1 && maria.reviewsPerDay == 2 && maria.claimToSubmitP50 == 120 && maria.claimToSubmitP90 == 120)
        #expect(maria.verdicts == 2 && maria.dismissed == 1 && maria.dismissalRate == 0.5)
        // Comparable: flagged English chats. Maria's 77.78 twice against Oleg's 70: +7.78; Oleg's 70 against Maria's 77.78: −7.78.
        // Oleg's sampled chat and e-mail have nobody to compare with.
        #expect(close(maria.leniency, 700.0 / 9 - 70) && maria.compared == 2, "\(report.reviewers)")
        #expect(close(oleg.leniency, 70 - 700.0 / 9) && oleg.compared == 1)
        #expect(oleg.reviews == 3 && oleg.activeDays == 2 && oleg.reviewsPerDay == 1.5)
        // Claimed 1 and 5 minutes before submitting (b3 was never claimed): p50 180 s, p90 60 + 0.9 × 240 = 276 s.
        #expect(oleg.claimToSubmitP50 == 180 && close(oleg.claimToSubmitP90, 276))
        #expect(maria.overturned == 1 && maria.revisions == 0 && lead.revisions == 1 && lead.reviews == 0 && oleg.overturned == 0)
        #expect(close(maria.meanScore, 700.0 / 9) && close(oleg.meanScore, 90))
    }

    @Test("shifts: volume, flagged, first response p50/p90/max against the SLA with the unanswered as late, backlog, hours in the zone")
    func shifts() throws {
        let database = try PitbossDatabase.inMemory()
        func reply(_ id: String, _ start: String, _ seconds: Int?, channel: String = "chat") -> String {
            let t0 = UTCTimestamp.parse(start)!
            let answer = seconds.map { #",{"speaker":"agent","at":"\#(UTCTimestamp.format(t0.addingTimeInterval(Double($0))))","text":"hello, how can I help? bye"}"# } ?? ""
            return Fixture.canonicalLine(id: id, channel: channel, startedAt: start, turns: #"[{"speaker":"customer","at":"\#(start)","text":"hi"}\#(answer)]"#)
        }
        let lines = [reply("n1", "2026-11-21T22:10:00Z", 30), reply("n2", "2026-11-21T22:40:00Z", 60), reply("n3", "2026-11-21T23:05:00Z", 90),
                     reply("n4", "2026-11-22T01:00:00Z", 400), reply("n5", "2026-11-22T01:30:00Z", nil),
                     reply("n6", "2026-11-21T23:30:00Z", 3_600, channel: "email"), reply("d1", "2026-11-22T09:00:00Z", 20)]
        let path = scratch.write("night.jsonl", lines.joined(separator: "\n") + "\n")
        _ = try TranscriptImporter(store: ConversationStore(database: database), schedule: .standard, options: ImportOptions()).run(paths: [path])
        var options = FlagRunner.Options()
        options.user = "qa.lead"
        _ = try FlagRunner(store: FlagStore(database: database), rubric: TestRubric.rubric, options: options).run(now: ReportFloor.day)
        #expect(Channel.allCases.allSatisfy { SLATargets(TestRubric.rubric).seconds(channel: $0, language: "en") == 300 })

        let malta = TimeZone(identifier: "Europe/Malta")!
        let report = try ShiftsReport.fetch(from: database, selection: FlagSelection(), sla: SLATargets(channels: [.chat: 300]), zone: malta)
        #expect(report.shifts.map(\.shift) == ["2026-11-21-night", "2026-11-22-day"])
        let night = report.shifts[0]
        #expect(night.conversations == 6 && night.byChannel["chat"] == 5 && night.byChannel["email"] == 1)
        // Flagged: n4 late, n5 never answered, n6 (the test rubric's SLA applies to e-mail too). All three still open.
        #expect(night.flagged == 3 && night.backlog == 3 && close(night.flaggedShare, 0.5))
        let chat = try #require(report.channels.first { $0.shift == "2026-11-21-night" && $0.channel == .chat })
        #expect(chat.answered == 4 && chat.unanswered == 1)
        // Sorted 30, 60, 90, 400: p50 between the middle two; p90 at rank 2.7: 90 + 0.7 × 310 = 307.
        #expect(chat.firstResponseP50 == 75 && close(chat.firstResponseP90, 307) && chat.firstResponseMax == 400)
        #expect(chat.slaSeconds == 300 && chat.withinSLA == 3 && chat.withinSLAShare == 0.6)
        let email = try #require(report.channels.first { $0.channel == .email })
        #expect(email.slaSeconds == nil && email.withinSLA == nil && email.firstResponseMax == 3_600)
        #expect(night.slaMeasured == 5 && night.withinSLA == 3)
        // Malta is an hour ahead of UTC in November: 22:10 and 22:40 UTC start at 23 local; 01:00 and 01:30 at 2. In the shift's order.
        #expect(report.hours.filter { $0.shift == "2026-11-21-night" }.map(\.hour) == [23, 0, 2])
        #expect(report.hours.first { $0.hour == 23 }?.conversations == 2 && report.hours.first { $0.hour == 0 }?.conversations == 2)
        let distribution = try #require(report.firstResponseDistributions.first)
        #expect(distribution.channel == .chat && distribution.bins.count == 11 && distribution.bins[0].upper == 60)
        // A bin holds its upper bound: 20 (d1), 30 and 60 s → the first (0–60], 90 → the second, 400 → the seventh (360–420],
        // never answered → the open last bin.
        #expect(distribution.bins.map(\.count) == [3, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect { try ShiftsReport.fetch(from: database, selection: FlagSelection(shift: "2026-11-21-nite"), zone: malta) } throws: {
            "\($0)".contains("no conversation is stored for shift '2026-11-21-nite'; similar: 2026-11-21-night")
        }
    }

    @Test("first response: the first agent reply after the customer's first message; bots do not stop the clock; untimed is unmeasured")
    func firstResponse() {
        let m = { (turns: [(SpeakerRole, Double?)]) in FirstResponse.measure(turns.map { (role: $0.0, seconds: $0.1) }) }
        #expect(m([(.customer, 0), (.bot, 1), (.customer, 9), (.agent, 40)]) == .after(seconds: 40, turn: 3))
        #expect(m([(.agent, 0), (.customer, 10), (.agent, 70)]) == .after(seconds: 60, turn: 2))
        #expect(m([(.customer, 0), (.bot, 5)]) == .unanswered)
        #expect(m([(.agent, 0)]) == .unmeasured)
        #expect(m([(.customer, 0), (.agent, nil)]) == .unmeasured)
    }

    @Test("quantiles by linear interpolation (R's type 7): worked by hand")
    func quantiles() {
        #expect(Quantile.of(sorted: [], 0.5) == nil)
        #expect(Quantile.of(sorted: [7], 0.9) == 7)
        #expect(Quantile.of(sorted: [1, 2, 3, 4], 0.5) == 2.5)
        #expect(Quantile.of(sorted: [10, 20, 30, 40, 50], 0.9) == 46)  // rank 3.6: 40 + 0.6 × 10
        #expect(Quantile.of(sorted: [1, 2], 1) == 2 && Quantile.of(sorted: [1, 2], 0) == 1)
    }

    @Test("ISO weeks: Monday starts them, the week with the year's first Thursday is week 1")
    func isoWeeks() {
        func week(_ day: String) -> String { LocalCalendar.isoWeek(days: UTCTimestamp.daysFromCivil(year: Int(day.prefix(4))!, month: Int(day.dropFirst(5).prefix(2))!, day: Int(day.suffix(2))!)) }
        #expect(week("2026-11-16") == "2026-W47" && week("2026-11-22") == "2026-W47" && week("2026-11-23") == "2026-W48")
        #expect(week("2026-01-01") == "2026-W01" && week("2027-01-01") == "2026-W53" && week("2024-12-30") == "2025-W01")
    }
}

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The elements of a page that carry data (`class` point, bar, bin, cell, interval, marker), with their attributes;
/// nil when the page is not well-formed XML.
final class ChartData: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var text = ""

    static func parse(_ html: String) -> ChartData? {
        let collector = ChartData()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append((name, attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func data(_ kind: String) -> [[String: String]] { elements.filter { $0.attributes["class"] == kind }.map(\.attributes) }
}

@Suite("Reports as HTML: one self-contained page, well-formed, escaped, its charts the report's numbers")
struct HTMLReportTests {
    let scratch = Scratch()

    func page(_ report: some PitbossReport, zone: TimeZone = Fixture.utc) throws -> (String, ChartData) {
        let html = report.render(.html, zone: zone)
        let data = try #require(ChartData.parse(html), "the page is not well-formed XML")
        return (html, data)
    }

    /// Nothing is fetched from anywhere: no scheme, no protocol-relative reference, no script, no external style.
    func selfContained(_ html: String) {
        for needle in ["http:", "https:", "//", "<script", "src=", "href=", "url(", "@import", "<link"] {
            #expect(!html.lowercased().contains(needle), "the page contains \(needle)")
        }
    }

    @Test("every report is a well-formed, self-contained page with a title, axis labels on every chart and a table")
    func everyReport() throws {
        let floor = try ReportFloor(scratch: scratch)
        let reports: [any PitbossReport] = [
            try floor.agents(),
            try AgentReport.fetch(from: floor.database, agent: "en.boris", criteria: TestRubric.rubric.criteria.map(\.id), zone: ReportFloor.utc, today: ReportFloor.today),
            try ShiftsReport.fetch(from: floor.database, sla: SLATargets(channels: [.chat: 300]), zone: ReportFloor.utc),
            try ReviewersReport.fetch(from: floor.database, zone: ReportFloor.utc),
            try RuleReport.fetch(from: floor.database, rubrics: [TestRubric.rubric]),
        ]
        for report in reports {
            let (html, data) = try page(report)
            selfContained(html)
            #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<table>") && html.contains("@page { size: A4"))
            let charts = data.elements.filter { $0.name == "svg" && $0.attributes["class"] == "chart" }
            #expect(!charts.isEmpty, "\(type(of: report)) draws no chart")
            // Every chart has a title (the <title> element) and axis text.
            #expect(data.elements.filter { $0.name == "title" }.count >= charts.count + 1)
            #expect(data.data("axis").count >= charts.count)
        }
    }

    @Test("the charts' data points are the JSON report's numbers")
    func chartsMatchJSON() throws {
        let floor = try ReportFloor(scratch: scratch)
        let agents = try floor.agents()
        let (_, data) = try page(agents)
        let teamPoints = data.data("point").filter { $0["data-series"] == "team" }
        let expected = zip(agents.weeks, agents.team.trend).compactMap { week, t in t.mean.map { (week, $0) } }
        #expect(teamPoints.map { $0["data-x"] ?? "" } == expected.map(\.0))
        #expect(zip(teamPoints, expected).allSatisfy { abs((Double($0["data-value"] ?? "") ?? -1) - $1.1) < 0.0001 })
        let bars = data.data("bar")
        #expect(bars.count == agents.criteria.count)
        for bar in bars { #expect(abs((Double(bar["data-value"] ?? "") ?? -1) - (agents.team.findingsPer100[bar["data-x"] ?? ""] ?? -2)) < 0.0001) }

        let shifts = try ShiftsReport.fetch(from: floor.database, sla: SLATargets(channels: [.chat: 300]), zone: ReportFloor.utc)
        let (_, shiftPage) = try page(shifts)
        #expect(shiftPage.data("bin").map { Int($0["data-value"] ?? "") } == shifts.firstResponseDistributions[0].bins.map(\.count))
        #expect(shiftPage.data("threshold").first?["data-value"] == "300")
        let cells = shiftPage.data("cell").filter { ($0["data-value"] ?? "0") != "0" }
        #expect(cells.count == shifts.hours.count)
        for cell in cells {
            let hour = shifts.hours.first { $0.shift == cell["data-row"] && String(format: "%02d", $0.hour) == cell["data-x"] }
            #expect(hour.map { String($0.conversations) } == cell["data-value"])
        }

        let rules = try RuleReport.fetch(from: floor.database, rubrics: [TestRubric.rubric])
        let (_, rulePage) = try page(rules)
        let judged = rules.rows.filter { $0.precision != nil }
        #expect(rulePage.data("interval").map { Double($0["data-low"] ?? "") ?? -1 } .count == judged.count)
        for (interval, row) in zip(rulePage.data("interval"), judged) {
            #expect(abs((Double(interval["data-value"] ?? "") ?? -1) - (row.precision ?? -2)) < 0.0001)
            #expect(abs((Double(interval["data-high"] ?? "") ?? -1) - (row.precisionHigh ?? -2)) < 0.0001)
        }
        let boris = try AgentReport.fetch(from: floor.database, agent: "en.boris", weeks: 2, zone: ReportFloor.utc, today: ReportFloor.today)
        let (_, borisPage) = try page(boris)
        #expect(borisPage.data("marker").map { $0["data-x"] } == ["2026-W46"])
    }

    @Test("transcript text with a script tag, quotes, ampersands and a right-to-left override is shown as text, never as markup")
    func escaping() throws {
        let database = try PitbossDatabase.inMemory()
        let hostile = #"hello, how can I help? <script>alert(\"x\")</script> &amp; it's \u202Eexe.live not my problem, bye"#
        let line = Fixture.canonicalLine(id: "x1", agent: "en.o'brien<b>", turns: #"[{"speaker":"customer","at":"2026-11-21T22:04:00Z","text":"hi"},{"speaker":"agent","at":"2026-11-21T22:04:20Z","text":"\#(hostile)"}]"#)
        _ = try TranscriptImporter(store: ConversationStore(database: database), schedule: .standard, options: ImportOptions())
            .run(paths: [scratch.write("x.jsonl", line + "\n")])
        var options = FlagRunner.Options()
        options.user = "qa.lead"
        _ = try FlagRunner(store: FlagStore(database: database), rubric: TestRubric.rubric, options: options).run(now: ReportFloor.day)
        try database.writer.write { db in try db.execute(sql: "UPDATE findings SET verdict = 'confirmed', verdict_by = 'qa.<i>maria</i>'") }
        // The cited words are the rude ones; show the whole turn's trouble through the message and the agent's name.
        try database.writer.write { db in try db.execute(sql: "UPDATE findings SET text = ?", arguments: [#"<script>alert("x")</script> & it's ‮exe.live"#]) }
        let report = try AgentReport.fetch(from: database, agent: "en.o'brien<b>", zone: ReportFloor.utc, today: ReportFloor.today)
        let (html, data) = try page(report)
        selfContained(html)
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; it&#39;s \\u{202E}exe.live"))
        #expect(html.contains("Agent en.o&#39;brien&lt;b&gt;") && html.contains("qa.&lt;i&gt;maria&lt;/i&gt;"))
        #expect(!html.unicodeScalars.contains { $0.value == 0x202E })
        #expect(data.text.contains(#"<script>alert("x")</script>"#))  // what a reader sees: the words, as words
    }
}

@Suite("Reports count what was evaluated, by the rubrics that count, against the targets that apply")
struct ReportDenominatorTests {
    let scratch = Scratch()

    @Test("a conversation no rubric evaluated counts in neither the share flagged nor the findings per 100")
    func neverEvaluated() throws {
        let database = try PitbossDatabase.inMemory()
        let rude = ReportFloor.turns(at: "2026-11-21T22:10:00Z", reply: 30, rude: true)
        let lines = [Fixture.canonicalLine(id: "n1", agent: "en.anna", startedAt: "2026-11-21T22:10:00Z", turns: rude),
                     Fixture.canonicalLine(id: "d1", agent: "en.anna", startedAt: "2026-11-22T09:00:00Z", turns: ReportFloor.turns(at: "2026-11-22T09:00:00Z", reply: 30, rude: true))]
        _ = try TranscriptImporter(store: ConversationStore(database: database), schedule: .standard, options: ImportOptions())
            .run(paths: [scratch.write("two.jsonl", lines.joined(separator: "\n") + "\n")])
        var options = FlagRunner.Options()
        options.user = "qa.lead"
        options.selection = FlagSelection(shift: "2026-11-21-night")
        _ = try FlagRunner(store: FlagStore(database: database), rubric: TestRubric.rubric, options: options).run(now: ReportFloor.day)
        let anna = try #require(try AgentsReport.fetch(from: database, criteria: ["courtesy"], zone: ReportFloor.utc, today: ReportFloor.today).agents.first)
        // Two conversations, one evaluated (and flagged, one rude finding): 100 % flagged and 100 findings per 100, not 50.
        #expect(anna.conversations == 2 && anna.evaluated == 1 && anna.flaggedShare == 1 && anna.findingsPer100["courtesy"] == 100)
        let shifts = try ShiftsReport.fetch(from: database, zone: ReportFloor.utc)
        #expect(shifts.shifts.map(\.evaluated) == [1, 0] && shifts.shifts.map(\.flaggedShare) == [1, nil])
    }

    @Test("the findings of a rubric that is no longer the workspace's are left out when the report names its rubrics")
    func retiredRubric() throws {
        let floor = try ReportFloor(scratch: scratch)
        try floor.database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO findings (conversation_id, run_id, rubric_name, rubric_hash, rule_id, criterion, severity, status, message)
                SELECT conversation_id, run_id, 'test-2025', 'old', rule_id, criterion, severity, status, message FROM findings
                """)
        }
        let every = try floor.agents(), current = try AgentsReport.fetch(from: floor.database, criteria: ["courtesy"], rubrics: ["test"],
                                                                           zone: ReportFloor.utc, today: ReportFloor.today)
        let boris = { (r: AgentsReport) in r.agents.first { $0.agent == "en.boris" }?.findingsPer100["courtesy"] ?? -1 }
        #expect(abs(boris(current) - 200.0 / 3) < 0.01 && boris(every) > boris(current))
    }

    @Test("a first-response target for some languages applies to those languages only, and a channel's target is one line only when the same for all")
    func targetsByLanguage() throws {
        let yaml = TestRubric.yaml.replacingOccurrences(of: "    metric: first_response\n", with: "    metric: first_response\n    languages: [ru]\n")
        let targets = SLATargets(try RubricLoader.parse(yaml: yaml, path: "ru-sla.yaml"))
        #expect(targets.seconds(channel: .chat, language: "ru") == 300 && targets.seconds(channel: .chat, language: "en") == nil)
        #expect(targets.uniform(channel: .chat) == nil && SLATargets(TestRubric.rubric).uniform(channel: .chat) == 300)
        let floor = try ReportFloor(scratch: scratch)
        let report = try ShiftsReport.fetch(from: floor.database, sla: targets, zone: ReportFloor.utc)
        // Every conversation of the floor is English: nothing is measured against the Russian target.
        #expect(report.shifts.allSatisfy { $0.slaMeasured == 0 && $0.withinSLAShare == nil } && report.firstResponseDistributions.isEmpty)
    }
}

@Suite("-o FILE: written in place")
struct OutputFileTests {
    let scratch = Scratch()

    @Test("an existing file keeps its mode, a link is followed, a folder or a missing folder is a clear error")
    func inPlace() throws {
        let path = scratch.path("private.csv")
        _ = FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o600])
        try OutputFile.write("new\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        let link = scratch.path("link.csv")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        try OutputFile.write("through the link\n", to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "through the link\n")
        #expect { try OutputFile.write("x", to: scratch.path("")) } throws: { "\($0)".contains("it is a folder") }
        #expect { try OutputFile.write("x", to: scratch.path("nowhere/x.html")) } throws: { "\($0)".contains("the folder \(scratch.path("nowhere")) does not exist") }
    }
}
