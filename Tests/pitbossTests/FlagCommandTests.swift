import Foundation
import GRDB
import Testing

@Suite("pitboss flag, end to end")
struct FlagCommandTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url) }

    /// A small rubric: rudeness (major), and a phrase every corpus conversation has (minor).
    static let rubric = #"""
        rubric: e2e
        version: 1
        languages: [en]
        criteria:
          - {id: courtesy, title: Courtesy, weight: 1}
          - {id: greeting, title: Greeting, weight: 1}
        rules:
          - id: rude
            kind: forbid
            criterion: courtesy
            severity: major
            message: "rude: {match}"
            patterns: {en: ['\bnot my problem\b', '\buseless\b']}
          - id: promise
            kind: forbid
            criterion: greeting
            severity: minor
            message: "a promise of time: {match}"
            patterns: {en: ['\bwithdrawals take \d+ to \d+ hours\b']}
        """#

    func count(_ sql: String) throws -> Int {
        try DatabaseQueue(path: workspace.path("pitboss.sqlite")).read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    func prepare(conversations: Int) throws -> String {
        workspace.write("rubric.yaml", Self.rubric)
        let corpus = workspace.corpus("c.jsonl", count: conversations)
        #expect(try pitboss.run("import", corpus).status == 0)
        return workspace.path("rubric.yaml")
    }

    @Test("flag twice: the second run finds nothing new and writes no duplicate; --fail-on exits 3")
    func twice() throws {
        let rubric = try prepare(conversations: 50)
        let first = try pitboss.run("flag", "--rubric", rubric, "--format", "json")
        #expect(first.status == 0, "\(first.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect((summary["counts"] as? [String: Any])?["scanned"] as? Int == 50)
        let findings = try count("SELECT COUNT(*) FROM findings")
        #expect(findings == 50)  // one "withdrawals take 24 to 72 hours" in each
        let again = try pitboss.run("flag", "--rubric", rubric, "--fail-on", "minor")
        #expect(again.status == 0)
        #expect(again.stdout.contains("scanned 0"))
        #expect(try count("SELECT COUNT(*) FROM findings") == findings)
        #expect(try count("SELECT COUNT(*) FROM queue_items") == 50)
        workspace.write("rubric.yaml", Self.rubric.replacingOccurrences(of: "version: 1", with: "version: 2"))
        let changed = try pitboss.run("flag", "--rubric", rubric, "--fail-on", "minor")
        #expect(changed.status == 3)
        #expect(try count("SELECT COUNT(*) FROM findings") == findings)
        #expect(try count("SELECT COUNT(*) FROM queue_items") == 50)
        let list = try pitboss.run("findings", "--rule", "promise", "--limit", "3", "--format", "json")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(Set(rows[0].keys).isSuperset(of: ["conversation", "agent", "rule", "criterion", "severity", "status", "turn", "start", "end", "text", "message", "run", "rubric_hash"]))
    }

    @Test("a rubric that fails lint stops flag before it starts, with lint's messages and exit 65")
    func badRubric() throws {
        _ = try prepare(conversations: 1)
        workspace.write("bad.yaml", Self.rubric.replacingOccurrences(of: "criterion: courtesy", with: "criterion: politeness"))
        let run = try pitboss.run("flag", "--rubric", "bad.yaml")
        #expect(run.status == 65)
        #expect(run.stderr.contains("bad.yaml:10:16: rule rude: criterion 'politeness' is not defined"))
        #expect(try count("SELECT COUNT(*) FROM flag_runs") == 0)
    }

    @Test("a flag run killed mid-way leaves whole conversations, and the next run completes it without duplicates")
    func killed() throws {
        let total = 20_000
        let rubric = try prepare(conversations: total)
        let (process, _, _) = try pitboss.start(["flag", "--rubric", rubric])
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            if ((try? count("SELECT COUNT(*) FROM evaluations")) ?? 0) > 0 { break }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // Every evaluated conversation has its findings, and only evaluated ones have any.
        #expect(try count("SELECT COUNT(*) FROM findings f WHERE NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.conversation_id = f.conversation_id)") == 0)
        #expect(try count("SELECT COUNT(*) FROM evaluations e WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.conversation_id = e.conversation_id)") == 0)
        let rerun = try pitboss.run("flag", "--rubric", rubric)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try count("SELECT COUNT(*) FROM evaluations") == total)
        #expect(try count("SELECT COUNT(*) FROM findings") == total)
        #expect(try count("SELECT COUNT(*) FROM (SELECT conversation_id FROM findings GROUP BY conversation_id, rule_id HAVING COUNT(*) > 1)") == 0)
        #expect(try count("SELECT COUNT(*) FROM queue_items") == total)
    }

    @Test("two flag processes at once on one file: no duplicates, no errors")
    func concurrent() throws {
        let total = 5_000
        let rubric = try prepare(conversations: total)
        let runs = try [pitboss.start(["flag", "--rubric", rubric]), pitboss.start(["flag", "--rubric", rubric])]
        for (process, out, err) in runs {
            _ = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(stderr)")
        }
        #expect(try count("SELECT COUNT(*) FROM evaluations") == total)
        #expect(try count("SELECT COUNT(*) FROM findings") == total)
        #expect(try count("SELECT COUNT(*) FROM queue_items") == total)
    }

    @Test("--queue-limit keeps the most severe per shift and says what was left out; flag show prints the run again, by id or the latest")
    func queueLimitAndShow() throws {
        let rubric = try prepare(conversations: 20)
        workspace.write("rude.jsonl", #"{"id":"rude-1","channel":"chat","language":"en","agent":"en.rude","started_at":"2026-11-21T22:59:00Z","customer":{"id":"p-1"},"turns":[{"speaker":"customer","at":"2026-11-21T22:59:00Z","text":"hi"},{"speaker":"agent","at":"2026-11-21T22:59:30Z","text":"withdrawals take 24 to 72 hours, not my problem"}]}"# + "\n")
        #expect(try pitboss.run("import", "rude.jsonl").status == 0)
        #expect(try pitboss.run("flag", "--rubric", rubric, "--queue-limit", "0").status == 64)
        let run = try pitboss.run("flag", "--rubric", rubric, "--queue-limit", "5")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("queue limit 5 per shift: 15 flagged conversations not queued, 1 was taken out of the queue for more severe ones (2026-11-21-night 16); the most severe kept; their findings are stored (this run's with run 1)"), "\(run.stdout)")
        #expect(run.stderr.contains("hint: pitboss findings --run 1 lists the findings; --queue-limit N, or queue_limit: in pitboss.yaml, sets the limit"))
        #expect(try count("SELECT COUNT(*) FROM queue_items") == 5)
        #expect(try count("SELECT COUNT(*) FROM queue_items q JOIN conversations c ON c.id = q.conversation_id WHERE c.external_id = 'rude-1'") == 1)

        let show = try pitboss.run("flag", "show", "1")
        #expect(show.status == 0)
        #expect(show.stdout.hasPrefix("flag run 1: e2e 1 ("))
        #expect(show.stdout.contains("run by "))
        #expect(show.stdout.contains("15 flagged conversations not queued, 1 was taken out"))
        #expect(try pitboss.run("flag", "show").stdout == show.stdout)  // the latest
        let json = try #require(try JSONSerialization.jsonObject(with: Data(pitboss.run("flag", "show", "--format", "json").stdout.utf8)) as? [String: Any])
        #expect((json["summary"] as? [String: Any])?["queue_limit"] as? Int == 5)
        #expect(((json["summary"] as? [String: Any])?["not_queued"] as? [Any])?.count == 16)
        let missing = try pitboss.run("flag", "show", "9")
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("no flag run 9 is recorded; the runs are 1–1"))

        // A run recorded before summaries were kept shows its counts and says so.
        try DatabaseQueue(path: workspace.path("pitboss.sqlite")).write { try $0.execute(sql: "UPDATE flag_runs SET summary = NULL") }
        let old = try pitboss.run("flag", "show", "1")
        #expect(old.status == 0)
        #expect(old.stdout.contains("recorded before summaries were kept"))
        #expect(old.stdout.contains("scanned 21, evaluated 21, flagged 21"))

        // queue_limit in pitboss.yaml, checked like every setting.
        workspace.write("pitboss.yaml", "queue_limit: many\n")
        let bad = try pitboss.run("flag", "--rubric", rubric)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("queue_limit must be a whole number of conversations per shift"))
    }
}
