import Foundation
import Testing
@testable import PitbossKit

/// A floor's history, built conversation by conversation: who worked when, and who was rude ("not my problem", which
/// the test rubric flags on courtesy).
struct CoachingHistory {
    let scratch = Scratch()
    let database: PitbossDatabase
    var lines: [String] = []
    var counter = 0
    /// The assignment is made on 1 October at noon and completed on 3 October at noon: the baseline is September, the
    /// follow-up 3 October 13:00 to 2 November 13:00.
    static let assigned = UTCTimestamp.parse("2026-10-01T12:00:00Z")!
    static let completed = UTCTimestamp.parse("2026-10-03T12:00:00Z")!
    static let later = UTCTimestamp.parse("2026-11-20T08:00:00Z")!
    static let settings = OutcomeSettings(baselineDays: 30, followUpDays: 30, followUpMinimum: 30)

    init() throws { database = try PitbossDatabase.inMemory() }

    /// `count` conversations of `agent`, `rude` of them rude, spread over the days from `firstDay` (day of the month).
    mutating func add(_ agent: String, month: Int, firstDay: Int, count: Int, rude: Int) {
        for i in 0..<count {
            counter += 1
            let day = firstDay + i % 25
            let start = String(format: "2026-%02d-%02dT%02d:%02d:00Z", month, day, 8 + i % 10, counter % 60)
            let reply = String(format: "2026-%02d-%02dT%02d:%02d:30Z", month, day, 8 + i % 10, counter % 60)
            // Every rude reply also skips the greeting (the test rubric's `greet` rule, on greeting).
            let text = i < rude ? "how can I help? not my problem, bye" : "hello, how can I help? it is done, bye"
            lines.append(Fixture.canonicalLine(id: "c-\(counter)", agent: agent, startedAt: start, turns: """
                [{"speaker":"customer","at":"\(start)","text":"hi, my withdrawal is pending"},\
                {"speaker":"agent","at":"\(reply)","text":"\(text)"}]
                """))
        }
    }

    /// Adds each (agent, month, first day, conversations, rude ones), imports them all and flags them.
    mutating func flagged(_ plan: [(String, Int, Int, Int, Int)]) throws {
        for (agent, month, firstDay, count, rude) in plan { add(agent, month: month, firstDay: firstDay, count: count, rude: rude) }
        try importAll()
        try flag()
    }

    func importAll() throws {
        let path = scratch.write("history.jsonl", lines.joined(separator: "\n") + "\n")
        _ = try TranscriptImporter(store: ConversationStore(database: database), schedule: .standard, options: ImportOptions()).run(paths: [path])
    }

    func flag(_ rubric: Rubric = TestRubric.rubric, since: String? = nil, until: String? = nil) throws {
        var options = FlagRunner.Options()
        options.user = "qa.lead"
        options.selection = FlagSelection(since: since.flatMap { UTCTimestamp.parse($0) }, until: until.flatMap { UTCTimestamp.parse($0) })
        _ = try FlagRunner(store: FlagStore(database: database), rubric: rubric, options: options).run(now: Self.later)
    }

    /// Assigns en.anna a courtesy retraining on 1 October and, unless told otherwise, completes it on 3 October.
    @discardableResult
    func retrain(agent: String = "en.anna", complete: Date? = completed) throws -> RetrainingAssignment {
        let store = RetrainingStore(database: database)
        let module = RetrainingModule(name: "de-escalation", title: "Courtesy", criteria: ["courtesy"])
        let id = try store.assign(.init(agent: agent, module: module, dueOn: "2026-10-10", on: Self.assigned), by: "sup.olga",
                                  now: Self.later, zone: Fixture.utc).assignment.id
        if let complete { return try store.move(id, to: .completed, on: complete, by: "sup.olga", now: Self.later) }
        return try store.show(id).assignment
    }

    func outcome(_ assignment: RetrainingAssignment, rubric: Rubric = TestRubric.rubric, now: Date = later,
                 settings: OutcomeSettings = settings) throws -> RetrainingOutcome {
        try #require(try RetrainingOutcomeQuery(settings: settings, rubric: rubric).measure([assignment], in: database, now: now).first)
    }
}

@Suite("Retraining outcomes on constructed histories: improvement, no change, team drift, a rubric change, too few, too early")
struct RetrainingOutcomeTests {
    @Test("a clear improvement: half of Anna's chats rude before, one in twenty after, the team steady")
    func improvement() throws {
        var h = try CoachingHistory()
        try h.flagged([
            ("en.anna", 9, 3, 40, 20),
            ("en.anna", 10, 5, 40, 2),
            ("en.boris", 9, 3, 40, 4),
            ("en.boris", 10, 5, 40, 4),
        ])
        let o = try h.outcome(try h.retrain())
        #expect(o.verdict == .improved)
        let courtesy = try #require(o.criteria.first)
        #expect(courtesy.decidedBy == .findings)
        let f = courtesy.findings
        #expect(f.baseline == Tally(problems: 20, total: 40) && f.followUp == Tally(problems: 2, total: 40))
        #expect(f.teamBaseline == Tally(problems: 4, total: 40) && f.teamFollowUp == Tally(problems: 4, total: 40))
        #expect(abs((f.change?.difference ?? 0) + 0.45) < 1e-9)
        #expect((f.differenceInDifferences?.upper ?? 0) < 0)
        #expect((f.pValue ?? 1) < 0.001 && f.test == "two-proportion z-test")
        #expect(o.baseline == .init(from: "2026-09-01T12:00:00.000Z", until: "2026-10-01T12:00:00.000Z"))
        #expect(o.followUp == .init(from: "2026-10-03T13:00:00.000Z", until: "2026-11-02T13:00:00.000Z") && o.followUpEnded)
        #expect(o.rubric.notEvaluatedBaseline == 0 && o.rubric.notEvaluatedFollowUp == 0)
        // Reviewers dismiss what the rubric found after the training: it still counts as improved, and the dismissed
        // ones are not problems.
        try h.database.writer.write { db in
            try db.execute(sql: "UPDATE findings SET verdict = 'dismissed' WHERE conversation_id IN (SELECT id FROM conversations WHERE started_at >= '2026-10')")
        }
        #expect(try h.outcome(try RetrainingStore(database: h.database).show(1).assignment).criteria[0].findings.followUp.problems == 0)
    }

    @Test("no change: a 30 % rate before and after, with enough conversations to have shown a halving")
    func noChange() throws {
        var h = try CoachingHistory()
        try h.flagged([
            ("en.anna", 9, 3, 130, 39),
            ("en.anna", 10, 5, 130, 38),
            ("en.boris", 9, 3, 100, 10),
            ("en.boris", 10, 5, 100, 10),
        ])
        let o = try h.outcome(try h.retrain())
        let f = try #require(o.criteria.first).findings
        // Fleiss's formula for 0.30 against 0.15 at α 0.05 and power 0.8: 118 per group (121 with 0.3 exactly).
        #expect(f.neededPerWindow.map { (110...125).contains($0) } == true, "\(String(describing: f.neededPerWindow))")
        #expect(o.verdict == .noChange && f.verdict == .noChange)
    }

    @Test("a team-wide drift is not credited: everyone's rudeness fell as much as Anna's")
    func teamDrift() throws {
        var h = try CoachingHistory()
        try h.flagged([
            ("en.anna", 9, 3, 40, 20),
            ("en.anna", 10, 5, 40, 4),
            ("en.boris", 9, 3, 80, 40),
            ("en.boris", 10, 5, 80, 8),
        ])
        let o = try h.outcome(try h.retrain())
        let f = try #require(o.criteria.first).findings
        // On her own, Anna's fall is significant: without the team it would have been called an improvement.
        #expect((f.change?.upper ?? 0) < 0 && (f.pValue ?? 1) < 0.001)
        #expect((f.teamChange?.upper ?? 0) < 0)
        #expect(abs(f.differenceInDifferences?.difference ?? 1) < 1e-9)
        #expect(o.verdict != .improved && f.verdict != .improved, "\(o.verdict)")
    }

    @Test("one rubric for both windows: after a rubric change only the re-evaluated conversations count")
    func rubricChange() throws {
        var h = try CoachingHistory()
        h.add("en.anna", month: 9, firstDay: 3, count: 40, rude: 20)
        h.add("en.anna", month: 10, firstDay: 5, count: 40, rude: 2)
        h.add("en.boris", month: 9, firstDay: 3, count: 40, rude: 4)
        h.add("en.boris", month: 10, firstDay: 5, count: 40, rude: 4)
        try h.importAll()
        try h.flag()  // September and October with the first rubric
        let revised = try RubricLoader.parse(yaml: TestRubric.yaml.replacingOccurrences(of: "version: 1", with: "version: 2"),
                                             path: "test.yaml", contentHash: "revised")
        try h.flag(revised, since: "2026-10-01T00:00:00Z")  // only October with the revised one
        let assignment = try h.retrain()
        let before = try h.outcome(assignment, rubric: revised)
        #expect(before.rubric.version == "2" && before.rubric.hash == "revised")
        #expect(before.rubric.notEvaluatedBaseline == 40 && before.rubric.notEvaluatedFollowUp == 0)
        #expect(before.criteria[0].findings.baseline.total == 0)
        #expect(before.verdict == .notEnoughData)
        // Re-evaluating September with the revised rubric puts both windows on it.
        try h.flag(revised, until: "2026-10-01T00:00:00Z")
        let after = try h.outcome(assignment, rubric: revised)
        #expect(after.rubric.notEvaluatedBaseline == 0 && after.criteria[0].findings.baseline == Tally(problems: 20, total: 40))
        #expect(after.verdict == .improved)
    }

    @Test("too few conversations: not enough data, and how many more each source needs in each window")
    func tooFew() throws {
        var h = try CoachingHistory()
        try h.flagged([
            ("en.anna", 9, 3, 6, 3),
            ("en.anna", 10, 5, 5, 1),
            ("en.boris", 9, 3, 6, 1),
            ("en.boris", 10, 5, 6, 1),
        ])
        let o = try h.outcome(try h.retrain())
        #expect(o.verdict == .notEnoughData)
        let f = try #require(o.criteria.first).findings
        #expect(f.verdict == .notEnoughData && (f.moreNeededFollowUp ?? 0) > 0 && (f.moreNeededBaseline ?? 0) > 0)
        // Both sources say what is missing: the findings need more conversations in each window, the reviews have none.
        #expect(o.reason?.hasPrefix("courtesy: findings ") == true && o.reason?.contains("more before") == true
                 && o.reason?.contains("more after") == true && o.reason?.contains("; reviews 30 more before, 30 more after") == true, "\(o.reason ?? "")")
    }

    @Test("too early: not completed, or the follow-up still open and short of its minimum; judged early once it has it")
    func tooEarly() throws {
        var h = try CoachingHistory()
        try h.flagged([
            ("en.anna", 9, 3, 40, 20),
            ("en.anna", 10, 5, 40, 2),
        ])
        let open = try h.retrain(complete: nil)
        let notDone = try h.outcome(open)
        #expect(notDone.verdict == .tooEarly && notDone.followUp == nil && notDone.reason?.contains("not completed yet") == true)
        let done = try RetrainingStore(database: h.database).move(open.id, to: .completed, on: CoachingHistory.completed, by: "sup.olga",
                                                                   now: CoachingHistory.later)
        // Eight days into the follow-up: 12 conversations of the 30 that allow an early judgement.
        let early = try h.outcome(done, now: UTCTimestamp.parse("2026-10-11T00:00:00Z")!)
        #expect(early.verdict == .tooEarly && !early.followUpEnded)
        #expect(early.reason?.contains("holds 12 evaluated conversations of the agent so far; 30 allow") == true, "\(early.reason ?? "")")
        // With a minimum of 10 the open window is judged on what it holds.
        let judged = try h.outcome(done, now: UTCTimestamp.parse("2026-10-11T00:00:00Z")!,
                                   settings: OutcomeSettings(baselineDays: 30, followUpDays: 30, followUpMinimum: 10))
        #expect(judged.verdict != .tooEarly && judged.criteria[0].findings.followUp.total == 12)
    }

    @Test("reviews decide when they can: a human's failed answers before and passes after")
    func reviewsDecide() throws {
        var h = try CoachingHistory()
        try h.flagged([
            ("en.anna", 9, 3, 30, 0),
            ("en.anna", 10, 5, 30, 0),
        ])
        _ = try SampleStore(database: h.database).sample(SamplePopulation(), SampleRequest(size: .count(1_000), seed: "all"), by: "qa.lead",
                                                         now: CoachingHistory.later)
        let store = ReviewStore(queue: ReviewQueue(database: h.database, lease: 1_800))
        for n in 1...60 {
            let item = try store.queue.item(named: "c-\(n)")
            // September: 24 of 30 fail courtesy; October: 3 of 30.
            let fail = n <= 30 ? n <= 24 : n <= 33
            let answers = TestRubric.passAll.merging(["courtesy": fail ? "fail" : "pass"]) { _, new in new }
            try store.submit(ReviewSubmission(item: item, reviewer: Reviewer(name: "qa.lead"), rubric: TestRubric.rubric,
                                              scorecard: try Scorecard(rubric: TestRubric.rubric, answers: answers)), now: CoachingHistory.later)
        }
        let o = try h.outcome(try h.retrain())
        let courtesy = try #require(o.criteria.first)
        #expect(courtesy.decidedBy == .reviews && courtesy.verdict == .improved)
        #expect(courtesy.reviews.baseline == Tally(problems: 24, total: 30) && courtesy.reviews.followUp == Tally(problems: 3, total: 30))
        #expect(courtesy.reviews.teamBaseline.total == 0 && courtesy.reviews.differenceInDifferences == nil)  // nobody else: her own change
        #expect((o.scores.baseline.mean ?? 100) < (o.scores.followUp.mean ?? 0) && o.scores.baseline.reviews == 30)
    }

    @Test("a cohort trained together is not each other's control; a module's effects are pooled by precision")
    func moduleSummary() throws {
        var h = try CoachingHistory()
        try h.flagged([
            ("en.anna", 9, 3, 40, 20),
            ("en.anna", 10, 5, 40, 2),
            ("en.carl", 9, 3, 40, 16),
            ("en.carl", 10, 5, 40, 4),
            ("en.boris", 9, 3, 40, 4),
            ("en.boris", 10, 5, 40, 4),
        ])
        let assignments = [try h.retrain(agent: "en.anna"), try h.retrain(agent: "en.carl")]
        let outcomes = try RetrainingOutcomeQuery(settings: CoachingHistory.settings, rubric: TestRubric.rubric)
            .measure(assignments, in: h.database, now: CoachingHistory.later)
        // Trained together, each is left out of the other's team: Anna is compared with Boris alone.
        let anna = try #require(outcomes.first?.criteria.first)
        #expect(anna.leftOutOfTeam == ["en.carl"] && anna.findings.teamBaseline == Tally(problems: 4, total: 40))
        let summary = try #require(ModuleOutcomeSummary.summarize(outcomes).first)
        #expect(summary.module == "de-escalation" && summary.assignments == 2 && summary.verdicts["improved"] == 2)
        let pooled = try #require(summary.pooledFindings)
        let effects = outcomes.compactMap { $0.criteria.first?.findings.differenceInDifferences?.difference }
        #expect(pooled.count == 2 && pooled.upper < 0)
        #expect(pooled.estimate >= effects.min()! && pooled.estimate <= effects.max()!)  // a weighted mean lies between them
        #expect(summary.pooledReviews == nil)
    }

    @Test("agents whose follow-up is open, for sampling and the review screen")
    func inFollowUp() throws {
        var h = try CoachingHistory()
        h.add("en.anna", month: 9, firstDay: 3, count: 2, rude: 0)
        try h.importAll()
        try h.retrain()
        let store = RetrainingStore(database: h.database)
        let during = try store.inFollowUp(now: UTCTimestamp.parse("2026-10-20T00:00:00Z")!, settings: CoachingHistory.settings)
        #expect(during.map(\.assignment.agent) == ["en.anna"] && UTCTimestamp.format(during[0].until) == "2026-11-02T13:00:00.000Z")
        #expect(try store.inFollowUp(now: CoachingHistory.later, settings: CoachingHistory.settings).isEmpty)
        #expect(try store.inFollowUp(now: UTCTimestamp.parse("2026-10-20T00:00:00Z")!, settings: CoachingHistory.settings, agent: "en.boris").isEmpty)
    }

    @Test("a module that names rules is measured on those rules' findings only")
    func moduleRules() throws {
        var h = try CoachingHistory()
        try h.flagged([
            ("en.anna", 9, 3, 20, 10),
            ("en.anna", 10, 5, 20, 1),
        ])
        let assignment = try h.retrain()
        var query = RetrainingOutcomeQuery(settings: CoachingHistory.settings, rubric: TestRubric.rubric)
        query.moduleRules = ["de-escalation": ["rude"]]
        let byRule = try #require(try query.measure([assignment], in: h.database, now: CoachingHistory.later).first?.criteria.first)
        #expect(byRule.rules == ["rude"] && byRule.findings.baseline == Tally(problems: 10, total: 20))
        query.moduleRules = ["de-escalation": ["some-other-rule"]]
        let other = try #require(try query.measure([assignment], in: h.database, now: CoachingHistory.later).first?.criteria.first)
        #expect(other.findings.baseline == Tally(problems: 0, total: 20))
    }

    @Test("assignments and their history survive a re-import that replaces the conversations and a new flag run")
    func survivesReimport() throws {
        var h = try CoachingHistory()
        try h.flagged([
            ("en.anna", 9, 3, 40, 20),
            ("en.anna", 10, 5, 40, 2),
        ])
        let assignment = try h.retrain()
        // The same file again, every chat's reply reworded, imported with replace; then flagged again.
        let reworded = h.lines.map { $0.replacingOccurrences(of: "it is done, bye", with: "it is done now, bye") }
        let path = h.scratch.write("again.jsonl", reworded.joined(separator: "\n") + "\n")
        var options = ImportOptions()
        options.replace = true
        let summary = try TranscriptImporter(store: ConversationStore(database: h.database), schedule: .standard, options: options).run(paths: [path])
        #expect(summary.replaced > 0)
        try h.flag()
        let (kept, events) = try RetrainingStore(database: h.database).show(assignment.id)
        #expect(kept == assignment && events.map(\.state) == [.assigned, .completed])
        #expect(try h.outcome(kept).verdict == .improved)
    }

    @Test("two agent ids that differ only in Unicode normalisation are two agents, as the database keeps them")
    func agentsByBytes() throws {
        var h = try CoachingHistory()
        let precomposed = "tr.g\u{00FC}l", combining = "tr.gu\u{0308}l"
        #expect(precomposed == combining)  // Swift compares them as equal: the reason for AgentKey
        h.add(precomposed, month: 9, firstDay: 3, count: 20, rude: 10)
        h.add(precomposed, month: 10, firstDay: 5, count: 20, rude: 0)
        h.add(combining, month: 9, firstDay: 3, count: 20, rude: 0)
        h.add(combining, month: 10, firstDay: 5, count: 20, rude: 20)
        try h.importAll()
        try h.flag()
        let first = try h.retrain(agent: precomposed), second = try h.retrain(agent: combining)
        let outcomes = try RetrainingOutcomeQuery(settings: CoachingHistory.settings, rubric: TestRubric.rubric)
            .measure([first, second], in: h.database, now: CoachingHistory.later)
        let a = try #require(outcomes.first?.criteria.first), b = try #require(outcomes.last?.criteria.first)
        #expect(a.findings.baseline == Tally(problems: 10, total: 20) && a.findings.followUp == Tally(problems: 0, total: 20))
        #expect(b.findings.baseline == Tally(problems: 0, total: 20) && b.findings.followUp == Tally(problems: 20, total: 20))
        #expect(a.leftOutOfTeam.count == 1 && a.findings.teamBaseline.total == 0)  // the other was retrained meanwhile
        #expect(outcomes.map(\.verdict) == [.improved, .worse])
    }

    @Test("no problem before or after is no change only with 30 conversations in each window (the rule of three)")
    func noProblemAtAll() throws {
        let few = RateComparison(source: .findings, baseline: Tally(problems: 0, total: 1), followUp: Tally(problems: 0, total: 1),
                                 teamBaseline: Tally(), teamFollowUp: Tally())
        #expect(few.verdict == .notEnoughData && few.moreNeededBaseline == 29 && few.moreNeededFollowUp == 29)
        let enough = RateComparison(source: .findings, baseline: Tally(problems: 0, total: 30), followUp: Tally(problems: 0, total: 40),
                                    teamBaseline: Tally(), teamFollowUp: Tally())
        #expect(enough.verdict == .noChange)
        // A problem that only appears afterwards asks for the conversations to show it: one of one is not "no change".
        let appears = RateComparison(source: .findings, baseline: Tally(problems: 0, total: 1), followUp: Tally(problems: 1, total: 1),
                                     teamBaseline: Tally(problems: 0, total: 10), teamFollowUp: Tally(problems: 0, total: 10))
        #expect(appears.verdict == .notEnoughData, "\(appears)")
    }

    @Test("a criterion the rubric no longer has is decided by reviews only, and says so")
    func criterionNotInRubric() throws {
        var h = try CoachingHistory()
        try h.flagged([
            ("en.anna", 9, 3, 40, 20),
            ("en.anna", 10, 5, 40, 2),
        ])
        let renamed = try RubricLoader.parse(yaml: TestRubric.yaml.replacingOccurrences(of: "courtesy", with: "politeness"), path: "r.yaml",
                                             contentHash: "renamed")
        let o = try h.outcome(try h.retrain(), rubric: renamed)
        let courtesy = try #require(o.criteria.first)
        #expect(!courtesy.inRubric && courtesy.decidedBy == nil && o.verdict == .notEnoughData)
    }

    @Test("a module's rules narrow their own criterion only: a criterion none of them is on counts all its rules")
    func rulesOnSomeCriteria() throws {
        var h = try CoachingHistory()
        try h.flagged([("en.anna", 9, 3, 20, 10), ("en.anna", 10, 5, 20, 1)])
        let store = RetrainingStore(database: h.database)
        let module = RetrainingModule(name: "de-escalation", title: "Courtesy and greeting", criteria: ["courtesy", "greeting"], rules: ["rude"])
        let id = try store.assign(.init(agent: "en.anna", module: module, dueOn: "2026-10-10", on: CoachingHistory.assigned), by: "sup.olga",
                                  now: CoachingHistory.later, zone: Fixture.utc).assignment.id
        let assignment = try store.move(id, to: .completed, on: CoachingHistory.completed, by: "sup.olga", now: CoachingHistory.later)
        var query = RetrainingOutcomeQuery(settings: CoachingHistory.settings, rubric: TestRubric.rubric)
        query.moduleRules = ["de-escalation": ["rude"]]
        let o = try #require(try query.measure([assignment], in: h.database, now: CoachingHistory.later).first)
        let courtesy = try #require(o.criteria.first { $0.criterion == "courtesy" })
        let greeting = try #require(o.criteria.first { $0.criterion == "greeting" })
        #expect(courtesy.rules == ["rude"] && greeting.rules.isEmpty)
        #expect(greeting.findings.baseline == Tally(problems: 10, total: 20) && greeting.findings.followUp == Tally(problems: 1, total: 20))
        #expect(greeting.verdict == .improved)
    }

    @Test("the team's rate does not decide how many of the agent's conversations are enough")
    func teamRateIsNotTheAgents() {
        let r = RateComparison(source: .findings, baseline: Tally(problems: 0, total: 11), followUp: Tally(problems: 0, total: 11),
                               teamBaseline: Tally(problems: 11, total: 11), teamFollowUp: Tally(problems: 11, total: 11))
        #expect(r.verdict == .notEnoughData && r.moreNeededBaseline == 19 && r.moreNeededFollowUp == 19)
    }

    @Test("a module's pooled effect takes judged comparisons with a team only")
    func pooledTakesJudgedWithATeam() throws {
        var h = try CoachingHistory()
        try h.flagged([("en.anna", 9, 3, 40, 20), ("en.anna", 10, 5, 40, 2), ("en.boris", 9, 3, 40, 4), ("en.boris", 10, 5, 40, 4),
                       ("en.solo", 9, 3, 1, 0), ("en.solo", 10, 5, 1, 1)])
        let outcomes = try RetrainingOutcomeQuery(settings: CoachingHistory.settings, rubric: TestRubric.rubric)
            .measure([try h.retrain(agent: "en.anna"), try h.retrain(agent: "en.solo")], in: h.database, now: CoachingHistory.later)
        #expect(outcomes.map(\.verdict) == [.improved, .notEnoughData])
        let pooled = try #require(ModuleOutcomeSummary.summarize(outcomes).first?.pooledFindings)
        #expect(pooled.count == 1 && abs(pooled.estimate - (outcomes[0].criteria[0].findings.differenceInDifferences?.difference ?? 0)) < 1e-9)
    }
}

@Suite("report retraining: where the retraining stands, per module and per criterion")
struct RetrainingStatusReportTests {
    @Test("open, overdue, completed and cancelled per module; the outcomes of the ones not cancelled, per module and criterion")
    func rows() throws {
        var h = try CoachingHistory()
        try h.flagged([("en.anna", 9, 3, 40, 20), ("en.anna", 10, 5, 40, 2), ("en.boris", 9, 3, 40, 4), ("en.boris", 10, 5, 40, 4), ("en.carl", 9, 3, 10, 1)])
        let improved = try h.retrain()                                   // completed: improved (see the outcome tests)
        let open = try h.retrain(agent: "en.boris", complete: nil)       // due 2026-10-10: overdue on 2026-11-20, too early
        let dropped = try RetrainingStore(database: h.database).move(try h.retrain(agent: "en.carl", complete: nil).id, to: .cancelled, reason: "left the team",
                                                                     on: CoachingHistory.completed, by: "sup.olga", now: CoachingHistory.later)
        let outcomes = try [improved, open].map { try h.outcome($0) }
        let report = RetrainingStatusReport(assignments: [improved, open, dropped], outcomes: outcomes, today: "2026-11-20")
        let module = try #require(report.modules.first)
        #expect(report.modules.count == 1 && module.module == "de-escalation")
        #expect(module.assignments == 3 && module.open == 1 && module.overdue == 1 && module.completed == 1 && module.cancelled == 1)
        #expect(module.outcomes.improved == 1 && module.outcomes.tooEarly == 1 && module.outcomes.worse == 0)
        #expect(report.criteria.map(\.criterion) == ["courtesy"] && report.criteria[0].assignments == 2)
        let csv = report.render(.csv).split(separator: "\r\n")
        #expect(csv.first == "section,module,assignments,open,overdue,completed,cancelled,outcomes.improved,outcomes.no_change,outcomes.worse,outcomes.too_early,outcomes.not_enough_data,criterion")
        #expect(csv.dropFirst().first == "modules,de-escalation,3,1,1,1,1,1,0,0,1,0,")
        #expect(csv.last == "criteria,,2,,,,,1,0,0,0,1,courtesy")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as? [String: Any])
        #expect((json["modules"] as? [[String: Any]])?.first?["overdue"] as? Int == 1)
    }
}
