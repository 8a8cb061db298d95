import Foundation
import GRDB
import GRDBSQLite

/// Binds and steps a GRDB statement through SQLite's C API, for the few statements that run once per
/// imported turn. GRDB's `StatementArguments` box every value; at a million turns that boxing was
/// most of the writer's time. Everything else goes through GRDB.
struct FastStatement {
    /// Held so that the SQLite statement lives as long as this: GRDB finalizes it when the `Statement` goes.
    private let statement: Statement
    private let handle: OpaquePointer
    private let sql: String
    private var index: Int32 = 0

    init(_ statement: Statement) {
        self.statement = statement
        handle = statement.sqliteStatement
        sql = statement.sql
        sqlite3_reset(handle)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    mutating func bind(_ value: String?) {
        index += 1
        guard var value else { sqlite3_bind_null(handle, index); return }
        value.withUTF8 { bytes in
            // Length-delimited, so a NUL inside the text is kept; SQLite copies the bytes (transient).
            guard let base = bytes.baseAddress else {
                _ = sqlite3_bind_text(handle, index, "", 0, Self.transient)
                return
            }
            _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(handle, index, $0, Int32(bytes.count), Self.transient)
            }
        }
    }

    mutating func bind(_ value: Int64) {
        index += 1
        sqlite3_bind_int64(handle, index, value)
    }

    mutating func bind(_ value: Int) { bind(Int64(value)) }

    mutating func bind(_ value: Int64?) {
        if let value { bind(value) } else {
            index += 1
            sqlite3_bind_null(handle, index)
        }
    }
    mutating func bind(_ value: Bool) { bind(Int64(value ? 1 : 0)) }

    mutating func bind(_ value: Double?) {
        index += 1
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Steps a query that returns at most one row, handing the row to `read` while it is current.
    mutating func queryOne<T>(_ read: (Row) -> T) throws -> T? {
        let code = sqlite3_step(handle)
        index = 0
        defer { sqlite3_reset(handle) }
        switch code {
        case SQLITE_ROW: return read(Row(handle: handle))
        case SQLITE_DONE: return nil
        default: throw error(code)
        }
    }

    /// Steps a query to its end, handing each row to `body` while it is current.
    mutating func forEachRow(_ body: (Row) throws -> Void) throws {
        index = 0
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw error(code) }
            try body(Row(handle: handle))
        }
    }

    struct Row {
        let handle: OpaquePointer
        func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
        func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
        func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
        func double(_ column: Int32) -> Double? { isNull(column) ? nil : sqlite3_column_double(handle, column) }
        func string(_ column: Int32) -> String {
            guard let text = sqlite3_column_text(handle, column) else { return "" }
            let count = Int(sqlite3_column_bytes(handle, column))
            return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
        }
        func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }
        /// FNV-1a of the column's bytes: tells texts apart without making a String of each.
        func hash(_ column: Int32) -> UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            guard let text = sqlite3_column_text(handle, column) else { return hash }
            for i in 0..<Int(sqlite3_column_bytes(handle, column)) { hash = (hash ^ UInt64(text[i])) &* 0x100_0000_01b3 }
            return hash
        }
        /// Whether the column's text is exactly these bytes (no String made: for a scan that only asks "still the same?").
        func text(_ column: Int32, equals bytes: [UInt8]) -> Bool {
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count == bytes.count else { return false }
            guard let text = sqlite3_column_text(handle, column) else { return count == 0 }
            return bytes.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { memcmp($0, text, count) == 0 } ?? (count == 0) }
        }
    }

    private func error(_ code: Int32) -> DatabaseError {
        let database = sqlite3_db_handle(handle)
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: database.map { String(cString: sqlite3_errmsg($0)) }, sql: sql)
    }

    /// Runs the statement, which must not return rows, and readies it for the next bindings.
    mutating func execute() throws {
        let code = sqlite3_step(handle)
        index = 0
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE else { throw error(code) }
    }
}
