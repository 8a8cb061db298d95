import Foundation
import Testing

@Suite("pitboss report, end to end: every report in every format, files, and the HTML page never on a terminal")
struct ReportCommandTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.lead"]) }

    func prepare() throws {
        let rubric = Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path
        workspace.write("pitboss.yaml", "rubric: \(rubric)\ntimezone: Europe/Malta\n")
        _ = workspace.corpus("a.jsonl", count: 12)
        #expect(try pitboss.run("import", "a.jsonl").status == 0)
        #expect(try pitboss.run("flag").status == 0)
    }

    @Test("agents, agent, shifts, shift, reviewers, rules and retraining write table, JSON, CSV and HTML")
    func everyFormat() throws {
        try prepare()
        let agent = try #require(try pitboss.run("stats", "--format", "json").stdout.firstMatch(of: /"key" : "(en\.[a-z0-9]+)"/)?.1)
        let shift = try #require(try pitboss.run("stats", "--format", "json").stdout.firstMatch(of: /"key" : "(\d{4}-\d\d-\d\d-[a-z]+)"/)?.1)
        let reports: [[String]] = [["agents"], ["agent", String(agent)], ["shifts"], ["shift", String(shift)], ["reviewers"], ["rules"], ["retraining"]]
        for report in reports {
            let table = try pitboss.run(["report"] + report)
            #expect(table.status == 0 && !table.stdout.isEmpty, "\(report): \(table.stderr)")
            let json = try pitboss.run(["report"] + report + ["--format", "json"])
            #expect((try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))) != nil, "\(report): \(json.stdout.prefix(200))")
            let csv = try pitboss.run(["report"] + report + ["--format", "csv"])
            #expect(csv.status == 0 && csv.stdout.contains("\r\n"), "\(report)")
            let file = "\(report[0]).html"
            let html = try pitboss.run(["report"] + report + ["--format", "html", "-o", file])
            #expect(html.status == 0 && html.stdout.isEmpty, "\(report): \(html.stderr)")
            let page = try String(contentsOfFile: workspace.path(file), encoding: .utf8)
            #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("Europe/Malta"), "\(report)")
            // Nothing reviewed or assigned yet: those pages say so instead of drawing an empty chart.
            #expect(page.contains("<svg") == !["reviewers", "rules", "retraining"].contains(report[0]), "\(report)")
        }
    }

    @Test("a name nobody has is an error with the closest ones; --weeks out of range and --agent on one agent's page are usage errors")
    func refusals() throws {
        try prepare()
        let agent = try pitboss.run("report", "agent", "en.a99x")
        #expect(agent.status == 65 && agent.stderr.contains("no conversation is stored for agent 'en.a99x'"), "\(agent.stderr)")
        let shift = try pitboss.run("report", "shift", "2026-11-21-nite")
        #expect(shift.status == 65 && shift.stderr.contains("similar: 2026-11-21-night"), "\(shift.stderr)")
        // A filter that names nothing is the same error in every report, not an empty report.
        for report in ["agents", "shifts", "reviewers", "rules"] {
            let filtered = try pitboss.run("report", report, "--agent", "en.a9")
            #expect(filtered.status == 65 && filtered.stderr.contains("no conversation is stored for agent 'en.a9'; similar: en.a0"), "\(report): \(filtered.stderr)")
            #expect(try pitboss.run("report", report, "--language", "xx").status == 65)
        }
        #expect(try pitboss.run("report", "agents", "--weeks", "0").status == 64)
        #expect(try pitboss.run("report", "agent", "en.a1", "--agent", "en.a2").status == 64)
        #expect(try pitboss.run("report", "agents", "--format", "pdf").status == 64)
        let unwritable = try pitboss.run("report", "agents", "--format", "html", "-o", "/nonexistent/dir/x.html")
        #expect(unwritable.status != 0 && unwritable.stderr.contains("cannot write /nonexistent/dir/x.html"), "\(unwritable.stderr)")
    }
}
