import Foundation
import Testing

/// Request values are checked by the command line, in its own words (the flag), before the library is asked.
@Suite("Usage errors name the flag; the library's remedies are worded as commands")
struct UsageWordingTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.lead"]) }

    @Test("out-of-range counts and sizes are refused with 64 and the flag", arguments: [
        (["queue", "assign", "--to", "maria", "--count", "0"], "--count must be at least 1"),
        (["sample", "--size", "0"], "--size must be at least 1"),
        (["sample", "--per-agent", "0"], "--per-agent must be at least 1"),
        (["sample", "--confidence", "1.5", "--margin", "0.05"], "--confidence must be between 0 and 1"),
        (["sample", "--size", "3", "--min-per-agent=-1"], "--min-per-agent must be 0 or more"),
        (["queue", "skip", "1", "--why", "  "], "say why the item is skipped"),
        (["queue", "claim", "--lease", "0"], "--lease must be a number of minutes from 1 to 1440"),
    ])
    func outOfRange(arguments: [String], message: String) throws {
        _ = workspace.corpus("shift.jsonl", count: 2)
        #expect(try pitboss.run("import", "shift.jsonl").status == 0)
        let run = try pitboss.run(arguments)
        #expect(run.status == 64, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
    }

    @Test("a database that is not there yet says how to make one")
    func noDatabase() throws {
        let run = try pitboss.run("stats")
        #expect(run.status == 66)
        #expect(run.stderr.contains("no database here yet; import transcripts first (pitboss import PATH), or name another database with --db"))
    }

    @Test("a rejected record's remedy is worded as this command line's options")
    func recordRemedies() throws {
        workspace.write("w.json", #"{"text":"hi","segments":[{"id":0,"seek":0,"start":0.0,"end":1.0,"text":" hi"}],"language":"english"}"#)
        let unnamed = try pitboss.run("import", "w.json", "--agent", "en.anna", "--started-at", "2026-11-21T22:00:00Z")
        #expect(unnamed.status == 65)
        #expect(unnamed.stderr.contains("this turn names no speaker; map unnamed speech with --roles \"*=customer\""), "\(unnamed.stderr)")
        let noAgent = try pitboss.run("import", "w.json", "--roles", "*=agent", "--started-at", "2026-11-21T22:00:00Z")
        #expect(noAgent.stderr.contains("missing agent id; add it to the record, to a sidecar NAME.meta.json, or pass --agent"), "\(noAgent.stderr)")

        _ = workspace.corpus("a.jsonl", count: 1)
        #expect(try pitboss.run("import", "a.jsonl").status == 0)
        workspace.write("b.jsonl", try String(contentsOfFile: workspace.path("a.jsonl"), encoding: .utf8).replacingOccurrences(of: "Good evening", with: "Hello"))
        let conflict = try pitboss.run("import", "b.jsonl")
        #expect(conflict.stderr.contains("left as it was; re-run with --replace to replace it"), "\(conflict.stderr)")

        let badDefault = try pitboss.run("import", "a.jsonl", "--channel", "pigeon")
        #expect(badDefault.status == 64)
        #expect(badDefault.stderr.contains("--channel: 'pigeon' is not a channel"))
    }

    @Test("what a newcomer met: items named by conversation, unknown ids named, every missing field at once, no empty sample")
    func newcomerEdges() throws {
        _ = workspace.corpus("a.jsonl", count: 3)
        #expect(try pitboss.run("import", "a.jsonl").status == 0)
        #expect(try pitboss.run("sample", "--size", "2", "--seed", "s").status == 0)
        let item = try #require(try pitboss.run("queue", "list", "--format", "csv").stdout.split(separator: "\r\n").dropFirst().first?.split(separator: ","))
        let conversation = String(item[1])
        #expect(try pitboss.run("queue", "claim", conversation).status == 0)
        #expect(try pitboss.run("queue", "release", conversation).stdout.contains("is back in the open queue"))
        #expect(try pitboss.run("queue", "skip", "#\(item[0])", "--why", "test chat").status == 0)

        let unknown = try pitboss.run("findings", "--conversation", "nope")
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("no conversation with id 'nope' is stored"))
        #expect(try pitboss.run("findings", "--agent", "en.nobody").stderr.contains("no conversation is stored for agent 'en.nobody'"))

        workspace.write("xx.jsonl", try String(contentsOfFile: workspace.path("a.jsonl"), encoding: .utf8)
            .replacingOccurrences(of: #""language":"en""#, with: #""language":"xx""#).replacingOccurrences(of: #""id":"c-"#, with: #""id":"x-"#))
        #expect(try pitboss.run("import", "xx.jsonl").stderr.contains("'xx' is not an ISO 639-1 language code"))

        workspace.write("bare.srt", "1\n00:00:01,000 --> 00:00:02,000\nhello\n")
        let bare = try pitboss.run("import", "bare.srt", "--roles", "*=customer")
        #expect(bare.stderr.contains("missing language, agent id and start time; add them to the record, to a sidecar NAME.meta.json, or pass --language --agent --started-at"), "\(bare.stderr)")

        let empty = try pitboss.run("sample", "--size", "2", "--agent", "en.nobody")
        #expect(empty.status == 65)
        #expect(empty.stderr.contains("no conversation is stored for agent 'en.nobody'; known: en.a0"), "\(empty.stderr)")

        for command in [["doctor"], ["queue", "claim"], ["score", "1"]] {
            let csv = try pitboss.run(command + ["--format", "csv"])
            #expect(csv.status == 64, "\(command)")  // each accepts exactly the formats it can write
        }
        #expect(try pitboss.run("doctor").stdout.contains("journal_mode       wal"))
    }

    @Test("rubric explain takes the workspace's rubric when only a rule is named; --mine lists what is held now, not what was scored")
    func explainAndMine() throws {
        let rubric = Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path
        workspace.write("pitboss.yaml", "rubric: \(rubric)\n")
        let explained = try pitboss.run("rubric", "explain", "greeting-missing")
        #expect(explained.status == 0, "\(explained.stderr)")
        #expect(try pitboss.run("rubric", "explain", rubric, "greeting-missing").stdout == explained.stdout)

        _ = workspace.corpus("a.jsonl", count: 2)
        #expect(try pitboss.run("import", "a.jsonl").status == 0)
        #expect(try pitboss.run("sample", "--size", "2", "--seed", "s").status == 0)
        #expect(try pitboss.run("queue", "claim", "--as", "qa.ivan").status == 0)
        #expect(try pitboss.run("score", "1", "--as", "qa.ivan", "--set", "greeting=pass,courtesy=pass,accuracy=pass,closing=pass,responsible-gambling=na,sla=na,verification=na,script=pass").status == 0)
        #expect(try pitboss.run("queue", "claim", "--as", "qa.ivan").status == 0)
        let mine = try pitboss.run("queue", "list", "--mine", "--as", "qa.ivan", "--format", "json")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(mine.stdout.utf8)) as? [[String: Any]])
        #expect(items.map { $0["status"] as? String } == ["claimed"])
        let scored = try pitboss.run("queue", "list", "--mine", "--as", "qa.ivan", "--status", "scored", "--format", "json")
        #expect((try JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [[String: Any]])?.count == 1)
    }

    @Test("numbers that would overflow are refused or bounded, never a trap")
    func hugeNumbers() throws {
        _ = workspace.corpus("a.jsonl", count: 3)
        #expect(try pitboss.run("import", "a.jsonl").status == 0)
        var patient = pitboss
        patient.environment["PITBOSS_BUSY_TIMEOUT"] = "3000000"
        #expect(try patient.run("stats").status == 64)
        #expect(try pitboss.run("sample", "--per-agent", "9223372036854775807", "--dry-run").status == 0)
        #expect(try pitboss.run("sample", "--confidence", "0.95", "--margin", "1e-300", "--dry-run").status == 0)
        #expect(try pitboss.run("sample", "--size", "2", "--boost", "en.a0=1e308").status == 64)
        #expect(try pitboss.run("queue", "assign", "--to", "qa.x", "--count", "9223372036854775807").status == 0)
    }

    @Test("replacing a conversation drops what the rubric found in the old text; one a reviewer holds is left as it is")
    func replaceDropsFindings() throws {
        let rubric = Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path
        let rude = #"{"id":"r-1","channel":"chat","language":"en","agent":"en.anna","started_at":"2026-11-21T22:04:00Z","customer":{"id":"p","vip":false},"turns":[{"speaker":"agent","at":"2026-11-21T22:04:00Z","text":"read the rules yourself, not my problem"}]}"#
        workspace.write("old.jsonl", rude + "\n")
        workspace.write("new.jsonl", rude.replacingOccurrences(of: "read the rules yourself, not my problem", with: "hello there") + "\n")
        #expect(try pitboss.run("import", "old.jsonl").status == 0)
        #expect(try pitboss.run("flag", "--rubric", rubric).status == 0)
        #expect(try pitboss.run("queue", "claim", "r-1", "--as", "qa.ivan").status == 0)
        let held = try pitboss.run("import", "new.jsonl", "--replace")
        #expect(held.stderr.contains("is being reviewed by qa.ivan now"), "\(held.stderr)")
        #expect(try pitboss.run("queue", "release", "r-1", "--as", "qa.ivan").status == 0)
        #expect(try pitboss.run("import", "new.jsonl", "--replace").stdout.contains("replaced 1"))
        let findings = try pitboss.run("findings", "--conversation", "r-1", "--format", "json")
        #expect((try JSONSerialization.jsonObject(with: Data(findings.stdout.utf8)) as? [Any])?.isEmpty == true, "\(findings.stdout)")
    }
}

@Suite("A filter that names nothing is an error with the closest names, in every command that filters")
struct UnknownNameTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.lead"]) }

    @Test("flag, findings, sample, queue list and assign, retrain list: a typo is exit 65 naming what is there; lists take a,b and repeats")
    func typos() throws {
        let rubric = Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path
        workspace.write("pitboss.yaml", "rubric: \(rubric)\n")
        _ = workspace.corpus("a.jsonl", count: 14)
        #expect(try pitboss.run("import", "a.jsonl").status == 0)
        let flag = try pitboss.run("flag", "--shift", "2026-11-21-nite")
        #expect(flag.status == 65 && flag.stderr.contains("no conversation is stored for shift '2026-11-21-nite'; similar: 2026-11-21-night"), "\(flag.stderr)")
        #expect(!flag.stdout.contains("scanned"))
        #expect(try pitboss.run("flag").status == 0)
        let rule = try pitboss.run("findings", "--rule", "agent-blam")
        #expect(rule.status == 65 && rule.stderr.contains("no finding is stored for rule 'agent-blam'; similar: agent-blame"), "\(rule.stderr)")
        // A rule of the rubric that has not fired is a fair question: an empty list.
        #expect(try pitboss.run("findings", "--rule", "agent-insult").status == 0)
        let both = try pitboss.run("findings", "--rule", "closing-missing,agent-insult", "--format", "csv").stdout
        let repeated = try pitboss.run("findings", "--rule", "closing-missing", "--rule", "agent-insult", "--format", "csv").stdout
        #expect(both == repeated && both.split(separator: "\r\n").count == 15)
        let sample = try pitboss.run("sample", "--size", "2", "--language", "en,el")
        #expect(sample.status == 65 && sample.stderr.contains("no conversation is stored for language 'el'"), "\(sample.stderr)")
        let queue = try pitboss.run("queue", "list", "--reviewer", "qa.nobody")
        #expect(queue.status == 65 && queue.stderr.contains("nobody called 'qa.nobody' has reviewed or claimed anything"), "\(queue.stderr)")
        let assign = try pitboss.run("queue", "assign", "--to", "qa.maria", "--agent", "en.a77")
        #expect(assign.status == 65 && assign.stderr.contains("no conversation is stored for agent 'en.a77'"), "\(assign.stderr)")
        let retrain = try pitboss.run("retrain", "list", "--agent", "en.nobody")
        #expect(retrain.status == 65 && retrain.stderr.contains("no conversation is stored for agent 'en.nobody'"), "\(retrain.stderr)")
    }

    @Test("a relative rubric path in pitboss.yaml is read from that file's folder, wherever the command runs")
    func rubricBesideConfig() throws {
        let rubric = try String(contentsOfFile: Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: workspace.path("floor/rubrics"), withIntermediateDirectories: true)
        workspace.write("floor/rubrics/cs.yaml", rubric)
        workspace.write("floor/pitboss.yaml", "rubric: rubrics/cs.yaml\n")
        let elsewhere = Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.lead", "PITBOSS_CONFIG": workspace.path("floor/pitboss.yaml")])
        let lint = try elsewhere.run("rubric", "lint")
        #expect(lint.status == 0 && lint.stdout.contains("floor/rubrics/cs.yaml: ok"), "\(lint.stderr)")
        workspace.write("floor/pitboss.yaml", "rubric: rubrics/missing.yaml\n")
        let missing = try elsewhere.run("rubric", "lint")
        #expect(missing.status == 66 && missing.stderr.contains("rubric not found (looked for \(workspace.path("floor/rubrics/missing.yaml")))"), "\(missing.stderr)")
    }
}

@Suite("One convention for times: the workspace's zone with its offset on screens, ISO 8601 UTC in JSON and CSV")
struct TimeConventionTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.maria"]) }

    @Test("queue claim, queue list and history in Europe/Malta (+01:00 in November); their JSON and CSV in UTC")
    func malta() throws {
        let rubric = Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path
        workspace.write("pitboss.yaml", "rubric: \(rubric)\ntimezone: Europe/Malta\n")
        _ = workspace.corpus("a.jsonl", count: 3)
        #expect(try pitboss.run("import", "a.jsonl").status == 0)
        #expect(try pitboss.run("flag").status == 0)
        let claim = try pitboss.run("queue", "claim")
        #expect(claim.stdout.contains(" +01:00"), "\(claim.stdout)")
        #expect(!claim.stdout.contains("Z"))
        #expect(try pitboss.run("queue", "list").stdout.contains("until (+01:00)"))
        let csv = try pitboss.run("queue", "list", "--format", "csv").stdout
        #expect(csv.range(of: #",20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\d\dZ,"#, options: .regularExpression) != nil, "\(csv)")
        let history = try pitboss.run("history", "c-0").stdout
        #expect(history.range(of: #"20\d\d-\d\d-\d\d \d\d:\d\d:\d\d \+01:00"#, options: .regularExpression) != nil, "\(history)")
        // The claim's expiry in the audit detail too, and every other screen: sample's plan, flag show, reports' "Covers".
        #expect(history.range(of: #"expires_at=20\d\d-\d\d-\d\d \d\d:\d\d:\d\d \+01:00"#, options: .regularExpression) != nil, "\(history)")
        #expect(!history.contains("Z "))
        let sample = try pitboss.run("sample", "--size", "1", "--seed", "s", "--since", "2026-11-21", "--dry-run").stdout
        #expect(sample.contains("since: 2026-11-21 00:00:00 +01:00"), "\(sample)")
        #expect(try pitboss.run("flag", "show").stdout.range(of: #"started 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d \+01:00"#, options: .regularExpression) != nil)
        #expect(try pitboss.run("report", "agents", "--since", "2026-11-21").stdout.contains("since 2026-11-21 00:00 +01:00"))
    }
}

@Suite("Help that reads as prose, with an example")
struct HelpTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: [:]) }

    static let commands: [[String]] = [
        [], ["import"], ["show"], ["stats"], ["check"], ["flag"], ["findings"], ["sample"], ["review"], ["score"], ["history"], ["doctor"],
        ["queue"], ["queue", "list"], ["queue", "claim"], ["queue", "assign"], ["queue", "release"], ["queue", "skip"],
        ["retrain"], ["retrain", "suggest"], ["retrain", "assign"], ["retrain", "start"], ["retrain", "complete"], ["retrain", "cancel"], ["retrain", "list"],
        ["retrain", "show"], ["retrain", "outcome"], ["retrain", "outcomes"],
        ["flag", "run"], ["flag", "show"], ["rubric", "lint"], ["rubric", "test"], ["rubric", "try"], ["rubric", "eval"], ["rubric", "explain"], ["rubric", "patterns"], ["rubric", "precision"],
        ["report"], ["report", "agents"], ["report", "agent"], ["report", "shifts"], ["report", "shift"], ["report", "reviewers"], ["report", "rules"],
        ["report", "retraining"],
    ]

    @Test("every command's help has an example, and no sentence is broken by a hard line break narrower than the terminal")
    func examples() throws {
        for command in Self.commands {
            let help = try pitboss.run(command + ["--help"]).stdout
            #expect(help.contains("Example: pitboss"), "\(command) has no example")
            // ArgumentParser wraps at 80 columns; a line far shorter that does not end a sentence is a hard break.
            let overview = help.components(separatedBy: "USAGE:")[0].split(separator: "\n").map(String.init)
            for (i, line) in overview.enumerated() where i + 1 < overview.count && !overview[i + 1].isEmpty {
                let next = overview[i + 1]
                let breaksSentence = line.count < 50 && !line.hasSuffix(".") && !line.hasSuffix(":") && !next.hasPrefix("Example")
                    && !line.hasPrefix("Example") && !next.hasPrefix("Exit") && !line.contains("pitboss ")
                #expect(!breaksSentence, "\(command): a hard line break after “\(line)”")
            }
        }
    }
}
