import ArgumentParser
import Foundation
import PitbossKit

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import transcript files (or folders of them, recursively) into the database.",
        discussion: """
            Formats (detected from the extension and content, or forced with --input-format): \(TranscriptFormat.namesForHumans). \
            Metadata a file lacks comes from a sidecar NAME.meta.json, else from the flags below. \
            Bad records are named (file:line) and skipped; the good ones are imported, and the exit status is 65. \
            Importing the same file twice changes nothing.
            Example: pitboss import Transcripts/ --language en --channel chat
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Transcript files or folders.", valueName: "path"))
    var paths: [String]

    @Option(name: .customLong("input-format"), help: "Read every file as this format instead of detecting it (--format is what a command writes).")
    var inputFormat: TranscriptFormat?

    /// Kept only to say where the input format went.
    @Option(name: .customLong("format"), help: .hidden) var oldFormat: String?

    func validate() throws {
        if let oldFormat { throw ValidationError("the format a file is read as is --input-format \(oldFormat) (--format is what a command writes)") }
    }

    @Option(help: ArgumentHelp("Speaker labels to roles, e.g. \"spk_0=agent,Anna=agent,*=customer\".", valueName: "label=role,..."))
    var roles: String?

    @Option(help: ArgumentHelp("CSV: which header holds each field, e.g. \"text=body,role=sender\".", valueName: "field=header,..."))
    var map: String?

    @Option(help: "Conversation id, when importing one file (default: the file name).")
    var id: String?

    @Option(help: "Channel for files that do not say: chat, email, call, messenger.")
    var channel: String?

    @Option(help: "Language (ISO 639-1) for files that do not say.")
    var language: String?

    @Option(help: "Primary agent id for files that do not say.")
    var agent: String?

    @Option(help: "Shift id for files that do not say (default: derived from the start time).")
    var shift: String?

    @Option(name: .customLong("started-at"), help: ArgumentHelp("Start time for files that do not say, e.g. 2026-11-21T22:04:00Z.", valueName: "time"))
    var startedAt: String?

    @Option(help: "Customer id for files that do not say.")
    var customer: String?

    @Flag(help: "Replace stored conversations whose content changed (never one that has reviews).")
    var replace = false

    @Option(help: ArgumentHelp("Write every rejected record to this file, as JSON Lines.", valueName: "file"))
    var rejects: String?

    func run() throws {
        try reportingErrors {
            let config = try global.workspaceConfig()
            var defaults = ConversationMetadata(id: id, channel: channel, language: language, agent: agent, shift: shift,
                                                customerID: customer, roles: try roles.map { text throws(PitbossError) in try KeyValueArguments.roles(text) } ?? RoleMap())
            if let startedAt {
                guard let date = UTCTimestamp.parse(startedAt, zoneForNaiveTimes: config.timeZone) else {
                    throw PitbossError.usage("--started-at: '\(startedAt)' is not a time like 2026-11-21T22:04:00Z")
                }
                defaults.startedAt = date
            }
            if let (field, reason) = defaults.invalidDefault() { throw PitbossError.usage("--\(field): \(reason)") }
            let options = ImportOptions(format: inputFormat, defaults: defaults,
                                        columnMap: try map.map { text throws(PitbossError) in try KeyValueArguments.columnMap(text) } ?? [:],
                                        replace: replace, rejectsPath: rejects)
            let workspace = try global.openWorkspace(.bulkWrite, onPostgres: .server)
            if case .postgres = workspace.backend { try workspace.requireSupervisor(try global.actor(in: workspace), to: "import transcripts") }
            let importer = TranscriptImporter(store: workspace.importStore, schedule: workspace.config.schedule, options: options)
            let started = Date()
            let summary = try importer.run(paths: paths) { progress in
                let rate = Double(progress.records) / max(Date().timeIntervalSince(started), 0.001)
                guard !progress.file.isEmpty else { return }  // the last report, after every file: the summary follows
                Console.progress("importing file \(min(progress.filesDone + 1, progress.filesTotal)) of \(progress.filesTotal), \(progress.records) records so far (\(Int(rate))/s): \(progress.file)")
            }
            Console.endProgress()
            for skipped in summary.skipped { Console.note("note: skipped " + TerminalSafe.line(skipped)) }
            for problem in summary.problems { Console.note(problem.forPeople) }
            try Console.out(summary.line + "\n")
            if summary.hasProblems { throw ExitCode(PitbossError.Code.badInput.exitStatus) }
        }
    }
}
