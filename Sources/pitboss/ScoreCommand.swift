import ArgumentParser
import Foundation
import PitbossKit

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score a queue item without prompts: every criterion's answer, the findings' verdicts, a comment.",
        discussion: """
            Every criterion needs an answer; anything wrong (an unknown criterion, a value outside its scale, N/A where the \
            rubric does not allow it, an item someone else holds) stores nothing. A submitted review is never changed: \
            --revise REASON stores a corrected revision (answers not given are taken from the latest revision) and keeps the old.
            Example: pitboss score 12 --set greeting=pass,courtesy=fail,accuracy=pass,closing=pass,responsible-gambling=na,sla=na,verification=na,script=pass --confirm F31 --dismiss "F32:quoting the player" --comment "Rude at 22:05"
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "An item id or a conversation id.") var target: String
    @Option(help: ArgumentHelp("Answers: criterion=answer, comma-separated or repeated.", valueName: "criterion=answer,...")) var set: [String] = []
    @Option(help: ArgumentHelp("Findings confirmed: F12,F13 (repeatable; F12:reason adds a reason).", valueName: "F12,...")) var confirm: [String] = []
    @Option(help: ArgumentHelp("Findings dismissed: F14 or \"F14:why\" (repeatable).", valueName: "F14,...")) var dismiss: [String] = []
    @Option(help: "A comment for the agent's file.") var comment: String?
    @Option(help: ArgumentHelp("Correct a submitted review, saying why: stored as a new revision.", valueName: "reason")) var revise: String?
    @Option(help: "The rubric whose scorecard this is (default: the one the workspace routes the conversation to).") var rubric: String?
    @Option(help: "table or json.") var format: TableOrJSON = .table

    func run() throws {
        try reportingErrors {
            let config = try global.workspaceConfig()
            let workspace = try global.openWorkspace(.write, onPostgres: .server)
            let store = workspace.reviewRecords()
            let reviewer = workspace.reviewer(try global.actor(in: workspace))
            let item = try store.claims.item(named: target, for: reviewer.name)
            let calibration = try workspace.calibration.session(ofItem: item)
            if revise != nil, calibration == nil, !target.hasPrefix("#"),
               try workspace.queueEntries(QueueQuery(reason: .calibration, assignedTo: reviewer.name, includeFinished: true)).contains(where: { $0.conversation == target }) {
                Console.note("note: --revise corrects the real review of \(target); your calibration answers for it are given once and stay as they are")
            }
            var path = rubric ?? config.rubricPath
            if rubric == nil, let calibration {
                path = calibration.rubricPath  // every reviewer of a calibration session fills in its scorecard
            } else if rubric == nil, !config.routes.isEmpty, let id = try store.claims.conversation(ofItem: item),
               let conversation = try workspace.conversationReader.conversation(externalID: id) {
                path = config.rubricPath(for: conversation)
            }
            let loaded = try RubricCommand.load(path)
            var answers = try KeyValueArguments.answers(set)
            var note = comment
            var basedOn: Int64?
            if revise != nil, let latest = try store.history(item: item, conversation: nil).last {
                // Answers not given are the latest revision's, for the criteria the rubric still has.
                for answer in latest.answers where answers[answer.criterion] == nil && loaded.criterion(answer.criterion) != nil {
                    answers[answer.criterion] = answer.answer
                }
                if note == nil { note = latest.comment }
                basedOn = latest.id
            }
            let card = try Scorecard(rubric: loaded, answers: answers)
            let verdicts = try verdictList()
            let stored = try store.submit(ReviewSubmission(item: item, reviewer: reviewer, rubric: loaded, scorecard: card,
                                                           verdicts: verdicts, comment: note, revisionReason: revise, basedOn: basedOn), now: Date())
            if format == .json {
                try Console.out(JSONOutput.string(stored))
            } else {
                let style = Console.stdoutStyle
                try Console.out(ReviewView.scorecard(card, rubric: loaded, style: style)
                    + (stored.calibrationSession.map { "Stored calibration answers C\(stored.id) of item \(item), \(stored.conversation), by \(stored.reviewer), for session \($0): blind to the others until the session is closed.\n" }
                        ?? "Stored review #\(stored.id) (revision \(stored.revision)) of item \(item), \(stored.conversation), by \(stored.reviewer).\n"))
            }
        }
    }

    func verdictList() throws(PitbossError) -> [FindingVerdict] {
        let confirmed = try Arguments.findings(confirm, "--confirm")
        let dismissed = try Arguments.findings(dismiss, "--dismiss")
        let both = Set(confirmed.map(\.0)).intersection(dismissed.map(\.0))
        guard both.isEmpty else {
            throw .usage("\(both.sorted().map { "F\($0)" }.joined(separator: ", ")) cannot be both confirmed and dismissed; nothing was stored")
        }
        return confirmed.map { FindingVerdict(finding: $0.0, verdict: .confirmed, reason: $0.1) }
            + dismissed.map { FindingVerdict(finding: $0.0, verdict: .dismissed, reason: $0.1) }
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "The reviews (every revision) and the audit trail of a queue item or a conversation.", discussion: "Example: pitboss history chat-20261121-0008 --format json")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var personalData: PersonalDataOptions
    @Argument(help: "A conversation id, or a queue item id (#12 when a conversation has that number as its id).") var target: String
    @Option(help: "table, json or csv (csv: one row per answer).") var format: OutputFormat = .table

    func run() throws {
        try reportingErrors {
            let workspace = try global.openWorkspace(.read, onPostgres: .server)
            let store = workspace.reviewRecords()
            let reviews: [StoredReview]
            let audit: [AuditLog.Entry]
            let isConversation = try workspace.conversationReader.conversation(externalID: target) != nil
            if let item = target.hasPrefix("#") ? Int64(target.dropFirst()) : (isConversation ? nil : Int64(target)) {
                reviews = try store.history(item: item, conversation: nil)
                audit = try workspace.auditLog(item: item)
            } else {
                reviews = try store.history(item: nil, conversation: target)
                audit = try workspace.auditLog(conversation: target)
            }
            if reviews.isEmpty && audit.isEmpty {
                throw PitbossError.missingFile("nothing recorded for '\(target)': no review and no queue activity; see pitboss queue list")
            }
            let mask = personalData.mask
            try Console.out(ReviewView.history(mask.map { m in reviews.map(m.masked) } ?? reviews, audit: mask.map { m in audit.map(m.masked) } ?? audit,
                                               format: format, style: Console.stdoutStyle, timeZone: workspace.config.timeZone))
        }
    }
}

extension UnsavedReview {
    /// The review as the one `pitboss score` command that stores it, each value quoted for a POSIX shell.
    var scoreCommand: String {
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        var words = ["pitboss", "score", quoted("#\(item)"), "--as", quoted(reviewer), "--rubric", quoted(rubricPath)]
        if !answers.isEmpty { words += ["--set", quoted(answers.map { "\($0.0)=\($0.1)" }.joined(separator: ","))] }
        for v in verdicts {
            words += [v.verdict == .confirmed ? "--confirm" : "--dismiss", quoted("F\(v.finding)" + (v.reason.map { ":" + $0 } ?? ""))]
        }
        if let comment { words += ["--comment", quoted(comment)] }
        return TerminalSafe.text(words.joined(separator: " "))
    }
}
