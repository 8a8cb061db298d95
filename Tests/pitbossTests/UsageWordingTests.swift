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
}
