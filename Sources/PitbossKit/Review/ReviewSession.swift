import Foundation

/// Where an interactive review talks to the reviewer: a terminal, a pipe, or a test's script.
public protocol ReviewTerminal: AnyObject {
    func write(_ text: String)
    /// One line of input, without its line end; nil at the end of input (a closed terminal, a pipe run dry).
    func readLine(prompt: String) -> String?
    /// Runs the submit; a terminal that handles interrupts makes them wait for it, so that what the reviewer is
    /// told (stored, or not) is what happened.
    func submitting(_ body: () throws -> StoredReview) throws -> StoredReview
    /// Shows a text longer than the screen: a terminal pages it (see `Paging`); a pipe or a script just takes it.
    func page(_ text: String, style: OutputStyle)
}

extension ReviewTerminal {
    public func submitting(_ body: () throws -> StoredReview) throws -> StoredReview { try body() }
    public func page(_ text: String, style: OutputStyle) { write(text) }
}

/// An interactive review of one claimed queue item: the reviewer reads the transcript, confirms or dismisses each
/// finding, answers each criterion (the findings' verdicts suggest the answer), comments, sees the score and
/// submits or abandons. Nothing is stored until submit, and submit stores everything in one transaction; end
/// of input or `abandon` stores nothing and ends the claim.
public final class ReviewSession {
    public enum Outcome: Sendable {
        case submitted(StoredReview)
        case abandoned
    }

    let store: any ReviewRecording
    let rubric: Rubric
    let reviewer: Reviewer
    let claim: ReviewQueue.Claim
    let conversation: Conversation
    let findings: [StoredFinding]
    /// Whether the rubric has evaluated the conversation: without findings, "no findings" or "not checked yet".
    let evaluated: Bool
    let style: OutputStyle
    let timeZone: TimeZone
    let mask: PersonalDataMask?
    /// Retraining follow-ups the conversation's agent is in: shown, so the reviewer knows.
    let followUps: [RetrainingFollowUp]
    /// How a review that could not be stored is shown, so that nothing typed is lost: the executable gives the
    /// command that stores it.
    let rescue: (UnsavedReview) -> String
    /// When the claim was last taken or renewed; it is renewed at a prompt once half the lease has passed, so a
    /// long review keeps its item.
    private var renewedAt = Date.distantPast
    private var clock: () -> Date = Date.init
    /// What the reviewer has entered so far, to hand back if the item is lost before the submit.
    private var enteredVerdicts: [FindingVerdict] = []
    private var enteredAnswers: [(String, String)] = []

    public init(store: any ReviewRecording, rubric: Rubric, reviewer: Reviewer, claim: ReviewQueue.Claim, conversation: Conversation,
                findings: [StoredFinding], evaluated: Bool = true, style: OutputStyle, timeZone: TimeZone, showPersonalData: Bool,
                followUps: [RetrainingFollowUp] = [], rescue: @escaping (UnsavedReview) -> String = \.summary) {
        self.followUps = followUps
        self.rescue = rescue
        self.evaluated = evaluated
        self.store = store
        self.rubric = rubric
        self.reviewer = reviewer
        self.claim = claim
        self.conversation = conversation
        self.findings = findings.filter { $0.status != .error }
        self.style = style
        self.timeZone = timeZone
        self.mask = showPersonalData ? nil : PersonalDataMask()
    }

    /// The words that met the rubric's rules in this conversation, found when the session starts.
    var passes: [Evidence] = []

    /// Thrown inside the walk when the reviewer abandons or the input ends.
    struct Abandon: Error {}

    public func run(_ terminal: any ReviewTerminal, now: @escaping () -> Date = Date.init) throws(PitbossError) -> Outcome {
        clock = now
        // The claim was taken (or renewed) one lease before it expires.
        renewedAt = UTCTimestamp.parse(claim.expiresAt)?.addingTimeInterval(-store.claims.lease) ?? now()
        let expires = UTCTimestamp.parse(claim.expiresAt).map { LocalTime.format($0, in: timeZone) } ?? claim.expiresAt
        terminal.write(TextWrap.wrap(style.paint("Item \(claim.item)", .bold) + " · \(claim.reason.rawValue) · priority \(claim.priority) · claimed by \(TerminalSafe.line(reviewer.name)) until \(expires)\n"
            + style.paint("Type 'abandon' at any prompt (or press Ctrl-C) to stop: nothing is stored and your claim ends (an item a supervisor assigned to you stays yours).", .dim),
                                     width: style.width, indent: 2) + "\n")
        for followUp in followUps { terminal.write(TextWrap.wrap(style.paint(TerminalSafe.line(followUp.notice(in: timeZone)), .cyan), width: style.width, indent: 2) + "\n") }
        terminal.write("\n")
        // Why each rule that was met passed, with this rubric: the reviewer confirms a pass at a glance.
        passes = RubricEvaluator(rubric: rubric).evaluateWithEvidence(conversation, matcher: Matcher()).evidence
        showTranscript(terminal)
        do {
            let verdicts = try judgeFindings(terminal)
            var suggestions = ScoreSuggestion.suggestions(rubric: rubric, findings: findings, verdicts: verdicts.mapValues(\.verdict))
            var comment = ""
            while true {
                let answers = try answerCriteria(terminal, suggestions: suggestions)
                let card: Scorecard
                do { card = try Scorecard(rubric: rubric, answers: answers) } catch {
                    // Every answer was checked as it was typed; only "all N/A" can land here.
                    terminal.write(style.paint(TerminalSafe.text(error.message.replacingOccurrences(of: "\nnothing was stored", with: "")), .red) + "\n")
                    continue
                }
                comment = try askComment(terminal, keeping: comment)
                terminal.write("\n" + ReviewView.scorecard(card, rubric: rubric, style: style))
                if !verdicts.isEmpty {
                    terminal.write("Findings: " + verdicts.sorted { $0.key < $1.key }.map { "F\($0.key) \($0.value.verdict.rawValue)" }.joined(separator: ", ") + "\n")
                }
                terminal.write(TextWrap.wrap("Comment: " + (comment.isEmpty ? style.paint("none", .dim) : "“\(TerminalSafe.text(comment))”"), width: style.width, indent: 2) + "\n")
                switch try choose(terminal, "Submit? [s]ubmit, [e]dit the answers, [a]bandon", ["submit", "edit", "abandon"]) {
                case "submit":
                    var submission = ReviewSubmission(item: claim.item, reviewer: reviewer, rubric: rubric, scorecard: card,
                                                      verdicts: verdicts.sorted { $0.key < $1.key }.map(\.value),
                                                      comment: comment.isEmpty ? nil : comment)
                    submission.requiresClaim = true
                    let stored = try submit(submission, terminal)
                    let what = stored.calibrationSession.map { "Stored calibration answers C\(stored.id) (session \(TerminalSafe.line($0)), blind until it is closed)" } ?? "Stored review #\(stored.id)"
                    terminal.write(style.paint(what, .green, .bold) + " of item \(claim.item) (\(TerminalSafe.line(conversation.externalID))): "
                        + ReviewView.scoreLine(score: stored.score, raw: stored.rawScore, autoFailed: stored.autoFailed, failed: card.failedCritical, style: style) + "\n")
                    return .submitted(stored)
                case "edit":
                    suggestions = answers.mapValues { ScoreSuggestion(answer: $0, because: "your answer") }
                default:
                    throw Abandon()
                }
            }
        } catch is Abandon {
            let abandoned = try store.claims.abandon(claim.item, by: reviewer, now: now())
            terminal.write("\nAbandoned: nothing stored" + abandoned.said(item: claim.item) + ".\n")
            return .abandoned
        } catch let error as PitbossError {
            throw error
        } catch {
            throw .internalFailure("review of item \(claim.item): \(error)")
        }
    }

    /// The transcript with its findings; one longer than the screen is paged, and the findings are listed again after
    /// the pager, so that they and the prompt are in view.
    func showTranscript(_ terminal: any ReviewTerminal) {
        let transcript = ReviewView.transcript(conversation, findings: findings, passes: passes, evaluated: evaluated, mask: mask,
                                               style: style, timeZone: timeZone, scoredWith: rubric.name)
        guard Paging.needed(transcript, style: style) else {
            terminal.write(transcript + "\n")
            return
        }
        terminal.page(transcript, style: style)
        terminal.write("\n" + ReviewView.heading(conversation, turns: conversation.turns.count, style: style)
            + ReviewView.findingsList(findings, in: conversation, evaluated: evaluated, mask: mask, style: style, scoredWith: rubric.name)
            + TextWrap.wrap(style.paint("'t' pages the transcript again and 't N' shows the turns around turn N, at any finding or criterion.", .dim), width: style.width, indent: 0) + "\n\n")
    }

    /// The turns around a finding, or around a turn the reviewer asked for: the one before, the turn, and (when asked
    /// for) the one after, as they stand in the transcript.
    func showTurns(around index: Int, after: Bool, _ terminal: any ReviewTerminal) {
        terminal.write(ReviewView.turns(of: conversation, Swift.max(0, index - 1)...Swift.min(conversation.turns.count - 1, index + (after ? 1 : 0)),
                                        findings: findings, mask: mask, style: style, timeZone: timeZone))
    }

    /// `t` pages the whole transcript again, `t N` shows the turns around turn N: at a finding and at a criterion alike.
    /// True when the line was one of them.
    func read(_ line: String, _ terminal: any ReviewTerminal) -> Bool {
        let (word, given) = Self.split(line)
        guard word == "t" || word == "turn" || word == "transcript" else { return false }
        if let given, let number = Int(given), (1...conversation.turns.count).contains(number) {
            showTurns(around: number - 1, after: true, terminal)
        } else if given == nil {
            terminal.page(ReviewView.transcript(conversation, findings: findings, passes: passes, evaluated: evaluated, mask: mask,
                                                style: style, timeZone: timeZone, scoredWith: rubric.name), style: style)
        } else {
            terminal.write(style.paint("  the turns are numbered 1 to \(conversation.turns.count): 't N' shows the turns around turn N", .yellow) + "\n")
        }
        return true
    }

    func judgeFindings(_ terminal: any ReviewTerminal) throws -> [Int64: FindingVerdict] {
        var verdicts: [Int64: FindingVerdict] = [:]
        guard !findings.isEmpty else { return verdicts }
        terminal.write(TextWrap.wrap(style.paint("Findings — [c]onfirm, [d]ismiss (a reason may follow: d quoting the player), [s]kip to leave it undecided; "
            + "'c all' or 'd all REASON' for this and every finding after it, 'c rule' or 'd rule REASON' for those of this rule; "
            + "'t' for the transcript, 't N' for the turns around turn N", .bold), width: style.width, indent: 2) + "\n")
        // A bulk answer given at one finding, applied to the ones after it that it covers (nil: all of them).
        var bulk: (verdict: FindingVerdict.Verdict, reason: String?, rule: String?)?
        for f in findings {
            if let given = bulk, given.rule == nil || given.rule == f.rule {
                verdicts[f.id] = FindingVerdict(finding: f.id, verdict: given.verdict, reason: given.reason, rule: f.rule)
                enteredVerdicts.append(verdicts[f.id]!)  // safe: set on the line above
                terminal.write(ReviewView.findingLine(f, in: conversation, mask: mask, style: style, scoredWith: rubric.name)
                    + style.paint("  → \(given.verdict.rawValue)", .dim) + "\n")
                continue
            }
            terminal.write(TextWrap.wrap(ReviewView.findingLine(f, in: conversation, mask: mask, style: style, scoredWith: rubric.name),
                                         width: style.width, indent: 4) + "\n")
            // The words in their place: the turn before (what was answered) and the finding's turn.
            if let turn = f.turn, turn < conversation.turns.count { showTurns(around: turn, after: false, terminal) }
            while true {
                let line = try ask(terminal, "F\(f.id)")
                let (word, given) = Self.split(line)
                if read(line, terminal) {
                    // The finding in view again after the whole transcript went by.
                    if given == nil {
                        terminal.write(TextWrap.wrap(ReviewView.findingLine(f, in: conversation, mask: mask, style: style, scoredWith: rubric.name),
                                                     width: style.width, indent: 4) + "\n")
                        if let turn = f.turn, turn < conversation.turns.count { showTurns(around: turn, after: false, terminal) }
                    }
                    continue
                }
                var rest = given
                // "c all", "d all quoting", "c rule", "d rule quoting": the scope first, the reason after it.
                var scope: String?
                if let words = rest, let first = words.split(separator: " ", maxSplits: 1).first.map(String.init)?.lowercased(), first == "all" || first == "rule" {
                    scope = first
                    rest = words.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init)
                }
                switch word {
                case "c", "confirm", "y", "yes":
                    verdicts[f.id] = FindingVerdict(finding: f.id, verdict: .confirmed, reason: rest, rule: f.rule)
                case "d", "dismiss", "n", "no":
                    var reason = rest
                    if reason == nil { reason = try ask(terminal, "  reason for dismissing (Enter for none)", freeText: true).nilIfEmpty }
                    verdicts[f.id] = FindingVerdict(finding: f.id, verdict: .dismissed, reason: reason, rule: f.rule)
                case "s" where scope == nil, "skip" where scope == nil:
                    break
                default:
                    terminal.write(TextWrap.wrap(style.paint("  answer c (confirm), d (dismiss), s (skip), c all / d all REASON, c rule / d rule REASON, t / t N to read, or abandon", .yellow),
                                                 width: style.width, indent: 4) + "\n")
                    continue
                }
                if let scope, let verdict = verdicts[f.id] {
                    // Said back before it applies: "d all caps are fine" might have meant a reason, not every finding.
                    let covered = findings.drop { $0.id != f.id }.dropFirst().filter { scope == "all" || $0.rule == f.rule }.count
                    let answer = try ask(terminal, "  \(verdict.verdict.rawValue) F\(f.id) and the \(covered) finding\(covered == 1 ? "" : "s") after it"
                        + (scope == "rule" ? " of \(TerminalSafe.line(f.rule))" : "") + (verdict.reason.map { ", reason “\(TerminalSafe.line($0))”" } ?? "")
                        + "? [y]es, [n]o").lowercased()
                    guard answer == "y" || answer == "yes" else {
                        verdicts[f.id] = nil
                        continue
                    }
                    bulk = (verdict.verdict, verdict.reason, scope == "rule" ? f.rule : nil)
                }
                if let verdict = verdicts[f.id] { enteredVerdicts.append(verdict) }
                break
            }
        }
        terminal.write("\n")
        return verdicts
    }

    func answerCriteria(_ terminal: any ReviewTerminal, suggestions: [String: ScoreSuggestion]) throws -> [String: String] {
        terminal.write(style.paint("Scorecard — Enter takes the suggestion", .bold) + "\n")
        var answers: [String: String] = [:]
        for criterion in rubric.criteria {
            let suggestion = suggestions[criterion.id]
            let choices = Scorecard.choices(criterion, na: criterion.naAllowed).replacingOccurrences(of: ", ", with: "/").replacingOccurrences(of: " or ", with: "/")
            let flags = "weight \(ReviewView.weight(criterion.weight))" + (criterion.critical ? ", critical" : "")
            terminal.write(TextWrap.wrap(style.paint(TerminalSafe.line(criterion.id), .bold) + " — \(TerminalSafe.line(criterion.title)) (\(flags))", width: style.width, indent: 2) + "\n")
            let met = passes.filter { $0.criterion == criterion.id }
            if !met.isEmpty { terminal.write(TextWrap.wrap(FindingsView.passes(met, in: conversation, mask: mask, style: style), width: style.width, indent: 6)) }
            while true {
                let hint = suggestion.map { " [\($0.answer): \($0.because)]" } ?? ""
                let line = try ask(terminal, "  " + TerminalSafe.line(choices + hint))
                // "t" is an answer only where a scale has a label starting with it; otherwise it reads the transcript.
                if Self.resolve(line, criterion) == nil && read(line, terminal) { continue }
                let typed = line.isEmpty ? (suggestion?.answer ?? "") : line
                if let answer = Self.resolve(typed, criterion) {
                    answers[criterion.id] = answer
                    enteredAnswers.removeAll { $0.0 == criterion.id }
                    enteredAnswers.append((criterion.id, answer))
                    break
                }
                terminal.write(TextWrap.wrap(style.paint(TerminalSafe.line("  '\(typed)' is not an answer here; answer \(Scorecard.choices(criterion, na: criterion.naAllowed)), or t / t N to read the transcript"), .yellow),
                                             width: style.width, indent: 4) + "\n")
            }
        }
        return answers
    }

    /// The comment for the agent's file. After an edit, Enter keeps the comment typed before (a reviewer's words are
    /// never dropped by a keystroke) and `-` clears it.
    func askComment(_ terminal: any ReviewTerminal, keeping earlier: String) throws -> String {
        guard !earlier.isEmpty else { return try ask(terminal, "Comment for the agent's file (Enter for none)", freeText: true) }
        terminal.write("Comment so far: “\(TerminalSafe.text(earlier))”\n")
        let typed = try ask(terminal, "Comment (Enter keeps it, - clears it, or type a new one)", freeText: true)
        switch typed {
        case "": return earlier
        case "-": return ""
        default: return typed
        }
    }

    /// A typed answer as a scale label or `na`: the full word, or its first letters when only one answer starts so.
    static func resolve(_ typed: String, _ criterion: Criterion) -> String? {
        let text = Scorecard.normalized(typed)
        guard !text.isEmpty else { return nil }
        let choices = criterion.scale.map(\.label) + (criterion.naAllowed ? [ScaleLevel.notApplicable] : [])
        if choices.contains(text) { return text }
        let matching = choices.filter { $0.hasPrefix(text) }
        return matching.count == 1 ? matching[0] : nil
    }

    func choose(_ terminal: any ReviewTerminal, _ prompt: String, _ options: [String]) throws -> String {
        while true {
            let line = try ask(terminal, prompt).lowercased()
            if let option = options.first(where: { !line.isEmpty && $0.hasPrefix(line) }) { return option }
            terminal.write(style.paint("  answer \(options.joined(separator: ", "))", .yellow) + "\n")
        }
    }

    /// One line; `abandon` or the end of input abandons the review, and so do `quit` and `:q` where the answer is a
    /// choice. In free text (a comment, a reason) only `abandon` does: "quit" may be what the reviewer means to write.
    func ask(_ terminal: any ReviewTerminal, _ prompt: String, freeText: Bool = false) throws -> String {
        try keepClaim(terminal)
        // A long prompt (a criterion's choices and why an answer is suggested) wraps too; the answer follows its last line.
        guard let line = terminal.readLine(prompt: TextWrap.wrap(prompt + " >", width: style.width, indent: 4) + " ") else { throw Abandon() }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if (freeText ? ["abandon"] : ["abandon", "quit", ":q"]).contains(trimmed.lowercased()) { throw Abandon() }
        return trimmed
    }

    /// Stores the review; when that is refused or fails, nothing was stored, but nothing the reviewer typed is lost
    /// either: it is printed as the one command that stores the same review.
    func submit(_ submission: ReviewSubmission, _ terminal: any ReviewTerminal) throws -> StoredReview {
        let now = clock()
        let store = self.store
        do {
            return try terminal.submitting { try store.submit(submission, now: now) }
        } catch {
            let message = (error as? PitbossError)?.message ?? "\(error)"
            terminal.write(style.paint("Not stored: ", .red, .bold) + TerminalSafe.text(message) + "\n"
                + "Your answers, to store them once that is settled:\n  "
                + rescue(unsaved(answers: submission.scorecard.answers.map { ($0.criterion, $0.answer) }, verdicts: submission.verdicts,
                                 comment: submission.comment)) + "\n")
            throw error
        }
    }

    /// Renews the claim once half the lease has passed. If the lease ran out and someone else took the item, the
    /// reviewer hears it now rather than at submit.
    func keepClaim(_ terminal: any ReviewTerminal) throws {
        let now = clock()
        guard now.timeIntervalSince(renewedAt) >= store.claims.lease / 2 else { return }
        let renewal = Result { () throws(PitbossError) in try store.claims.claim(claim.item, for: reviewer, now: now) }
        switch renewal {
        case .success:
            renewedAt = now
        case .failure(let error) where error.code == .refused:
            terminal.write(style.paint("Your claim on item \(claim.item) ran out and was taken: ", .red, .bold) + TerminalSafe.text(error.message) + "\n"
                + (enteredVerdicts.isEmpty && enteredAnswers.isEmpty ? "" : "What you had entered (add the criteria still missing):\n  "
                    + rescue(unsaved(answers: enteredAnswers, verdicts: enteredVerdicts, comment: nil)) + "\n"))
            throw error
        case .failure(let error):
            // A busy database, say: the claim still runs; try again at the next prompt.
            terminal.write(style.paint("Could not renew the claim (\(TerminalSafe.line(error.message))); trying again at the next answer.", .yellow) + "\n")
        }
    }

    /// What the reviewer entered, for the words that let them store it later.
    func unsaved(answers: [(String, String)], verdicts: [FindingVerdict], comment: String?) -> UnsavedReview {
        UnsavedReview(item: claim.item, reviewer: reviewer.name, rubricPath: rubric.path, answers: answers, verdicts: verdicts, comment: comment)
    }

    /// "d quoting the player" → ("d", "quoting the player").
    static func split(_ line: String) -> (String, String?) {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        return ((parts.first ?? "").lowercased(), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces).nilIfEmpty : nil)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
