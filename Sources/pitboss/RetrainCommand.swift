import ArgumentParser
import Foundation
import PitbossKit

struct RetrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrain",
        abstract: "Assign retraining to an agent and follow it: assign, start, complete, cancel, list, show.",
        discussion: """
            Modules are the workspace's catalogue (modules: in pitboss.yaml). --on DATE records something that happened earlier
            (history moved in from a spreadsheet); the audit log keeps both dates. Nothing is edited in place: each change is
            appended to the assignment's history.
            """,
        subcommands: [Suggest.self, Assign.self, Start.self, Complete.self, Cancel.self, List.self, Show.self]
    )

    /// `--on`: a date or a time in the workspace's zone, default now.
    static func on(_ text: String?, zone: TimeZone) throws(PitbossError) -> Date {
        try Arguments.time(text, "--on", zone: zone) ?? Date()
    }

    struct Suggest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Agents whose problem rate on a criterion is above the team's with 95 % confidence, with the evidence.",
            discussion: "From findings no reviewer dismissed (every evaluated conversation) and from failed criteria in reviews, kept apart.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only conversations started at or after this time.", valueName: "time")) var since: String?
        @Option(help: ArgumentHelp("Only conversations started before this time.", valueName: "time")) var until: String?
        @Option(help: "Only this criterion (repeatable; default: every criterion of the rubric).") var criterion: [String] = []
        @Option(name: .customLong("min-conversations"), help: "Leave out agents with fewer conversations (or reviews) than this.") var minimum = 10
        @Option(help: "The rubric whose criteria to consider (default: the workspace's).") var rubric: String?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func validate() throws {
            if minimum < 1 { throw ValidationError("--min-conversations must be at least 1") }
        }

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read)
                let zone = workspace.config.timeZone
                let known = try RubricCommand.load(rubric ?? workspace.config.rubricPath).criteria.map(\.id)
                for name in criterion where !known.contains(name) {
                    throw PitbossError.usage("'\(name)' is not a criterion of the rubric; its criteria: \(known.joined(separator: ", "))")
                }
                let query = RetrainingSuggestions(since: try Arguments.time(since, "--since", zone: zone), until: try Arguments.time(until, "--until", zone: zone),
                                                  criteria: criterion.isEmpty ? known : criterion, minimum: minimum)
                try Console.out(RetrainingReport.suggestions(try workspace.retrainingSuggestions(query), format: format, style: Console.stdoutStyle))
            }
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assign a retraining module to an agent, due on a date.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent id.") var agent: String
        @Option(help: "The module (from the workspace's catalogue).") var module: String
        @Option(help: ArgumentHelp("Due on this day (YYYY-MM-DD).", valueName: "date")) var due: String
        @Option(help: "A criterion it addresses (repeatable; default: the module's).") var criterion: [String] = []
        @Option(help: "A conversation id or review that is the evidence (repeatable).") var evidence: [String] = []
        @Option(help: "A note for the agent's file.") var note: String?
        @Option(help: ArgumentHelp("When it was assigned, if earlier than now.", valueName: "date")) var on: String?
        @Option(help: "The rubric whose criteria it names (default: the workspace's).") var rubric: String?

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.write)
                let zone = workspace.config.timeZone
                let module = try workspace.module(self.module)
                let known = Set(try RubricCommand.load(rubric ?? workspace.config.rubricPath).criteria.map(\.id))
                for name in criterion + module.criteria where !known.contains(name) {
                    throw PitbossError.usage("'\(name)' is not a criterion of the rubric; its criteria: \(known.sorted().joined(separator: ", "))")
                }
                guard let dueDay = try Arguments.time(due, "--due", zone: zone).map({ LocalTime.day($0, in: zone) }) else { return }
                let request = RetrainingStore.Request(agent: agent, module: module, criteria: criterion, evidence: evidence, note: note,
                                                      dueOn: dueDay, on: try RetrainCommand.on(on, zone: zone))
                let (assignment, earlier) = try workspace.retraining.assign(request, by: global.user, zone: zone)
                var out = "Assigned retraining #\(assignment.id): \(assignment.agent), module \(assignment.module) ("
                    + assignment.criteria.joined(separator: ", ") + "), due \(assignment.dueOn).\n"
                if let latest = earlier.first, let oldest = earlier.last {
                    let times = earlier.count + 1
                    out += times >= 3
                        ? "Attention: retraining number \(times) on \(assignment.criteria.joined(separator: ", ")) since \(oldest.assignedAt.prefix(10)) (#\(earlier.map { String($0.id) }.joined(separator: ", #"))): consider a performance review.\n"
                        : "A repeat: #\(latest.id) on the same criteria was assigned \(latest.assignedAt.prefix(10)), within 90 days.\n"
                }
                try Console.out(TerminalSafe.text(out))
            }
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark an assignment as started.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The assignment's number.") var id: Int64
        @Option(help: ArgumentHelp("When it started, if earlier than now.", valueName: "date")) var on: String?
        func run() throws { try RetrainCommand.move(global, id, to: .started, reason: nil, on: on) }
    }

    struct Complete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark an assignment as completed.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The assignment's number.") var id: Int64
        @Option(help: ArgumentHelp("When it was completed, if earlier than now.", valueName: "date")) var on: String?
        func run() throws { try RetrainCommand.move(global, id, to: .completed, reason: nil, on: on) }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel an assignment, saying why.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The assignment's number.") var id: Int64
        @Option(help: "Why it is cancelled (recorded).") var reason: String
        @Option(help: ArgumentHelp("When it was cancelled, if earlier than now.", valueName: "date")) var on: String?
        func validate() throws {
            if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("say why it is cancelled: --reason \"…\"") }
        }
        func run() throws { try RetrainCommand.move(global, id, to: .cancelled, reason: reason, on: on) }
    }

    static func move(_ global: GlobalOptions, _ id: Int64, to state: RetrainingState, reason: String?, on: String?) throws {
        try reportingErrors {
            let workspace = try global.openWorkspace(.write)
            let moved = try workspace.retraining.move(id, to: state, reason: reason, on: try RetrainCommand.on(on, zone: workspace.config.timeZone),
                                                      by: global.user)
            try Console.out(TerminalSafe.line("Retraining #\(moved.id) (\(moved.agent), \(moved.module)) is \(moved.state.rawValue).") + "\n")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List assignments, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this agent's.") var agent: String?
        @Option(help: "Only this module's.") var module: String?
        @Option(help: "assigned, started, completed or cancelled.") var status: RetrainingState?
        @Flag(help: "Only those past their due date and not finished.") var overdue = false
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read)
                let today = LocalTime.day(Date(), in: workspace.config.timeZone)
                let list = try workspace.retraining.list(agent: agent, module: module, state: status, overdueOn: overdue ? today : nil)
                try Console.out(RetrainingReport.list(list, today: today, format: format, style: Console.stdoutStyle))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One assignment and every change of its state.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The assignment's number.") var id: Int64
        @Option(help: "table or json.") var format: TableOrJSON = .table

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read)
                let (assignment, events) = try workspace.retraining.show(id)
                try Console.out(RetrainingReport.show(assignment, events: events, today: LocalTime.day(Date(), in: workspace.config.timeZone),
                                                      json: format == .json, style: Console.stdoutStyle))
            }
        }
    }
}

extension RetrainingState: ExpressibleByArgument {}
