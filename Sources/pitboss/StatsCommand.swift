import ArgumentParser
import PitbossKit

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count the stored conversations by channel, language, agent and shift.", discussion: "Example: pitboss stats --format csv")

    @OptionGroup var global: GlobalOptions

    @Option(help: "table, json or csv.")
    var format: OutputFormat = .table

    func run() throws {
        try reportingErrors {
            let stats = try global.openWorkspace(.read, onPostgres: .server).stats()
            try Console.out(StatsReport.render(stats, format: format, style: Console.stdoutStyle))
        }
    }
}
