import ArgumentParser
import Foundation
import PitbossKit

struct RetrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrain",
        abstract: "Retraining: suggest who needs it, assign it, follow it, and measure whether it worked.",
        discussion: "Modules are the workspace's catalogue (modules: in pitboss.yaml). --on DATE records something that happened "
            + "earlier (history moved in from a spreadsheet); the audit log keeps both dates. Nothing is edited in place: each change "
            + "is appended to the assignment's history. An outcome compares the agent's problem rates in the baseline (retraining: "
            + "baseline_days before it was assigned, default 30) with the follow-up (follow_up_days after it was completed, default "
            + "30), against the rest of the team over the same days.\nExample: pitboss retrain suggest --criterion courtesy",
        subcommands: [Suggest.self, Assign.self, Start.self, Complete.self, Cancel.self, List.self, Show.self, Outcome.self, Outcomes.self]
    )

    /// `--on`: a date or a time in the workspace's zone, default now.
    static func on(_ text: String?, zone: TimeZone) throws(PitbossError) -> Date {
        try Arguments.time(text, "--on", zone: zone) ?? Date()
    }

    struct Suggest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Agents whose problem rate on a criterion is above the team's with 95 % confidence, with the evidence.",
            discussion: "From findings no reviewer dismissed (every evaluated conversation) and from failed criteria in reviews, kept apart." + "\nExample: pitboss retrain suggest --until 2026-11-07 --criterion courtesy")
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
                let workspace = try global.openWorkspace(.read, onPostgres: .readingCopy)
                let zone = workspace.config.timeZone
                let known = try RubricCommand.load(rubric ?? workspace.config.rubricPath).criteria.map(\.id)
                for name in criterion where !known.contains(name) {
                    throw PitbossError.usage("'\(name)' is not a criterion of the rubric; its criteria: \(known.joined(separator: ", "))")
                }
                let (from, to) = (try Arguments.time(since, "--since", zone: zone), try Arguments.time(until, "--until", zone: zone))
                if let from, let to, from >= to {
                    throw PitbossError.usage("--since \(since ?? "") is not before --until \(until ?? ""): the window holds no conversation")
                }
                let query = RetrainingSuggestions(since: from, until: to, criteria: criterion.isEmpty ? known : criterion, minimum: minimum)
                try Console.out(RetrainingReport.suggestions(try workspace.retrainingSuggestions(query), format: format, style: Console.stdoutStyle))
            }
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assign a retraining module to an agent, due on a date.", discussion: "Example: pitboss retrain assign en.kevin --module de-escalation --due 2026-11-14 --evidence chat-20261105-k14")
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
                let workspace = try global.openWorkspace(.write, onPostgres: .server)
                try global.requireSupervisor(workspace, to: "assign retraining")
                let zone = workspace.config.timeZone
                let module = try workspace.module(self.module)
                let loaded = try RubricCommand.load(rubric ?? workspace.config.rubricPath)
                let known = loaded.criteria.map(\.id)
                for name in criterion where !known.contains(name) {
                    throw PitbossError.usage("'\(name)' is not a criterion of the rubric; its criteria: \(known.joined(separator: ", "))")
                }
                let problems = module.unknownCriteria(in: loaded).map { "module \(module.name) addresses criterion '\($0)', which rubric \(loaded.name) does not have (its criteria: \(known.joined(separator: ", ")))" }
                    + module.ruleProblems(against: loaded)
                if !problems.isEmpty { throw PitbossError.badInput(problems.joined(separator: "\n") + "\nfix the module in the workspace's settings; nothing was stored") }
                guard let dueDay = try Arguments.time(due, "--due", zone: zone).map({ LocalTime.day($0, in: zone) }) else { return }
                let request = RetrainingStore.Request(agent: agent, module: module, criteria: criterion, evidence: evidence, note: note,
                                                      dueOn: dueDay, on: try RetrainCommand.on(on, zone: zone))
                let (assignment, earlier) = try workspace.retraining.assign(request, by: try global.actor(in: workspace), zone: zone)
                var out = "Assigned retraining #\(assignment.id): \(TerminalSafe.line(assignment.agent)), module \(assignment.module) ("
                    + assignment.criteria.joined(separator: ", ") + "), due \(assignment.dueOn).\n"
                if let latest = earlier.first, let oldest = earlier.last {
                    let times = earlier.count + 1
                    out += times >= 3
                        ? "Attention: retraining number \(times) on \(assignment.criteria.joined(separator: ", ")) since \(LocalTime.day(ofStored: oldest.assignedAt, in: zone)) (#\(earlier.reversed().map { String($0.id) }.joined(separator: ", #")) and now #\(assignment.id)): consider a performance review.\n"
                        : "A repeat: #\(latest.id) on \(assignment.criteria.filter { latest.criteria.contains($0) }.joined(separator: ", ")) was assigned \(LocalTime.day(ofStored: latest.assignedAt, in: zone)), within 90 days.\n"
                }
                try Console.out(TerminalSafe.text(out))
            }
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark an assignment as started.", discussion: "Example: pitboss retrain start 1 --on 2026-11-08T09:00")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The assignment's number.") var id: Int64
        @Option(help: ArgumentHelp("When it started, if earlier than now.", valueName: "date")) var on: String?
        func run() throws { try RetrainCommand.move(global, id, to: .started, reason: nil, on: on) }
    }

    struct Complete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark an assignment as completed.", discussion: "Example: pitboss retrain complete 1")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The assignment's number.") var id: Int64
        @Option(help: ArgumentHelp("When it was completed, if earlier than now.", valueName: "date")) var on: String?
        func run() throws { try RetrainCommand.move(global, id, to: .completed, reason: nil, on: on) }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel an assignment, saying why.", discussion: "Example: pitboss retrain cancel 1 --reason \"moved to another team\"")
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
            let workspace = try global.openWorkspace(.write, onPostgres: .server)
            try global.requireSupervisor(workspace, to: "mark retraining \(state.rawValue)")
            let moved = try workspace.retraining.move(id, to: state, reason: reason, on: try RetrainCommand.on(on, zone: workspace.config.timeZone),
                                                             by: try global.actor(in: workspace))
            try Console.out(TerminalSafe.line("Retraining #\(moved.id) (\(moved.agent), \(moved.module)) is \(moved.state.rawValue).") + "\n")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List assignments, newest first.", discussion: "Example: pitboss retrain list --overdue --format csv")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this agent's.") var agent: String?
        @Option(help: "Only this module's.") var module: String?
        @Option(help: "assigned, started, completed or cancelled.") var status: RetrainingState?
        @Flag(help: "Only those past their due date and not finished.") var overdue = false
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read, onPostgres: .server)
                let today = LocalTime.day(Date(), in: workspace.config.timeZone)
                // An agent nobody has is a typo: said with the closest ids, not answered with an empty list.
                try KnownNames.check(agent.map { [$0] } ?? [], .agent, in: workspace)
                let list = try workspace.retraining.list(agent: agent, module: module, state: status, overdueOn: overdue ? today : nil)
                try Console.out(RetrainingReport.list(list, today: today, format: format, style: Console.stdoutStyle, zone: workspace.config.timeZone))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One assignment and every change of its state.", discussion: "Example: pitboss retrain show 1 --format json")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The assignment's number.") var id: Int64
        @Option(help: "table or json.") var format: TableOrJSON = .table

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read, onPostgres: .server)
                let (assignment, events) = try workspace.retraining.show(id)
                try Console.out(RetrainingReport.show(assignment, events: events, today: LocalTime.day(Date(), in: workspace.config.timeZone),
                                                      json: format == .json, style: Console.stdoutStyle, zone: workspace.config.timeZone))
            }
        }
    }

    struct Outcome: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Whether one retraining worked: rates before and after, against the team's change, with a verdict.",
            discussion: "Verdicts: improved, no change, worse, too early (not completed, or the follow-up has neither ended nor "
                + "reached follow_up_minimum evaluated conversations), not enough data (with how many more conversations would show a "
                + "halving of the rate). Findings count only in conversations the rubric evaluated: the same rubric in both windows." + "\nExample: pitboss retrain outcome 1")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The assignment's number.") var id: Int64
        @Flag(help: "First evaluate, with the rubric, every conversation in the windows it has not evaluated (a flag run: flagged conversations are queued as usual).")
        var reevaluate = false
        @Option(help: "The rubric whose findings count (default: the workspace's).") var rubric: String?
        @Option(help: "table or json.") var format: TableOrJSON = .table

        func run() throws {
            try reportingErrors {
                let opened = try global.openWorkspace(reevaluate ? .bulkWrite : .read, onPostgres: .server)
                var workspace = try opened.forReading()
                let loaded = try RubricCommand.load(rubric ?? workspace.config.rubricPath)
                let assignment = try workspace.retraining.show(id).assignment
                if assignment.state == .cancelled {
                    throw PitbossError.refused("assignment \(id) was cancelled (\(LocalTime.day(ofStored: assignment.stateAt, in: workspace.config.timeZone)): \(assignment.stateReason ?? "no reason")); a cancelled retraining has no outcome")
                }
                if reevaluate {
                    try RetrainCommand.reevaluate([assignment], workspace: opened, rubric: loaded, user: try global.actor(in: opened))
                    workspace = try opened.forReading()  // with what the flag run stored
                }
                guard let outcome = try workspace.retrainingOutcomes([assignment], rubric: loaded).first else { return }
                try Console.out(RetrainingOutcomeReport.outcome(outcome, json: format == .json, style: Console.stdoutStyle, zone: workspace.config.timeZone))
                if format == .table, !reevaluate, outcome.rubric.notEvaluated > 0 {
                    try Console.out("To count them: pitboss retrain outcome \(id) --reevaluate" + (rubric.map { " --rubric \($0)" } ?? "") + "\n")
                }
            }
        }
    }

    struct Outcomes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Outcomes of many retrainings, one line per criterion, and what each module achieved.",
            discussion: "Cancelled assignments have no outcome and are left out. A module's pooled effect weighs each assignment by its precision." + "\nExample: pitboss retrain outcomes --module de-escalation")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this agent's.") var agent: String?
        @Option(help: "Only this module's.") var module: String?
        @Option(help: "Only assignments addressing this criterion, and only it.") var criterion: String?
        @Flag(help: "First evaluate, with the rubric, every conversation in the windows it has not evaluated (a flag run).")
        var reevaluate = false
        @Option(help: "The rubric whose findings count (default: the workspace's).") var rubric: String?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() throws {
            try reportingErrors {
                let opened = try global.openWorkspace(reevaluate ? .bulkWrite : .read, onPostgres: .server)
                var workspace = try opened.forReading()
                let loaded = try RubricCommand.load(rubric ?? workspace.config.rubricPath)
                if let criterion, !loaded.criteria.contains(where: { $0.id == criterion }) {
                    throw PitbossError.usage("'\(criterion)' is not a criterion of the rubric; its criteria: \(loaded.criteria.map(\.id).joined(separator: ", "))")
                }
                // A filter that names nothing is an error, not an empty table. A module taken out of the catalogue
                // still has its assignments.
                let all = try workspace.retraining.list()
                if let module, !all.contains(where: { $0.module == module }) { _ = try workspace.module(module) }
                if let agent, !all.contains(where: { $0.agent == agent }) {
                    let closest = RetrainingStore.closest(to: agent, among: Array(Set(all.map(\.agent))))
                    throw PitbossError.usage("agent '\(agent)' has no retraining assignment"
                        + (closest.isEmpty ? "" : "; agents with assignments and a similar id: \(closest.joined(separator: ", "))"))
                }
                // Filtered by the database, which tells agent ids apart byte for byte (Swift's == would not).
                let assignments = try workspace.retraining.list(agent: agent, module: module)
                    .filter { $0.state != .cancelled && (criterion == nil || $0.criteria.contains(criterion!)) }
                    .reversed()
                if reevaluate {
                    try RetrainCommand.reevaluate(Array(assignments), workspace: opened, rubric: loaded, user: try global.actor(in: opened))
                    workspace = try opened.forReading()  // with what the flag run stored
                }
                let outcomes = try workspace.retrainingOutcomes(Array(assignments), rubric: loaded, criterion: criterion)
                try Console.out(RetrainingOutcomeReport.outcomes(outcomes, modules: ModuleOutcomeSummary.summarize(outcomes), format: format,
                                                                 style: Console.stdoutStyle))
            }
        }
    }

    /// `--reevaluate`: one flag run over the span of the assignments' windows, with the rubric the outcome counts.
    static func reevaluate(_ assignments: [RetrainingAssignment], workspace: Workspace, rubric: Rubric, user: String) throws {
        guard let span = RetrainingOutcomeQuery(settings: workspace.config.outcomes, rubric: rubric).span(of: assignments, now: Date()) else { return }
        var options = FlagRunner.Options()
        options.selection = FlagSelection(since: span.from, until: span.until)
        options.user = user
        if case .postgres = workspace.backend { try workspace.requireSupervisor(user, to: "evaluate conversations (a flag run)") }
        let store = workspace.flagRuns
        let pending = try store.countPending(selection: options.selection, rubricHash: rubric.contentHash)
        guard pending > 0 else {
            Console.note("Every conversation in the windows is already evaluated with \(rubric.name) version \(rubric.version): nothing to re-evaluate.")
            return
        }
        let summary = try FlagRunner(store: store, rubric: rubric, options: options).run { progress in
            Console.progress("evaluating \(progress.done)/\(progress.total) conversations in the windows")
        }
        Console.endProgress()
        Console.note("Evaluated \(summary.counts.evaluated) conversation\(summary.counts.evaluated == 1 ? "" : "s") in the windows with \(rubric.name) version \(rubric.version)\(summary.run.map { " (flag run \($0))" } ?? "").")
    }
}

extension RetrainingState: ExpressibleByArgument {}
