import ArgumentParser
import PitbossKit

struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "The review queue.",
        subcommands: [List.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queue items, highest priority first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "open, claimed, scored or skipped.") var status: String?
        @Option(help: "flagged, sample, calibration or dispute.") var reason: String?
        @Option(help: "Only items assigned to this reviewer.") var reviewer: String?
        @Option(help: "At most this many.") var limit: Int?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() throws {
            try reportingErrors {
                let list = try QueueQuery(status: status, reason: reason, assignedTo: reviewer, limit: limit).fetch(from: try global.openDatabase(readOnly: true))
                Console.out(FlagReport.queue(list, format: format, style: Console.stdoutStyle))
            }
        }
    }
}
