import Foundation
import Testing

@Suite("pitboss retrain, end to end: assign, follow, list, show")
struct RetrainCommandTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.lead"]) }

    func prepare() throws {
        let rubric = Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path
        workspace.write("pitboss.yaml", """
            rubric: \(rubric)
            modules:
              bonus-terms: {title: Bonus terms and wagering, criteria: [accuracy]}
              de-escalation: {title: Staying courteous under pressure, criteria: [courtesy]}
            """)
        _ = workspace.corpus("a.jsonl", count: 7)
        #expect(try pitboss.run("import", "a.jsonl").status == 0)
    }

    @Test("assign, start, complete; a third assignment on a criterion within 90 days says so loudly")
    func workflow() throws {
        try prepare()
        let first = try pitboss.run("retrain", "assign", "en.a1", "--module", "de-escalation", "--due", "2099-01-31", "--evidence", "c-1",
                                    "--note", "rude twice", "--on", "2026-11-01")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Assigned retraining #1: en.a1, module de-escalation (courtesy), due 2099-01-31."))
        #expect(try pitboss.run("retrain", "start", "1", "--on", "2026-11-02").status == 0)
        #expect(try pitboss.run("retrain", "complete", "1", "--on", "2026-11-10").stdout.contains("is completed"))
        #expect(try pitboss.run("retrain", "assign", "en.a1", "--module", "de-escalation", "--due", "2099-02-28").stdout.contains("A repeat: #1"))
        let third = try pitboss.run("retrain", "assign", "en.a1", "--module", "de-escalation", "--due", "2099-03-31")
        #expect(third.stdout.contains("Attention: retraining number 3 on courtesy since 2026-11-01"), "\(third.stdout)")
        let shown = try pitboss.run("retrain", "show", "1", "--format", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let events = try #require(object["events"] as? [[String: Any]])
        #expect(events.map { $0["state"] as? String } == ["assigned", "started", "completed"])
        #expect(events.first?["at"] as? String == "2026-11-01T00:00:00.000Z")
        let list = try pitboss.run("retrain", "list", "--agent", "en.a1", "--format", "csv")
        #expect(list.stdout.hasPrefix("id,agent,module,criteria,state,state_at,due_on,overdue,repeat_of,assigned_by,assigned_at"))
        #expect(list.stdout.split(separator: "\r\n").count == 4)
    }

    @Test("unknown modules and criteria are listed; completing a cancelled plan is refused; nothing is stored")
    func refusals() throws {
        try prepare()
        let module = try pitboss.run("retrain", "assign", "en.a1", "--module", "kyc", "--due", "2099-01-31")
        #expect(module.status == 64 && module.stderr.contains("modules: bonus-terms, de-escalation"), "\(module.stderr)")
        let criterion = try pitboss.run("retrain", "assign", "en.a1", "--module", "bonus-terms", "--criterion", "tone", "--due", "2099-01-31")
        #expect(criterion.status == 64 && criterion.stderr.contains("'tone' is not a criterion of the rubric"), "\(criterion.stderr)")
        let date = try pitboss.run("retrain", "assign", "en.a1", "--module", "bonus-terms", "--due", "soon")
        #expect(date.status == 64)
        let window = try pitboss.run("retrain", "suggest", "--since", "2026-11-01", "--until", "2026-10-01")
        #expect(window.status == 64 && window.stderr.contains("is not before --until"), "\(window.stderr)")
        #expect(try pitboss.run("retrain", "assign", "en.a1", "--module", "bonus-terms", "--due", "2099-01-31").status == 0)
        #expect(try pitboss.run("retrain", "cancel", "1", "--reason", "moved to another team").status == 0)
        let complete = try pitboss.run("retrain", "complete", "1")
        #expect(complete.status == 77 && complete.stderr.contains("assignment 1 is cancelled"))
        #expect(try pitboss.run("retrain", "list", "--format", "json").stdout.contains("\"state\" : \"cancelled\""))
    }

    /// The sample transcripts' coaching story: en.kevin rude in 10 of 14 chats before 7 November, 1 of 14 after.
    func prepareCoaching(flagSince: String? = nil) throws {
        let root = Pitboss.packageRoot
        workspace.write("pitboss.yaml", """
            rubric: \(root.appendingPathComponent("Rubrics/casino-support.yaml").path)
            modules:
              de-escalation: {title: Staying courteous under pressure, criteria: [courtesy]}
            retraining: {baseline_days: 30, follow_up_days: 14, follow_up_minimum: 20}
            """)
        #expect(try pitboss.run("import", root.appendingPathComponent("Transcripts/chats/coaching-2026-10-11.jsonl").path).status == 0)
        #expect(try pitboss.run(["flag"] + (flagSince.map { ["--since", $0] } ?? [])).status == 0)
        #expect(try pitboss.run("retrain", "assign", "en.kevin", "--module", "de-escalation", "--due", "2026-11-14", "--on", "2026-11-07T10:00").status == 0)
        #expect(try pitboss.run("retrain", "complete", "1", "--on", "2026-11-09T16:00").status == 0)
    }

    @Test("outcome: improved, with the rates, the team's change and the rubric; outcomes as CSV and JSON")
    func outcome() throws {
        try prepareCoaching()
        let one = try pitboss.run("retrain", "outcome", "1")
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains("Verdict: improved") && one.stdout.contains("10/14 71.4 %") && one.stdout.contains("1/14 7.1 %"), "\(one.stdout)")
        #expect(one.stdout.contains("follow-up  2026-11-09 17:00 – 2026-11-23 17:00 UTC"), "\(one.stdout)")
        let json = try pitboss.run("retrain", "outcome", "1", "--format", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["verdict"] as? String == "improved")
        let criteria = try #require(object["criteria"] as? [[String: Any]])
        #expect((criteria.first?["findings"] as? [String: Any])?["difference_in_differences"] is [String: Any])
        let csv = try pitboss.run("retrain", "outcomes", "--format", "csv")
        #expect(csv.stdout.hasPrefix("id,agent,module,state,completed,verdict,criterion,criterion_verdict,decided_by,findings_baseline_problems"))
        #expect(csv.stdout.contains("1,en.kevin,de-escalation,completed,2026-11-09T16:00:00.000Z,improved,courtesy,improved,findings,10,14,1,14"), "\(csv.stdout)")
        let table = try pitboss.run("retrain", "outcomes", "--module", "de-escalation")
        #expect(table.stdout.contains("By module") && table.stdout.contains("de-escalation            1         1"), "\(table.stdout)")
        let agent = try pitboss.run("retrain", "outcomes", "--agent", "en.kevn")
        #expect(agent.status == 64 && agent.stderr.contains("similar id: en.kevin"), "\(agent.stderr)")
        let criterion = try pitboss.run("retrain", "outcomes", "--criterion", "tone")
        #expect(criterion.status == 64 && criterion.stderr.contains("'tone' is not a criterion of the rubric"))
    }

    @Test("one rubric for both windows: unevaluated conversations are left out and named; --reevaluate evaluates them")
    func reevaluate() throws {
        try prepareCoaching(flagSince: "2026-11-08")
        let before = try pitboss.run("retrain", "outcome", "1")
        #expect(before.stdout.contains("Verdict: not enough data"), "\(before.stdout)")
        #expect(before.stdout.contains("left out: 14 baseline and 0 follow-up conversations of the agent, 28 and 0 of the rest of the team"), "\(before.stdout)")
        #expect(before.stdout.contains("To count them: pitboss retrain outcome 1 --reevaluate"))
        let after = try pitboss.run("retrain", "outcome", "1", "--reevaluate")
        #expect(after.status == 0 && after.stdout.contains("Verdict: improved"), "\(after.stdout)\(after.stderr)")
        #expect(after.stderr.contains("Evaluated 42 conversations in the windows"), "\(after.stderr)")
    }

    @Test("a cancelled assignment has no outcome; sampling weighs agents in an open follow-up")
    func cancelledAndBoost() throws {
        try prepare()
        #expect(try pitboss.run("retrain", "assign", "en.a1", "--module", "de-escalation", "--due", "2099-01-31").status == 0)
        #expect(try pitboss.run("retrain", "cancel", "1", "--reason", "left the company").status == 0)
        let cancelled = try pitboss.run("retrain", "outcome", "1")
        #expect(cancelled.status == 77 && cancelled.stderr.contains("a cancelled retraining has no outcome"), "\(cancelled.stderr)")
        #expect(try pitboss.run("retrain", "outcomes").stdout.contains("No retraining outcome to show"))
        // Completed on 20 November with a ten-year follow-up: the window is open, and --boost-retraining weighs en.a2.
        workspace.write("pitboss.yaml", (try String(contentsOfFile: workspace.path("pitboss.yaml"), encoding: .utf8)) + "\nretraining: {follow_up_days: 3650}\n")
        #expect(try pitboss.run("retrain", "assign", "en.a2", "--module", "de-escalation", "--due", "2099-01-31", "--on", "2026-11-19").status == 0)
        #expect(try pitboss.run("retrain", "complete", "2", "--on", "2026-11-20").status == 0)
        let sample = try pitboss.run("sample", "--size", "3", "--seed", "s", "--dry-run", "--boost-retraining", "4")
        #expect(sample.status == 0 && sample.stdout.contains("Boosts: en.a2×4"), "\(sample.stdout)\(sample.stderr)")
        #expect(try pitboss.run("sample", "--size", "3", "--boost-retraining", "0").status == 64)
        // The reviewer of a conversation in the window is told, before anything else, that en.a2 is in follow-up.
        #expect(try pitboss.run("sample", "--size", "7", "--seed", "all").status == 0)
        let review = try pitboss.run(["review", "c-2", "--as", "qa.maria"], input: "abandon\n")
        #expect(review.stdout.contains("Agent en.a2 is in the follow-up of retraining #2 (de-escalation: courtesy) until"), "\(review.stdout)")
        let other = try pitboss.run(["review", "c-3", "--as", "qa.maria"], input: "abandon\n")
        #expect(other.status == 0 && !other.stdout.contains("follow-up"), "\(other.stdout)")
    }
}
