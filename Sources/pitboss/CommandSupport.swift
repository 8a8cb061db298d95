import ArgumentParser
import Foundation
import PitbossKit

/// Runs a command body: Pitboss errors go to stderr as one line and become the exit status.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as PitbossError {
        Console.error(error.message + (error.remedy.map { "; " + $0.commandLine } ?? ""))
        throw ExitCode(error.code.exitStatus)
    } catch let error as ExitCode {
        throw error
    } catch {
        Console.error("internal error: \(error)")
        throw ExitCode(PitbossError.Code.internalFailure.exitStatus)
    }
}

extension PitbossError.Code {
    /// The process exit status for each kind of problem, after sysexits(3).
    var exitStatus: Int32 {
        switch self {
        case .usage: 64           // EX_USAGE
        case .badInput: 65        // EX_DATAERR
        case .missingFile: 66     // EX_NOINPUT
        case .internalFailure: 70 // EX_SOFTWARE
        case .cannotWrite: 73     // EX_CANTCREAT
        case .ioFailure: 74       // EX_IOERR
        case .temporary: 75       // EX_TEMPFAIL
        case .refused: 77         // EX_NOPERM
        }
    }
}

extension PitbossError.Remedy {
    /// The remedy in this command line's words.
    var commandLine: String {
        switch self {
        case .importFirst: "import transcripts first (pitboss import PATH), or name another database with --db"
        case .listQueue: "see pitboss queue list"
        case .reviewNext: "take another (pitboss review next)"
        case .supervisorForce: "a supervisor can do it with --force"
        case .correctReview(let target): "correct it with pitboss score \(target) --revise REASON"
        case .history(let target): "see pitboss history \(target)"
        case .releaseItem(let item): "pitboss queue release \(item) puts it back in the queue"
        case .doctor: "run pitboss doctor for the whole report"
        case .assignCount: "give --count 1 or more"
        case .skipReason: "say why with --why \"…\""
        case .nameFormat: "name it with --format (\(TranscriptFormat.namesForHumans))"
        }
    }
}

extension RecordProblem {
    /// The problem as one line on stderr: where, what, and what to do in this command line's words.
    var forPeople: String {
        guard let remedy else { return description }
        let advice = switch remedy {
        case .supplyMetadata(let fields):
            "add \(fields.count == 1 ? "it" : "them") to the record, to a sidecar NAME.meta.json, or pass "
                + fields.map { $0 == "started_at" ? "--started-at 2026-11-21T22:04:00Z" : "--\($0)" }.joined(separator: " ")
        case .mapSpeaker(let label) where label.isEmpty:
            "map unnamed speech with --roles \"*=customer\" (or \"roles\" in NAME.meta.json)"
        case .mapSpeaker(let label) where label.contains(",") || label.contains("="):
            // --roles cannot carry a comma or '=' inside a label: only the sidecar can.
            "map it in NAME.meta.json: \"roles\": {\"\(label)\": \"agent\", \"*\": \"customer\"}"
        case .mapSpeaker(let label):
            "map it with --roles \"\(label)=agent,*=customer\" or \"roles\" in NAME.meta.json"
        case .nameFormat:
            "name it with --format (\(TranscriptFormat.namesForHumans))"
        case .replace:
            "re-run with --replace to replace it"
        case .mapColumn(let field):
            "name it with --map \(field)=HEADER"
        }
        return description + "; " + advice
    }
}

enum Console {
    static let environment = ProcessInfo.processInfo.environment
    static var stdoutStyle: OutputStyle { .detect(fileDescriptor: STDOUT_FILENO, environment: environment) }
    static var stderrStyle: OutputStyle { .detect(fileDescriptor: STDERR_FILENO, environment: environment) }

    /// Whether stdout was closed when the program started (`pitboss stats >&-`). A closed standard descriptor is
    /// reopened on /dev/null at once, before anything else is opened: otherwise the next file opened (the database,
    /// a lock) would get its number, and the output would be written into it.
    static let stdoutWasClosed: Bool = {
        var stdoutClosed = false
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            if descriptor == STDOUT_FILENO { stdoutClosed = true }
            let placeholder = open("/dev/null", descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY)
            if placeholder >= 0 && placeholder != descriptor {
                dup2(placeholder, descriptor)
                close(placeholder)
            }
        }
        return stdoutClosed
    }()

    /// Writes to stdout; a full disk or a closed output ends the command (exit 74), never a trap.
    static func out(_ text: String) throws(PitbossError) {
        if stdoutWasClosed {
            throw .ioFailure("cannot write the output (standard output is closed); anything this command stored in the database is complete")
        }
        if let failure = write(text, to: STDOUT_FILENO) {
            throw .ioFailure("cannot write the output (\(failure)); anything this command stored in the database is complete")
        }
    }

    /// A line on stderr; data in it (ids, file names, reasons from a file) is shown with control characters made visible.
    static func note(_ text: String) {
        _ = write(TerminalSafe.text(text) + "\n", to: STDERR_FILENO)  // nowhere left to report a failure to write stderr
    }

    static func error(_ text: String) {
        _ = write(stderrStyle.paint("pitboss: error:", .red, .bold) + " " + TerminalSafe.text(text) + "\n", to: STDERR_FILENO)
    }

    /// A status line that rewrites itself, on a terminal only.
    static func progress(_ text: String) {
        guard isatty(STDERR_FILENO) == 1 else { return }
        // One screen row, always: a longer line would wrap, and "\r" would then redraw only its last row.
        var line = TerminalSafe.line(text)
        if let width = OutputStyle.detect(fileDescriptor: STDERR_FILENO, environment: ProcessInfo.processInfo.environment).width, width > 1 {
            while TextWrap.displayWidth(line) > width - 1 { line.removeLast() }
        }
        _ = write("\r\u{1B}[2K" + line, to: STDERR_FILENO)
    }

    static func endProgress() {
        guard isatty(STDERR_FILENO) == 1 else { return }
        _ = write("\r\u{1B}[2K", to: STDERR_FILENO)
    }

    /// Writes all of `text` to a file descriptor with write(2), retrying short writes and EINTR; returns the
    /// reason when it could not (FileHandle.write traps on ENOSPC, EPIPE and EBADF instead).
    static func write(_ text: String, to descriptor: Int32) -> String? {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            bytes = bytes.dropFirst(written)
        }
        return nil
    }
}
