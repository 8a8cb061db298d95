import ArgumentParser
import Foundation
import PitbossKit

/// `pitboss report …`: what supervisors read after a shift, computed from the stored findings and reviews.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports from the stored findings and reviews.",
        subcommands: [Rules.self]
    )

    /// The conversations a report covers: the same filters as flag, plus languages.
    struct Filters: ParsableArguments {
        @Option(help: "Only conversations that started at or after this time (a date or an ISO time).") var since: String?
        @Option(help: "Only conversations that started before this time.") var until: String?
        @Option(help: "Only this shift id (e.g. 2026-11-21-night).") var shift: String?
        @Option(help: "Only this agent's conversations.") var agent: String?
        @Option(help: "Only this channel.") var channel: String?
        @Option(parsing: .singleValue, help: "Only conversations in this language (repeat, or a,b).") var language: [String] = []

        func selection(zone: TimeZone) throws -> FlagSelection {
            var selection = FlagSelection(shift: shift, since: try Arguments.time(since, "--since", zone: zone),
                                          until: try Arguments.time(until, "--until", zone: zone), agent: agent,
                                          channel: try channel.map { try Arguments.channel($0) })
            let languages = language.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
            if !languages.isEmpty { selection.languages = languages }
            return selection
        }
    }

    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per rule: fires, conversations, confirmed / dismissed / not judged, precision with a 95 % Wilson interval, the commonest dismissal reasons, and rules that never fire.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filters: Filters
        @Option(help: "Only this rubric (its 'rubric:' name).") var rubric: String?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @Option(name: [.customShort("o"), .long], help: "Write to this file instead of the terminal.") var output: String?

        func run() throws {
            try reportingErrors {
                let config = try global.workspaceConfig()
                // The rubrics whose rules are listed even when they never fired: those flag uses.
                let rubrics = try config.effectiveRoutes.map { try RubricCommand.load($0.rubricPath) }
                let report = try RuleReport.fetch(from: global.openWorkspace(.read).database, selection: filters.selection(zone: config.timeZone),
                                                  rubricName: rubric, rubrics: rubrics)
                let text = report.render(format: format, style: output == nil ? Console.stdoutStyle : .plain)
                if let output {
                    do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                        throw PitbossError.cannotWrite("cannot write \(output): \(error.localizedDescription)")
                    }
                } else {
                    try Console.out(text)
                }
            }
        }
    }
}
