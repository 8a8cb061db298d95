import Foundation
import GRDB
import PostgresTestSupport
import Testing
@testable import PitbossKit

/// The workspace's schema on PostgreSQL, the server's rules for who may change what, and `migrate` both ways.
@Suite("A workspace on PostgreSQL: schema, roles and the copy to and from SQLite",
       .enabled(if: PostgresCluster.available, "PostgreSQL is not installed here, or a throwaway cluster did not start: make test installs it (as root) and runs these"))
struct PostgresWorkspaceTests {
    let cluster = PostgresCluster.shared!

    /// A fresh database with the schema, and a login of each role.
    func workspace() throws -> (url: String, database: PostgresDatabase) {
        let url = cluster.freshDatabase()
        return (url, try PostgresDatabase(url, schema: .createOrUpgrade))
    }

    /// A login (created once per cluster) that is a member of `role`, connected to the database at `url`.
    func login(_ name: String, _ role: String, to url: String) throws -> PostgresConnection {
        cluster.psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(name)') THEN CREATE ROLE \"\(name)\" LOGIN IN ROLE \(role); END IF; END $$")
        let database = String(url.split(separator: "/").last!)
        return try PostgresConnection(cluster.url(database: database, user: name))
    }

    /// A SQLite workspace with conversations, findings, queue items, reviews (one revised), a dispute and the audit log.
    func filledSQLite() throws -> ReviewFixture {
        let f = try ReviewFixture(rude: 3, calm: 2)
        try f.sampleAll()
        let maria = Reviewer(name: "qa.maria")
        let rubric = TestRubric.rubric
        let card = try Scorecard(rubric: rubric, answers: Dictionary(uniqueKeysWithValues: rubric.criteria.map { ($0.id, "pass") }))
        let claim = try #require(try f.queue.claimNext(for: maria, now: f.now))
        let review = try f.store.submit(ReviewSubmission(item: claim.item, reviewer: maria, rubric: rubric, scorecard: card), now: f.minutes(1))
        _ = try f.store.submit(ReviewSubmission(item: claim.item, reviewer: maria, rubric: rubric, scorecard: card, revisionReason: "second look"), now: f.minutes(2))
        _ = try DisputeStore(reviews: f.store, disputeDays: 14).open(review: review.id + 1, criteria: [rubric.criteria[0].id], reason: "the player was calm", by: "en.anna", now: f.minutes(3))
        _ = try f.queue.claimNext(for: Reviewer(name: "qa.tom"), now: f.minutes(4))
        return f
    }

    /// A fresh server database holding `filledSQLite()`, copied in by its owner; its URI.
    func filledServer() throws -> String {
        let (url, database) = try workspace()
        _ = try WorkspaceTransfer.copy(from: try filledSQLite().database, to: database)
        return url
    }

    /// Every table's rows, in id order, as SQLite reads them: what "the same workspace" means.
    func everyRow(_ database: PitbossDatabase) throws -> [String: [[DatabaseValue]]] {
        try database.writer.read { db in
            var tables: [String: [[DatabaseValue]]] = [:]
            for table in PostgresSchema.tablesInDependencyOrder {
                tables[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2").map { Array($0.databaseValues) }
            }
            tables["sqlite_sequence"] = try Row.fetchAll(db, sql: "SELECT name, seq FROM sqlite_sequence ORDER BY name").map { Array($0.databaseValues) }
            return tables
        }
    }

    @Test("init creates the schema at the version SQLite is at; opening again changes nothing")
    func schemaVersion() throws {
        let (url, database) = try workspace()
        #expect(try database.schemaVersion() == Migrations.schemaVersion)
        #expect(PostgresSchema.version == Migrations.schemaVersion)
        let again = try PostgresDatabase(url)
        #expect(try again.connection.execute("SELECT count(*) FROM pitboss_migrations").rows == [["1"]])
    }

    @Test("a person's command never creates the schema on a server: an empty database is refused, and stays empty")
    func schemaIsTheOwners() throws {
        let url = cluster.freshDatabase()
        #expect {
            _ = try PostgresDatabase(url)
        } throws: { error in
            let error = error as! PitbossError
            return error.code == .missingFile && error.message.contains("holds no Pitboss workspace yet")
        }
        #expect(try PostgresConnection(url).execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").rows == [["0"]])
    }

    @Test("two flag runs at once write each conversation's findings once: the evaluation decides who writes")
    func concurrentFlagRuns() throws {
        let scratch = Scratch()
        let corpus = StoreContract.corpus(rude: 300, calm: 300, in: scratch)
        func flagged(runs: Int) throws -> [[String?]] {
            let (url, _) = try workspace()
            let workspaces = try (0..<runs).map { _ in Workspace(config: WorkspaceConfig(), server: try PostgresDatabase(url)) }
            _ = try StoreContract.importFiles([corpus], into: workspaces[0])
            DispatchQueue.concurrentPerform(iterations: runs) { k in
                var options = FlagRunner.Options()
                options.batchSize = 50
                _ = try? FlagRunner(store: workspaces[k].flagRuns, rubric: TestRubric.rubric, options: options).run(now: StoreContract.now)
            }
            return try PostgresConnection(url).execute("SELECT (SELECT count(*) FROM evaluations), (SELECT count(*) FROM findings), (SELECT count(*) FROM queue_items)").rows
        }
        let alone = try flagged(runs: 1)
        #expect(alone[0][0] == "600")
        #expect(try flagged(runs: 2) == alone)
    }

    @Test("a schema written by a newer Pitboss is refused, naming both versions, before anything is written")
    func newerSchemaRefused() throws {
        let (url, database) = try workspace()
        try database.connection.execute("INSERT INTO pitboss_migrations (identifier) VALUES ('v10 something newer')")
        #expect {
            _ = try PostgresDatabase(url)
        } throws: { error in
            let error = error as! PitbossError
            return error.code == .refused && error.message.contains("schema v10") && error.message.contains("knows schema v\(Migrations.schemaVersion)")
        }
    }

    @Test("nobody updates, deletes or truncates reviews, their answers or the audit log: not even the tables' owner")
    func appendOnlyForEveryone() throws {
        let url = try filledServer()
        let owner = try PostgresConnection(url)  // the superuser who ran init
        for statement in ["UPDATE reviews SET score = 100", "DELETE FROM review_answers", "UPDATE audit_log SET actor = 'nobody'",
                          "DELETE FROM audit_log", "TRUNCATE audit_log", "TRUNCATE reviews CASCADE", "DELETE FROM review_verdicts"] {
            #expect(throws: PostgresConnection.Failure.self, "\(statement)") {
                do { try owner.execute(statement) } catch let error as PostgresConnection.Failure {
                    #expect(error.sqlState == PostgresConnection.Failure.insufficientPrivilege, "\(statement): \(error)")
                    throw error
                }
            }
        }
        #expect(try owner.execute("SELECT count(*) FROM reviews").rows == [["2"]])
    }

    @Test("a reviewer's login is refused what only supervisors do, by the server: assign, take back a claim, decide a dispute")
    func reviewerRefusedSupervisorActions() throws {
        let url = try filledServer()
        // qa.tom's claim, taken in the fixture's past, still running now.
        try PostgresConnection(url).execute("UPDATE queue_items SET claim_expires_at = now() + interval '1 hour' WHERE assigned_to = 'qa.tom'")
        let reviewer = try login("qa.maria", "pitboss_reviewer", to: url)
        // Assigning (to herself or to another) and handing an item to someone else are refused.
        for statement in ["UPDATE queue_items SET assigned_to = 'qa.maria', assigned_by = 'qa.maria' WHERE status = 'open'",
                          "UPDATE queue_items SET assigned_to = 'qa.ivan' WHERE status = 'open'"] {
            #expect {
                try reviewer.execute(statement)
            } throws: { ($0 as? PostgresConnection.Failure)?.sqlState == PostgresConnection.Failure.insufficientPrivilege }
        }
        // qa.tom holds a claim: the row is not hers to change, so nothing changes.
        let released = try reviewer.execute("UPDATE queue_items SET status = 'open', assigned_to = NULL WHERE assigned_to = 'qa.tom' AND status = 'claimed'")
        #expect(released.affected == 0)
        #expect(try reviewer.execute("SELECT count(*) FROM queue_items WHERE assigned_to = 'qa.tom' AND status = 'claimed'").rows == [["1"]])
        // Deciding a dispute she did not open touches nothing; one she opened may only be withdrawn.
        #expect(try reviewer.execute("UPDATE disputes SET status = 'accepted', decided_by = 'qa.maria'").affected == 0)
        // Nor may she write what import and flag write.
        #expect {
            try reviewer.execute("DELETE FROM queue_items")
        } throws: { ($0 as? PostgresConnection.Failure)?.sqlState == PostgresConnection.Failure.insufficientPrivilege }
        // Nor mark an item scored without a review, reopen a scored one, or claim for longer than a day.
        for statement in ["UPDATE queue_items SET status = 'scored', assigned_to = 'qa.maria' WHERE status = 'open'",
                          "UPDATE queue_items SET status = 'open', assigned_to = NULL WHERE status = 'scored'",
                          "UPDATE queue_items SET status = 'claimed', assigned_to = 'qa.maria', claim_expires_at = '9999-12-31' WHERE status = 'open'",
                          // nor store a review, a dispute already decided, or a verdict, in another's name
                          "INSERT INTO reviews (conversation_id, reviewer, created_at) SELECT id, 'qa.tom', now() FROM conversations LIMIT 1",
                          "INSERT INTO disputes (review_id, conversation_id, criteria, reason, opened_by, opened_at, status, decided_by) SELECT id, conversation_id, '[]', 'x', 'qa.maria', now(), 'accepted', 'qa.lead' FROM reviews LIMIT 1",
                          "UPDATE findings SET verdict = 'dismissed', verdict_by = 'qa.lead'"] {
            #expect(throws: PostgresConnection.Failure.self, "\(statement)") {
                do { try reviewer.execute(statement) } catch let error as PostgresConnection.Failure {
                    #expect(error.sqlState == PostgresConnection.Failure.insufficientPrivilege, "\(statement): \(error)")
                    throw error
                }
            }
        }
        // Nor write the audit log in someone else's name, whatever she sets.
        try reviewer.execute("SET pitboss.copying = 'on'")
        #expect {
            try reviewer.execute("INSERT INTO audit_log (at, actor, action, detail) VALUES (now(), 'qa.lead', 'claim', '{}')")
        } throws: { ($0 as? PostgresConnection.Failure)?.sqlState == PostgresConnection.Failure.insufficientPrivilege }
        let supervisor = try login("qa.lead", "pitboss_supervisor", to: url)
        // A supervisor may, and the entry names the login that wrote it.
        try supervisor.execute("INSERT INTO audit_log (at, actor, action, detail) VALUES (now(), 'qa.maria', 'claim', '{\"expires_at\": \"x\"}')")
        #expect(try supervisor.execute("SELECT detail::json->>'login' FROM audit_log WHERE actor = 'qa.maria' ORDER BY id DESC LIMIT 1").rows == [["qa.lead"]])
        #expect(try supervisor.execute("UPDATE disputes SET status = 'rejected', decided_by = 'qa.lead', decided_at = now() WHERE status = 'open'").affected == 1)
        #expect(try supervisor.execute("UPDATE queue_items SET status = 'open', assigned_to = NULL WHERE assigned_to = 'qa.tom'").affected == 1)
    }

    @Test("a reviewer may not take over an assigned item whose claim ran out, open a dispute of the wrong conversation, backdated or without a criteria list, add to a stored review, judge a finding outside a review, claim without an end, or write Pitboss's own audit entries")
    func reviewerLoopholesClosed() throws {
        let url = try filledServer()
        let owner = try PostgresConnection(url)
        let item = try #require(try owner.execute("SELECT min(id) FROM queue_items WHERE status = 'open'").rows.first?.first ?? nil)
        try owner.execute("""
            UPDATE queue_items SET assigned_to = 'qa.tom', assigned_by = 'qa.lead', status = 'claimed', claim_expires_at = now() - interval '1 minute'
            WHERE id = $1
            """, [item])
        let reviewer = try login("qa.maria", "pitboss_reviewer", to: url)
        let taken = try reviewer.execute("UPDATE queue_items SET assigned_to = 'qa.maria', claim_expires_at = now() + interval '1 hour' WHERE id = $1", [item])
        #expect(taken.affected == 0)
        #expect(try owner.execute("SELECT assigned_to FROM queue_items WHERE id = $1", [item]).rows == [["qa.tom"]])
        // A dispute opened by hand: of the review's own conversation, now, contesting a list of criteria.
        let review = try #require(try owner.execute("SELECT id, conversation_id FROM reviews ORDER BY id LIMIT 1").rows.first)
        let other = try #require(try owner.execute("SELECT id FROM conversations WHERE id <> $1 LIMIT 1", [review[1]]).rows.first?.first ?? nil)
        for (conversation, openedAt, criteria) in [(other, "now()", "'[\"courtesy\"]'"), (review[1]!, "'1999-01-01'", "'[\"courtesy\"]'"),
                                                  (review[1]!, "now()", "'\"courtesy\"'"), (review[1]!, "now()", "'[]'"),
                                                  (review[1]!, "now()", "'[\"courtesy\", \"no-such-criterion\"]'")] {
            #expect(throws: PostgresConnection.Failure.self) {
                try reviewer.execute("""
                    INSERT INTO disputes (review_id, conversation_id, criteria, reason, opened_by, opened_at)
                    VALUES (\(review[0]!), \(conversation), \(criteria), 'x', 'qa.maria', \(openedAt))
                    """)
            }
        }
        try reviewer.execute("""
            INSERT INTO disputes (review_id, conversation_id, criteria, reason, opened_by, opened_at) VALUES ($1, $2, '["courtesy"]', 'x', 'qa.maria', now())
            """, [review[0], review[1]])
        // Nor add answers or verdicts to a stored review, claim without an end, or write Pitboss's own audit entries.
        let stored = try #require(try owner.execute("SELECT id FROM reviews ORDER BY id LIMIT 1").rows.first?.first ?? nil)
        let open = try #require(try owner.execute("SELECT min(id) FROM queue_items WHERE status = 'open' AND assigned_to IS NULL").rows.first?.first ?? nil)
        for statement in ["INSERT INTO review_answers (review_id, criterion, position, answer, item_score, weight, critical) VALUES (\(stored), 'bogus', 99, 'fail', 0, 100, true)",
                          "UPDATE queue_items SET status = 'claimed', assigned_to = 'qa.maria', claimed_at = now(), claim_expires_at = NULL WHERE id = \(open)",
                          "INSERT INTO audit_log (at, actor, action, detail) VALUES (now(), 'pitboss', 'score', '{}')",
                          "INSERT INTO audit_log (at, actor, action, detail) VALUES ('1999-01-01', 'qa.maria', 'claim', '{}')",
                          "UPDATE findings SET verdict = 'dismissed', verdict_by = 'qa.maria', verdict_at = now() WHERE id = (SELECT min(id) FROM findings)"] {
            #expect(throws: PostgresConnection.Failure.self, "\(statement)") { try reviewer.execute(statement) }
        }
        // Nor take, skip or drop an item without its entry in the audit log; with one, in the same transaction, it goes.
        let untouched = try #require(try owner.execute("SELECT max(id) FROM queue_items WHERE status = 'open' AND assigned_to IS NULL").rows.first?.first ?? nil)
        for change in ["assigned_to = 'qa.maria'", "status = 'skipped', skip_reason = 'x', assigned_to = 'qa.maria'"] {
            #expect("\(change)") {
                try reviewer.execute("UPDATE queue_items SET \(change) WHERE id = \(untouched)")
            } throws: { ($0 as? PostgresConnection.Failure)?.sqlState == PostgresConnection.Failure.insufficientPrivilege }
        }
        // The entry must say what happened, in the reviewer's own name: not Pitboss's expiry of a claim, not another action.
        for entry in ["'pitboss', 'expire'", "'qa.maria', 'claim'"] {
            #expect("\(entry)") {
                try reviewer.transaction {
                    try reviewer.execute("UPDATE queue_items SET status = 'skipped', skip_reason = 'x', assigned_to = 'qa.maria' WHERE id = \(untouched)")
                    try reviewer.execute("INSERT INTO audit_log (at, actor, action, queue_item_id, detail) VALUES (now(), \(entry), \(untouched), '{}')")
                }
            } throws: { ($0 as? PostgresConnection.Failure)?.sqlState == PostgresConnection.Failure.insufficientPrivilege }
        }
        try reviewer.transaction {
            try reviewer.execute("UPDATE queue_items SET status = 'skipped', skip_reason = 'x', assigned_to = 'qa.maria' WHERE id = \(untouched)")
            try reviewer.execute("INSERT INTO audit_log (at, actor, action, queue_item_id, detail) VALUES (now(), 'qa.maria', 'skip', \(untouched), '{\"why\":\"x\"}')")
        }
        // Pitboss's own entry for a claim that ran out is anyone's to write.
        try reviewer.execute("INSERT INTO audit_log (at, actor, action, detail) VALUES (now(), 'pitboss', 'expire', '{}')")
    }

    /// An id written by hand would be one the counter hands out later: the next person's review, claim or dispute would
    /// fail on it (a unique violation), so only the admin who fills an empty workspace writes ids.
    @Test("ids are the server's to give: a reviewer's or supervisor's login writing an id of its own is refused; without one, the row gets the next")
    func idsAreTheServers() throws {
        let url = try filledServer()
        let owner = try PostgresConnection(url)
        let next = "(SELECT max(id) + 1 FROM audit_log)"
        for (name, role) in [("qa.maria", "pitboss_reviewer"), ("qa.lead", "pitboss_supervisor")] {
            let person = try login(name, role, to: url)
            #expect {
                try person.execute("INSERT INTO audit_log (id, at, actor, action, detail) VALUES (\(next), now(), $1, 'claim', '{}')", [name])
            } throws: { ($0 as? PostgresConnection.Failure)?.sqlState == PostgresConnection.Failure.insufficientPrivilege }
            let given = try person.execute("INSERT INTO audit_log (at, actor, action, detail) VALUES (now(), $1, 'claim', '{}') RETURNING id", [name]).rows
            #expect(try given == owner.execute("SELECT max(id)::text FROM audit_log").rows)
        }
        // Disputes too, which reviewers open and supervisors decide: neither writes nor changes their ids.
        let lead = try login("qa.lead", "pitboss_supervisor", to: url)
        #expect {
            try lead.execute("""
                INSERT INTO disputes (id, review_id, conversation_id, criteria, reason, opened_by, opened_at)
                SELECT (SELECT coalesce(max(id), 0) + 5 FROM disputes), id, conversation_id, '["courtesy"]', 'x', 'qa.lead', now() FROM reviews ORDER BY id LIMIT 1
                """)
        } throws: { ($0 as? PostgresConnection.Failure)?.sqlState == PostgresConnection.Failure.insufficientPrivilege }
        #expect {
            try lead.execute("UPDATE disputes SET id = id + 500")
        } throws: { ($0 as? PostgresConnection.Failure)?.sqlState == PostgresConnection.Failure.insufficientPrivilege }
        let admin = try login("qa.admin", "pitboss_admin", to: url)
        #expect(try admin.execute("INSERT INTO audit_log (id, at, actor, action, detail) VALUES (\(next), now(), 'qa.admin', 'claim', '{}')").affected == 1)
    }

    /// Reports read a review's score; one written by hand through psql must still be its answers' score.
    @Test("a review stored by hand is refused as it commits unless its answers give its score: none, a made-up score, a critical failure kept quiet")
    func scoreFromAnswers() throws {
        let url = try filledServer()
        let owner = try PostgresConnection(url)
        let conversation = try #require(try owner.execute("SELECT min(id) FROM conversations").rows.first?.first ?? nil)
        // A supervisor's login, which may store a review for someone and is held to the score all the same.
        let reviewer = try login("qa.lead", "pitboss_supervisor", to: url)
        func store(score: String, raw: String, autoFailed: Bool, answers: [(criterion: String, itemScore: String, weight: String, critical: Bool)]) throws {
            try reviewer.transaction {
                let id = try #require(try reviewer.execute("""
                    INSERT INTO reviews (conversation_id, reviewer, created_at, score, raw_score, auto_failed)
                    VALUES ($1, 'qa.maria', now(), $2, $3, $4) RETURNING id
                    """, [conversation, score, raw, autoFailed ? "t" : "f"]).rows.first?.first ?? nil)
                for (position, answer) in answers.enumerated() {
                    try reviewer.execute("""
                        INSERT INTO review_answers (review_id, criterion, position, answer, item_score, weight, critical)
                        VALUES ($1, $2, $3, 'x', $4, $5, $6)
                        """, [id, answer.criterion, String(position), answer.itemScore == "na" ? nil : answer.itemScore, answer.weight, answer.critical ? "t" : "f"])
                }
            }
        }
        let refusals: [(String, String, Bool, [(criterion: String, itemScore: String, weight: String, critical: Bool)])] = [
            ("100", "100", false, []),
            ("100", "100", false, [("courtesy", "0", "2", false), ("greeting", "1", "1", false)]),
            ("50", "50", false, [("courtesy", "0", "1", true), ("greeting", "1", "1", false)]),
            ("100", "100", false, [("sla", "na", "1", false)]),
        ]
        for (score, raw, autoFailed, answers) in refusals {
            #expect("\(score) \(answers)") {
                try store(score: score, raw: raw, autoFailed: autoFailed, answers: answers)
            } throws: { ($0 as? PostgresConnection.Failure)?.sqlState == "23000" }
        }
        // Firing the review's check early, before the answers that contradict it, does not help: each answer checks again.
        #expect {
            try reviewer.transaction {
                let id = try #require(try reviewer.execute("""
                    INSERT INTO reviews (conversation_id, reviewer, created_at, score, raw_score, auto_failed) VALUES ($1, 'qa.maria', now(), 100, 100, false) RETURNING id
                    """, [conversation]).rows.first?.first ?? nil)
                try reviewer.execute("INSERT INTO review_answers (review_id, criterion, position, answer, item_score, weight, critical) VALUES ($1, 'greeting', 0, 'pass', 1, 1, false)", [id])
                try reviewer.execute("SET CONSTRAINTS reviews_score_from_answers IMMEDIATE")
                try reviewer.execute("INSERT INTO review_answers (review_id, criterion, position, answer, item_score, weight, critical) VALUES ($1, 'courtesy', 1, 'fail', 0, 2, true)", [id])
            }
        } throws: { ($0 as? PostgresConnection.Failure)?.sqlState == "23000" }
        let before = try owner.execute("SELECT count(*) FROM reviews").rows
        // 1 × 0 + 2 × 1 over weights 3, the N/A left out of both sums; then a critical 0 that fails the review.
        try store(score: "66.66666666666667", raw: "66.66666666666667", autoFailed: false,
                  answers: [("courtesy", "0", "1", false), ("greeting", "1", "2", false), ("sla", "na", "5", false)])
        try store(score: "0", raw: "50", autoFailed: true, answers: [("courtesy", "0", "1", true), ("greeting", "1", "1", false)])
        #expect(try owner.execute("SELECT count(*) - \(before[0][0]!) FROM reviews").rows == [["2"]])
    }

    /// What `ReviewRules` decides, kept by the server for anyone writing through psql.
    @Test("a reviewer's login stores a review only as Pitboss would: never of their own conversation, a correction only of the current review and never of a dispute's decision, a first review only of an item they may take")
    func reviewsAsPitbossStoresThem() throws {
        let url = try filledServer()
        let owner = try PostgresConnection(url)
        func current() throws -> (id: String, conversation: String, revision: Int) {
            let row = try #require(try owner.execute("SELECT id, conversation_id, revision FROM current_reviews ORDER BY id LIMIT 1").rows.first)
            return (row[0]!, row[1]!, Int(row[2]!)!)
        }
        @discardableResult
        func store(_ who: PostgresConnection, _ name: String, conversation: String, item: String? = nil, revises: String? = nil, revision: Int = 1) throws -> String {
            try who.transaction {
                let id = try #require(try who.execute("""
                    INSERT INTO reviews (conversation_id, reviewer, created_at, queue_item_id, revision, revises, score, raw_score, auto_failed)
                    VALUES ($1, $2, now(), $3, $4, $5, 100, 100, false) RETURNING id
                    """, [conversation, name, item, String(revision), revises]).rows.first?.first ?? nil)
                try who.execute("""
                    INSERT INTO review_answers (review_id, criterion, position, answer, item_score, weight, critical) VALUES ($1, 'courtesy', 0, 'pass', 1, 1, false)
                    """, [id])
                return id
            }
        }
        let refused: (any Error) -> Bool = { ($0 as? PostgresConnection.Failure)?.sqlState == PostgresConnection.Failure.insufficientPrivilege }
        let anna = try login("en.anna", "pitboss_reviewer", to: url), tom = try login("qa.tom", "pitboss_reviewer", to: url)
        let maria = try login("qa.maria", "pitboss_reviewer", to: url)
        var latest = try current()
        // en.anna was the agent of it.
        #expect(performing: { try store(anna, "en.anna", conversation: latest.conversation, revises: latest.id, revision: latest.revision + 1) }, throws: refused)
        // A correction says which revision it is.
        #expect(performing: { try store(tom, "qa.tom", conversation: latest.conversation, revises: latest.id, revision: latest.revision + 5) }, throws: refused)
        try store(tom, "qa.tom", conversation: latest.conversation, revises: latest.id, revision: latest.revision + 1)
        // A dispute's decision changes only through another dispute.
        latest = try current()
        try owner.execute("UPDATE disputes SET status = 'accepted', decided_by = 'qa.lead', decided_at = now(), revision_id = $1 WHERE id = (SELECT min(id) FROM disputes)", [latest.id])
        #expect(performing: { try store(maria, "qa.maria", conversation: latest.conversation, revises: latest.id, revision: latest.revision + 1) }, throws: refused)
        // A first review is of an item the reviewer holds or may take: not qa.tom's claim, not another conversation's item.
        let held = try #require(try owner.execute("SELECT id, conversation_id FROM queue_items WHERE status = 'claimed' AND assigned_to = 'qa.tom'").rows.first)
        #expect(performing: { try store(maria, "qa.maria", conversation: held[1]!, item: held[0]!) }, throws: refused)
        let open = try #require(try owner.execute("SELECT id, conversation_id FROM queue_items WHERE status = 'open' AND assigned_to IS NULL ORDER BY id LIMIT 1").rows.first)
        #expect(performing: { try store(maria, "qa.maria", conversation: held[1]!, item: open[0]!) }, throws: refused)
        try store(maria, "qa.maria", conversation: open[1]!, item: open[0]!)
    }

    @Test("the opener of a dispute may withdraw it, and may not decide it")
    func openerWithdraws() throws {
        let url = try filledServer()
        let agent = try login("en.anna", "pitboss_reviewer", to: url)
        #expect {
            try agent.execute("UPDATE disputes SET status = 'accepted', decided_by = 'en.anna'")
        } throws: { ($0 as? PostgresConnection.Failure)?.sqlState == PostgresConnection.Failure.insufficientPrivilege }
        // Withdrawn now, not backdated.
        #expect {
            try agent.execute("UPDATE disputes SET status = 'withdrawn', decided_by = 'en.anna', decided_at = '1970-01-01'")
        } throws: { ($0 as? PostgresConnection.Failure)?.sqlState == PostgresConnection.Failure.insufficientPrivilege }
        #expect(try agent.execute("UPDATE disputes SET status = 'withdrawn', decided_by = 'en.anna', decided_at = now()").affected == 1)
    }

    @Test("SQLite → PostgreSQL → SQLite gives back every row of every table, ids and id counters included")
    func roundTrip() throws {
        let (url, database) = try workspace()
        let f = try filledSQLite()
        let there = try WorkspaceTransfer.copy(from: f.database, to: database)
        #expect(there.first { $0.table == "reviews" }?.rows == 2)
        #expect(there.first { $0.table == "audit_log" }?.rows ?? 0 > 5)
        let back = try PitbossDatabase.inMemory()
        let home = try WorkspaceTransfer.copy(from: try PostgresDatabase(url), to: back)
        #expect(home == there)
        #expect(try everyRow(back) == everyRow(f.database))
        // Times are timestamptz on the server, and the same instants.
        let started = try database.connection.execute("SELECT to_char(min(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM reviews").rows
        #expect(started == [["2026-11-22 08:01"]])
    }

    @Test("copying a workspace in is the tables' owner's: an admin's login is refused before anything is written; the owner keeps a review from before raw scores as it was")
    func onlyTheOwnerCopiesIn() throws {
        let (url, _) = try workspace()
        let f = try filledSQLite()
        // A review stored before v3 has no raw score (and this one no answers): a copy keeps it as it is.
        try f.database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO reviews (conversation_id, reviewer, created_at, rubric_name, rubric_version, rubric_hash, score, raw_score, auto_failed, comment)
                SELECT conversation_id, reviewer, created_at, rubric_name, rubric_version, rubric_hash, 87.5, NULL, 0, 'from before v3'
                FROM reviews WHERE id = (SELECT min(id) FROM reviews)
                """)
        }
        _ = try login("qa.admin", "pitboss_admin", to: url)
        let admin = try PostgresDatabase(cluster.url(database: String(url.split(separator: "/").last!), user: "qa.admin"))
        let refused = #expect(throws: PitbossError.self) { try WorkspaceTransfer.copy(from: f.database, to: admin) }
        #expect(refused?.code == .refused)
        #expect(refused?.message.contains("qa.admin cannot copy a workspace into") == true, "\(String(describing: refused))")
        #expect(try admin.connection.execute("SELECT count(*) FROM conversations").rows == [["0"]])
        let there = try WorkspaceTransfer.copy(from: f.database, to: try PostgresDatabase(url))
        let back = try PitbossDatabase.inMemory()
        #expect(try WorkspaceTransfer.copy(from: try PostgresDatabase(url), to: back) == there)
        #expect(try everyRow(back) == everyRow(f.database))
    }

    @Test("text with tabs, new lines, backslashes and \\N survives the copy byte for byte")
    func awkwardText() throws {
        let (url, database) = try workspace()
        let sqlite = try PitbossDatabase.inMemory()
        let awkward = "tab\there\nnew line\\backslash \\N and\r\u{0001} 🎰 ‘quoted’"
        try sqlite.writer.write { db in
            try db.execute(sql: """
                INSERT INTO conversations (id, external_id, source_file, source_record, source_format, channel, language, agent_id, shift_id,
                                           started_at, customer_id, content_hash, turn_count, imported_at, first_response_seconds)
                VALUES (7, ?, 'f', '1', 'jsonl', 'chat', 'en', 'a', 's', '2026-11-21T22:04:00.123Z', '\\N', 'h', 1, '2026-11-21T22:05:00.000Z', 0.1)
                """, arguments: [awkward])
            try db.execute(sql: "INSERT INTO turns (conversation_id, idx, role, text) VALUES (7, 0, 'agent', ?)", arguments: [awkward])
        }
        _ = try WorkspaceTransfer.copy(from: sqlite, to: database)
        let back = try PitbossDatabase.inMemory()
        _ = try WorkspaceTransfer.copy(from: try PostgresDatabase(url), to: back)
        #expect(try everyRow(back) == everyRow(sqlite))
        #expect(try database.connection.execute("SELECT text, customer_id IS NULL FROM turns JOIN conversations ON id = conversation_id").rows == [[awkward, "f"]])
    }

    @Test("a target that already holds a workspace is refused, and keeps what it held")
    func targetMustBeEmpty() throws {
        let (url, database) = try workspace()
        let f = try filledSQLite()
        _ = try WorkspaceTransfer.copy(from: f.database, to: database)
        #expect {
            _ = try WorkspaceTransfer.copy(from: f.database, to: try PostgresDatabase(url))
        } throws: { ($0 as? PitbossError)?.code == .refused }
        #expect(try database.connection.execute("SELECT count(*) FROM reviews").rows == [["2"]])
        #expect {
            _ = try WorkspaceTransfer.copy(from: database, to: f.database)
        } throws: { ($0 as? PitbossError)?.code == .refused }
    }
}
