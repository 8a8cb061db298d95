import ArgumentParser
import PitbossKit

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Examine the database file: SQLite's integrity_check, foreign keys, schema version, file mode. Reads only.",
        discussion: "Exit status: 0 healthy (or sound with advice, such as a file mode to tighten), 65 damaged (restore it from a backup), 77 written by a newer Pitboss." + "\nExample: pitboss doctor --db demo.sqlite")

    @OptionGroup var global: GlobalOptions

    @Option(help: "table or json.")
    var format: TableOrJSON = .table

    func run() throws {
        try reportingErrors {
            if PostgresDatabase.isServer(global.databasePath) {
                throw PitbossError.usage("pitboss doctor examines a SQLite file; a PostgreSQL database is checked by the server's own tools (amcheck, a pg_dump that reads every row)")
            }
            let report = try DatabaseDoctor.examine(path: global.databasePath)
            try Console.out(DoctorReport.render(report, json: format == .json, style: Console.stdoutStyle))
            switch report.condition {
            case .healthy, .attention: break
            case .newerSchema: throw ExitCode(PitbossError.Code.refused.exitStatus)
            case .damaged: throw ExitCode(PitbossError.Code.badInput.exitStatus)
            }
        }
    }
}
