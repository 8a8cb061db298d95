import ArgumentParser
import Foundation
import PitbossKit

struct FlagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flag",
        abstract: "Evaluate the rubric over a shift (or any selection), store the findings and queue the flagged conversations.",
        discussion: """
            Conversations already evaluated with the same rubric (by the hash of its file) are skipped, so running it twice
            changes nothing; after a rubric change it evaluates again, replacing the findings no reviewer has confirmed or
            dismissed. Safe to interrupt and to run while reviewers work.
            Exit status: 0, or 3 with --fail-on when a finding at or above that severity was made; 65 for a rubric that fails lint.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The rubric (default: the workspace's, else Rubrics/casino-support.yaml).")
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

    @Option(help: "table, json or csv.")
    var format: OutputFormat = .table

    func run() throws {
        try reportingErrors {
            let config = try global.workspaceConfig()
            let loaded = try RubricCommand.load(rubric ?? config.rubricPath)
            var options = FlagRunner.Options()
            options.selection = try selection(zone: config.timeZone)
            options.minSeverity = minSeverity
            options.user = global.user
            let runner = FlagRunner(store: try global.openWorkspace(.bulkWrite).flags, rubric: loaded, options: options)
            let summary = try runner.run { progress in
                let rate = Double(progress.done) / max(progress.elapsed, 0.001)
                let eta = rate > 0 ? Double(progress.total - progress.done) / rate : 0
                Console.progress(String(format: "flagging %d/%d conversations, %.0f/s, ETA %.0f s", progress.done, progress.total, rate, eta))
            }
            Console.endProgress()
            try Console.out(FlagReport.summary(summary, format: format, style: Console.stdoutStyle))
            if let failOn, summary.hasFinding(atOrAbove: failOn) { throw ExitCode(3) }
        }
    }

    func selection(zone: TimeZone) throws -> FlagSelection {
        FlagSelection(shift: shift, since: try Arguments.time(since, "--since", zone: zone), until: try Arguments.time(until, "--until", zone: zone),
                      agent: agent, channel: try channel.map { try Arguments.channel($0) })
    }
}

extension Severity: ExpressibleByArgument {}
