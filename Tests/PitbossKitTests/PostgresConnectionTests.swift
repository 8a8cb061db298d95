import Foundation
import Testing
import PostgresTestSupport
@testable import PitbossKit

/// The PostgreSQL client (libpq) against a throwaway cluster: what the PostgreSQL backend will stand on.
@Suite("PostgreSQL through libpq", .enabled(if: PostgresCluster.available,
                                            "PostgreSQL is not installed here, or a throwaway cluster did not start: make test installs it (as root) and runs these"))
struct PostgresConnectionTests {
    var url: String { PostgresCluster.shared?.url ?? "" }

    @Test("connects by a postgres:// URI and runs a statement with text parameters: NULL stays NULL, text comes back byte for byte")
    func parameters() throws {
        let db = try PostgresConnection(url)
        #expect(db.serverMajorVersion >= 12)
        let result = try db.execute("SELECT $1::text AS word, $2::text IS NULL AS missing, $3::int + 1 AS next", ["naïve ‘quotes’ 🎰 ' ; DROP", nil, "41"])
        #expect(result.columns == ["word", "missing", "next"])
        #expect(result.rows == [["naïve ‘quotes’ 🎰 ' ; DROP", "t", "42"]])
    }

    @Test("an array of text, NULLs among it, reaches the server element for element: quotes, backslashes, braces, commas, the word NULL")
    func arrays() throws {
        let db = try PostgresConnection(url)
        let values: [String?] = ["plain", nil, "", "NULL", #"say "hi""#, #"back\slash"#, "{braces}, commas", "tab\tand\nnew line", "🎰 ‘x’", #"""#]
        let rows = try db.execute("SELECT v, v IS NULL FROM unnest($1::text[]) WITH ORDINALITY AS a(v, n) ORDER BY n", [PostgresText.array(values)]).rows
        #expect(rows.map { $0[0] } == values)
        #expect(rows.map { $0[1] } == values.map { $0 == nil ? "t" : "f" })
    }

    @Test("errors carry the SQLSTATE: a unique violation, a syntax error; a transaction that throws is rolled back")
    func failures() throws {
        let db = try PostgresConnection(url)
        try db.execute("CREATE TEMP TABLE t (id int PRIMARY KEY)")
        try db.execute("INSERT INTO t VALUES (1)")
        let unique = #expect(throws: PostgresConnection.Failure.self) { try db.execute("INSERT INTO t VALUES (1)") }
        #expect(unique?.sqlState == PostgresConnection.Failure.uniqueViolation)
        let syntax = #expect(throws: PostgresConnection.Failure.self) { try db.execute("SELEC 1") }
        #expect(syntax?.sqlState == "42601")
        #expect(throws: PostgresConnection.Failure.self) {
            try db.transaction { () throws -> Void in
                try db.execute("INSERT INTO t VALUES (2)")
                try db.execute("INSERT INTO t VALUES (1)")
            }
        }
        #expect(try db.execute("SELECT count(*) FROM t").rows == [["1"]])
    }

    /// A reviewer's laptop loses the server while its reviewer reads a transcript (a restart, a dropped VPN): the claim's
    /// renewal and the submit that follow must find it again, or the review is typed in vain.
    @Test("a connection lost between transactions is opened anew at the next one, set up as before; one lost inside a transaction fails that transaction")
    func reconnection() throws {
        let db = try PostgresConnection(url), admin = try PostgresConnection(url)
        try db.setUpSession(["SET TIME ZONE 'Asia/Tokyo'"])
        let increment = "SELECT $1::int + 1 AS next"
        #expect(try db.execute(increment, ["1"]).rows == [["2"]])  // prepared in the first session
        func terminate(_ pid: String) throws {
            try admin.execute("SELECT pg_terminate_backend($1::int)", [pid])
            for _ in 0..<500 where try admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = $1::int", [pid]).rows.count > 0 { usleep(20_000) }
        }
        let first = try #require(try db.execute("SELECT pg_backend_pid()").rows.first?[0] ?? nil)
        try terminate(first)

        let (second, zone, next) = try db.transaction {
            (try db.execute("SELECT pg_backend_pid()").rows[0][0], try db.execute("SHOW TIME ZONE").rows[0][0], try db.execute(increment, ["2"]).rows[0][0])
        }
        #expect(second != first)
        #expect(zone == "Asia/Tokyo")
        #expect(next == "3")

        let lost = #expect(throws: PostgresConnection.Failure.self) {
            try db.transaction { () throws -> Void in
                try db.execute("CREATE TEMP TABLE t (id int)")
                try terminate(second ?? "")
                try db.execute("INSERT INTO t VALUES (1)")
            }
        }
        #expect(lost?.sqlState == "08006" || lost?.sqlState == "57P01", "\(String(describing: lost))")
        #expect(try db.transaction { try db.execute("SELECT to_regclass('pg_temp.t') IS NULL").rows } == [["t"]])  // nothing of it survived
    }

    /// A capped flag run holds its turn as a session-level lock for the whole run: a new session would run on without
    /// it, beside another capped run.
    @Test("a connection holding a session-level lock is not opened anew when it breaks: its next transaction fails as lost, and once the lock is given back it reconnects")
    func noReconnectionWhileHoldingASessionLock() throws {
        let db = try PostgresConnection(url), admin = try PostgresConnection(url)
        try db.lockForSession("pitboss-test-turn")
        let pid = try #require(try db.execute("SELECT pg_backend_pid()").rows.first?[0] ?? nil)
        try admin.execute("SELECT pg_terminate_backend($1::int)", [pid])
        for _ in 0..<500 where try admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = $1::int", [pid]).rows.count > 0 { usleep(20_000) }
        let lost = #expect(throws: PostgresConnection.Failure.self) { try db.transaction { try db.execute("SELECT 1") } }
        #expect(lost?.sqlState == "08006" || lost?.sqlState == "57P01", "\(String(describing: lost))")
        #expect(try admin.execute("SELECT pg_try_advisory_lock(hashtext('pitboss-test-turn'))").rows == [["t"]])  // free for another run
        db.unlockForSession("pitboss-test-turn")
        #expect(try db.transaction { try db.execute("SELECT 1").rows } == [["1"]])
    }

    @Test("a refused connection is a temporary error naming the target without its password")
    func refused() {
        let error = #expect(throws: PitbossError.self) { try PostgresConnection("postgresql://who:secret@127.0.0.1:1/none?connect_timeout=2") }
        #expect(error?.code == .temporary)
        #expect(error?.message.contains("who:***@127.0.0.1:1") == true)
        #expect(error?.message.contains("secret") == false)
    }

    /// What claims on PostgreSQL will use: a reviewer never waits on another's locked row, and never gets it.
    @Test("FOR UPDATE SKIP LOCKED: while one session holds the first item, another takes the second at once")
    func skipLocked() throws {
        let a = try PostgresConnection(url), b = try PostgresConnection(url)
        try a.execute("DROP TABLE IF EXISTS claim_test")
        try a.execute("CREATE TABLE claim_test (id int PRIMARY KEY, holder text)")
        try a.execute("INSERT INTO claim_test SELECT g, NULL FROM generate_series(1, 3) g")
        let claim = "UPDATE claim_test SET holder = $1 WHERE id = (SELECT id FROM claim_test WHERE holder IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id"
        try a.execute("BEGIN")
        #expect(try a.execute(claim, ["a"]).rows == [["1"]])
        let started = Date()
        #expect(try b.execute(claim, ["b"]).rows == [["2"]])  // b's own transaction, committed at once
        #expect(Date().timeIntervalSince(started) < 30)  // not a timing claim: it returned, where a plain FOR UPDATE would wait for a
        try a.execute("COMMIT")
        #expect(try a.execute("SELECT id, holder FROM claim_test ORDER BY id").rows == [["1", "a"], ["2", "b"], ["3", nil]])
        try a.execute("DROP TABLE claim_test")
    }

    @Test("a password in a connection target is never shown")
    func redaction() {
        #expect(PostgresConnection.passwords(in: "postgres://ann:s3cr3t@db:5432/pitboss") == ["s3cr3t"])
        #expect(PostgresConnection.passwords(in: "host=db password=pw2 user=x") == ["pw2"])
        #expect(PostgresConnection.redacted("postgres://ann:s3cr3t@db:5432/pitboss") == "postgres://ann:***@db:5432/pitboss")
        #expect(PostgresConnection.redacted("host=db user=ann password=s3cr3t dbname=p") == "host=db user=ann password=*** dbname=p")
        #expect(PostgresConnection.redacted("postgres://ann@db/pitboss") == "postgres://ann@db/pitboss")
    }

    @Test("a connection that cannot work says what to do: no such database (66), no such login (77), a malformed target (64)")
    func connectionFailures() throws {
        let cluster = try #require(PostgresCluster.shared)
        for (target, code, words) in [(cluster.url(database: "no_such_db"), PitbossError.Code.missingFile, "no such database"),
                                      (cluster.url(database: "postgres", user: "no_such_login"), .refused, "no such login"),
                                      ("postgres://ann:hunter2@127.0.0.1:\(cluster.port)/postgres?sslmode=bogus", .usage, "postgres://USER@HOST")] {
            #expect {
                _ = try PostgresConnection(target)
            } throws: { error in
                let error = error as! PitbossError
                return error.code == code && error.message.contains(words) && !error.message.contains("hunter2")
            }
        }
    }
}
