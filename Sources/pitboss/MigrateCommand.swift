import ArgumentParser
import Foundation
import PitbossKit

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move a whole workspace between a SQLite file and a PostgreSQL database, either way, ids and audit log kept.",
        discussion: """
            The target must be empty (a new SQLite file, or a PostgreSQL database with nothing but the schema); it is \
            created or brought to this Pitboss's schema first. Every table is copied in one transaction and read back: \
            its row count and a SHA-256 of its rows must match the source's, or nothing is kept. The source is only read.
            Exit status: 0 copied and verified; 66 the source file does not exist; 77 the target is not empty, a schema \
            version differs, or the server refused the login something; 70 the copy did not match the source (nothing kept); \
            75 a server that could not be reached.
            Example: pitboss migrate --from pitboss.sqlite --to postgres://qa_owner@db.example.com/pitboss
            """)

    @Option(help: ArgumentHelp("The workspace to copy: a SQLite file or a postgres:// URI.", valueName: "db"))
    var from: String

    @Option(help: ArgumentHelp("Where to copy it: an empty PostgreSQL database, or a new SQLite file.", valueName: "db"))
    var to: String

    @Option(help: "table or json.")
    var format: TableOrJSON = .table

    func run() throws {
        try reportingErrors {
            let checks: [WorkspaceTransfer.TableCheck]
            switch (PostgresDatabase.isServer(from), PostgresDatabase.isServer(to)) {
            case (false, true):
                guard FileManager.default.fileExists(atPath: from) else {
                    throw PitbossError.missingFile("\(from): there is no database here; --from names the workspace to copy")
                }
                let source = try PitbossDatabase(path: from, readOnly: true)
                let target = try PostgresDatabase(to, schema: .createOrUpgrade)
                checks = try WorkspaceTransfer.copy(from: source, to: target, progress: Console.progress)
            case (true, false):
                let source = try PostgresDatabase(from)
                // A file this command creates and cannot fill is removed again: "nothing was written" leaves nothing.
                let created = !FileManager.default.fileExists(atPath: to)
                do {
                    let target = try PitbossDatabase(path: to)
                    checks = try WorkspaceTransfer.copy(from: source, to: target, progress: Console.progress)
                } catch {
                    if created { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: to + suffix) } }
                    throw error
                }
            case (false, false), (true, true):
                throw PitbossError.usage("migrate copies between a SQLite file and a PostgreSQL database: one of --from and --to is a postgres:// URI, the other a file")
            }
            if format == .json { return try Console.out(JSONOutput.string(checks)) }
            let table = Table(headers: ["table", "rows", "sha-256"], rows: checks.map { [$0.table, String($0.rows), String($0.checksum.prefix(16))] }, numericColumns: [1])
            try Console.out(table.render(style: Console.stdoutStyle))
            try Console.out("copied \(checks.reduce(0) { $0 + $1.rows }) rows in \(checks.count) tables; each table's count and checksum match the source\n")
        }
    }
}
