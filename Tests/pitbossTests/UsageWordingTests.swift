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
}
