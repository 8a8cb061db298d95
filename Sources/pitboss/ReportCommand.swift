import ArgumentParser
import Foundation
import PitbossKit

/// `pitboss report …`: what supervisors read after a shift, computed from the stored findings and reviews.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports from the stored findings and reviews.",
        subcommands: [Rules.self, Retraining.self]
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

    /// Writes a report to `-o FILE`, or to the terminal.
    static func emit(_ text: String, to output: String?) throws {
        guard let output else { return try Console.out(text) }
        do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
            throw PitbossError.cannotWrite("cannot write \(output): \(error.localizedDescription)")
        }
    }

    struct Retraining: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retraining per module: open, overdue, completed, cancelled, and the outcomes; and outcomes per criterion.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this agent's assignments.") var agent: String?
        @Option(help: "Only this module's.") var module: String?
        @Option(help: "The rubric whose findings the outcomes count (default: the workspace's).") var rubric: String?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @Option(name: [.customShort("o"), .long], help: "Write to this file instead of the terminal.") var output: String?

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read)
                let loaded = try RubricCommand.load(rubric ?? workspace.config.rubricPath)
                let all = try workspace.retraining.list(agent: agent, module: module)
                if all.isEmpty, agent != nil || module != nil {
                    throw PitbossError.usage("no retraining assignment matches" + (agent.map { " agent '\($0)'" } ?? "") + (module.map { " module '\($0)'" } ?? "")
                        + "; see pitboss retrain list")
                }
                let outcomes = try workspace.retrainingOutcomes(all.filter { $0.state != .cancelled }.reversed(), rubric: loaded)
                let report = RetrainingStatusReport(assignments: all, outcomes: outcomes, today: LocalTime.day(Date(), in: workspace.config.timeZone))
                try ReportCommand.emit(report.render(format: format, style: output == nil ? Console.stdoutStyle : .plain), to: output)
            }
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
                try ReportCommand.emit(report.render(format: format, style: output == nil ? Console.stdoutStyle : .plain), to: output)
            }
        }
    }
}
