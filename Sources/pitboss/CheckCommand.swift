import ArgumentParser
import Foundation
import PitbossKit

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Evaluate the rubric on transcript files or stored conversations and print the findings; nothing is stored.",
        discussion: "A file is read as `pitboss import` reads it (any format, its sidecar, the flags below). --rule keeps the findings and the met rules of those rules only.\nExample: pitboss check chat-20261121-0008 ru-chat-0042 --rule agent-blame,agent-brush-off")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var personalData: PersonalDataOptions

    @Argument(help: "Transcript files, or ids of stored conversations (one or more).")
    var targets: [String]

    @Option(parsing: .singleValue, help: "Only these rules (repeat, or a,b).") var rule: [String] = []

    @Option(help: "The rubric (default: the workspace's, else Rubrics/casino-support.yaml).")
    var rubric: String?

    @Option(help: "text (matched words highlighted) or json.")
    var format: CheckFormat = .text

    @Option(name: .customLong("input-format"), help: "Read the file as this format instead of detecting it.")
    var inputFormat: TranscriptFormat?

    @Option(help: ArgumentHelp("Speaker labels to roles, e.g. \"spk_0=agent,*=customer\".", valueName: "label=role,..."))
    var roles: String?

    @Option(help: "Language for a file that does not say.") var language: String?
    @Option(help: "Channel for a file that does not say.") var channel: String?
    @Option(help: "Agent id for a file that does not say.") var agent: String?

    enum CheckFormat: String, ExpressibleByArgument { case text, json }

    func run() throws {
        try reportingErrors {
            let workspace = try global.workspaceConfig()
            // The rubric named, else each conversation's own (every route that takes it, else the workspace's).
            var conversations: [Conversation] = []
            var problems: [RecordProblem] = []
            let rules = try Arguments.list(rule, "--rule")
            for target in targets {
                if FileManager.default.fileExists(atPath: target) {
                    var defaults = ConversationMetadata(channel: channel, language: language, agent: agent)
                    if let roles { defaults.roles = try KeyValueArguments.roles(roles) }
                    // A transcript without any time can still be checked: the shift does not matter here. One with times is
                    // measured from its own first turn, as import would.
                    defaults.startedAtIfUntimed = Date(timeIntervalSince1970: 0)
                    let reading = TranscriptReading(schedule: workspace.schedule, defaults: defaults)
                    for result in try reading.conversations(path: target, format: inputFormat) {
                        switch result {
                        case .success(let c): conversations.append(c)
                        case .failure(let p): problems.append(p)
                        }
                    }
                } else {
                    // A path that names no file is a typo, not a conversation id to look up in a database.
                    if TranscriptReading.looksLikeFilePath(target) {
                        throw PitbossError.missingFile("no such file: \(target); check takes a transcript file or the id of a stored conversation")
                    }
                    guard let stored = try global.openWorkspace(.read, onPostgres: .server).conversationReader.conversation(externalID: target) else {
                        throw PitbossError.badInput("'\(target)' is neither a file nor a stored conversation id")
                    }
                    conversations.append(stored)
                }
            }
            for problem in problems { Console.note(problem.forPeople) }
            var evaluators: [String: RubricEvaluator] = [:]
            func evaluator(_ path: String) throws -> RubricEvaluator {
                if let known = evaluators[path] { return known }
                let made = RubricEvaluator(rubric: try RubricCommand.load(path))
                evaluators[path] = made
                return made
            }
            let matcher = Matcher()
            // Each rubric flag would evaluate the conversation with: every route that takes it (or the one named).
            let checked = try conversations.flatMap { c in
                let paths = rubric.map { [$0] } ?? workspace.rubricPaths(for: c)
                if paths.isEmpty {
                    Console.note("note: no route of pitboss.yaml's rubrics: takes \(c.externalID) (\(c.channel.rawValue), \(c.language)), so flag does not evaluate it; name a rubric with --rubric to check it anyway")
                }
                let names = try paths.map { try evaluator($0).rubric.name }
                // A rule no rubric here has is a typo, said with the closest rule ids.
                let known = try paths.flatMap { try evaluator($0).rubric.rules.map(\.id) }
                for id in rules where !known.contains(id) {
                    let closest = RetrainingStore.closest(to: id, among: known)
                    throw PitbossError.badInput("no rule '\(id)' in \(names.joined(separator: ", "))" + (closest.isEmpty ? "" : "; similar: \(closest.joined(separator: ", "))"))
                }
                return try paths.map { path in
                    let evaluator = try evaluator(path)
                    let note = evaluator.rubric.uncoveredLanguageNote(for: c)
                    // Two files with one rubric name are told apart by their paths.
                    let label = names.filter { $0 == evaluator.rubric.name }.count > 1 ? "\(evaluator.rubric.name) (\(path))" : evaluator.rubric.name
                    var result = evaluator.evaluateWithEvidence(c, matcher: matcher)
                    if !rules.isEmpty {
                        result.findings = result.findings.filter { rules.contains($0.rule) }
                        result.evidence = result.evidence.filter { rules.contains($0.rule) }
                    }
                    return (conversation: c, rubric: label, several: paths.count > 1, uncovered: note, result: result)
                }
            }
            let mask = personalData.mask
            switch format {
            case .json:
                try Console.out(FindingsView.json(checked.map { item in
                    let (c, result) = (item.conversation, item.result)
                    func turnText(_ t: Int?) -> String? { t.flatMap { $0 < c.turns.count ? c.turns[$0].text : nil } }
                    return FindingsView.Checked(conversation: c.externalID, agent: c.agentID, language: c.language, channel: c.channel.rawValue,
                                                rubric: item.rubric, languageCovered: item.uncovered == nil,
                                                findings: mask.map { m in result.findings.map { m.masked($0, inTurn: turnText($0.turn)) } } ?? result.findings,
                                                passes: mask.map { m in result.evidence.map { m.masked($0, inTurn: turnText($0.turn)) } } ?? result.evidence)
                }))
            case .text:
                try Console.out(checked.map { item in
                    // Said with the findings, not only on stderr: "no findings" here does not mean clean.
                    (item.several ? Console.stdoutStyle.paint(TerminalSafe.line("with \(item.rubric):"), .bold) + "\n" : "")
                        + (item.uncovered.map { Console.stdoutStyle.paint(TerminalSafe.line($0), .yellow) + "\n" } ?? "")
                        + FindingsView.text(item.conversation, item.result.findings, passes: item.result.evidence, mask: mask, style: Console.stdoutStyle)
                }.joined(separator: "\n"))
            }
            if !problems.isEmpty { throw ExitCode(PitbossError.Code.badInput.exitStatus) }
        }
    }
}
