import ArgumentParser
import Foundation
import PitbossKit

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review a queue item interactively: the transcript with findings highlighted, verdicts, the scorecard, submit.",
        discussion: """
            `pitboss review next` claims the next item (yours first: your claim, then what was assigned to you, then the open \
            queue by priority); `pitboss review ID` claims that item (an item id or a conversation id). Answers are read line \
            by line, from a terminal or a pipe. Nothing is stored until you submit; `abandon`, Ctrl-C, a closed terminal or the \
            end of piped input store nothing and give the claim back (an item a supervisor assigned to you stays assigned to you).
            Example: pitboss review next --as qa.maria
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "next, an item id, or a conversation id.") var target: String
    @Option(help: "With next: only items queued for this reason.") var reason: QueueReason?
    @OptionGroup var personalData: PersonalDataOptions
    @Option(help: "Claim lease in minutes (default: the workspace's lease_minutes, else 30).") var lease: Double?
    @Option(help: "The rubric whose scorecard to fill in (default: the one the workspace routes the conversation to).") var rubric: String?

    func run() throws {
        try reportingErrors {
            let config = try global.workspaceConfig()
            // Checked before anything is claimed; the conversation's own rubric (its route) is loaded once it is known.
            if let rubric { _ = try RubricCommand.load(rubric) }
            let workspace = try global.openWorkspace(.write)
            let queue = workspace.queue(leaseMinutes: try GlobalOptions.lease(lease))
            let reviewer = workspace.reviewer(global.user)
            // Interrupts are caught from before the claim, and the claim is taken under the console's lock, so there
            // is no moment when the claim exists and Ctrl-C would leave it behind.
            let terminal = ReviewConsole()
            terminal.arm()
            var item = target == "next" ? nil : try queue.item(named: target)
            // A session goes on after a submit: the next item, or quit (the end of piped input quits too).
            while true {
                let taken = try terminal.claiming(queue: queue, reviewer: reviewer) {
                    if let item { return try queue.claim(item, for: reviewer) }
                    return try queue.claimNext(for: reviewer, reason: reason)
                }
                guard let claim = taken else {
                    terminal.write("Nothing in the queue for \(reviewer.name).\n")
                    return
                }
                do {
                    guard let conversation = try workspace.conversations.conversation(externalID: claim.conversation) else {
                        throw PitbossError.internalFailure("queued conversation \(claim.conversation) is not stored")
                    }
                    let loaded = try RubricCommand.load(rubric ?? config.rubricPath(for: conversation))
                    let findings = try workspace.findings(FindingQuery(conversation: claim.conversation))
                    let evaluated = try workspace.flags.isEvaluated(conversation: claim.conversation)
                    let followUps = try workspace.retraining.inFollowUp(settings: config.outcomes, agent: conversation.agentID)
                        .filter { $0.covers(conversation.startedAt) }
                    let session = ReviewSession(store: ReviewStore(queue: queue), rubric: loaded, reviewer: reviewer, claim: claim,
                                                conversation: conversation, findings: findings, evaluated: evaluated, style: Console.stdoutStyle,
                                                timeZone: config.timeZone, showPersonalData: personalData.showPII,
                                                followUps: followUps, rescue: \.scoreCommand)
                    guard case .submitted = try session.run(terminal) else { return }
                } catch {
                    terminal.giveBack()
                    throw error
                }
                guard let next = terminal.readLine(prompt: "\nNext item? [n]ext, [q]uit > ")?.trimmingCharacters(in: .whitespaces).lowercased(),
                      next == "n" || next == "next" else { return }
                item = nil
                terminal.write("\n")
            }
        }
    }
}

/// The reviewer's terminal, or a pipe, for `pitboss review`: prompts on stdout (piped answers are echoed so the
/// output reads as a dialogue), and the guard of the claim. Ctrl-C, SIGTERM, a closed terminal (SIGHUP) or a
/// closed output (SIGPIPE, e.g. `| head`) before the review is stored end the claim and store nothing; one that
/// arrives during the submit waits for it, so the message says what really happened.
final class ReviewConsole: ReviewTerminal, @unchecked Sendable {
    private let lock = NSLock()
    private var claim: (queue: ReviewQueue, reviewer: Reviewer, item: Int64)?
    private var stored = false
    private var outputClosed = Console.stdoutWasClosed  // nobody would see the questions: the session ends at the first
    private var sources: [any DispatchSourceSignal] = []
    let interactive = isatty(STDIN_FILENO) == 1

    func arm() {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in interrupted(by: signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    /// Takes the claim with the lock held: an interrupt meanwhile waits, then gives the claim back.
    func claiming(queue: ReviewQueue, reviewer: Reviewer, _ take: () throws -> ReviewQueue.Claim?) throws -> ReviewQueue.Claim? {
        lock.lock()
        defer { lock.unlock() }
        let taken = try take()
        if let taken {
            claim = (queue, reviewer, taken.item)
            stored = false  // a new claim of the same session: nothing of it stored yet
        }
        return taken
    }

    private func interrupted(by signalNumber: Int32) {
        lock.lock()  // never unlocked: the process ends here, and a submit still waiting for the lock never starts
        var message = "interrupted: nothing was claimed"
        if let claim {
            if stored {
                message = "interrupted after the review of item \(claim.item) was stored"
            } else {
                do {
                    let abandoned = try claim.queue.abandon(claim.item, by: claim.reviewer)
                    message = "interrupted: nothing stored" + abandoned.said(item: claim.item)
                } catch {
                    message = "interrupted: nothing stored, but the claim on item \(claim.item) could not be given back (\(error.message)); it ends with its lease"
                }
            }
        }
        Console.note("\n" + message)
        exit(128 + signalNumber)
    }

    func giveBack() {
        lock.withLock {
            guard let claim, !stored else { return }
            do { try claim.queue.abandon(claim.item, by: claim.reviewer) } catch {
                Console.note("the claim on item \(claim.item) could not be given back (\((error as? PitbossError)?.message ?? "\(error)")); it ends with its lease")
            }
        }
    }

    func submitting(_ body: () throws -> StoredReview) throws -> StoredReview {
        lock.lock()
        defer { lock.unlock() }
        let review = try body()
        stored = true
        return review
    }

    /// Straight to the file descriptor: a closed reader (EPIPE) ends the session like the end of input does.
    func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty && !outputClosed {
            let written = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                outputClosed = true
            } else {
                bytes = bytes.dropFirst(written)
            }
        }
    }

    func readLine(prompt: String) -> String? {
        write(prompt)
        guard !outputClosed else { return nil }
        let line = Swift.readLine(strippingNewline: true)
        if !interactive { write(TerminalSafe.line(line ?? "") + "\n") }  // the echo of a piped answer is data too
        return line
    }
}
