import ArgumentParser
import Foundation
import PitbossKit

struct FlagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flag",
        abstract: "Evaluate the rubric over a shift (or any selection), store the findings and queue the flagged conversations; or show a past run.",
        discussion: """
            `pitboss flag [options]` is `pitboss flag run [options]` (see `pitboss flag run --help` for its options); \
            `pitboss flag show [RUN]` prints a past run's summary again.
            Example: pitboss flag --shift 2026-11-21-night --fail-on critical
            """,
        subcommands: [FlagRunCommand.self, FlagShowCommand.self],
        defaultSubcommand: FlagRunCommand.self
    )
}

struct FlagRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Evaluate the rubric over a shift (or any selection), store the findings and queue the flagged conversations.",
        discussion: """
            Conversations already evaluated with the same rubric (by the hash of its file) are skipped, so running it twice \
            changes nothing; after a rubric change it evaluates again, replacing the findings no reviewer has confirmed or \
            dismissed. Safe to interrupt and to run while reviewers work. With a queue limit (--queue-limit, or queue_limit: \
            in pitboss.yaml), at most that many flagged conversations of a shift are queued, the most severe kept; the \
            summary says what was not queued.
            Exit status: 0, or 3 with --fail-on when a finding at or above that severity was made; 65 for a rubric that fails lint.
            Example: pitboss flag --shift 2026-11-21-night --queue-limit 200 --fail-on critical
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The rubric, on every selected conversation (default: the workspace's rubrics, each on the conversations its route takes; else its rubric; else Rubrics/casino-support.yaml).")
    var rubric: String?

    @Option(help: "Only this shift, e.g. 2026-11-21-night.") var shift: String?
    @Option(help: ArgumentHelp("Only conversations started at or after this time.", valueName: "time")) var since: String?
    @Option(help: ArgumentHelp("Only conversations started before this time.", valueName: "time")) var until: String?
    @Option(help: "Only this agent's conversations.") var agent: String?
    @Option(help: "Only this channel: chat, email, call, messenger.") var channel: String?

    @Option(name: .customLong("min-severity"), help: "Queue conversations with a finding at or above this severity.")
    var minSeverity: Severity = .minor

    @Option(name: .customLong("fail-on"), help: "Exit 3 when a finding at or above this severity was made.")
    var failOn: Severity?

    @Option(name: .customLong("queue-limit"), parsing: .unconditional, help: ArgumentHelp("Queue at most N flagged conversations per shift, the most severe (default: queue_limit in pitboss.yaml, else no limit).", valueName: "N"))
    var queueLimit: Int?

    @Flag(name: .customLong("dry-run"), help: "Evaluate and show what would be found and queued; store nothing.")
    var dryRun = false

    @Option(help: "table, json or csv.")
    var format: OutputFormat = .table

    func run() throws {
        try reportingErrors {
            if let queueLimit, !QueueCap.limits.contains(queueLimit) {
                throw PitbossError.usage("--queue-limit must be a whole number of conversations per shift from 1 to \(QueueCap.limits.upperBound)")
            }
            let config = try global.workspaceConfig()
            let selection = try selection(zone: config.timeZone)
            // Each rubric on its route's conversations; every rubric is loaded (and linted) before anything runs.
            let routes = rubric.map { [RubricRoute(rubricPath: $0)] } ?? config.effectiveRoutes
            let plan = try routes.map { route in (route: route, rubric: try RubricCommand.load(route.rubricPath)) }
            for entry in plan { try entry.route.check(against: entry.rubric) }
            for (i, entry) in plan.enumerated() {
                if let earlier = plan[..<i].first(where: { $0.rubric.name == entry.rubric.name
                    && URL(fileURLWithPath: $0.route.rubricPath).standardizedFileURL != URL(fileURLWithPath: entry.route.rubricPath).standardizedFileURL }) {
                    throw PitbossError.badInput("\(entry.route.rubricPath) and \(earlier.route.rubricPath) are both named '\(entry.rubric.name)': findings are kept per rubric name, so give each rubric its own 'rubric:' name")
                }
            }
            if rubric == nil, !config.routes.isEmpty, !config.routes.contains(where: { $0.channels == nil && $0.languages == nil && $0.tags == nil }) {
                Console.note("note: every route of pitboss.yaml's rubrics: has filters, so a conversation none of them takes is not evaluated; a last route without filters covers the rest")
            }
            let workspace = try global.openWorkspace(dryRun ? .read : .bulkWrite, onPostgres: .server)
            if case .postgres = workspace.backend, !dryRun { try workspace.requireSupervisor(try global.actor(in: workspace), to: "flag conversations") }
            // `--shift 2026-11-12-nite` is a typo, answered with the shifts there are, not "scanned 0".
            try KnownNames.check(selection.shift.map { [$0] } ?? [], .shift, in: workspace)
            try KnownNames.check(selection.agent.map { [$0] } ?? [], .agent, in: workspace)
            let store = workspace.flagRuns
            var summaries: [FlagSummary] = []
            for (route, loaded) in plan {
                var options = FlagRunner.Options()
                options.selection = rubric == nil ? route.narrowing(selection) : selection
                options.minSeverity = minSeverity
                options.user = try global.actor(in: workspace)
                options.dryRun = dryRun
                options.queueLimit = queueLimit ?? config.queueLimit
                let label = plan.count > 1 ? "\(loaded.name): " : ""
                let summary = try FlagRunner(store: store, rubric: loaded, options: options).run { progress in
                    let rate = Double(progress.done) / max(progress.elapsed, 0.001)
                    let eta = rate > 0 ? Double(progress.total - progress.done) / rate : 0
                    Console.progress(label + String(format: "flagging %d/%d conversations, %.0f/s, ETA %.0f s", progress.done, progress.total, rate, eta))
                }
                Console.endProgress()
                summaries.append(summary)
            }
            // The table says it in its own text and JSON has `uncovered_languages`; CSV has no place for it.
            if format == .csv {
                for summary in summaries where !summary.uncoveredLanguages.isEmpty {
                    let languages = summary.uncoveredLanguages.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                    Console.note("note: \(summary.rubric) is not written for the language of some conversations (\(languages)): only its rules without patterns ran on them")
                }
            }
            if summaries.count == 1 {
                try Console.out(FlagReport.summary(summaries[0], format: format, style: Console.stdoutStyle))
            } else {
                try Console.out(FlagReport.summaries(zip(plan.map(\.route), summaries).map { ($0, $1) }, format: format, style: Console.stdoutStyle))
            }
            if format == .table, let capped = summaries.first(where: { !$0.notQueued.isEmpty }) {
                Console.note("hint: " + (capped.run.map { "pitboss findings --run \($0) lists the findings; " } ?? "")
                    + "--queue-limit N, or queue_limit: in pitboss.yaml, sets the limit")
            }
            if let failOn, summaries.contains(where: { $0.hasFinding(atOrAbove: failOn) }) { throw ExitCode(3) }
        }
    }

    func selection(zone: TimeZone) throws -> FlagSelection {
        FlagSelection(shift: shift, since: try Arguments.time(since, "--since", zone: zone), until: try Arguments.time(until, "--until", zone: zone),
                      agent: agent, channel: try channel.map { try Arguments.channel($0) })
    }
}

extension Severity: ExpressibleByArgument {}

struct FlagShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a past flag run's summary again: per rule and agent, what the queue limit left out, who ran it and when.",
        discussion: """
            Without RUN, the latest run. A run recorded before Pitboss kept summaries (schema v8), or one that did not \
            finish, says so and how many of its findings stand. Run ids head each flag summary and are in `pitboss findings --format csv` (the run column).
            Example: pitboss flag show 12
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The run's id (default: the latest).", valueName: "run")) var runID: Int64?
    @Option(help: "table, json or csv.") var format: OutputFormat = .table

    func run() throws {
        try reportingErrors {
            let config = try global.workspaceConfig()
            let workspace = try global.openWorkspace(.read, onPostgres: .server)
            let (stored, ids) = try workspace.flagRun(runID)
            guard let stored else {
                if ids.isEmpty { throw PitbossError.badInput("no flag run is recorded yet; pitboss flag evaluates the rubric and records one") }
                throw PitbossError.badInput("no flag run \(runID.map(String.init) ?? "") is recorded; the runs are \(ids.first!)–\(ids.last!)")
            }
            try Console.out(FlagReport.storedRun(stored, format: format, style: Console.stdoutStyle, zone: config.timeZone))
        }
    }
}
