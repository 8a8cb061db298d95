import Crypto
import Foundation
import GRDB

/// `pitboss migrate`: moves a whole workspace between a SQLite file and a PostgreSQL database, either way.
///
/// Every table is copied with its ids (so review numbers, item numbers and the audit log read the same), and each id
/// counter is carried over (a withdrawn queue item's number is not handed out again). The target must be empty; it is
/// filled in one transaction, and before that commits every table is read back from the target and compared with the
/// source by row count and by a SHA-256 of its rows in id order, in one canonical text form for both backends. A
/// difference rolls the whole copy back. The source is read in one snapshot, so a copy taken while others work is
/// consistent.
public enum WorkspaceTransfer {
    /// One table as copied: its rows and the checksum both sides agreed on.
    public struct TableCheck: Sendable, Codable, Equatable {
        public var table: String
        public var rows: Int
        public var checksum: String
    }

    /// How a column's values are written in the canonical form both backends are read into.
    enum Kind: Equatable {
        case integer, real, text, boolean, instant, day
    }

    struct Column {
        var name: String
        var kind: Kind
    }

    struct Table {
        var name: String
        var columns: [Column]
        var primaryKey: [String]
        /// Whether the table's ids come from a counter (an identity column on PostgreSQL, AUTOINCREMENT or rowid on SQLite).
        var hasCounter: Bool
        /// The rows a PostgreSQL source reads, as a query standing for the table (nil: all of them).
        var source: String? = nil
    }

    /// Copies `sqlite` into the empty PostgreSQL database.
    public static func copy(from sqlite: PitbossDatabase, to postgres: PostgresDatabase, progress: (String) -> Void = { _ in }) throws(PitbossError) -> [TableCheck] {
        let tables = try layout(of: postgres)
        try postgres.requireTableOwner(toDo: "copy a workspace into")
        do {
            return try sqlite.writer.read { db in
                try SQLiteSide.mustMatch(db, tables, version: PostgresSchema.version)
                return try postgres.connection.transaction {
                    // The audit log's entries go in as they were written, not as this login's (see PostgresSchema).
                    try postgres.connection.execute("SET LOCAL pitboss.copying = 'on'")
                    try PostgresSide(postgres).lockAndMustBeEmpty(tables)
                    return try transfer(tables, from: SQLiteSide(db: db), to: PostgresSide(postgres), progress: progress)
                }
            }
        } catch {
            throw translate(error, target: postgres.shownTarget)
        }
    }

    /// Copies the PostgreSQL database into the empty SQLite one.
    public static func copy(from postgres: PostgresDatabase, to sqlite: PitbossDatabase, progress: (String) -> Void = { _ in }) throws(PitbossError) -> [TableCheck] {
        let tables = try layout(of: postgres)
        do {
            try postgres.connection.begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { _ = try? postgres.connection.execute("ROLLBACK") }
            return try sqlite.writer.write { db in
                try SQLiteSide.mustMatch(db, tables, version: PostgresSchema.version)
                try SQLiteSide(db: db).mustBeEmpty(tables)
                return try transfer(tables, from: PostgresSide(postgres), to: SQLiteSide(db: db), progress: progress)
            }
        } catch {
            throw translate(error, target: sqlite.path ?? "the SQLite database")
        }
    }

    /// Copies every table; `verified` reads each back from the target and compares it with what was sent.
    static func transfer(_ tables: [Table], from source: some Side, to target: some Side, verified: Bool = true, progress: (String) -> Void) throws -> [TableCheck] {
        var checks: [TableCheck] = []
        for table in tables {
            progress("copying \(table.name)")
            var sent = Checksum()
            guard verified else {
                var rows = 0
                try target.write(table) { send in try source.read(table) { row in rows += 1; try send(row) } }
                checks.append(TableCheck(table: table.name, rows: rows, checksum: ""))
                continue
            }
            try target.write(table) { send in
                try source.read(table) { row in
                    sent.add(row)
                    try send(row)
                }
            }
            var counterKept = false
            if table.hasCounter, let counter = try source.counter(table) { counterKept = try target.setCounter(table, to: counter) }
            var stored = Checksum()
            try target.read(table) { stored.add($0) }
            guard sent.rows == stored.rows, sent.hex == stored.hex else {
                throw PitbossError.internalFailure("\(table.name): the copy differs from the source (\(sent.rows) rows sent, checksum \(sent.hex.prefix(16)); \(stored.rows) read back, checksum \(stored.hex.prefix(16))); nothing was written to the target")
            }
            let counters = counterKept ? (try source.counter(table), try target.counter(table)) : (nil, nil)
            guard counters.0 == counters.1 else {
                throw PitbossError.internalFailure("\(table.name): the id counter is \(counters.1.map(String.init) ?? "unset") in the target, \(counters.0.map(String.init) ?? "unset") in the source; nothing was written to the target")
            }
            checks.append(TableCheck(table: table.name, rows: sent.rows, checksum: sent.hex))
        }
        return checks
    }

    /// The tables and their columns as the PostgreSQL schema declares them: the one place where each column's type is known.
    static func layout(of postgres: PostgresDatabase) throws(PitbossError) -> [Table] {
        do {
            let version = try postgres.schemaVersion()
            guard version == PostgresSchema.version else {
                throw PitbossError.refused("\(postgres.shownTarget) is at schema v\(version), this build copies v\(PostgresSchema.version)")
            }
            let columns = try postgres.connection.execute("""
                SELECT c.table_name, c.column_name, c.udt_name, c.is_identity FROM information_schema.columns c
                JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
                WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position
                """).rows
            let keys = try postgres.connection.execute("""
                SELECT t.relname, a.attname FROM pg_index i
                JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
                JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                WHERE i.indisprimary ORDER BY t.relname, k.position
                """).rows
            return try PostgresSchema.tablesInDependencyOrder.map { name in
                let own = columns.filter { $0[0] == name }
                guard !own.isEmpty else { throw PitbossError.internalFailure("the PostgreSQL schema has no table \(name)") }
                return Table(
                    name: name,
                    columns: try own.map { row in Column(name: row[1] ?? "", kind: try kind(ofType: row[2] ?? "", table: name)) },
                    primaryKey: keys.filter { $0[0] == name }.compactMap { $0[1] },
                    hasCounter: own.contains { $0[3] == "YES" })
            }
        } catch {
            throw PostgresDatabase.translate(error, doing: "read the layout of \(postgres.shownTarget)")
        }
    }

    private static func kind(ofType type: String, table: String) throws -> Kind {
        switch type {
        case "int2", "int4", "int8": .integer
        case "float4", "float8", "numeric": .real
        case "bool": .boolean
        case "timestamptz": .instant
        case "date": .day
        case "text", "varchar": .text
        default: throw PitbossError.internalFailure("\(table): a column of type \(type), which a workspace copy does not know")
        }
    }

    private static func translate(_ error: any Error, target: String) -> PitbossError {
        if let pitboss = error as? PitbossError { return pitboss }
        if error is PostgresConnection.Failure { return PostgresDatabase.translate(error, doing: "copy the workspace (nothing was written to \(target))") }
        return PitbossDatabase.translate(error, doing: "copy the workspace (nothing was written to \(target))")
    }

    /// SHA-256 over rows, each value tagged so that NULL, the empty text and a field boundary can never be confused.
    struct Checksum {
        private var hasher = SHA256()
        private(set) var rows = 0

        mutating func add(_ row: [String?]) {
            rows += 1
            for value in row {
                if let value {
                    hasher.update(data: [1] + Array(value.utf8) + [0])
                } else {
                    hasher.update(data: [2])
                }
            }
            hasher.update(data: [3])
        }

        var hex: String { hasher.finalize().map { String(format: "%02x", $0) }.joined() }
    }
}

/// One end of a copy: reads a table's rows in the canonical text form, in primary-key order, and writes them.
protocol Side {
    func read(_ table: WorkspaceTransfer.Table, _ row: ([String?]) throws -> Void) throws
    func write(_ table: WorkspaceTransfer.Table, _ produce: (_ send: ([String?]) throws -> Void) throws -> Void) throws
    /// The value the table's id counter last handed out, if it has handed one out.
    func counter(_ table: WorkspaceTransfer.Table) throws -> Int64?
    /// Sets the counter, when this side keeps one beyond the highest id (false: it hands out the highest + 1).
    func setCounter(_ table: WorkspaceTransfer.Table, to value: Int64) throws -> Bool
}

/// The canonical text of a value: integers and booleans in decimal, reals as Swift prints a Double (the shortest text
/// that reads back the same), instants as `2026-11-21T22:04:00.000Z`, days as `2026-11-21`, text as it is.
private func canonicalReal(_ text: String) -> String {
    Double(text).map { "\($0)" } ?? text
}

struct SQLiteSide: Side {
    let db: Database

    static func mustMatch(_ db: Database, _ tables: [WorkspaceTransfer.Table], version: Int) throws {
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").compactMap(PitbossDatabase.schemaVersion).max() ?? 0
        guard applied == version else {
            throw PitbossError.refused("the SQLite database is at schema v\(applied), the PostgreSQL one at v\(version): open each with this Pitboss first, which brings both to v\(version)")
        }
        for table in tables {
            let names = Set(try Row.fetchAll(db, sql: "PRAGMA table_info(\(table.name.quotedDatabaseIdentifier))").map { $0["name"] as String })
            let expected = Set(table.columns.map(\.name))
            guard names == expected else {
                throw PitbossError.internalFailure("\(table.name): the SQLite table has columns \(names.sorted().joined(separator: ", ")), the PostgreSQL one \(expected.sorted().joined(separator: ", "))")
            }
        }
    }

    func mustBeEmpty(_ tables: [WorkspaceTransfer.Table]) throws {
        for table in tables where try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table.name.quotedDatabaseIdentifier))") == true {
            throw PitbossError.refused("the target already holds a workspace (\(table.name) has rows); migrate into a new, empty database")
        }
    }

    private func columnList(_ table: WorkspaceTransfer.Table) -> String {
        table.columns.map(\.name.quotedDatabaseIdentifier).joined(separator: ", ")
    }

    func read(_ table: WorkspaceTransfer.Table, _ row: ([String?]) throws -> Void) throws {
        let order = table.primaryKey.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        let cursor = try Row.fetchCursor(db, sql: "SELECT \(columnList(table)) FROM \(table.name.quotedDatabaseIdentifier) ORDER BY \(order)")
        while let stored = try cursor.next() {
            try row(table.columns.indices.map { index in
                let value = stored[index] as DatabaseValue
                switch value.storage {
                case .null: return nil
                case .int64(let number): return table.columns[index].kind == .real ? "\(Double(number))" : String(number)
                case .double(let number): return "\(number)"
                case .string(let text): return text
                case .blob(let data): return String(decoding: data, as: UTF8.self)
                }
            })
        }
    }

    func write(_ table: WorkspaceTransfer.Table, _ produce: (_ send: ([String?]) throws -> Void) throws -> Void) throws {
        let placeholders = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
        let statement = try db.makeStatement(sql: "INSERT INTO \(table.name.quotedDatabaseIdentifier) (\(columnList(table))) VALUES (\(placeholders))")
        let kinds = table.columns.map(\.kind)
        var insert = FastStatement(statement)
        try produce { row in
            // Numbers as SQLite stores them; text (and a number column's text that is no number) as text.
            for (kind, text) in zip(kinds, row) {
                switch kind {
                case .integer, .boolean: if let number = text.flatMap({ Int64($0) }) { insert.bind(number) } else { insert.bind(text) }
                case .real: if let number = text.flatMap({ Double($0) }) { insert.bind(number) } else { insert.bind(text) }
                case .text, .instant, .day: insert.bind(text)
                }
            }
            try insert.execute()
        }
    }

    func counter(_ table: WorkspaceTransfer.Table) throws -> Int64? {
        let key = table.primaryKey.first?.quotedDatabaseIdentifier ?? "rowid"
        let highest = try Int64.fetchOne(db, sql: "SELECT MAX(\(key)) FROM \(table.name.quotedDatabaseIdentifier)")
        let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [table.name])
        return [highest, sequence].compactMap { $0 }.max().flatMap { $0 > 0 ? $0 : nil }
    }

    func setCounter(_ table: WorkspaceTransfer.Table, to value: Int64) throws -> Bool {
        // Only AUTOINCREMENT tables keep a counter beyond their highest id; the others hand out the highest + 1.
        let autoincrement = try Bool.fetchOne(db, sql: "SELECT sql LIKE '%AUTOINCREMENT%' FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table.name]) ?? false
        guard autoincrement else { return false }
        try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = ?", arguments: [table.name])
        try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", arguments: [table.name, value])
        return true
    }
}

struct PostgresSide: Side {
    let database: PostgresDatabase
    init(_ database: PostgresDatabase) { self.database = database }
    private var connection: PostgresConnection { database.connection }

    func lockAndMustBeEmpty(_ tables: [WorkspaceTransfer.Table]) throws {
        // Two copies into one database take turns: the second waits, then finds it full. (LOCK TABLE would need UPDATE
        // privileges that nobody holds on the append-only tables.)
        try connection.execute("SELECT pg_advisory_xact_lock(hashtext('pitboss-migrate'))")
        for table in tables where try connection.execute("SELECT EXISTS (SELECT 1 FROM \(quoted(table.name)))").rows.first?.first == "t" {
            throw PitbossError.refused("the target already holds a workspace (\(table.name) has rows); migrate into a new, empty database")
        }
    }

    private func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    func read(_ table: WorkspaceTransfer.Table, _ row: ([String?]) throws -> Void) throws {
        let columns = table.columns.map { column in
            let name = quoted(column.name)
            switch column.kind {
            case .instant: return #"to_char(\#(name) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#
            case .day: return "to_char(\(name), 'YYYY-MM-DD')"
            case .boolean: return "\(name)::int"
            case .integer, .real, .text: return name
            }
        }
        let order = table.primaryKey.map(quoted).joined(separator: ", ")
        let reals = table.columns.indices.filter { table.columns[$0].kind == .real }
        let rows = table.source.map { "(\($0))" } ?? quoted(table.name)
        try connection.copyOut("COPY (SELECT \(columns.joined(separator: ", ")) FROM \(rows) t ORDER BY \(order)) TO STDOUT") { values in
            var values = values
            for index in reals { values[index] = values[index].map(canonicalReal) }
            try row(values)
        }
    }

    func write(_ table: WorkspaceTransfer.Table, _ produce: (_ send: ([String?]) throws -> Void) throws -> Void) throws {
        try connection.copyIn("COPY \(quoted(table.name)) (\(table.columns.map { quoted($0.name) }.joined(separator: ", "))) FROM STDIN", produce)
    }

    func counter(_ table: WorkspaceTransfer.Table) throws -> Int64? {
        guard let key = table.primaryKey.first else { return nil }
        let value = try connection.execute("SELECT last_value, is_called FROM \(sequence(table, key))").rows.first
        guard let value, value[1] == "t", let number = value[0].flatMap({ Int64($0) }) else { return nil }
        return number
    }

    /// The identity column's sequence, by name as `pg_get_serial_sequence` gives it.
    private func sequence(_ table: WorkspaceTransfer.Table, _ key: String) throws -> String {
        guard let name = try connection.execute("SELECT pg_get_serial_sequence($1, $2)", [quoted(table.name), key]).rows.first?.first ?? nil else {
            throw PitbossError.internalFailure("\(table.name).\(key) has no sequence on PostgreSQL")
        }
        return name
    }

    func setCounter(_ table: WorkspaceTransfer.Table, to value: Int64) throws -> Bool {
        guard let key = table.primaryKey.first else { return false }
        try connection.execute("SELECT setval($1, $2, true)", [try sequence(table, key), String(value)])
        return true
    }
}
