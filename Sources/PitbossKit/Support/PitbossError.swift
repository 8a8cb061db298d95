/// An error a person can act on: what went wrong, where, and what to do about it.
///
/// `code` follows sysexits(3), so the command line maps it straight to the process exit status.
public struct PitbossError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: Int32, Sendable {
        /// The command was called wrongly (EX_USAGE).
        case usage = 64
        /// The input data is wrong (EX_DATAERR).
        case badInput = 65
        /// A file that was named does not exist or cannot be read (EX_NOINPUT).
        case missingFile = 66
        /// Pitboss itself failed (EX_SOFTWARE).
        case internalFailure = 70
        /// Try again later, e.g. the database is busy (EX_TEMPFAIL).
        case temporary = 75
        /// Not yours to do: an item someone else holds, a conversation you were the agent of (EX_NOPERM).
        case refused = 77
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func usage(_ message: String) -> PitbossError { PitbossError(.usage, message) }
    public static func badInput(_ message: String) -> PitbossError { PitbossError(.badInput, message) }
    public static func missingFile(_ message: String) -> PitbossError { PitbossError(.missingFile, message) }
    public static func internalFailure(_ message: String) -> PitbossError { PitbossError(.internalFailure, message) }
    public static func temporary(_ message: String) -> PitbossError { PitbossError(.temporary, message) }
    public static func refused(_ message: String) -> PitbossError { PitbossError(.refused, message) }
}
