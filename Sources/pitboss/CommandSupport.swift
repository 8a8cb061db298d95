import ArgumentParser
import Foundation
import PitbossKit

/// Runs a command body: Pitboss errors go to stderr as one line and become the exit status.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as PitbossError {
        Console.error(error.message)
        throw ExitCode(error.code.rawValue)
    } catch let error as ExitCode {
        throw error
    } catch {
        Console.error("internal error: \(error)")
        throw ExitCode(PitbossError.Code.internalFailure.rawValue)
    }
}

enum Console {
    static let environment = ProcessInfo.processInfo.environment
    static var stdoutStyle: OutputStyle { .detect(fileDescriptor: STDOUT_FILENO, environment: environment) }
    static var stderrStyle: OutputStyle { .detect(fileDescriptor: STDERR_FILENO, environment: environment) }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        note(stderrStyle.paint("pitboss: error:", .red, .bold) + " " + text)
    }

    /// A status line that rewrites itself, on a terminal only.
    static func progress(_ text: String) {
        guard isatty(STDERR_FILENO) == 1 else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
    }

    static func endProgress() {
        guard isatty(STDERR_FILENO) == 1 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
