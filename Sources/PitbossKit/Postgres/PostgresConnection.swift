import CLibPQ
import Foundation

/// One connection to a PostgreSQL server through libpq, synchronous as the rest of the library is. What to connect to is
/// libpq's: a `postgres://USER@HOST:PORT/DB` URI or `key=value` words, with the PG* environment variables and `~/.pgpass`
/// filling in what they leave out. Values travel as text parameters (`$1`), never spliced into SQL; results come back
/// as text, NULL as nil. Errors carry the server's SQLSTATE, so that callers tell a refused privilege (42501) or a
/// unique violation (23505) from a lost connection.
public final class PostgresConnection {
    /// A result: the column names and the rows, each value as PostgreSQL's text form, nil for NULL.
    public struct Result: Sendable, Equatable {
        public var columns: [String]
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
    }

    private let handle: OpaquePointer

    /// Connects, or throws with libpq's words for why not (a refused connection, a wrong password, no such database).
    public init(_ target: String) throws(PitbossError) {
        guard let connection = PQconnectdb(target) else { throw .internalFailure("libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let why = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw .temporary("cannot connect to PostgreSQL (\(Self.redacted(target))): \(why)")
        }
        handle = connection
    }

    deinit { PQfinish(handle) }

    /// The server's major version, e.g. 15.
    public var serverMajorVersion: Int { Int(PQserverVersion(handle)) / 10_000 }

    /// Runs one statement with text parameters `$1`, `$2`, …
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) throws(Failure) -> Result {
        // libpq wants C strings that live through the call: copied once, freed after.
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let values: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        let result = values.withUnsafeBufferPointer { buffer in
            PQexecParams(handle, sql, Int32(parameters.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        guard let result else { throw Failure(sqlState: nil, message: String(cString: PQerrorMessage(handle))) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            break
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(sqlState: state, message: message)
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
        return Result(columns: columns, rows: rows, affected: Int(String(cString: PQcmdTuples(result))) ?? 0)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// A connection target as it may be shown: a password in a URI or in `password=` words replaced by `***`.
    public static func redacted(_ target: String) -> String {
        var shown = target.replacingOccurrences(of: #"(://[^:/@]*:)[^@]*@"#, with: "$1***@", options: .regularExpression)
        shown = shown.replacingOccurrences(of: #"password=\S*"#, with: "password=***", options: .regularExpression)
        return shown
    }
}
