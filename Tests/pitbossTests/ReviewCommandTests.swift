import Foundation
import GRDB
import Testing

@Suite("sample, queue, review and score, end to end")
struct ReviewCommandTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.maria"]) }

    /// Two criteria; `rude` flags "not my problem" (major). `greeting` is critical, `sla` allows N/A.
    static let rubric = #"""
        rubric: e2e-review
        version: 1
        languages: [en]
        criteria:
          - {id: courtesy, title: Courtesy, weight: 2}
          - {id: greeting, title: Greeting, weight: 1, critical: true}
          - {id: sla, title: SLA, weight: 1, na: true}
        rules:
          - id: rude
            kind: forbid
            criterion: courtesy
            severity: major
            message: "rude: {match}"
            patterns: {en: ['\bnot my problem\b']}
        """#

    func count(_ sql: String) throws -> Int {
        try DatabaseQueue(path: workspace.path("pitboss.sqlite")).read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    /// `conversations` imported (agents en.a0…en.a6) and the rubric as the workspace's; one rude conversation flagged.
    func prepare(conversations: Int) throws {
        workspace.write("rubric.yaml", Self.rubric)
        workspace.write("pitboss.yaml", "rubric: rubric.yaml\nreviewers:\n  anna: [en.a0]\n")
        let corpus = workspace.corpus("c.jsonl", count: conversations)
        workspace.write("rude.jsonl", #"{"id":"rude-1","channel":"chat","language":"en","agent":"en.rude","started_at":"2026-11-21T22:00:00Z","customer":{"id":"p-1"},"turns":[{"speaker":"customer","at":"2026-11-21T22:00:00Z","text":"my card 4111 1111 1111 1111 was declined"},{"speaker":"agent","at":"2026-11-21T22:00:30Z","text":"hello. not my problem"}]}"# + "\n")
        #expect(try pitboss.run("import", corpus, "rude.jsonl").status == 0)
        #expect(try pitboss.run("flag").status == 0)
    }

    @Test("8 processes claiming at once from one database never get the same item, and together get them all")
    func concurrentClaims() throws {
        try prepare(conversations: 39)
        #expect(try pitboss.run("sample", "--size", "39", "--seed", "all").status == 0)
        #expect(try count("SELECT COUNT(*) FROM queue_items WHERE status = 'open'") == 40)
        // Each process claims five times in a row, each time as another reviewer (a reviewer's second ask resumes their claim).
        let processes = try (0..<8).map { p in
            let script = (0..<5).map { k in "\"$PITBOSS\" queue claim --as r\(p)-\(k) --format json" }.joined(separator: "; ")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script]
            process.currentDirectoryURL = workspace.url
            var environment = pitboss.environment
            environment["PITBOSS"] = Pitboss.binary.path
            environment["PITBOSS_BUSY_TIMEOUT"] = "120"  // the suite runs in parallel on a shared machine
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            return (process, out)
        }
        var items: [Int] = []
        for (process, out) in processes {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.contains("\"item\"") {
                items.append(Int(line.split(separator: ":")[1].trimmingCharacters(in: CharacterSet(charactersIn: " ,"))) ?? -1)
            }
        }
        #expect(items.count == 40)
        #expect(Set(items).count == 40)
        #expect(try count("SELECT COUNT(*) FROM queue_items WHERE status = 'claimed'") == 40)
        #expect(try count("SELECT COUNT(DISTINCT queue_item_id) FROM audit_log WHERE action = 'claim'") == 40)
        let none = try pitboss.run("queue", "claim", "--as", "late")
        #expect(none.status == 1)
        #expect(none.stderr.contains("nothing in the queue for late"))
    }

    @Test("review next, driven through piped input: verdict, answers, comment, submit — and what was stored")
    func pipedReview() throws {
        try prepare(conversations: 3)
        let finding = try count("SELECT id FROM findings WHERE rule_id = 'rude'")
        // F<finding>: confirm; courtesy: Enter takes the suggestion (fail); greeting: pass; sla: n (N/A); comment; submit.
        let run = try pitboss.run(["review", "next"], input: "c\n\np\nn\nRude closing\ns\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("»not my problem«[F\(finding)]"))
        #expect(run.stdout.contains("[card …1111]"))
        #expect(!run.stdout.contains("4111 1111"))
        #expect(run.stdout.contains("[fail: F\(finding) confirmed]"))
        #expect(run.stdout.contains("Score 33.3 / 100"))  // courtesy (2) failed, greeting (1) passed, sla N/A: 1/3
        #expect(try count("SELECT COUNT(*) FROM reviews WHERE reviewer = 'qa.maria' AND comment = 'Rude closing'") == 1)
        #expect(try count("SELECT COUNT(*) FROM review_answers WHERE answer = 'na' AND item_score IS NULL") == 1)
        #expect(try count("SELECT COUNT(*) FROM findings WHERE verdict = 'confirmed' AND verdict_by = 'qa.maria'") == 1)
        #expect(try count("SELECT COUNT(*) FROM queue_items WHERE status = 'scored'") == 1)
        let precision = try pitboss.run("rubric", "precision", "--format", "csv")
        #expect(precision.stdout.contains("e2e-review,rude,1,en,1,1,0,1.0000,0.2065,1.0000,true"), "\(precision.stdout)")
    }

    @Test("input that ends before submit stores nothing and gives the claim back")
    func pipedAbandon() throws {
        try prepare(conversations: 1)
        let run = try pitboss.run(["review", "next"], input: "c\n")
        #expect(run.status == 0)
        #expect(run.stdout.contains("Abandoned: nothing stored"))
        #expect(try count("SELECT COUNT(*) FROM reviews") == 0)
        #expect(try count("SELECT COUNT(*) FROM findings WHERE verdict IS NOT NULL") == 0)
        #expect(try count("SELECT COUNT(*) FROM queue_items WHERE status = 'claimed'") == 0)
    }

    @Test("Ctrl-C in the middle of a review stores nothing and gives the claim back")
    func interrupted() throws {
        try prepare(conversations: 1)
        let stdin = Pipe()
        let (process, out, _) = try pitboss.start(["review", "next"], stdin: stdin)
        stdin.fileHandleForWriting.write(Data("c\n".utf8))  // a verdict, then silence: the reviewer is thinking
        var seen = ""
        while !seen.contains("Scorecard") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(try count("SELECT COUNT(*) FROM queue_items WHERE status = 'claimed'") == 1)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGINT)
        #expect(try count("SELECT COUNT(*) FROM reviews") == 0)
        #expect(try count("SELECT COUNT(*) FROM queue_items WHERE status = 'claimed'") == 0)
        #expect(try count("SELECT COUNT(*) FROM audit_log WHERE action = 'release'") == 1)
    }

    @Test("a closed output (review next | head) stores nothing and gives the claim back")
    func closedOutput() throws {
        try prepare(conversations: 1)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "sleep 3 | \"$PITBOSS\" review next | head -c 20 > /dev/null"]
        process.currentDirectoryURL = workspace.url
        var environment = pitboss.environment
        environment["PITBOSS"] = Pitboss.binary.path
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        #expect(try count("SELECT COUNT(*) FROM audit_log WHERE action = 'claim'") == 1)
        #expect(try count("SELECT COUNT(*) FROM queue_items WHERE status = 'claimed'") == 0)
        #expect(try count("SELECT COUNT(*) FROM reviews") == 0)
    }

    @Test("a number that is both a conversation's id and an item's is refused as ambiguous; #N names the item")
    func ambiguousNumber() throws {
        try prepare(conversations: 0)
        workspace.write("numbered.jsonl", (1...3).map { i in
            #"{"id":"\#(i)","channel":"chat","language":"en","agent":"en.n","started_at":"2026-11-21T22:00:00Z","customer":{"id":"p"},"turns":[{"speaker":"agent","at":"2026-11-21T22:00:00Z","text":"hello, not my problem"}]}"#
        }.joined(separator: "\n") + "\n")
        #expect(try pitboss.run("import", "numbered.jsonl").status == 0)
        #expect(try pitboss.run("flag").status == 0)
        // Items 1 (rude-1), 2, 3, 4 exist; conversations "1", "2", "3" are queued as items 2, 3, 4.
        let ambiguous = try pitboss.run("score", "2", "--set", "courtesy=fail,greeting=pass,sla=na")
        #expect(ambiguous.status == 64)
        #expect(ambiguous.stderr.contains("write #2 for the item"))
        let byItem = try pitboss.run("score", "#1", "--set", "courtesy=fail,greeting=pass,sla=na")
        #expect(byItem.status == 0, "\(byItem.stderr)")
        #expect(byItem.stdout.contains("rude-1"))
    }

    @Test("score: bad answers store nothing (64); an item someone else holds is refused (77); a revision keeps the history")
    func scoreCommand() throws {
        try prepare(conversations: 1)
        let item = try count("SELECT id FROM queue_items WHERE reason = 'flagged'")
        let finding = try count("SELECT id FROM findings WHERE rule_id = 'rude'")
        let bad = try pitboss.run("score", String(item), "--set", "courtesy=maybe,tone=pass,greeting=na")
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("unknown criterion 'tone'"))
        #expect(bad.stderr.contains("'maybe' is not an answer"))
        #expect(bad.stderr.contains("criterion 'greeting' cannot be N/A"))
        #expect(bad.stderr.contains("criterion 'sla' has no answer"))
        #expect(try count("SELECT COUNT(*) FROM reviews") == 0)

        #expect(try pitboss.run("queue", "claim", String(item), "--as", "qa.ivan").status == 0)
        let notMine = try pitboss.run("queue", "release", String(item), "--as", "qa.maria")
        #expect(notMine.status == 77)
        #expect(notMine.stderr.contains("claimed by qa.ivan, not qa.maria; a supervisor can do it with --force"), "\(notMine.stderr)")
        let held = try pitboss.run("score", String(item), "--set", "courtesy=pass,greeting=pass,sla=na")
        #expect(held.status == 77)
        #expect(held.stderr.contains("claimed by qa.ivan"))
        #expect(try pitboss.run("queue", "release", String(item), "--as", "qa.ivan").status == 0)

        let scored = try pitboss.run("score", "rude-1", "--set", "courtesy=fail,greeting=pass", "--set", "sla=na",
                                     "--dismiss", "F\(finding):quoting the player", "--comment", "first pass", "--format", "json")
        #expect(scored.status == 0, "\(scored.stderr)")
        #expect(scored.stdout.contains("\"reason\" : \"quoting the player\""))
        let again = try pitboss.run("score", String(item), "--set", "courtesy=pass,greeting=pass,sla=na")
        #expect(again.status == 77)
        // The library names the remedy; the command line words it.
        #expect(again.stderr.contains("is already scored; correct it with pitboss score rude-1 --revise REASON"), "\(again.stderr)")
        let twice = try pitboss.run("score", String(item), "--set", "courtesy=pass,courtesy=fail")
        #expect(twice.status == 64)
        #expect(twice.stderr.contains("--set: criterion 'courtesy' is given twice ('pass' and 'fail')"))

        let revised = try pitboss.run("score", String(item), "--set", "greeting=fail", "--revise", "the greeting was a bot's", "--as", "qa.lead")
        #expect(revised.status == 0, "\(revised.stderr)")
        #expect(revised.stdout.contains("Score 0 — auto-fail"))
        let history = try pitboss.run("history", "rude-1")
        #expect(history.stdout.contains("revision 1"))
        #expect(history.stdout.contains("revision 2 (corrects #1)"))
        #expect(history.stdout.contains("reason: the greeting was a bot's"))
        #expect(history.stdout.contains("courtesy=fail greeting=fail sla=na"))  // answers not given were carried over
        #expect(try count("SELECT COUNT(*) FROM reviews") == 2)
    }

    @Test("a sample is reproducible with its seed; without one, a seed is chosen and printed; --dry-run queues nothing")
    func sampleCommand() throws {
        try prepare(conversations: 30)
        let a = try pitboss.run("sample", "--confidence", "0.9", "--margin", "0.2", "--stratify", "agent", "--seed", "night-1", "--dry-run", "--format", "json")
        let b = try pitboss.run("sample", "--confidence", "0.9", "--margin", "0.2", "--stratify", "agent", "--seed", "night-1", "--dry-run", "--format", "json")
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout)
        #expect(a.stdout.contains("\"n\" : 12"))  // n₀ = 1.6449² × 0.25 / 0.04 = 16.91; N = 30 → ⌈16.91 / 1.53⌉ = 12
        #expect(try count("SELECT COUNT(*) FROM samples") == 0)
        let random = try pitboss.run("sample", "--size", "5", "--as", "qa.lead")
        #expect(random.status == 0)
        #expect(random.stdout.contains("Seed: "))
        #expect(try count("SELECT COUNT(*) FROM queue_items WHERE reason = 'sample' AND sample_id IS NOT NULL") == 5)
        #expect(try count("SELECT COUNT(*) FROM samples WHERE created_by = 'qa.lead' AND length(seed) = 16") == 1)
        let verified = try pitboss.run("sample", "--verify", "1")
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("Re-derived: the same 5 conversations."))
        let usage = try pitboss.run("sample", "--size", "5", "--per-agent", "2")
        #expect(usage.status == 64)
        // Anna was agent en.a0: she is never handed those conversations.
        let annas = try pitboss.run("queue", "assign", "--to", "anna", "--count", "100", "--as", "qa.lead")
        #expect(annas.status == 0)
        #expect(try count("SELECT COUNT(*) FROM queue_items q JOIN conversations c ON c.id = q.conversation_id WHERE q.assigned_to = 'anna' AND c.agent_id = 'en.a0'") == 0)
        #expect(try count("SELECT COUNT(*) FROM queue_items WHERE assigned_to = 'anna'") > 0)
    }
}
