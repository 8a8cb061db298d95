import ArgumentParser
import PitbossKit

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Examine the database file: SQLite's integrity_check, foreign keys, schema version, file mode. Reads only.",
        discussion: "Exit status: 0 healthy, 65 damaged (restore it from a backup), 77 written by a newer Pitboss."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    func run() throws {
        try reportingErrors {
            let report = try DatabaseDoctor.examine(path: global.databasePath)
            try Console.out(DoctorReport.render(report, json: format == .json, style: Console.stdoutStyle))
            if !report.healthy {
                let newer = report.checks.contains { $0.name == "schema" && !$0.ok }
                throw ExitCode((newer ? PitbossError.Code.refused : .badInput).exitStatus)
            }
        }
    }
}
