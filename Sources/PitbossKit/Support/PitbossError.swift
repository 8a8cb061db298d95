/// An error a person can act on: what went wrong, where, and what to do about it.
///
/// `code` says what kind of problem it is in the domain's words; the executable decides what exit
/// status each kind becomes.
public struct PitbossError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        /// The request itself is wrong: a value out of range, options that contradict each other.
        case usage
        /// The input data is wrong.
        case badInput
        /// A file that was named does not exist or cannot be read.
        case missingFile
        /// Pitboss itself failed.
        case internalFailure
        /// Writing failed: the disk is full, the output was closed, the file system refused.
        case ioFailure
        /// The database cannot be written here (read-only file or folder).
        case cannotWrite
        /// Try again later, e.g. the database is busy.
        case temporary
        /// Not yours to do: an item someone else holds, a conversation you were the agent of.
        case refused
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
    public static func ioFailure(_ message: String) -> PitbossError { PitbossError(.ioFailure, message) }
    public static func cannotWrite(_ message: String) -> PitbossError { PitbossError(.cannotWrite, message) }
    public static func temporary(_ message: String) -> PitbossError { PitbossError(.temporary, message) }
    public static func refused(_ message: String) -> PitbossError { PitbossError(.refused, message) }
}
