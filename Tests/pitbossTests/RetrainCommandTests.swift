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
        #expect(try pitboss.run("retrain", "assign", "en.a1", "--module", "bonus-terms", "--due", "2099-01-31").status == 0)
        #expect(try pitboss.run("retrain", "cancel", "1", "--reason", "moved to another team").status == 0)
        let complete = try pitboss.run("retrain", "complete", "1")
        #expect(complete.status == 77 && complete.stderr.contains("assignment 1 is cancelled"))
        #expect(try pitboss.run("retrain", "list", "--format", "json").stdout.contains("\"state\" : \"cancelled\""))
    }
}
