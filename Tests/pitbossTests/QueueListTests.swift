import Foundation
import Testing

@Suite("queue list and assign as a supervisor uses them: what is still to do, a page of it, assigned items as such")
struct QueueListTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.lead"]) }

    func prepare(_ count: Int = 60) throws {
        let rubric = Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path
        workspace.write("pitboss.yaml", "rubric: \(rubric)\n")
        _ = workspace.corpus("a.jsonl", count: count)
        #expect(try pitboss.run("import", "a.jsonl").status == 0)
        #expect(try pitboss.run("flag").status == 0)  // every conversation lacks a closing: all queued
    }

    @Test("a table shows the first 50, most urgent first, and says how many more; JSON and CSV have them all; --all and --limit")
    func paging() throws {
        try prepare()
        let table = try pitboss.run("queue", "list").stdout
        #expect(table.split(separator: "\n").count == 1 + 50 + 1 + 1, "\(table)")  // header, 50 rows, the count, the "more" line
        #expect(table.contains("… and 10 more (60 in all; --limit N or --all to see them)"))
        #expect(try pitboss.run("queue", "list", "--all").stdout.split(separator: "\n").count == 1 + 60 + 1)
        #expect(try pitboss.run("queue", "list", "--limit", "5").stdout.contains("… and 55 more"))
        #expect(try pitboss.run("queue", "list", "--format", "csv").stdout.split(separator: "\r\n").count == 61)
        #expect(try pitboss.run("queue", "list", "--all", "--limit", "5").status == 64)
    }

    @Test("scored items are left out unless asked for; an item a supervisor assigned shows as assigned")
    func statuses() throws {
        try prepare(4)
        let scored = try pitboss.run("score", "c-0", "--set", "greeting=pass,courtesy=pass,accuracy=pass,closing=fail,responsible-gambling=na,sla=na,verification=na,script=pass")
        #expect(scored.status == 0, "\(scored.stderr)")
        #expect(!(try pitboss.run("queue", "list", "--format", "csv").stdout.contains(",c-0,")))
        #expect(try pitboss.run("queue", "list", "--include-finished", "--format", "csv").stdout.contains(",c-0,"))
        #expect(try pitboss.run("queue", "list", "--status", "scored", "--format", "csv").stdout.contains(",c-0,"))
        #expect(try pitboss.run("queue", "assign", "c-1", "--to", "qa.maria").stdout.contains("Assigned 1 item to qa.maria"))
        let csv = try pitboss.run("queue", "list", "--status", "assigned", "--format", "csv").stdout
        #expect(csv.contains(",c-1,") && csv.contains(",assigned,qa.maria,") && !csv.contains(",c-2,"), "\(csv)")
        #expect(!(try pitboss.run("queue", "list", "--status", "open", "--format", "csv").stdout.contains(",c-1,")))
    }

    @Test("assign by items, all or none; by language and shift; a claimed item or the reviewer's own conversation is refused")
    func assign() throws {
        try prepare(6)
        #expect(try pitboss.run("queue", "claim", "c-2", "--as", "qa.oleg").status == 0)
        let refused = try pitboss.run("queue", "assign", "c-1", "c-2", "--to", "qa.maria")
        #expect(refused.status == 77 && refused.stderr.contains("claimed by qa.oleg; nothing was assigned"), "\(refused.stderr)")
        #expect(!(try pitboss.run("queue", "list", "--status", "assigned", "--format", "csv").stdout.contains(",c-1,")))
        workspace.write("pitboss.yaml", "rubric: \(Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path)\nreviewers:\n  qa.anna: [en.a3]\n  qa.maria: []\n")
        let own = try pitboss.run("queue", "assign", "c-3", "--to", "qa.anna")
        #expect(own.status == 77 && own.stderr.contains("nobody reviews their own conversation"), "\(own.stderr)")
        let byShift = try pitboss.run("queue", "assign", "--to", "qa.maria", "--count", "2", "--shift", "2026-11-21-night", "--language", "en")
        #expect(byShift.stdout.contains("Assigned 2 items to qa.maria"), "\(byShift.stderr)")
        #expect(try pitboss.run("queue", "assign", "--to", "qa.maria", "--language", "el").status == 65)
        #expect(try pitboss.run("queue", "assign", "c-4", "--to", "qa.maria", "--count", "3").status == 64)
    }
}

@Suite("A review session goes on after a submit")
struct ReviewSessionLoopTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.maria"]) }

    @Test("after a submit, n takes the next item and q (or the end of the input) quits; each review is stored")
    func nextThenQuit() throws {
        let rubric = Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path
        workspace.write("pitboss.yaml", "rubric: \(rubric)\n")
        _ = workspace.corpus("a.jsonl", count: 3)
        #expect(try pitboss.run("import", "a.jsonl").status == 0)
        #expect(try pitboss.run("flag").status == 0)
        // Each conversation: one finding (no closing), confirmed; Enter at the eight criteria takes the suggestions; no
        // comment; submit.
        let one = ["c"] + Array(repeating: "", count: 8) + ["", "s"]
        let run = try pitboss.run(["review", "next"], input: (one + ["n"] + one + ["q"]).joined(separator: "\n") + "\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "Stored review #").count == 3, "\(run.stdout)")
        #expect(run.stdout.contains("Next item? [n]ext, [q]uit"))
        #expect(try pitboss.run("queue", "list", "--status", "scored", "--format", "csv").stdout.split(separator: "\r\n").count == 3)
    }
}

@Suite("check: several targets, and only some rules")
struct CheckSeveralTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.maria"]) }

    @Test("each target checked in turn; --rule keeps those rules' findings and met rules; a rule nobody has is an error with the closest")
    func several() throws {
        workspace.write("pitboss.yaml", "rubric: \(Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path)\n")
        _ = workspace.corpus("a.jsonl", count: 2)
        #expect(try pitboss.run("import", "a.jsonl").status == 0)
        let both = try pitboss.run("check", "c-0", "c-1", "--rule", "closing-missing", "--format", "json")
        let checked = try #require(try JSONSerialization.jsonObject(with: Data(both.stdout.utf8)) as? [[String: Any]], "\(both.stderr)")
        #expect(checked.map { $0["conversation"] as? String } == ["c-0", "c-1"])
        for item in checked {
            let rules = Set(((item["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String }
                            + ((item["passes"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String })
            #expect(rules == ["closing-missing"], "\(rules)")
        }
        let typo = try pitboss.run("check", "c-0", "--rule", "closing-misisng")
        #expect(typo.status == 65 && typo.stderr.contains("similar: closing-missing"), "\(typo.stderr)")
    }
}
