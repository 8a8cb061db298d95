import Foundation
import GRDB
import PitbossKit
import PostgresTestSupport
import Testing

/// The commands against a PostgreSQL workspace, end to end: init, migrate both ways, claims by eight reviewers' logins
/// at once, identity from the login.
@Suite("pitboss on PostgreSQL, end to end",
       .enabled(if: PostgresCluster.available, "PostgreSQL is not installed here, or a throwaway cluster did not start: make test installs it (as root) and runs these"))
struct PostgresCommandTests {
    let cluster = PostgresCluster.shared!
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.maria"]) }
    /// As a person runs it on a server: whoever the login is, nobody named by PITBOSS_USER.
    var asLogin: Pitboss { Pitboss(directory: workspace.url, environment: [:]) }

    /// A login of `role` (created once per cluster), and its URI for the database at `url`.
    func login(_ name: String, _ role: String, to url: String) -> String {
        cluster.psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(name)') THEN CREATE ROLE \"\(name)\" LOGIN IN ROLE \(role); END IF; END $$")
        return cluster.url(database: String(url.split(separator: "/").last!), user: name)
    }

    /// A SQLite workspace of `conversations` conversations (one rude, flagged), all queued by a sample.
    func prepareSQLite(conversations: Int) throws {
        workspace.write("rubric.yaml", ReviewCommandTests.rubric)
        workspace.write("pitboss.yaml", "rubric: rubric.yaml\n")
        let corpus = workspace.corpus("c.jsonl", count: conversations)
        workspace.write("rude.jsonl", #"{"id":"rude-1","channel":"chat","language":"en","agent":"en.rude","started_at":"2026-11-21T22:00:00Z","customer":{"id":"p-1"},"turns":[{"speaker":"customer","at":"2026-11-21T22:00:00Z","text":"my card 4111 1111 1111 1111 was declined"},{"speaker":"agent","at":"2026-11-21T22:00:30Z","text":"hello. not my problem"}]}"# + "\n")
        #expect(try pitboss.run("import", corpus, "rude.jsonl").status == 0)
        #expect(try pitboss.run("flag").status == 0)
        #expect(try pitboss.run("sample", "--size", String(conversations), "--seed", "all").status == 0)
    }

    /// A fresh server database holding the SQLite workspace as it stands; its URI.
    func migrated() throws -> String {
        let url = cluster.freshDatabase()
        let moved = try pitboss.run("migrate", "--from", "pitboss.sqlite", "--to", url)
        #expect(moved.status == 0, "\(moved.stderr)")
        return url
    }

    @Test("migrate SQLite → PostgreSQL → SQLite: history and findings read byte for byte the same")
    func roundTrip() throws {
        try prepareSQLite(conversations: 12)
        #expect(try pitboss.run("score", "rude-1", "--set", "courtesy=fail,greeting=pass,sla=na", "--comment", "tab\there, ‘quotes’").status == 0)
        #expect(try pitboss.run("score", "rude-1", "--set", "courtesy=pass,greeting=pass,sla=na", "--revise", "second look").status == 0)
        #expect(try pitboss.run("queue", "claim", "c-3", "--as", "qa.tom").status == 0)
        #expect(try pitboss.run("queue", "skip", "c-4", "--why", "test chat").status == 0)
        let url = cluster.freshDatabase()
        let there = try pitboss.run("migrate", "--from", "pitboss.sqlite", "--to", url)
        #expect(there.status == 0, "\(there.stderr)")
        #expect(there.stdout.contains("each table's count and checksum match the source"))
        let back = try pitboss.run("migrate", "--from", url, "--to", "back.sqlite", "--format", "json")
        #expect(back.status == 0, "\(back.stderr)")
        #expect(back.stdout.contains("\"table\" : \"audit_log\""))
        for command in [["history", "rude-1"], ["history", "c-3"], ["findings"], ["findings", "--format", "json"], ["queue", "list", "--include-finished", "--all"], ["stats"]] {
            let original = try pitboss.run(command + ["--db", "pitboss.sqlite"])
            let copied = try pitboss.run(command + ["--db", "back.sqlite"])
            #expect(original.status == 0)
            #expect(copied.stdout == original.stdout, "\(command)")
        }
        // Into a database that holds a workspace already: refused, and what it held is kept.
        let again = try pitboss.run("migrate", "--from", "pitboss.sqlite", "--to", url)
        #expect(again.status == 77)
        #expect(again.stderr.contains("already holds a workspace"))
    }

    @Test("8 reviewers' logins claiming at once on PostgreSQL never get the same item, and together get them all")
    func concurrentClaims() throws {
        try prepareSQLite(conversations: 31)
        let url = try migrated()
        // Each reviewer claims and skips in turn (a reviewer's next claim resumes their own open claim).
        let processes = try (0..<8).map { p in
            let login = login("pg.r\(p)", "pitboss_reviewer", to: url)
            let script = """
                for k in 1 2 3 4 5; do
                  id=$("$PITBOSS" queue claim --db "\(login)" --format json | sed -n 's/.*"item" : \\([0-9]*\\).*/\\1/p')
                  [ -n "$id" ] || exit 0
                  echo "$id"
                  "$PITBOSS" queue skip "#$id" --db "\(login)" --why done >/dev/null || exit 3
                done
                """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script]
            process.currentDirectoryURL = workspace.url
            var environment = pitboss.environment
            environment["PITBOSS"] = Pitboss.binary.path
            environment.removeValue(forKey: "PITBOSS_USER")
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
            #expect(process.terminationStatus == 0)
            items += String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
        }
        #expect(items.count == 32)
        #expect(Set(items).count == 32)
        let late = login("pg.late", "pitboss_reviewer", to: url)
        var environment = pitboss.environment
        environment.removeValue(forKey: "PITBOSS_USER")
        let none = try Pitboss(directory: workspace.url, environment: environment).run("queue", "claim", "--db", late)
        #expect(none.status == 1)
        #expect(none.stderr.contains("nothing in the queue for pg.late"))
        // The audit log, read back on SQLite: one claim per item, by the login that then skipped it.
        #expect(try pitboss.run("migrate", "--from", url, "--to", "after.sqlite").status == 0)
        let log = try DatabaseQueue(path: workspace.path("after.sqlite")).read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.queue_item_id AS item, c.actor AS claimer, s.actor AS skipper FROM audit_log c
                JOIN audit_log s ON s.queue_item_id = c.queue_item_id AND s.action = 'skip' WHERE c.action = 'claim'
                """)
        }
        #expect(log.count == 32)
        #expect(Set(log.map { $0["item"] as Int64 }).count == 32)
        #expect(log.allSatisfy { ($0["claimer"] as String) == ($0["skipper"] as String) && ($0["claimer"] as String).hasPrefix("pg.r") })
    }

    @Test("on PostgreSQL the actor is the login: --as is refused to a reviewer, allowed to a supervisor; --force needs a supervisor login")
    func identityFromLogin() throws {
        try prepareSQLite(conversations: 4)
        let url = try migrated()
        let reviewer = login("pg.ann", "pitboss_reviewer", to: url)
        let supervisor = login("pg.lead", "pitboss_supervisor", to: url)

        let mine = try asLogin.run("queue", "claim", "--db", reviewer)
        #expect(mine.status == 0)
        #expect(mine.stdout.contains("claimed by pg.ann"))
        let pretending = try asLogin.run("queue", "claim", "--db", reviewer, "--as", "pg.lead")
        #expect(pretending.status == 77)
        #expect(pretending.stderr.contains("you act as your login, pg.ann"))
        let item = String(mine.stdout.split(separator: "\t")[0])
        let takeBack = try asLogin.run("queue", "release", "#" + item, "--db", reviewer, "--as", "pg.ann")
        #expect(takeBack.status == 0)  // her own claim, and naming herself is fine
        let inherited = try pitboss.run("queue", "claim", "--db", reviewer)  // PITBOSS_USER=qa.maria, as on a SQLite workstation
        #expect(inherited.status == 77)
        #expect(try asLogin.run("queue", "claim", "#" + item, "--db", reviewer).status == 0)
        let other = try asLogin.run("queue", "release", "#" + item, "--db", login("pg.bo", "pitboss_reviewer", to: url), "--force")
        #expect(other.status == 77)
        #expect(other.stderr.contains("not a member of pitboss_supervisor"))
        let forLead = try asLogin.run("queue", "release", "#" + item, "--db", supervisor, "--force")
        #expect(forLead.status == 0)
        let onBehalf = try asLogin.run("queue", "claim", "--db", supervisor, "--as", "pg.ann")
        #expect(onBehalf.status == 0)
        #expect(onBehalf.stdout.contains("claimed by pg.ann"))
    }

    @Test("a reviewer's login scores, corrects and reads back on PostgreSQL; show and history read as they do from a SQLite copy")
    func scoreOnPostgres() throws {
        try prepareSQLite(conversations: 3)
        let url = try migrated()
        let maria = login("pg.maria", "pitboss_reviewer", to: url)
        let scored = try asLogin.run("score", "rude-1", "--db", maria, "--set", "courtesy=fail,greeting=pass,sla=na", "--confirm", "F1:rude to the player",
                                     "--comment", "Rude, ‘twice’", "--format", "json")
        #expect(scored.status == 0, "\(scored.stderr)")
        #expect(scored.stdout.contains("\"reviewer\" : \"pg.maria\""))
        let again = try asLogin.run("score", "rude-1", "--db", maria, "--set", "courtesy=pass,greeting=pass,sla=na")
        #expect(again.status == 77)  // scored already: a correction says why
        let revised = try asLogin.run("score", "rude-1", "--db", maria, "--set", "courtesy=pass", "--revise", "read it again")
        #expect(revised.status == 0, "\(revised.stderr)")
        #expect(revised.stdout.contains("revision 2"))
        let other = try asLogin.run("score", "c-1", "--db", login("pg.tom", "pitboss_reviewer", to: url), "--as", "pg.maria", "--set", "courtesy=pass,greeting=pass,sla=na")
        #expect(other.status == 77)
        // What the server holds reads the same through PostgreSQL and through a SQLite copy of it.
        #expect(try pitboss.run("migrate", "--from", url, "--to", "copy.sqlite").status == 0)
        for command in [["history", "rude-1"], ["history", "rude-1", "--format", "json"], ["show", "rude-1"], ["show", "c-2", "--format", "json"],
                        ["findings"], ["findings", "--conversation", "rude-1", "--format", "json"], ["findings", "--rule", "rude", "--show-pii"],
                        ["findings", "--min-severity", "major", "--limit", "1"]] {
            let server = try asLogin.run(command + ["--db", maria])
            let copy = try asLogin.run(command + ["--db", "copy.sqlite"])
            #expect(server.status == 0, "\(command): \(server.stderr)")
            #expect(server.stdout == copy.stdout, "\(command)")
        }
        let typo = try asLogin.run("findings", "--conversation", "rude-2", "--db", maria)
        #expect(typo.status == 65)
        #expect(typo.stderr.contains("rude-1") || typo.stderr.contains("no conversation"))
        let missing = try asLogin.run("show", "rude-", "--db", maria)
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("ids like it: rude-1"))
    }

    @Test("before init a server holds no workspace and no command creates one; doctor is for SQLite files; any login may copy the workspace")
    func serverWithoutWorkspace() throws {
        let url = cluster.freshDatabase()
        // Before init, a person's command finds no workspace there, and creates none; neither does a copy from it.
        let early = try pitboss.run("show", "c-1", "--db", url)
        #expect(early.status == 66)
        #expect(early.stderr.contains("holds no Pitboss workspace yet"))
        #expect(try pitboss.run("migrate", "--from", url, "--to", "early.sqlite").status == 66)
        #expect(!FileManager.default.fileExists(atPath: workspace.path("early.sqlite")))
        #expect(try pitboss.run("init", "--db", url).status == 0)
        let again = try pitboss.run("init", "--db", url)
        #expect(again.status == 0)
        #expect(again.stdout.contains("Pitboss schema v"))
        let doctor = try pitboss.run("doctor", "--db", url)
        #expect(doctor.status == 64)
        // Any login may copy the workspace, to read it with what does not run on PostgreSQL yet.
        let reader = login("pg.reader", "pitboss_reviewer", to: url)
        let copy = try pitboss.run("migrate", "--from", reader, "--to", "reader.sqlite")
        #expect(copy.status == 0, "\(copy.stderr)")
        // A target that holds a workspace already is refused, and kept as it was.
        #expect(try pitboss.run("import", workspace.corpus("one.jsonl", count: 1), "--db", "full.sqlite").status == 0)
        #expect(try pitboss.run("migrate", "--from", reader, "--to", "full.sqlite").status == 77)
        #expect(FileManager.default.fileExists(atPath: workspace.path("full.sqlite")))
        let missing = try pitboss.run("migrate", "--from", "nothing-here.sqlite", "--to", url)
        #expect(missing.status == 66)
        let viaEnvironment = try Pitboss(directory: workspace.url, environment: ["PITBOSS_DB": url]).run("stats")
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.stderr)")
        #expect(viaEnvironment.stdout.hasPrefix("0 conversations"))
    }

    /// A SQLite workspace with something of everything the reports read: reviews, a correction, a skip, a retraining
    /// assignment, an open dispute, a calibration session and a sample.
    func prepareEverything() throws {
        try prepareSQLite(conversations: 12)
        workspace.write("pitboss.yaml", """
            rubric: rubric.yaml
            modules:
              courtesy-101: {title: Staying courteous, criteria: [courtesy]}
            """)
        #expect(try pitboss.run("score", "rude-1", "--set", "courtesy=fail,greeting=pass,sla=na", "--confirm", "F1:rude").status == 0)
        #expect(try pitboss.run("score", "c-2", "--set", "courtesy=pass,greeting=fail,sla=pass", "--as", "qa.tom").status == 0)
        #expect(try pitboss.run("score", "c-2", "--set", "courtesy=pass,greeting=pass,sla=pass", "--revise", "missed the greeting", "--as", "qa.tom").status == 0)
        #expect(try pitboss.run("queue", "skip", "c-4", "--why", "test chat").status == 0)
        #expect(try pitboss.run("retrain", "assign", "en.rude", "--module", "courtesy-101", "--due", "2099-01-31", "--evidence", "rude-1").status == 0)
        let dispute = try pitboss.run("dispute", "open", "rude-1", "--criterion", "courtesy", "--reason", "the player swore first", "--as", "en.rude")
        #expect(dispute.status == 0, "\(dispute.stderr)")
        #expect(try pitboss.run("calibrate", "create", "wk", "--reviewers", "qa.maria,qa.tom", "--conversations", "c-5,c-6").status == 0)
    }

    @Test("every command that only reads runs on PostgreSQL and prints what it prints on a SQLite copy, byte for byte")
    func readingCommandsMatchACopy() throws {
        try prepareEverything()
        let url = try migrated()
        let reader = login("pg.reader", "pitboss_reviewer", to: url)
        #expect(try pitboss.run("migrate", "--from", reader, "--to", "copy.sqlite").status == 0)
        let commands: [[String]] = [
            ["stats"], ["stats", "--format", "json"], ["queue", "list"], ["queue", "list", "--include-finished", "--all", "--format", "csv"],
            ["queue", "list", "--reviewer", "qa.tom", "--include-finished"],
            ["report", "agents"], ["report", "agents", "--format", "json"], ["report", "agent", "en.rude"], ["report", "agent", "en.rude", "--format", "html"],
            ["report", "shifts"], ["report", "shift", "2026-11-21-night"], ["report", "reviewers"], ["report", "rules"], ["report", "retraining"],
            ["rubric", "precision"], ["rubric", "precision", "--by", "rule", "--format", "csv"], ["flag", "show"], ["flag", "show", "1", "--format", "json"],
            ["retrain", "list"], ["retrain", "show", "1"], ["retrain", "outcome", "1"], ["retrain", "outcomes", "--format", "json"], ["retrain", "suggest"],
            ["calibrate", "status"], ["calibrate", "status", "wk"], ["calibrate", "trend"],
            ["dispute", "list"], ["dispute", "show", "1", "--format", "json"], ["sample", "--verify", "1"], ["check", "rude-1"],
        ]
        for command in commands {
            let server = try pitboss.run(command + ["--db", reader])
            let copy = try pitboss.run(command + ["--db", "copy.sqlite"])
            #expect(server.status == copy.status, "\(command): \(server.stderr)")
            // The HTML page's footer says when it was made, to the second: the two runs may straddle one.
            func undated(_ page: String) -> String {
                page.replacingOccurrences(of: #"Made by Pitboss on [0-9-]+ [0-9:]+ UTC"#, with: "Made by Pitboss on …", options: .regularExpression)
            }
            #expect(undated(server.stdout) == undated(copy.stdout), "\(command)")
            #expect(!server.stdout.isEmpty, "\(command)")
        }
        // A name that matches nothing is still a typo, said with the names there are.
        let typo = try pitboss.run("report", "agent", "en.rudee", "--db", reader)
        #expect(typo.status == 65)
        #expect(typo.stderr.contains("en.rude"))
    }

    @Test("a supervisor's login draws a sample and assigns work on PostgreSQL; a reviewer's login is refused both, by the server too")
    func sampleAndAssignOnPostgres() throws {
        workspace.write("rubric.yaml", ReviewCommandTests.rubric)
        workspace.write("pitboss.yaml", "rubric: rubric.yaml\n")
        let url = cluster.freshDatabase()
        #expect(try pitboss.run("init", "--db", url).status == 0)
        let lead = login("pg.lead", "pitboss_supervisor", to: url)
        let tom = login("pg.tom", "pitboss_reviewer", to: url)
        #expect(try asLogin.run("import", workspace.corpus("c.jsonl", count: 40), "--db", lead).status == 0)
        // The batch's login is a supervisor's, not the tables' owner: flag writes findings through row-level security.
        let flagged = try asLogin.run("flag", "--db", lead)
        #expect(flagged.status == 0, "\(flagged.stderr)")
        // The same seed over the same population draws the same conversations on either backend.
        let sqlite = try pitboss.run("import", "c.jsonl", "--db", "same.sqlite")
        #expect(sqlite.status == 0)
        #expect(try pitboss.run("flag", "--db", "same.sqlite").status == 0)
        let drawnHere = try pitboss.run("sample", "--size", "5", "--seed", "pg", "--dry-run", "--format", "json", "--db", "same.sqlite")
        let drawnThere = try asLogin.run("sample", "--size", "5", "--seed", "pg", "--dry-run", "--format", "json", "--db", tom)
        #expect(drawnThere.status == 0, "\(drawnThere.stderr)")
        #expect(drawnHere.stdout == drawnThere.stdout)
        let refused = try asLogin.run("sample", "--size", "5", "--seed", "pg", "--db", tom)
        #expect(refused.status == 77)
        #expect(refused.stderr.contains("pitboss_supervisor"))
        let drawn = try asLogin.run("sample", "--size", "5", "--seed", "pg", "--db", lead)
        #expect(drawn.status == 0, "\(drawn.stderr)")
        #expect(drawn.stdout.contains("5 drawn, 5 queued"))
        #expect(try asLogin.run("sample", "--verify", "1", "--db", tom).status == 0)
        // Assigning: by count with a filter, and by name; a reviewer's login is refused by the command and by the server.
        let assigned = try asLogin.run("queue", "assign", "--to", "pg.tom", "--count", "2", "--reason", "sample", "--db", lead)
        #expect(assigned.status == 0, "\(assigned.stderr)")
        #expect(assigned.stdout.contains("Assigned 2 items to pg.tom"))
        // A supervisor acts for people, and on a server the people are its logins.
        let ghost = try asLogin.run("queue", "claim", "--as", "pg.ghost", "--db", lead)
        #expect(ghost.status == 65)
        #expect(ghost.stderr.contains("pg.ghost is not a login of pitboss_reviewer"))
        let nobody = try asLogin.run("queue", "assign", "--to", "pg.nobody", "#3", "--db", lead)
        #expect(nobody.status == 65)
        #expect(nobody.stderr.contains("not a login of pitboss_reviewer"))
        _ = login("pg.ann", "pitboss_reviewer", to: url)
        let typo = try asLogin.run("queue", "assign", "--to", "pg.anm", "#3", "--db", lead)
        #expect(typo.status == 65)
        #expect(typo.stderr.contains("similar logins: pg.ann"), "\(typo.stderr)")
        let named = try asLogin.run("queue", "assign", "--to", "pg.ann", "#3", "--db", lead)
        #expect(named.status == 0, "\(named.stderr)")
        let mine = try asLogin.run("queue", "list", "--mine", "--format", "json", "--db", tom)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(mine.stdout.utf8)) as? [[String: Any]])
        #expect(items.count == 2 && items.allSatisfy { $0["assigned_to"] as? String == "pg.tom" })
        #expect(try asLogin.run("queue", "assign", "--to", "pg.tom", "--count", "1", "--db", tom).status == 77)
        let database = String(url.split(separator: "/").last!)
        #expect(!cluster.psql("SET SESSION AUTHORIZATION \"pg.tom\"; UPDATE queue_items SET assigned_to = 'pg.tom', assigned_by = 'pg.tom' WHERE id = 5", database: database))
        // The claim goes to what was assigned first.
        let claim = try asLogin.run("queue", "claim", "--format", "json", "--db", tom)
        #expect(claim.status == 0)
        #expect(claim.stdout.contains("\"reviewer\" : \"pg.tom\""))
        #expect(try asLogin.run("history", "#3", "--db", tom).stdout.contains("to=pg.ann"))
    }

    @Test("a reviewer's login reviews interactively on PostgreSQL: verdict, answers, comment, submit; input that ends early gives the claim back")
    func interactiveReviewOnPostgres() throws {
        try prepareSQLite(conversations: 2)
        let url = try migrated()
        let maria = login("pg.maria", "pitboss_reviewer", to: url)
        // F1: confirm; courtesy: Enter takes the suggestion (fail); greeting: pass; sla: n (N/A); comment; submit; quit.
        let run = try asLogin.run(["review", "rude-1", "--db", maria], input: "c\n\np\nn\nRude closing\ns\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("»not my problem«[F1]"))
        #expect(!run.stdout.contains("4111 1111"))
        #expect(run.stdout.contains("Score 33.3 / 100"))
        let history = try asLogin.run("history", "rude-1", "--db", maria)
        #expect(history.stdout.contains("pg.maria"))
        #expect(history.stdout.contains("Rude closing"))
        #expect(try asLogin.run("findings", "--conversation", "rude-1", "--format", "json", "--db", maria).stdout.contains("\"verdict\" : \"confirmed\""))
        let abandoned = try asLogin.run(["review", "c-1", "--db", maria], input: "")
        #expect(abandoned.status == 0, "\(abandoned.stderr)")
        #expect(abandoned.stdout.contains("Abandoned: nothing stored"))
        let mine = try asLogin.run("queue", "list", "--mine", "--db", maria)
        #expect(mine.stdout.contains("0 items") || !mine.stdout.contains("c-1"), "\(mine.stdout)")
        #expect(try asLogin.run("history", "c-1", "--db", maria).stdout.contains("abandoned"))
    }

    @Test("the server drops a reviewer's session while they read: the review they go on to submit is stored, over a new session")
    func reviewOutlivesALostSession() throws {
        try prepareSQLite(conversations: 1)
        let url = try migrated()
        let maria = login("pg.maria", "pitboss_reviewer", to: url)
        let stdin = Pipe()
        let (process, out, err) = try asLogin.start(["review", "rude-1", "--db", maria], stdin: stdin)
        stdin.fileHandleForWriting.write(Data("c\n".utf8))  // a verdict, then the reviewer reads on
        var seen = ""
        while !seen.contains("Scorecard") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        let database = String(url.split(separator: "/").last!)
        #expect(cluster.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'pg.maria' AND datname = '\(database)'"))
        stdin.fileHandleForWriting.write(Data("\np\nn\nRude closing\ns\n".utf8))
        try stdin.fileHandleForWriting.close()
        seen += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(errors)")
        #expect(seen.contains("Score 33.3 / 100"), "\(seen)")
        let history = try asLogin.run("history", "rude-1", "--db", maria)
        #expect(history.stdout.contains("Rude closing"), "\(history.stdout)")
    }

    @Test("disputes on PostgreSQL: the agent's login opens one, a supervisor's login decides it (a revision in their name), a reviewer's login may not")
    func disputesOnPostgres() throws {
        try prepareSQLite(conversations: 2)
        #expect(try pitboss.run("score", "rude-1", "--set", "courtesy=fail,greeting=pass,sla=na").status == 0)
        let url = try migrated()
        let agent = login("en.rude", "pitboss_reviewer", to: url)
        let lead = login("pg.lead", "pitboss_supervisor", to: url)
        let tom = login("pg.tom", "pitboss_reviewer", to: url)
        let opened = try asLogin.run("dispute", "open", "rude-1", "--criterion", "courtesy", "--reason", "the player swore first", "--db", agent)
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(opened.stdout.contains("Opened dispute #1 of review #1"))
        let twice = try asLogin.run("dispute", "open", "rude-1", "--criterion", "courtesy", "--reason", "again", "--db", agent)
        #expect(twice.status == 77)
        #expect(try asLogin.run("dispute", "decide", "1", "--accept", "--set", "courtesy=pass", "--reason", "fine", "--db", tom).status == 77)
        let decided = try asLogin.run("dispute", "decide", "1", "--accept", "--set", "courtesy=pass", "--reason", "firm, not rude", "--db", lead)
        #expect(decided.status == 0, "\(decided.stderr)")
        #expect(decided.stdout.contains("Dispute #1 accepted by pg.lead: review #1 revised as #2"))
        let shown = try asLogin.run("dispute", "show", "1", "--format", "json", "--db", tom)
        #expect(shown.stdout.contains("\"status\" : \"accepted\""))
        let history = try asLogin.run("history", "rude-1", "--db", tom)
        #expect(history.stdout.contains("dispute #1: firm, not rude"))
        // A dispute of the revision, withdrawn by its opener; the list shows both.
        #expect(try asLogin.run("dispute", "open", "2", "--criterion", "greeting", "--reason", "second thoughts", "--db", agent).status == 0)
        #expect(try asLogin.run("dispute", "withdraw", "2", "--db", tom).status == 77)
        #expect(try asLogin.run("dispute", "withdraw", "2", "--reason", "never mind", "--db", agent).status == 0)
        let list = try asLogin.run("dispute", "list", "--format", "csv", "--db", tom)
        #expect(list.stdout.contains("withdrawn") && list.stdout.contains("accepted"), "\(list.stdout)")
        #expect(try asLogin.run("dispute", "list", "--agent", "en.rudee", "--db", tom).status == 65)
    }

    @Test("retraining on PostgreSQL: a supervisor's login assigns, starts and completes it; a reviewer's login may not; the list reads as on SQLite")
    func retrainingOnPostgres() throws {
        try prepareSQLite(conversations: 2)
        workspace.write("pitboss.yaml", """
            rubric: rubric.yaml
            modules:
              courtesy-101: {title: Staying courteous, criteria: [courtesy]}
            """)
        let url = try migrated()
        let lead = login("pg.lead", "pitboss_supervisor", to: url)
        let tom = login("pg.tom", "pitboss_reviewer", to: url)
        let refused = try asLogin.run("retrain", "assign", "en.rude", "--module", "courtesy-101", "--due", "2099-01-31", "--db", tom)
        #expect(refused.status == 77)
        let assigned = try asLogin.run("retrain", "assign", "en.rude", "--module", "courtesy-101", "--due", "2099-01-31", "--evidence", "rude-1",
                                       "--on", "2026-11-01", "--db", lead)
        #expect(assigned.status == 0, "\(assigned.stderr)")
        #expect(assigned.stdout.contains("Assigned retraining #1: en.rude, module courtesy-101 (courtesy), due 2099-01-31."))
        let repeated = try asLogin.run("retrain", "assign", "en.rude", "--module", "courtesy-101", "--due", "2099-02-28", "--db", lead)
        #expect(repeated.stdout.contains("A repeat: #1"), "\(repeated.stdout)")
        #expect(try asLogin.run("retrain", "start", "1", "--on", "2026-11-02", "--db", tom).status == 77)
        #expect(try asLogin.run("retrain", "start", "1", "--on", "2026-11-02", "--db", lead).status == 0)
        #expect(try asLogin.run("retrain", "complete", "1", "--on", "2026-11-10", "--db", lead).stdout.contains("is completed"))
        let again = try asLogin.run("retrain", "start", "1", "--db", lead)
        #expect(again.status == 77)
        #expect(again.stderr.contains("is completed"))
        #expect(try asLogin.run("retrain", "cancel", "2", "--reason", "moved to VIP", "--db", lead).status == 0)
        #expect(try asLogin.run("retrain", "assign", "en.rudy", "--module", "courtesy-101", "--due", "2099-01-31", "--db", lead).stderr.contains("en.rude"))
        // Re-evaluating the windows is a flag run: a supervisor's.
        #expect(try asLogin.run("retrain", "outcome", "1", "--reevaluate", "--db", tom).status == 77)
        let reevaluated = try asLogin.run("retrain", "outcomes", "--reevaluate", "--db", lead)
        #expect(reevaluated.status == 0, "\(reevaluated.stderr)")
        #expect(try pitboss.run("migrate", "--from", url, "--to", "copy.sqlite").status == 0)
        for command in [["retrain", "list"], ["retrain", "show", "1", "--format", "json"], ["retrain", "outcome", "1"]] {
            let server = try asLogin.run(command + ["--db", tom])
            #expect(server.status == 0, "\(command): \(server.stderr)")
            #expect(server.stdout == (try asLogin.run(command + ["--db", "copy.sqlite"])).stdout, "\(command)")
        }
    }

    @Test("calibration on PostgreSQL: a supervisor's login creates a session, each reviewer's login scores blind, the creator closes it, the report reads as on SQLite")
    func calibrationOnPostgres() throws {
        try prepareSQLite(conversations: 3)
        let url = try migrated()
        let lead = login("pg.lead", "pitboss_supervisor", to: url)
        let maria = login("pg.maria", "pitboss_reviewer", to: url)
        let tom = login("pg.tom", "pitboss_reviewer", to: url)
        #expect(try asLogin.run("calibrate", "create", "wk", "--reviewers", "pg.maria,pg.tom", "--conversations", "c-1,rude-1", "--db", maria).status == 77)
        let created = try asLogin.run("calibrate", "create", "wk", "--reviewers", "pg.maria,pg.tom", "--conversations", "c-1,rude-1", "--db", lead)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("4 tasks queued with reason calibration"))
        let drawn = try asLogin.run("calibrate", "create", "drawn", "--reviewers", "pg.maria,pg.tom", "--sample", "2", "--seed", "s", "--db", lead)
        #expect(drawn.status == 0, "\(drawn.stderr)")
        for (who, courtesy) in [(maria, "fail"), (tom, "pass")] {
            for conversation in ["c-1", "rude-1"] {
                let scored = try asLogin.run("score", conversation, "--set", "courtesy=\(courtesy),greeting=pass,sla=na", "--db", who)
                #expect(scored.status == 0, "\(scored.stderr)")
                #expect(scored.stdout.contains("Stored calibration answers"), "\(scored.stdout)")
            }
        }
        // Blind until closed, for psql too: a reviewer's login reads only its own answers; only the creator closes it.
        let database = String(url.split(separator: "/").last!)
        func visible(to login: String) throws -> String? {
            try PostgresConnection(cluster.url(database: database, user: login)).value("""
                SELECT string_agg(DISTINCT r.reviewer, ',' ORDER BY r.reviewer) || ' ' || count(a.*)
                FROM calibration_reviews r JOIN calibration_answers a ON a.review_id = r.id JOIN calibration_sessions s ON s.id = r.session_id
                WHERE s.name = 'wk'
                """)
        }
        #expect(try visible(to: "pg.tom") == "pg.tom 6")
        #expect(try visible(to: "pg.lead") == "pg.maria,pg.tom 12")
        #expect(try asLogin.run("calibrate", "report", "wk", "--db", tom).status == 77)
        #expect(try asLogin.run("calibrate", "close", "wk", "--db", maria).status == 77)
        let closed = try asLogin.run("calibrate", "close", "wk", "--db", lead)
        #expect(closed.status == 0, "\(closed.stderr)")
        #expect(closed.stdout.contains("every task was scored"))
        #expect(try visible(to: "pg.tom") == "pg.maria,pg.tom 12")
        // Nobody adds answers to a closed session, nor to a task that is not theirs.
        let late = try PostgresConnection(cluster.url(database: database, user: "pg.tom"))
        #expect(throws: PostgresConnection.Failure.self) {
            try late.execute("""
                INSERT INTO calibration_reviews (session_id, queue_item_id, conversation_id, reviewer, created_at, rubric_name, rubric_version, rubric_hash, score, raw_score, auto_failed)
                SELECT r.session_id, r.queue_item_id, r.conversation_id, 'pg.tom', now(), r.rubric_name, r.rubric_version, r.rubric_hash, 100, 100, false
                FROM calibration_reviews r JOIN calibration_sessions s ON s.id = r.session_id WHERE s.name = 'wk' AND r.reviewer = 'pg.tom' LIMIT 1
                """)
        }
        // The calibration answers are not reviews: the queue's real items are untouched.
        #expect(!(try asLogin.run("history", "c-1", "--db", tom)).stdout.contains("Review #"))
        #expect(try pitboss.run("migrate", "--from", url, "--to", "copy.sqlite").status == 0)
        for command in [["calibrate", "report", "wk"], ["calibrate", "report", "wk", "--format", "json"], ["calibrate", "status"], ["calibrate", "status", "drawn"],
                        ["calibrate", "trend"]] {
            let server = try asLogin.run(command + ["--db", tom])
            #expect(server.status == 0, "\(command): \(server.stderr)")
            #expect(server.stdout == (try asLogin.run(command + ["--db", "copy.sqlite"])).stdout, "\(command)")
        }
    }
}
