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
            On a terminal, a transcript longer than the screen is paged (PITBOSS_PAGER, else PAGER, else less, else a \
            built-in pager; PAGER=cat for none); at any finding or criterion, t pages it again and t N shows the turns \
            around turn N. A calibration task is scored blind, with its session's rubric.
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
            let workspace = try global.openWorkspace(.write, onPostgres: .server)
            let leaseMinutes = try GlobalOptions.lease(lease)
            let records = workspace.reviewRecords(leaseMinutes: leaseMinutes)
            let queue = records.claims
            let context = workspace.reviewContext
            let reviewer = workspace.reviewer(try global.actor(in: workspace))
            // Interrupts are caught from before the claim, and the claim is taken under the console's lock, so there
            // is no moment when the claim exists and Ctrl-C would leave it behind.
            let terminal = ReviewConsole()
            terminal.arm()
            var item = target == "next" ? nil : try queue.item(named: target, for: reviewer.name)
            // A session goes on after a submit: the next item, or quit (the end of piped input quits too).
            while true {
                let taken = try terminal.claiming(queue: queue, reviewer: reviewer) {
                    if let item { return try queue.claim(item, for: reviewer, now: Date()) }
                    return try queue.claimNext(for: reviewer, reason: reason, now: Date())
                }
                guard let claim = taken else {
                    terminal.write("Nothing in the queue for \(reviewer.name).\n")
                    return
                }
                do {
                    guard let conversation = try workspace.conversationReader.conversation(externalID: claim.conversation) else {
                        throw PitbossError.internalFailure("queued conversation \(claim.conversation) is not stored")
                    }
                    // A calibration task is scored with the session's rubric, blind: the findings without anyone's verdicts.
                    let calibration = try context.calibrationSession(ofItem: claim.item)
                    let loaded = try RubricCommand.load(rubric ?? calibration?.rubricPath ?? config.rubricPath(for: conversation))
                    var findings = try workspace.findings(FindingQuery(conversation: claim.conversation))
                    if let calibration {
                        findings = findings.map { var f = $0; f.verdict = nil; return f }
                        terminal.write(Console.stdoutStyle.paint("Calibration session \(TerminalSafe.line(calibration.name)): score it as you would for real; nobody sees your answers, nor you theirs, until the session is closed.", .cyan) + "\n")
                    }
                    let evaluated = try context.isEvaluated(conversation: claim.conversation)
                    let followUps = try context.followUps(agent: conversation.agentID, settings: config.outcomes, now: Date())
                        .filter { $0.covers(conversation.startedAt) }
                    let session = ReviewSession(store: records, rubric: loaded, reviewer: reviewer, claim: claim,
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
    private var claim: (queue: any ClaimQueue, reviewer: Reviewer, item: Int64)?
    private var stored = false
    private var outputClosed = Console.stdoutWasClosed  // nobody would see the questions: the session ends at the first
    private var sources: [any DispatchSourceSignal] = []
    /// While a pager runs, Ctrl-C is the pager's (less ends a search with it) and its early quit breaks the pipe to it.
    private var paging = false
    /// When the last pager ended: a Ctrl-C meant for it can reach this process's handler just after (the signal goes to
    /// both at once), and must not end the review.
    private var pagingEnded = Date.distantPast
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
    func claiming(queue: any ClaimQueue, reviewer: Reviewer, _ take: () throws -> ReviewQueue.Claim?) throws -> ReviewQueue.Claim? {
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
        if (paging || Date().timeIntervalSince(pagingEnded) < 1) && (signalNumber == SIGINT || signalNumber == SIGPIPE) {
            lock.unlock()
            return
        }
        var message = "interrupted: nothing was claimed"
        if let claim {
            if stored {
                message = "interrupted after the review of item \(claim.item) was stored"
            } else {
                do {
                    let abandoned = try claim.queue.abandon(claim.item, by: claim.reviewer, now: Date())
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
            do { _ = try claim.queue.abandon(claim.item, by: claim.reviewer, now: Date()) } catch {
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

    /// A transcript longer than the screen, through the pager `Paging` names; on a pipe it is simply written. A pager that
    /// cannot run or fails leaves the built-in one to show it.
    func page(_ text: String, style: OutputStyle) {
        guard interactive, style.isTerminal, !outputClosed else { return write(text) }
        switch Paging.choice(environment: ProcessInfo.processInfo.environment) {
        case .none:
            write(text)
        case .builtIn:
            LinePager(text, height: style.height ?? 24).run(self, style: style)
        case .program(let command):
            lock.withLock { paging = true }
            defer { lock.withLock { paging = false; pagingEnded = Date() } }
            var environment = ProcessInfo.processInfo.environment
            if environment["LESS"] == nil { environment["LESS"] = Paging.lessOptions }
            // Colour for less (its -R shows it); other pagers would count the codes as text and break lines early.
            let shown = Paging.passesColour(command) ? text : TextWrap.withoutEscapes(text)
            let status = Self.runPager(command, input: shown, environment: environment)
            if status != 0 {
                // Not run, or failed: the reviewer must still read the transcript.
                let variable = ProcessInfo.processInfo.environment["PITBOSS_PAGER"] != nil ? "PITBOSS_PAGER" : "PAGER"
                Console.note("the pager '\(command)' " + (status < 0 || status == 127 ? "could not be run" : "ended with status \(status)")
                    + "; the built-in pager shows the transcript instead (set \(variable) to a pager that works, or to cat for none)")
                LinePager(text, height: style.height ?? 24).run(self, style: style)
            }
        }
    }

    /// Runs `sh -c command` with `input` on its standard input and this terminal as its output, in this process's group:
    /// a pager must be in the terminal's foreground group to read keys (Foundation's Process starts a group of its own,
    /// where the terminal stops it). The exit status, or -1 when it could not start.
    static func runPager(_ command: String, input: String, environment: [String: String]) -> Int32 {
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { return -1 }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipe[0], STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, pipe[1])
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        // The child starts with default signal handling: this process ignores SIGINT and SIGPIPE while it reviews.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signalNumber) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        let words: [String] = ["/bin/sh", "-c", command]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let variables: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (arguments + variables).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, arguments, variables)
        close(pipe[0])
        guard spawned == 0 else {
            close(pipe[1])
            return -1
        }
        // The pager may quit before reading everything: the write then ends with EPIPE, which is not an error here.
        var bytes = Array(input.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(pipe[1], $0.baseAddress, $0.count) }
            if written < 0 { if errno == EINTR { continue } else { break } }
            bytes = bytes.dropFirst(written)
        }
        close(pipe[1])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
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
