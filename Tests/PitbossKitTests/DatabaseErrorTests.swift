import GRDB
import Testing
@testable import PitbossKit

@Suite("SQLite's errors become Pitboss's, saying what happened to the data")
struct DatabaseErrorTests {
    @Test("a full disk is an I/O failure that says what was kept, not an internal error")
    func diskFull() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (x BLOB)")
            try db.execute(sql: "PRAGMA max_page_count = 8")  // SQLite answers SQLITE_FULL as a full disk does
        }
        let failure = #expect(throws: DatabaseError.self) {
            try queue.write { db in
                for _ in 0..<100 { try db.execute(sql: "INSERT INTO t VALUES (zeroblob(4096))") }
            }
        }
        let error = PitbossDatabase.translate(try #require(failure), doing: "store the batch")
        #expect(error.code == .ioFailure)
        #expect(error.message.contains("the disk is full"))
        #expect(error.message.contains("everything stored before it is kept"))
    }

    @Test("a damaged database points at pitboss doctor")
    func corrupt() {
        let error = PitbossDatabase.translate(DatabaseError(resultCode: .SQLITE_CORRUPT, message: "database disk image is malformed"), doing: "read")
        #expect(error.code == .badInput)
        #expect(error.message.contains("damaged"))
        #expect(error.remedy == .doctor)
    }

    @Test("a read-only file is 'cannot write', not a missing file")
    func readOnly() {
        let error = PitbossDatabase.translate(DatabaseError(resultCode: .SQLITE_READONLY, message: "attempt to write a readonly database"), doing: "write")
        #expect(error.code == .cannotWrite)
    }
}
