import CLibPQ
import Foundation

/// One connection to a PostgreSQL server through libpq, synchronous as the rest of the library is. What to connect to is
/// libpq's: a `postgres://USER@HOST:PORT/DB` URI or `key=value` words, with the PG* environment variables and `~/.pgpass`
/// filling in what they leave out. Values travel as text parameters (`$1`), never spliced into SQL; results come back
/// as text, NULL as nil. Errors carry the server's SQLSTATE, so that callers tell a refused privilege (42501) or a
/// unique violation (23505) from a lost connection.
///
/// One connection is one session: a transaction belongs to the thread that began it. Pitboss's commands use a connection
/// from one thread at a time (hence `@unchecked Sendable`, so that a workspace can be handed on).
public final class PostgresConnection: @unchecked Sendable {
    /// A result: the column names and the rows, each value as PostgreSQL's text form, nil for NULL.
    public struct Result: Sendable, Equatable {
        public var columns: [String]
        /// Each column's type, as the server's type OID (20 int8, 16 bool, 1184 timestamptz…).
        public var types: [UInt32] = []
        public var rows: [[String?]]
        /// Rows an INSERT, UPDATE or DELETE touched.
        public var affected: Int
    }

    /// A failure the server (or libpq) reported, with its SQLSTATE when there is one.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var sqlState: String?
        public var message: String
        public var description: String { message + (sqlState.map { " (SQLSTATE \($0))" } ?? "") }

        public static let insufficientPrivilege = "42501"
        public static let uniqueViolation = "23505"
        public static let raisedException = "P0001"
        public static let invalidAuthorization = "28000"
    }

    private let handle: OpaquePointer

    /// Connects, or throws with libpq's words for why not (a refused connection, a wrong password, no such database).
    public init(_ target: String) throws(PitbossError) {
        guard let connection = PQconnectdb(target) else { throw .internalFailure("libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            var why = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            // libpq may quote the target back (a malformed URI): its password never reaches the screen.
            for password in Self.passwords(in: target) where !password.isEmpty { why = why.replacingOccurrences(of: password, with: "***") }
            throw Self.connectionFailure(why, target: Self.redacted(target))
        }
        // The server's notices ("… does not exist, skipping") are not for the person at the terminal.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    deinit { PQfinish(handle) }

    /// Why a connection failed, as what to do: a missing or wrong password, a login or database that is not there and a
    /// malformed target do not go away by trying again; a server that does not answer may.
    static func connectionFailure(_ why: String, target: String) -> PitbossError {
        let said = "cannot connect to PostgreSQL (\(target)): \(why)"
        if why.contains("no password supplied") || why.contains("password authentication failed") {
            return .refused(said + "; give the login's password in ~/.pgpass (a line HOST:PORT:DATABASE:USER:PASSWORD, mode 0600) or in PGPASSWORD")
        }
        if why.contains("role \"") && why.contains("does not exist") {
            return .refused(said + "; the server has no such login: ask whoever runs the server to create it")
        }
        if why.contains("database \"") && why.contains("does not exist") {
            return .missingFile(said + "; the server has no such database: check its name, or ask whoever runs the server to create it")
        }
        if why.contains("does not support SSL") {
            return .usage(said + "; the server does not offer TLS: leave sslmode out of the target, or set up TLS on the server")
        }
        if why.contains("invalid") || why.contains("missing \"=\"") || why.contains("unrecognized") {
            return .usage(said + "; write the target as postgres://USER@HOST:PORT/DATABASE")
        }
        return .temporary(said + "; try again when the server answers")
    }

    /// The server's major version, e.g. 15.
    public var serverMajorVersion: Int { Int(PQserverVersion(handle)) / 10_000 }

    /// Runs one statement with text parameters `$1`, `$2`, …
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) throws(Failure) -> Result {
        // libpq wants C strings that live through the call: copied once, freed after.
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let values: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        let statement = try preparedName(sql)
        let result = values.withUnsafeBufferPointer { buffer in
            if let statement { return PQexecPrepared(handle, statement, Int32(parameters.count), buffer.baseAddress, nil, nil, 0) }
            return PQexecParams(handle, sql, Int32(parameters.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        guard let result else { throw lost(Failure(sqlState: nil, message: String(cString: PQerrorMessage(handle)))) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            break
        default:
            throw lost(Self.failure(of: result))
        }
        let columnCount = PQnfields(result), rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append((0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
        let types = (0..<columnCount).map { UInt32(PQftype(result, $0)) }
        return Result(columns: columns, types: types, rows: rows, affected: Int(String(cString: PQcmdTuples(result))) ?? 0)
    }

    /// A failure with no SQLSTATE on a connection that broke (the server went away, the backend was killed) is the
    /// standard `08006` connection failure, which callers treat as temporary.
    private func lost(_ failure: Failure) -> Failure {
        guard failure.sqlState == nil, PQstatus(handle) == CONNECTION_BAD else { return failure }
        return Failure(sqlState: "08006", message: failure.message)
    }

    /// Statements this session has prepared, by their text: a claim, a score or a flag batch runs the same few statements
    /// again and again, and each is parsed and planned by the server once instead of every time.
    private var prepared: [String: String] = [:]

    /// The prepared statement for `sql`, prepared now if it is new; nil for what is not prepared (transaction control,
    /// settings: only queries and changes of rows can be).
    private func preparedName(_ sql: String) throws(Failure) -> String? {
        if let name = prepared[sql] { return name }
        let head = sql.drop { $0 == " " || $0 == "\n" }.prefix(6).uppercased()
        guard ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH "].contains(where: { head.hasPrefix($0) }) else { return nil }
        let name = "p\(prepared.count + 1)"
        guard let result = PQprepare(handle, name, sql, 0, nil) else { throw lost(Failure(sqlState: nil, message: String(cString: PQerrorMessage(handle)))) }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw lost(Self.failure(of: result)) }
        prepared[sql] = name
        return name
    }

    /// Runs several statements separated by semicolons, without parameters (a migration's DDL).
    public func executeScript(_ sql: String) throws(Failure) {
        guard let result = PQexec(handle, sql) else { throw lost(Failure(sqlState: nil, message: String(cString: PQerrorMessage(handle)))) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw Self.failure(of: result) }
    }

    /// `COPY … FROM STDIN` (text format): `produce` is handed a function that sends one row, its values in PostgreSQL's
    /// text form (nil is NULL), and sends as many as it has. Returns the rows the server stored.
    @discardableResult
    public func copyIn(_ sql: String, _ produce: (_ send: ([String?]) throws -> Void) throws -> Void) throws -> Int {
        try start(sql, expecting: PGRES_COPY_IN)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        func flush() throws(Failure) {
            guard !buffer.isEmpty else { return }
            let sent = buffer.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
            }
            guard sent == 1 else { throw lost(Failure(sqlState: nil, message: String(cString: PQerrorMessage(handle)))) }
            buffer.removeAll(keepingCapacity: true)
        }
        do {
            try produce { (row: [String?]) in
                for (index, value) in row.enumerated() {
                    if index > 0 { buffer.append(9) }
                    guard let value else { buffer.append(contentsOf: [92, 78]); continue }  // \N
                    Self.appendEscaped(value, to: &buffer)
                }
                buffer.append(10)
                if buffer.count >= 1 << 20 { try flush() }
            }
            try flush()
        } catch {
            _ = PQputCopyEnd(handle, "the sender stopped")
            _ = try? finish()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw lost(Failure(sqlState: nil, message: String(cString: PQerrorMessage(handle)))) }
        return try finish()
    }

    /// A value in COPY's text format: backslash, tab, new line and carriage return escaped. Most values hold none of
    /// them and are copied whole (this runs once per stored turn).
    static func appendEscaped(_ value: String, to buffer: inout [UInt8]) {
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let escaped: UInt8
                switch bytes[index] {
                case 92: escaped = 92
                case 9: escaped = 116
                case 10: escaped = 110
                case 13: escaped = 114
                default: continue
                }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                buffer.append(92)
                buffer.append(escaped)
                start = index + 1
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
    }

    /// `COPY (SELECT …) TO STDOUT` (text format): each row's values in PostgreSQL's text form, nil for NULL, handed to
    /// `row` as they arrive, so a table of any size passes through in constant memory.
    public func copyOut(_ sql: String, _ row: ([String?]) throws -> Void) throws {
        try start(sql, expecting: PGRES_COPY_OUT)
        var pending: Error?
        while true {
            var data: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &data, 0)
            if length == -1 { break }
            guard length >= 0, let data else { throw lost(Failure(sqlState: nil, message: String(cString: PQerrorMessage(handle)))) }
            defer { PQfreemem(data) }
            guard pending == nil else { continue }  // drained to the end, so the connection stays usable
            let line = UnsafeRawBufferPointer(start: data, count: Int(length))
            do { try row(Self.copyFields(line)) } catch { pending = error }
        }
        _ = try finish()
        if let pending { throw pending }
    }

    /// One line of COPY's text format, split at tabs and unescaped; the field `\N` is NULL.
    static func copyFields(_ line: UnsafeRawBufferPointer) -> [String?] {
        var fields: [String?] = []
        var current: [UInt8] = []
        var isNull = false
        var index = 0
        let end = line.last == 10 ? line.count - 1 : line.count
        while index < end {
            let byte = line[index]
            if byte == 9 {
                fields.append(isNull ? nil : String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
                isNull = false
                index += 1
            } else if byte == 92, index + 1 < end {
                switch line[index + 1] {
                case 78: isNull = true
                case 110: current.append(10)
                case 116: current.append(9)
                case 114: current.append(13)
                case 98: current.append(8)
                case 102: current.append(12)
                case 118: current.append(11)
                case let other: current.append(other)
                }
                index += 2
            } else {
                current.append(byte)
                index += 1
            }
        }
        fields.append(isNull ? nil : String(decoding: current, as: UTF8.self))
        return fields
    }

    private func start(_ sql: String, expecting status: ExecStatusType) throws(Failure) {
        guard let result = PQexec(handle, sql) else { throw lost(Failure(sqlState: nil, message: String(cString: PQerrorMessage(handle)))) }
        defer { PQclear(result) }
        guard PQresultStatus(result) == status else { throw lost(Self.failure(of: result)) }
    }

    /// Reads the results after a COPY ends: the rows it stored, or the server's error.
    private func finish() throws(Failure) -> Int {
        var stored = 0
        var failure: Failure?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                stored = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if failure == nil {
                failure = Self.failure(of: result)
            }
            PQclear(result)
        }
        if let failure { throw lost(failure) }
        if PQstatus(handle) == CONNECTION_BAD { throw Failure(sqlState: "08006", message: String(cString: PQerrorMessage(handle))) }
        return stored
    }

    private static func failure(of result: OpaquePointer) -> Failure {
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
        return Failure(sqlState: state, message: message)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try begin()
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// Statements every session of this connection starts with (its lock timeout, time zone…), run again after a
    /// reconnection, since a new server session starts without them.
    private var sessionSettings: [String] = []

    /// Runs `statements` now and again whenever the connection is opened anew.
    public func setUpSession(_ statements: [String]) throws(Failure) {
        for statement in statements { try execute(statement) }
        sessionSettings += statements
    }

    /// Session-level advisory locks this session holds (a capped flag run's turn), by key.
    private var sessionLocks: [String: Int] = [:]

    /// Takes a session-level advisory lock, waiting for it: held across transactions until `unlockForSession`, or until
    /// the session ends. While any is held the connection is never opened anew (a new session would not hold it).
    public func lockForSession(_ key: String) throws(Failure) {
        try execute("SELECT pg_advisory_lock(hashtext($1))", [key])
        sessionLocks[key, default: 0] += 1
    }

    /// Gives a session-level lock back (a lost session has already given it back).
    public func unlockForSession(_ key: String) {
        guard let held = sessionLocks[key] else { return }
        sessionLocks[key] = held > 1 ? held - 1 : nil
        _ = try? execute("SELECT pg_advisory_unlock(hashtext($1))", [key])
    }

    /// Begins a transaction (`BEGIN`, or `BEGIN ISOLATION LEVEL …`). A connection that broke since the last one (the
    /// server restarted, a laptop's network dropped while its reviewer read a transcript) is opened anew first, and so it
    /// is when `BEGIN` itself finds it broken: between transactions no statement is half done, and the session's settings
    /// are set again. Never while the session holds a session-level lock, which a new session would not: then, as when
    /// a connection breaks inside a transaction, the transaction fails as lost (08006).
    public func begin(_ sql: String = "BEGIN") throws(Failure) {
        if PQstatus(handle) == CONNECTION_BAD && sessionLocks.isEmpty { try reconnect() }
        do {
            try execute(sql)
        } catch where PQstatus(handle) == CONNECTION_BAD && sessionLocks.isEmpty {  // 08006, or 57P01 from a server that shut the session down
            try reconnect()
            try execute(sql)
        }
    }

    /// Opens the connection anew (libpq's `PQreset`: the same target and login) and sets the session up as before; the
    /// statements prepared in the old session are gone with it.
    private func reconnect() throws(Failure) {
        PQreset(handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            let why = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
            // A login refused meanwhile (NOLOGIN, a changed password) does not go away by trying again.
            let refused = why.contains("not permitted to log in") || why.contains("password authentication failed") || why.contains("no password supplied")
            throw Failure(sqlState: refused ? Failure.invalidAuthorization : "08006", message: why)
        }
        prepared = [:]
        for statement in sessionSettings { try execute(statement) }
    }

    /// The passwords a target spells out (in a URI's user part, or as `password=`).
    static func passwords(in target: String) -> [String] {
        var found: [String] = []
        if let match = target.range(of: #"://[^:/@]*:([^@]*)@"#, options: .regularExpression) {
            let userInfo = target[match].dropFirst(3).dropLast()
            if let colon = userInfo.firstIndex(of: ":") { found.append(String(userInfo[userInfo.index(after: colon)...])) }
        }
        if let match = target.range(of: #"password=\S*"#, options: .regularExpression) {
            found.append(String(target[match].dropFirst("password=".count)))
        }
        return found
    }

    /// A connection target as it may be shown: a password in a URI or in `password=` words replaced by `***`.
    public static func redacted(_ target: String) -> String {
        var shown = target.replacingOccurrences(of: #"(://[^:/@]*:)[^@]*@"#, with: "$1***@", options: .regularExpression)
        shown = shown.replacingOccurrences(of: #"password=\S*"#, with: "password=***", options: .regularExpression)
        return shown
    }
}
