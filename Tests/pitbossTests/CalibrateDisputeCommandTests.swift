import Foundation
import GRDB
import Testing

@Suite("pitboss calibrate and dispute, end to end")
struct CalibrateDisputeCommandTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "sup.olga"]) }

    func prepare() throws {
        workspace.write("rubric.yaml", ReviewCommandTests.rubric)
        workspace.write("pitboss.yaml", "rubric: rubric.yaml\nreviewers:\n  qa.maria: []\n  qa.tom: []\n  qa.li: []\nsupervisors: [sup.olga, sup.lead]\n")
        let corpus = workspace.corpus("c.jsonl", count: 4)
        #expect(try pitboss.run("import", corpus).status == 0)
        #expect(try pitboss.run("flag").status == 0)
    }

    func count(_ sql: String) throws -> Int {
        try DatabaseQueue(path: workspace.path("pitboss.sqlite")).read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    @Test("three reviewers score through review with piped answers, blind until the creator closes; only then the report")
    func calibrationSession() throws {
        try prepare()
        let refused = try pitboss.run("calibrate", "create", "w1", "--reviewers", "qa.maria,qa.tom,qa.li", "--sample", "2", "--seed", "s", "--as", "qa.maria")
        #expect(refused.status == 77)
        let created = try pitboss.run("calibrate", "create", "w1", "--reviewers", "qa.maria,qa.tom,qa.li", "--sample", "2", "--seed", "s")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("6 tasks queued with reason calibration"))
        for (reviewer, courtesy) in [("qa.maria", "p"), ("qa.tom", "p"), ("qa.li", "f")] {
            // Each answers two conversations: courtesy, greeting, sla, no comment, submit, then the next one, then quit.
            let answers = Array(repeating: "\(courtesy)\np\nn\n\ns\nn\n", count: 2).joined() + "q\n"
            let run = try pitboss.run(["review", "next", "--as", reviewer], input: answers)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("Calibration session w1: score it as you would for real"))
            #expect(run.stdout.components(separatedBy: "Stored calibration answers C").count == 3, "\(run.stdout)")
            #expect(!run.stdout.contains("(confirmed)") && !run.stdout.contains("(dismissed)"))
        }
        #expect(try count("SELECT COUNT(*) FROM reviews") == 0)
        let blind = try pitboss.run("calibrate", "report", "w1")
        #expect(blind.status == 77)
        #expect(blind.stderr.contains("its answers stay blind until sup.olga closes it"))
        let status = try pitboss.run("calibrate", "status", "w1")
        #expect(status.stdout.contains("qa.li     2 of 2"))
        #expect(try pitboss.run("calibrate", "close", "w1", "--as", "sup.lead").status == 77)
        #expect(try pitboss.run("calibrate", "close", "w1").status == 0)
        let report = try pitboss.run("calibrate", "report", "w1")
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("courtesy") && report.stdout.contains("qa.li"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(pitboss.run("calibrate", "report", "w1", "--format", "json").stdout.utf8)) as? [String: Any])
        let criteria = try #require(json["criteria"] as? [[String: Any]])
        #expect(criteria.first { $0["criterion"] as? String == "courtesy" }?["percent"] as? Double == 1.0 / 3.0)
        #expect(try pitboss.run("calibrate", "trend").stdout.contains("Needs work: said after two sessions at least"))
        #expect(try pitboss.run("calibrate", "status").stdout.range(of: #"w1 +sup\.olga .* closed "#, options: .regularExpression) != nil)  // without a name: the sessions
        #expect(try pitboss.run("calibrate", "report", "w1", "--format", "csv").stdout.hasPrefix("section,"))
    }

    @Test("two arbiters deciding one dispute at once: one wins, the other is told and nothing of theirs is stored")
    func concurrentDecisions() throws {
        try prepare()
        #expect(try pitboss.run("sample", "--size", "1", "--seed", "x").status == 0)
        let scored = try pitboss.run(["review", "next", "--as", "qa.maria"], input: "c\nf\np\nn\n\ns\nq\n")
        #expect(scored.status == 0, "\(scored.stderr)")
        let opened = try pitboss.run("dispute", "open", "1", "--criterion", "courtesy", "--reason", "I quoted the player", "--as", "en.a1")
        #expect(opened.status == 0, "\(opened.stderr)")
        let refusedReviewer = try pitboss.run("dispute", "decide", "1", "--reject", "--reason", "no", "--as", "qa.tom")
        #expect(refusedReviewer.status == 77)  // not a supervisor
        // Two processes started together, each deciding the other way.
        let deciders = try [["--accept", "--set", "courtesy=pass", "--reason", "quoting", "--as", "sup.olga"], ["--reject", "--reason", "rude", "--as", "sup.lead"]]
            .enumerated().map { n, words in
                let process = Process()
                process.executableURL = Pitboss.binary
                process.arguments = ["dispute", "decide", "1"] + words
                process.currentDirectoryURL = workspace.url
                var environment = pitboss.environment
                environment["PITBOSS_BUSY_TIMEOUT"] = "60"
                process.environment = environment
                _ = FileManager.default.createFile(atPath: workspace.path("\(n).out"), contents: nil)
                let out = try FileHandle(forWritingTo: workspace.url.appendingPathComponent("\(n).out"))
                process.standardOutput = out
                process.standardError = out
                process.standardInput = FileHandle.nullDevice
                return process
            }
        for process in deciders { try process.run() }
        for process in deciders { process.waitUntilExit() }
        let outputs = try ["0.out", "1.out"].map { try String(contentsOfFile: workspace.path($0), encoding: .utf8) }
        #expect(outputs.filter { $0.contains("Dispute #1 accepted") || $0.contains("Dispute #1 rejected") }.count == 1, "\(outputs)")
        #expect(outputs.filter { $0.contains("dispute #1 was accepted already") || $0.contains("dispute #1 was rejected already") }.count == 1, "\(outputs)")
        #expect(try count("SELECT COUNT(*) FROM disputes WHERE status IN ('accepted', 'rejected')") == 1)
        #expect(try count("SELECT COUNT(*) FROM reviews") == (outputs.contains { $0.contains("accepted by") } ? 2 : 1))
        let list = try pitboss.run("dispute", "list", "--format", "csv")
        #expect(list.stdout.hasPrefix("id,review,conversation,agent,reviewer,criteria,reason,opened_by,opened_at,status"))
    }
}
