import Foundation
import GRDB
import Testing

@Suite("pitboss import, show and stats, end to end")
struct ImportCommandTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url) }

    func count(_ sql: String, db: String = "pitboss.sqlite") throws -> Int {
        let queue = try DatabaseQueue(path: workspace.path(db))
        return try queue.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    @Test("the sample transcripts in every format import cleanly, and a second import changes nothing")
    func importsTheSamples() throws {
        let samples = Pitboss.packageRoot.appendingPathComponent("Transcripts").path
        let first = try pitboss.run("import", samples)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains(", unchanged 0, rejected 0, conflicts 0, replaced 0"))
        let stats = try pitboss.run("stats", "--format", "json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        let channels = (json["by_channel"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
        let languages = (json["by_language"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
        #expect(Set(channels).isSuperset(of: ["chat", "call"]))
        #expect(Set(languages).isSuperset(of: ["en", "ru", "tr", "el"]))
        let again = try pitboss.run("import", samples)
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("imported 0, unchanged \(json["conversations"] as? Int ?? -1), rejected 0"))
    }

    @Test("bad records are named on stderr, the good ones imported, and the exit status is 65")
    func badRecords() throws {
        let file = workspace.write("shift.jsonl", """
            {"id":"ok-1","channel":"chat","language":"en","agent":"en.anna","started_at":"2026-11-21T22:04:00Z","customer":{"id":"p-1","vip":false},"turns":[{"speaker":"agent","at":"2026-11-21T22:04:00Z","text":"Hello!"}]}
            {"id":"bad-1","channel":"chat","language":"en","agent":"en.anna","started_at":"2026-11-21T22:04:00Z","customer":{"id":"p-1","vip":false},"turns":[{"speaker":"croupier","at":"2026-11-21T22:04:00Z","text":"Hello!"}]}

            """)
        let run = try pitboss.run("import", file, "--rejects", "rejects.jsonl")
        #expect(run.status == 65)
        #expect(run.stdout == "imported 1, unchanged 0, rejected 1, conflicts 0, replaced 0 (from 1 file)\n")
        #expect(run.stderr.contains("\(file):2: conversation bad-1: turns[0].speaker: unknown speaker role 'croupier'"))
        #expect(try count("SELECT COUNT(*) FROM conversations") == 1)
        let rejects = try String(contentsOfFile: workspace.path("rejects.jsonl"), encoding: .utf8)
        #expect(rejects.contains(#""conversation":"bad-1""#))
        let show = try pitboss.run("show", "ok-1")
        #expect(show.status == 0)
        #expect(show.stdout.contains("agent [en.anna]: Hello!"))
    }

    @Test("usage errors exit 64, missing files 66, unknown conversations 65, each with one clear line")
    func exitCodes() throws {
        let roles = try pitboss.run("import", "--roles", "spk_0", workspace.write("a.srt", ""))
        #expect(roles.status == 64)
        #expect(roles.stderr.contains("--roles: 'spk_0' is not LABEL=ROLE"))
        let missing = try pitboss.run("import", "no-such-folder")
        #expect(missing.status == 66)
        #expect(missing.stderr == "pitboss: error: no-such-folder: no such file or folder\n")
        let unknownFlag = try pitboss.run("import", "--frobnicate", "x")
        #expect(unknownFlag.status == 64)
        let show = try pitboss.run("show", "nobody")
        #expect(show.status == 65)
        #expect(show.stderr.contains("no conversation with id 'nobody'"))
        #expect(!show.stderr.contains("Fatal error"))
    }

    @Test("the database goes where --db or PITBOSS_DB says, created with mode 0600")
    func databaseLocation() throws {
        let file = workspace.corpus("c.jsonl", count: 3)
        var env = pitboss
        env.environment["PITBOSS_DB"] = workspace.path("from-env.sqlite")
        #expect(try env.run("import", file).status == 0)
        #expect(try pitboss.run("import", "--db", "flag.sqlite", file).status == 0)
        for name in ["from-env.sqlite", "flag.sqlite"] {
            let mode = try FileManager.default.attributesOfItem(atPath: workspace.path(name))[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o777 } == 0o600)
        }
        #expect(!FileManager.default.fileExists(atPath: workspace.path("pitboss.sqlite")))
    }

    @Test("show prints plain text on a pipe and the canonical JSON line with --format json")
    func show() throws {
        #expect(try pitboss.run("import", workspace.corpus("c.jsonl", count: 2)).status == 0)
        let text = try pitboss.run("show", "c-1")
        #expect(!text.stdout.contains("\u{1B}["))
        #expect(text.stdout.contains("c-1  chat · en · agent en.a1 · shift 2026-11-21-night"))
        #expect(text.stdout.contains("22:01:40  customer: ok thanks 🙏"))
        let json = try pitboss.run("show", "c-1", "--format", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["id"] as? String == "c-1")
        #expect((object["turns"] as? [Any])?.count == 3)
    }

    @Test("a busy database makes a writer give up with exit 75 and write nothing")
    func busyDatabase() throws {
        let file = workspace.corpus("c.jsonl", count: 5)
        #expect(try pitboss.run("import", workspace.corpus("first.jsonl", count: 1, prefix: "first")).status == 0)
        let holder = try DatabaseQueue(path: workspace.path("pitboss.sqlite"))
        var busy = pitboss
        busy.environment["PITBOSS_BUSY_TIMEOUT"] = "0.5"
        let run = try holder.inDatabase { db -> Pitboss.Run in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            return try busy.run("import", file)
        }
        #expect(run.status == 75, "\(run.stderr)")
        #expect(run.stderr.contains("the database is busy"))
        #expect(try count("SELECT COUNT(*) FROM conversations") == 1)
    }

    @Test("reviewers can read (show, stats) while another process holds the write lock")
    func readsWhileAnotherWrites() throws {
        #expect(try pitboss.run("import", workspace.corpus("c.jsonl", count: 2)).status == 0)
        let holder = try DatabaseQueue(path: workspace.path("pitboss.sqlite"))
        var quick = pitboss
        quick.environment["PITBOSS_BUSY_TIMEOUT"] = "0.5"
        let (show, stats) = try holder.inDatabase { db -> (Pitboss.Run, Pitboss.Run) in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            return (try quick.run("show", "c-0"), try quick.run("stats"))
        }
        #expect(show.status == 0, "\(show.stderr)")
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout.hasPrefix("2 conversations, 6 turns"))
    }

    @Test("a wrong flag value is a usage error before anything is read")
    func wrongFlagValue() throws {
        let run = try pitboss.run("import", "--language", "greek", workspace.corpus("c.jsonl", count: 1))
        #expect(run.status == 64)
        #expect(run.stderr == "pitboss: error: --language: 'greek' is not an ISO 639-1 code such as en, ru, tr, el\n")
        #expect(!FileManager.default.fileExists(atPath: workspace.path("pitboss.sqlite")))
    }

    @Test("an import killed mid-run leaves whole conversations only, and the next run completes it")
    func killedImport() throws {
        let total = 40_000
        let file = workspace.corpus("big.jsonl", count: total)
        let (process, _, _) = try pitboss.start(["import", file])
        // Kill once some batches are in, or after a second at most.
        let deadline = Date().addingTimeInterval(5)
        var seen = 0
        while Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            // Never open the file before pitboss has made it: opening creates an empty database, which is not
            // what this test is about.
            let size = (try? FileManager.default.attributesOfItem(atPath: workspace.path("pitboss.sqlite"))[.size] as? Int) ?? 0
            guard size > 0, FileManager.default.fileExists(atPath: workspace.path("pitboss.sqlite-wal")) else { continue }
            seen = (try? count("SELECT COUNT(*) FROM conversations")) ?? 0
            if seen > 0 { break }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try count("""
            SELECT COUNT(*) FROM conversations c
            WHERE c.turn_count != (SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id)
            """) == 0)
        let partial = try count("SELECT COUNT(*) FROM conversations")
        let rerun = try pitboss.run("import", file)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.hasPrefix("imported \(total - partial), unchanged \(partial), rejected 0"))
        #expect(try count("SELECT COUNT(*) FROM conversations") == total)
        #expect(try count("SELECT COUNT(*) FROM turns") == total * 3)
    }

    @Test("two imports of one file at once: no duplicates, no errors")
    func concurrentImports() throws {
        let file = workspace.corpus("c.jsonl", count: 5_000)
        // The whole suite runs in parallel on shared machines: a generous wait for the other writer, so that this
        // tests what it is about (no duplicates, no errors), not the machine's load against the 10 s default.
        var patient = pitboss
        patient.environment["PITBOSS_BUSY_TIMEOUT"] = "120"
        let a = try patient.start(["import", file])
        let b = try patient.start(["import", file])
        var outputs: [String] = []
        for (process, out, err) in [a, b] {
            let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(stderr)")
            outputs.append(stdout)
        }
        #expect(try count("SELECT COUNT(*) FROM conversations") == 5_000)
        #expect(try count("SELECT COUNT(*) FROM turns") == 15_000)
        // Between them, every conversation was imported exactly once.
        let imported = outputs.compactMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0.dropLast()) } }.reduce(0, +)
        #expect(imported == 5_000)
    }

    @Test("on a terminal, progress counts the records inside a large file as they are read")
    func progressOnATerminal() throws {
        let corpus = workspace.corpus("big.jsonl", count: 3_000)
        let screen = try ScriptedTerminal(["import", corpus], columns: 160, rows: 50, directory: workspace.url,
                                          environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm", "HOME": workspace.url.path])
        screen.expect("importing file 1 of 1, 1000 records so far")
        screen.expect("imported 3000")
        #expect(screen.waitForExit() == 0)
    }
}
