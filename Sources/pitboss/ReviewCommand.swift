import ArgumentParser
import Foundation
import PitbossKit

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review a queue item interactively: the transcript with findings highlighted, verdicts, the scorecard, submit.",
        discussion: """
            `pitboss review next` claims the next item (yours first: your claim, then what was assigned to you, then the open
            queue by priority); `pitboss review ID` claims that item (an item id or a conversation id). Answers are read line
            by line, from a terminal or a pipe. Nothing is stored until you submit; `abandon`, Ctrl-C, a closed terminal or the
            end of piped input store nothing and give the claim back (an item a supervisor assigned to you stays assigned to you).
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "next, an item id, or a conversation id.") var target: String
    @Option(help: "With next: only items queued for this reason.") var reason: String?
    @Flag(name: .customLong("show-pii"), help: "Show card numbers, e-mail addresses, phone and document numbers unmasked.") var showPII = false
    @Option(help: "Claim lease in minutes (default: the workspace's lease_minutes, else 30).") var lease: Double?
    @Option(help: "The rubric whose scorecard to fill in (default: the workspace's).") var rubric: String?

    func run() throws {
        try reportingErrors {
            let workspace = try global.workspace()
            let loaded = try RubricCommand.load(rubric ?? workspace.rubricPath)
            let queue = try global.reviewQueue(workspace, lease: lease)
            let reviewer = workspace.reviewer(global.user)
            let claim: ReviewQueue.Claim
            if target == "next" {
                guard let next = try queue.claimNext(for: reviewer, reason: reason) else {
                    Console.out("Nothing in the queue for \(reviewer.name). \u{2615}\n")
                    return
                }
                claim = next
            } else {
                claim = try queue.claim(try queue.item(named: target), for: reviewer)
            }
            // From here on the claim is ours: every way out gives it back unless the review was stored.
            let guardian = ClaimGuard(queue: queue, reviewer: reviewer, item: claim.item)
            guardian.arm()
            let conversation = try ConversationStore(database: queue.database).conversation(externalID: claim.conversation)
            guard let conversation else { throw PitbossError.internalFailure("queued conversation \(claim.conversation) is not stored") }
            let findings = try FindingQuery(conversation: claim.conversation).fetch(from: queue.database)
            let session = ReviewSession(store: ReviewStore(queue: queue), rubric: loaded, reviewer: reviewer, claim: claim,
                                        conversation: conversation, findings: findings, style: Console.stdoutStyle,
                                        timeZone: workspace.timeZone, showPersonalData: showPII)
            do {
                _ = try session.run(LineTerminal())
            } catch {
                guardian.giveBack()
                throw error
            }
        }
    }
}

/// Gives a claim back when the process is interrupted (Ctrl-C), terminated or loses its terminal before the review
/// is submitted. The queue's abandon only ends a claim that is still this reviewer's, so after a submit it does nothing.
final class ClaimGuard: @unchecked Sendable {
    let queue: ReviewQueue
    let reviewer: Reviewer
    let item: Int64
    private var sources: [any DispatchSourceSignal] = []

    init(queue: ReviewQueue, reviewer: Reviewer, item: Int64) {
        self.queue = queue
        self.reviewer = reviewer
        self.item = item
    }

    func arm() {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                let released = (try? queue.abandon(item, by: reviewer)) ?? false
                Console.note("\ninterrupted: " + (released ? "nothing stored; item \(item) is back in the queue" : "the claim on item \(item) had already ended"))
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }

    func giveBack() {
        _ = try? queue.abandon(item, by: reviewer)
    }
}

/// The reviewer's terminal, or a pipe: prompts on stdout; piped answers are echoed so the output reads as a dialogue.
final class LineTerminal: ReviewTerminal {
    let interactive = isatty(STDIN_FILENO) == 1

    func write(_ text: String) {
        Console.out(text)
    }

    func readLine(prompt: String) -> String? {
        Console.out(prompt)
        let line = Swift.readLine(strippingNewline: true)
        if !interactive { Console.out((line ?? "") + "\n") }
        return line
    }
}
