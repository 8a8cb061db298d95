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
}
