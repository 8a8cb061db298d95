import ArgumentParser
import Foundation
import PitbossKit

/// `pitboss report …`: what supervisors read after a shift, computed from the stored findings and reviews.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports from the stored conversations, findings, reviews and retraining, as a table, JSON, CSV or an HTML page.",
        discussion: "Example: pitboss report shift 2026-11-21-night --format html -o night.html",
        subcommands: [Agents.self, Agent.self, Shifts.self, Shift.self, Reviewers.self, Rules.self, Retraining.self]
    )

    /// The conversations a report covers, by when they started, their channel and language.
    struct Filters: ParsableArguments {
        @Option(help: "Only conversations that started at or after this time (a date or an ISO time, in the workspace's zone).") var since: String?
        @Option(help: "Only conversations that started before this time.") var until: String?
        @Option(help: "Only this channel (chat, email, call, messenger).") var channel: String?
        @Option(parsing: .singleValue, help: "Only conversations in this language (repeat, or a,b).") var language: [String] = []

        func selection(zone: TimeZone, shift: String? = nil, agent: String? = nil) throws -> FlagSelection {
            var selection = FlagSelection(shift: shift, since: try Arguments.time(since, "--since", zone: zone),
                                          until: try Arguments.time(until, "--until", zone: zone), agent: agent,
                                          channel: try channel.map { try Arguments.channel($0) })
            if let since = selection.since, let until = selection.until, since >= until {
                throw PitbossError.usage("--since \(self.since ?? "") is not before --until \(self.until ?? ""): nothing could start in between")
            }
            let languages = try Arguments.languages(language)
            if !languages.isEmpty { selection.languages = languages }
            return selection
        }
    }

    /// Where a report goes and in which format: the terminal (a table), or `-o FILE`; HTML only to a file or a pipe.
    struct Output: ParsableArguments {
        @Option(help: "table, json, csv or html (html is a page: write it with -o FILE).") var format: ReportFormat = .table
        @Option(name: [.customShort("o"), .long], help: "Write to this file instead of the terminal.") var output: String?

        func validate() throws {
            if format == .html, output == nil || output == "-", isatty(STDOUT_FILENO) == 1 {
                throw ValidationError("an HTML report is a page, not terminal output: add -o report.html (or pipe it)")
            }
            if output == "" { throw ValidationError("-o needs a file name (or - for standard output)") }
        }

        /// `scope`: what the filters selected, said at the top of the report.
        func write(_ report: some PitbossReport, zone: TimeZone, scope: String? = nil) throws {
            let toTerminal = output == nil || output == "-"
            let text = report.render(format, style: toTerminal ? Console.stdoutStyle : .plain, zone: zone, scope: scope)
            guard let output, output != "-" else { return try Console.out(text) }
            try OutputFile.write(text, to: output)
        }
    }

    /// The workspace rubric's criteria, in scorecard order; none when it cannot be read (the report then orders them as found).
    static func criteria(_ workspace: Workspace) -> [String] {
        (try? RubricCommand.load(workspace.config.rubricPath))?.criteria.map(\.id) ?? []
    }

    static func today(_ workspace: Workspace) -> String { LocalTime.day(Date(), in: workspace.config.timeZone) }

    /// The rubrics whose findings count: the one named (`--rubric NAME|FILE`), else the workspace's (nil, every
    /// rubric's, when the workspace's cannot be read).
    static func rubricNames(_ workspace: Workspace, named: String?) throws -> [String]? {
        if let named {
            return [named.hasSuffix(".yaml") || named.hasSuffix(".yml") || named.contains("/") ? try RubricCommand.load(named).name : named]
        }
        let names = workspace.config.effectiveRoutes.compactMap { try? RubricCommand.load($0.rubricPath).name }
        return names.count == workspace.config.effectiveRoutes.count ? Array(Set(names)).sorted() : nil
    }

    struct Agents: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per agent: conversations, share flagged, findings per 100 by criterion, QA score and its weekly trend, retraining — beside the team.",
            discussion: "Example: pitboss report agents --since 2026-10-01 --sort flagged")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filters: Filters
        @Option(help: "Only this shift id (e.g. 2026-11-21-night).") var shift: String?
        @Option(help: "Only this agent's conversations.") var agent: String?
        @Option(help: "Count the findings of this rubric only: its 'rubric:' name, or its file (default: the workspace's rubrics).") var rubric: String?
        @Option(help: "Order: score (lowest first), flagged, findings, conversations or retraining (most first), agent (A–Z).") var sort: AgentsReport.Sort = .score
        @Option(help: "Weeks in the score trend, ending with the last week covered.") var weeks: Int = 6
        @OptionGroup var output: Output

        func validate() throws {
            guard (1...104).contains(weeks) else { throw ValidationError("--weeks must be 1 to 104") }
        }

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read, onPostgres: .readingCopy)
                let zone = workspace.config.timeZone
                let selection = try filters.selection(zone: zone, shift: shift, agent: agent)
                let report = try AgentsReport.fetch(from: workspace.database, selection: selection, criteria: ReportCommand.criteria(workspace),
                                                    rubrics: try ReportCommand.rubricNames(workspace, named: rubric), weeks: weeks, sort: sort, zone: zone, today: ReportCommand.today(workspace))
                try output.write(report, zone: zone, scope: ReportScope.describe(selection, zone: zone))
            }
        }
    }

    struct Agent: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One agent's page: score trend with retraining marked, criteria worse than the team, recent confirmed findings, reviews, retraining.",
            discussion: "Example: pitboss report agent en.kevin --format html -o kevin.html")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id, as in the transcripts.") var agent: String
        @OptionGroup var filters: Filters
        @Option(help: "Only this shift id (e.g. 2026-11-21-night).") var shift: String?
        @Option(help: "Count the findings of this rubric only: its 'rubric:' name, or its file (default: the workspace's rubrics).") var rubric: String?
        @Option(help: "Weeks in the score trend, ending with the last week covered.") var weeks: Int = 12
        @OptionGroup var personalData: PersonalDataOptions
        @OptionGroup var output: Output

        func validate() throws {
            guard (1...104).contains(weeks) else { throw ValidationError("--weeks must be 1 to 104") }
        }

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read, onPostgres: .readingCopyQuotingFindings)
                let zone = workspace.config.timeZone
                let selection = try filters.selection(zone: zone, shift: shift)
                let report = try AgentReport.fetch(from: workspace.database, agent: agent, selection: selection,
                                                   criteria: ReportCommand.criteria(workspace), rubrics: try ReportCommand.rubricNames(workspace, named: rubric),
                                                   weeks: weeks, zone: zone,
                                                   today: ReportCommand.today(workspace), mask: personalData.mask)
                try output.write(report, zone: zone, scope: ReportScope.describe(selection, zone: zone))
            }
        }
    }

    struct Shifts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per shift: volume by channel and hour, share flagged, first-response p50/p90/max against each channel's SLA, backlog.",
            discussion: "Example: pitboss report shifts --since 2026-11-16 --until 2026-11-23 --format html -o week.html")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filters: Filters
        @Option(help: "Only this shift id (e.g. 2026-11-21-night).") var shift: String?
        @Option(help: "Only this agent's conversations.") var agent: String?
        @Option(help: "The rubric file whose first_response timing rules set each channel's SLA (default: the workspace's).") var rubric: String?
        @OptionGroup var output: Output

        func run() throws {
            try reportingErrors { try ReportCommand.shifts(global: global, filters: filters, shift: shift, agent: agent, rubric: rubric, output: output) }
        }
    }

    struct Shift: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One shift: the shifts report for it alone, with its hour-by-hour volume.",
            discussion: "Example: pitboss report shift 2026-11-21-night --format html -o night.html")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The shift's id, e.g. 2026-11-21-night.") var shift: String
        @OptionGroup var filters: Filters
        @Option(help: "Only this agent's conversations.") var agent: String?
        @Option(help: "The rubric file whose first_response timing rules set each channel's SLA (default: the workspace's).") var rubric: String?
        @OptionGroup var output: Output

        func run() throws {
            try reportingErrors { try ReportCommand.shifts(global: global, filters: filters, shift: shift, agent: agent, rubric: rubric, output: output) }
        }
    }

    static func shifts(global: GlobalOptions, filters: Filters, shift: String?, agent: String?, rubric: String?, output: Output) throws {
        let workspace = try global.openWorkspace(.read, onPostgres: .readingCopy)
        let zone = workspace.config.timeZone
        let selection = try filters.selection(zone: zone, shift: shift, agent: agent)
        // Without a rubric to read (none named, and the workspace's missing), the report has no SLA targets, not an error.
        let targets = try rubric.map { try RubricCommand.load($0) } ?? (try? RubricCommand.load(workspace.config.rubricPath))
        let report = try ShiftsReport.fetch(from: workspace.database, selection: selection, sla: targets.map(SLATargets.init) ?? SLATargets(), zone: zone)
        try output.write(report, zone: zone, scope: ReportScope.describe(selection, zone: zone))
    }

    struct Reviewers: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per reviewer: reviews per day, claim-to-submit time, dismissal rate, mean score and leniency against the others, revisions, overturned scores.",
            discussion: "Example: pitboss report reviewers --since 2026-11-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filters: Filters
        @Option(help: "Only this shift id (e.g. 2026-11-21-night).") var shift: String?
        @Option(help: "Only reviews of this agent's conversations.") var agent: String?
        @OptionGroup var output: Output

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read, onPostgres: .readingCopy)
                let zone = workspace.config.timeZone
                let selection = try filters.selection(zone: zone, shift: shift, agent: agent)
                try output.write(try ReviewersReport.fetch(from: workspace.database, selection: selection, zone: zone), zone: zone,
                                 scope: ReportScope.describe(selection, zone: zone))
            }
        }
    }

    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per rule: fires, conversations, confirmed / dismissed / not judged, precision with a 95 % Wilson interval, the commonest dismissal reasons, and rules that never fire.",
            discussion: "Example: pitboss report rules --since 2026-11-01 --channel chat --rubric casino-support")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filters: Filters
        @Option(help: "Only this shift id (e.g. 2026-11-21-night).") var shift: String?
        @Option(help: "Only this agent's conversations.") var agent: String?
        @Option(help: "Only this rubric: its 'rubric:' name, or its file.") var rubric: String?
        @OptionGroup var personalData: PersonalDataOptions
        @OptionGroup var output: Output

        func run() throws {
            try reportingErrors {
                let config = try global.workspaceConfig()
                // The rubrics whose rules are listed even when they never fired: those flag uses.
                var rubrics = try config.effectiveRoutes.map { try RubricCommand.load($0.rubricPath) }
                var name = rubric
                if let rubric, rubric.hasSuffix(".yaml") || rubric.hasSuffix(".yml") || rubric.contains("/") {
                    let file = try RubricCommand.load(rubric)
                    rubrics.append(file)
                    name = file.name
                }
                let selection = try filters.selection(zone: config.timeZone, shift: shift, agent: agent)
                let report = try RuleReport.fetch(from: global.openWorkspace(.read, onPostgres: .readingCopy).database, selection: selection, rubricName: name, rubrics: rubrics,
                                                  mask: personalData.mask)
                try output.write(report, zone: config.timeZone, scope: ReportScope.describe(selection, zone: config.timeZone))
            }
        }
    }

    struct Retraining: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retraining per module: open, overdue, completed, cancelled, and the outcomes; and outcomes per criterion.",
            discussion: "Example: pitboss report retraining --module de-escalation --format csv -o retraining.csv")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this agent's assignments.") var agent: String?
        @Option(help: "Only this module's.") var module: String?
        @Option(help: "The rubric file whose findings the outcomes count (default: the workspace's).") var rubric: String?
        @OptionGroup var output: Output

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read, onPostgres: .readingCopy)
                let loaded = try RubricCommand.load(rubric ?? workspace.config.rubricPath)
                let all = try workspace.retraining.list(agent: agent, module: module)
                if all.isEmpty, agent != nil || module != nil {
                    throw PitbossError.badInput("no retraining assignment matches" + (agent.map { " agent '\($0)'" } ?? "") + (module.map { " module '\($0)'" } ?? "")
                        + "; see pitboss retrain list")
                }
                let outcomes = try workspace.retrainingOutcomes(all.filter { $0.state != .cancelled }.reversed(), rubric: loaded)
                let report = RetrainingStatusReport(assignments: all, outcomes: outcomes, today: ReportCommand.today(workspace))
                let scope = [agent.map { "agent \($0)" }, module.map { "module \($0)" }].compactMap { $0 }.joined(separator: " · ")
                try output.write(report, zone: workspace.config.timeZone, scope: scope.isEmpty ? "every assignment" : scope)
            }
        }
    }
}
