import ArgumentParser
import Foundation
import PitbossKit

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Calibration: several reviewers score the same conversations blind, then their agreement is measured.",
        discussion: """
            A supervisor creates a session; each reviewer finds its conversations as calibration tasks (pitboss review next, \
            or score), scored with the session's rubric and kept apart from real reviews: they change no agent's score, no \
            finding's verdict, no precision and no other queue item. Nobody sees another's answers until the creator closes \
            the session; then calibrate report compares them.
            Example: pitboss calibrate create nov-week4 --reviewers qa.maria,qa.tom,qa.li --expert sup.olga --sample 10 --seed nov-week4 --shift 2026-11-21-night --as sup.olga
            """,
        subcommands: [Create.self, Status.self, Close.self, Report.self, Trend.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a session: its reviewers, an optional expert, and its conversations (named, or drawn with a seed).",
            discussion: """
                Supervisors only (exit 77 for anyone else when pitboss.yaml lists supervisors). Named conversations a reviewer \
                was the agent in are refused; a sample leaves them out. The expert scores too, and their answers are the \
                consensus the others are compared with (without one, the majority's).
                A sample may hold fewer conversations than asked for, when the population is smaller: the output says so.
                Example: pitboss calibrate create nov-week4 --reviewers qa.maria,qa.tom --conversations chat-20261121-0008,call-0007 --as sup.olga
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The session's name.") var name: String
        @Option(parsing: .singleValue, help: "Who scores: a,b,c (or repeated).") var reviewers: [String] = []
        @Option(help: "Whose answers are the reference (scores too).") var expert: String?
        @Option(parsing: .singleValue, help: "The conversations, by id (a,b or repeated).") var conversations: [String] = []
        @Option(parsing: .unconditional, help: "Draw this many conversations instead (with --seed and the filters).") var sample: Int?
        @Option(help: "The draw's seed: the same seed on the same conversations draws the same ones.") var seed: String?
        @Option(parsing: .singleValue, help: "With --sample: only these shifts.") var shift: [String] = []
        @Option(parsing: .singleValue, help: "With --sample: only these channels.") var channel: [String] = []
        @Option(parsing: .singleValue, help: "With --sample: only these languages.") var language: [String] = []
        @Option(help: ArgumentHelp("With --sample: conversations started at or after this time.", valueName: "time")) var since: String?
        @Option(help: ArgumentHelp("With --sample: conversations started before this time.", valueName: "time")) var until: String?
        @Option(help: "The rubric whose scorecard everyone fills in (default: the workspace's).") var rubric: String?
        @Option(help: "table or json.") var format: TableOrJSON = .table

        func run() throws {
            try reportingErrors {
                let config = try global.workspaceConfig()
                let names = try Arguments.list(reviewers, "--reviewers")
                let named = try Arguments.list(conversations, "--conversations")
                switch (named.isEmpty, sample) {
                case (false, .some): throw PitbossError.usage("name the conversations or draw them (--sample N --seed S), not both")
                case (true, nil): throw PitbossError.usage("which conversations: --conversations ID,ID or --sample N --seed S")
                case (true, .some) where seed == nil: throw PitbossError.usage("--sample needs --seed S, so that the draw can be repeated")
                default: break
                }
                let loaded = try RubricCommand.load(rubric ?? config.rubricPath)
                let workspace = try global.openWorkspace(.write, onPostgres: .server)
                try global.requireSupervisor(workspace, to: "create calibration sessions")
                let roster = config.roster
                for person in names + (expert.map { [$0] } ?? []) { try roster.requireDeclared(person, as: "given calibration tasks") }
                let canonical = names.map(roster.canonical)
                var chosen = CalibrationRequest.Conversations.named(named)
                if let sample {
                    var channels: [Channel] = []
                    for value in try Arguments.list(channel, "--channel") { channels.append(try Arguments.channel(value)) }
                    // Flagged and sampled conversations may be calibrated too: calibration is beside the queue, not in it.
                    let population = SamplePopulation(shifts: try Arguments.list(shift, "--shift"), since: try Arguments.time(since, "--since", zone: config.timeZone),
                                                      until: try Arguments.time(until, "--until", zone: config.timeZone), channels: channels,
                                                      languages: try Arguments.languages(language), includeQueued: true)
                    chosen = .sample(size: sample, seed: seed ?? "", population: population)
                }
                // The expert spelled as among the reviewers when they are one of them: one person, one set of answers.
                let expertName = expert.map { e in canonical.first { $0.lowercased() == e.lowercased() } ?? roster.canonical(e) }
                let request = CalibrationRequest(name: name, reviewers: canonical, expert: expertName, conversations: chosen)
                try workspace.requirePeople(request.scorers, for: "given calibration tasks")
                let session = try workspace.calibration.create(request, scorers: request.scorers.map(workspace.reviewer), rubric: loaded, by: try global.actor(in: workspace))
                if format == .json { return try Console.out(JSONOutput.string(session)) }
                let isServer = if case .postgres = workspace.backend { true } else { false }
                try Console.out(TerminalSafe.text("Calibration session \(session.name): \(session.conversations.count) conversation\(session.conversations.count == 1 ? "" : "s") for each of "
                    + "\(session.reviewers.joined(separator: ", "))" + (session.expert.map { " (expert: \($0))" } ?? "")
                    + (sample.map { $0 > session.conversations.count ? " (\($0) asked; only \(session.conversations.count) in the population)" : "" } ?? "")
                    + ", \(session.reviewers.count * session.conversations.count) tasks queued with reason calibration; rubric \(session.rubric) \(session.rubricVersion).\n"
                    + (isServer ? "Each reviewer, as their own login: pitboss review next. When they are done:" : "Each reviewer: pitboss review next --as NAME. When they are done:")
                    + " pitboss calibrate close \(session.name), then pitboss calibrate report \(session.name).\n"))
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who has scored how many of a session's conversations (never what they answered); without a name, every session.",
            discussion: "Example: pitboss calibrate status nov-week4")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The session's name (default: list the sessions).") var name: String?
        @Option(help: "table or json.") var format: TableOrJSON = .table

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read, onPostgres: .server)
                guard let name else {
                    let sessions = try workspace.calibration.sessions()
                    if format == .json { return try Console.out(JSONOutput.string(sessions)) }
                    guard !sessions.isEmpty else { return try Console.out("No calibration session yet: pitboss calibrate create NAME creates one.\n") }
                    var table = Table(headers: ["session", "created by", "created", "reviewers", "conversations", "state"], numericColumns: [4])
                    table.rows = sessions.map { s in
                        [s.name, s.createdBy, LocalTime.day(ofStored: s.createdAt, in: workspace.config.timeZone), s.reviewers.joined(separator: ", "),
                         String(s.conversations.count), s.closedAt.map { "closed " + LocalTime.day(ofStored: $0, in: workspace.config.timeZone) } ?? "open"]
                    }
                    return try Console.out(table.render(style: Console.stdoutStyle))
                }
                let status = try workspace.calibration.status(try workspace.calibration.session(named: name))
                if format == .json { return try Console.out(JSONOutput.string(status)) }
                let s = status.session
                let zone = workspace.config.timeZone
                var out = Console.stdoutStyle.paint(TerminalSafe.line("Calibration session \(s.name)"), .bold)
                    + TerminalSafe.line(" · created by \(s.createdBy) \(LocalTime.day(ofStored: s.createdAt, in: zone)) · rubric \(s.rubric) \(s.rubricVersion) · ")
                    + (s.closedAt.map { TerminalSafe.line("closed by \(s.closedBy ?? "?") \(LocalTime.day(ofStored: $0, in: zone))") } ?? "open: answers stay blind until it is closed") + "\n"
                var table = Table(headers: ["reviewer", "scored", "claimed", "open", "unscored at close"], numericColumns: [1, 2, 3, 4])
                table.rows = status.progress.map { [$0.reviewer + ($0.reviewer == s.expert ? " (expert)" : ""), "\($0.scored) of \(s.conversations.count)", String($0.claimed), String($0.open), String($0.skipped)] }
                out += table.render(style: Console.stdoutStyle)
                try Console.out(out)
            }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a session (its creator only): tasks not yet scored stay unscored, and the answers can be compared.",
            discussion: "Example: pitboss calibrate close nov-week4 --as sup.olga")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The session's name.") var name: String

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.write, onPostgres: .server)
                let (session, unfinished) = try workspace.calibration.close(name, by: try global.actor(in: workspace))
                try Console.out(TerminalSafe.text("Closed calibration session \(session.name)" + (unfinished == 0 ? ": every task was scored.\n"
                    : ": \(unfinished) task\(unfinished == 1 ? " was" : "s were") not scored and stay\(unfinished == 1 ? "s" : "") unscored.\n")
                    + "Compare the answers: pitboss calibrate report \(session.name)\n"))
            }
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A closed session's agreement: per criterion, per reviewer, per conversation (most disagreement first).",
            discussion: "Refused (exit 77) while the session is open: the answers are blind until then.\nExample: pitboss calibrate report nov-week4 --format html -o calibration.html")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The session's name.") var name: String
        @OptionGroup var output: ReportCommand.Output

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read, onPostgres: .server)
                let session = try workspace.calibration.session(named: name)
                guard session.isClosed else {
                    throw PitbossError.refused("calibration session \(name) is open: its answers stay blind until \(session.createdBy) closes it (calibrate close \(name)); calibrate status shows who has scored")
                }
                let analysis = CalibrationAnalysis.analyse(session, reviews: try workspace.calibration.reviews(session), rubric: CalibrateCommand.rubric(of: session))
                try output.write(analysis, zone: workspace.config.timeZone)
            }
        }
    }

    struct Trend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Agreement per criterion across the closed sessions; names the criteria whose alpha stays below 0.667.",
            discussion: "Example: pitboss calibrate trend --format csv")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: ReportCommand.Output

        func run() throws {
            try reportingErrors {
                let workspace = try global.openWorkspace(.read, onPostgres: .server)
                let closed = try workspace.calibration.sessions().filter(\.isClosed).sorted { ($0.closedAt ?? "", $0.id) < ($1.closedAt ?? "", $1.id) }
                var analyses: [CalibrationAnalysis] = []
                for session in closed {
                    analyses.append(CalibrationAnalysis.analyse(session, reviews: try workspace.calibration.reviews(session), rubric: CalibrateCommand.rubric(of: session)))
                }
                try output.write(CalibrationTrend.build(analyses), zone: workspace.config.timeZone)
            }
        }
    }

    /// The session's rubric when its file still reads (for each criterion's scale); without it, answers are compared as
    /// nominal categories.
    static func rubric(of session: CalibrationSession) -> Rubric? {
        try? RubricLoader.load(path: session.rubricPath)
    }
}
