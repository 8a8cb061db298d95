import Foundation
import GRDB

extension WorkspaceTransfer {
    /// What a command that only reads (a report, a listing, a statistic) sees of a PostgreSQL workspace: the workspace as
    /// one snapshot of the server (a REPEATABLE READ transaction), copied into a SQLite database in memory. The report
    /// code then runs unchanged, so a report reads the same on both backends, number for number.
    ///
    /// Every table is copied but `turns`, the bulk of a workspace (95 % of its rows). Of the turns, only those of an agent
    /// other than the conversation's are copied (someone who took a transfer over, whom name checks must know), and with
    /// `quotingFindings` the turns findings point to (for a report that quotes them, masked in context). Nothing is read
    /// back: the copy lives for one command.
    public static func readingCopy(of postgres: PostgresDatabase, quotingFindings: Bool = false) throws(PitbossError) -> PitbossDatabase {
        let tables = try layout(of: postgres).map { table in
            var table = table
            if table.name == "turns" {
                let transferred = """
                    SELECT t.* FROM turns t WHERE t.agent_id IS NOT NULL
                      AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = t.conversation_id AND c.agent_id <> t.agent_id)
                    """
                table.source = quotingFindings ? transferred + """
                     UNION SELECT t.* FROM turns t
                    JOIN (SELECT DISTINCT conversation_id, turn FROM findings WHERE turn IS NOT NULL) f ON f.conversation_id = t.conversation_id AND f.turn = t.idx
                    """ : transferred
            }
            return table
        }
        let copy = try PitbossDatabase.inMemory()
        do {
            try postgres.connection.begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { _ = try? postgres.connection.execute("ROLLBACK") }
            // Loaded as a bulk load: without foreign-key checks (the server checked them), and into tables without their
            // indexes, which are built afterwards by sorting (at 100k conversations half the time, against inserting
            // every row into every index).
            try copy.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA foreign_keys = OFF") }
            try copy.writer.write { db in
                try SQLiteSide.mustMatch(db, tables, version: PostgresSchema.version)
                let indexes = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
                for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL") {
                    try db.execute(sql: "DROP INDEX \(name.quotedDatabaseIdentifier)")
                }
                _ = try transfer(tables, from: PostgresSide(postgres), to: SQLiteSide(db: db), verified: false) { _ in }
                for index in indexes { try db.execute(sql: index) }
            }
        } catch {
            if let pitboss = error as? PitbossError { throw pitboss }
            if error is PostgresConnection.Failure { throw PostgresDatabase.translate(error, doing: "read \(postgres.shownTarget)") }
            throw PitbossDatabase.translate(error, doing: "read \(postgres.shownTarget) into memory")
        }
        return copy
    }
}
