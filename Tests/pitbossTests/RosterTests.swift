import Foundation
import Testing

@Suite("People and roles: who may assign and decide, and who an action is recorded as")
struct RosterTests {
    let workspace = Workspace()
    func pitboss(_ user: String?) -> Pitboss {
        var environment = ["USER": "root"]
        if let user { environment["PITBOSS_USER"] = user }
        return Pitboss(directory: workspace.url, environment: environment)
    }

    func prepare(roster: String) throws {
        let rubric = Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path
        workspace.write("pitboss.yaml", "rubric: \(rubric)\nmodules:\n  de-escalation: {title: Courtesy, criteria: [courtesy]}\n" + roster)
        _ = workspace.corpus("a.jsonl", count: 4)
        #expect(try pitboss("sup.olga").run("import", "a.jsonl").status == 0)
        #expect(try pitboss("sup.olga").run("flag").status == 0)
    }

    @Test("a reviewer is refused what supervisors do (exit 77); a supervisor does it; a name nobody declared is an error with the closest")
    func roles() throws {
        try prepare(roster: "reviewers:\n  qa.maria: [en.maria]\n  qa.oleg: []\nsupervisors: [sup.olga]\n")
        let assign = try pitboss("qa.maria").run("queue", "assign", "c-1", "--to", "qa.oleg")
        #expect(assign.status == 77 && assign.stderr.contains("only a supervisor may assign work; qa.maria is a reviewer (supervisors: sup.olga)"), "\(assign.stderr)")
        #expect(try pitboss("sup.olga").run("queue", "assign", "c-1", "--to", "qa.oleg").status == 0)
        let typo = try pitboss("sup.olga").run("queue", "assign", "c-2", "--to", "qa.olег")
        #expect(typo.status == 65 && typo.stderr.contains("nobody called 'qa.olег' is on the workspace's roster"), "\(typo.stderr)")
        let close = try pitboss("sup.olga").run("queue", "assign", "c-2", "--to", "qa.olge")
        #expect(close.stderr.contains("similar: qa.oleg"), "\(close.stderr)")
        #expect(try pitboss("qa.oleg").run("queue", "claim", "c-3").status == 0)
        let force = try pitboss("qa.maria").run("queue", "release", "c-3", "--force")
        #expect(force.status == 77 && force.stderr.contains("only a supervisor may use --force, which takes back work someone else holds"), "\(force.stderr)")
        #expect(try pitboss("sup.olga").run("queue", "release", "c-3", "--force").status == 0)
        let retrain = try pitboss("qa.maria").run("retrain", "assign", "en.a1", "--module", "de-escalation", "--due", "2099-01-31")
        #expect(retrain.status == 77, "\(retrain.stderr)")
        #expect(try pitboss("sup.olga").run("retrain", "assign", "en.a1", "--module", "de-escalation", "--due", "2099-01-31").status == 0)
        #expect(try pitboss("qa.maria").run("retrain", "complete", "1").status == 77)
        // Reviewing stays everyone's: a reviewer claims and scores.
        #expect(try pitboss("qa.maria").run("queue", "claim").status == 0)
    }

    @Test("without a roster everything works as before, with a hint where it matters; the OS user is named when it is who acts")
    func noRoster() throws {
        try prepare(roster: "")
        let assign = try pitboss("anyone").run("queue", "assign", "c-1", "--to", "qa.oleg")
        #expect(assign.status == 0 && assign.stderr.contains("declares no supervisors, so anyone may assign work"), "\(assign.stderr)")
        let asRoot = try pitboss(nil).run("queue", "claim", "c-2")
        #expect(asRoot.status == 0 && asRoot.stderr.contains("acting as 'root', the OS user; what this command records is recorded under that name; name yourself with --as NAME or PITBOSS_USER"), "\(asRoot.stderr)")
        #expect(try pitboss(nil).run("queue", "claim", "c-3", "--as", "qa.maria").stderr.isEmpty)
    }
}

@Suite("Names as the roster spells them; empty values refused")
struct NameSpellingTests {
    let workspace = Workspace()

    @Test("an item assigned to QA.MARIA is qa.maria's; --as with spaces or blank; an empty list value is a usage error")
    func spelling() throws {
        let pitboss = Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "sup.olga"])
        let rubric = Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path
        workspace.write("pitboss.yaml", "rubric: \(rubric)\nreviewers: {qa.maria: []}\nsupervisors: [sup.olga]\n")
        _ = workspace.corpus("a.jsonl", count: 3)
        #expect(try pitboss.run("import", "a.jsonl").status == 0)
        #expect(try pitboss.run("flag").status == 0)
        #expect(try pitboss.run("queue", "assign", "c-1", "--to", "QA.MARIA").stdout.contains("to qa.maria"))
        #expect(try pitboss.run("queue", "list", "--mine", "--as", " Qa.Maria ", "--format", "csv").stdout.contains(",c-1,"))
        #expect(try pitboss.run("queue", "claim", "--as", "").status == 64)
        #expect(try pitboss.run(["queue", "list"], input: "").status == 0)
        for empty in [["findings", "--rule", ""], ["findings", "--rule", "a,"], ["sample", "--size", "1", "--language", ","],
                      ["queue", "assign", "--to", "qa.maria", "--shift", ""], ["report", "agents", "--language", ""]] {
            let run = try pitboss.run(empty)
            #expect(run.status == 64 && run.stderr.contains("an empty value"), "\(empty): \(run.stderr)")
        }
        #expect(try pitboss.run("import", "--format", "jsonl", "a.jsonl").stderr.contains("--input-format jsonl"))
    }
}
