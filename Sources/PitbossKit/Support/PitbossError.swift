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

    /// What the person can do about it, when the way to do it is a command or an option: the library names the
    /// step, the executable writes it in the words of its command line.
    public enum Remedy: Sendable, Equatable {
        /// Import transcripts to create the database, or name another one.
        case importFirst
        /// See the queue.
        case listQueue
        /// Take the next item instead.
        case reviewNext
        /// A supervisor may do it anyway, overriding who holds the item.
        case supervisorForce
        /// Correct the current review of a conversation (or item) with a new revision.
        case correctReview(String)
        /// See the reviews and audit trail of a conversation (or item).
        case history(String)
        /// Put a skipped item back in the queue.
        case releaseItem(Int64)
        /// Examine the database file.
        case doctor
        /// Say how many to assign.
        case assignCount
        /// Say why an item is skipped.
        case skipReason
        /// Name the format of a file that cannot be told from its name or content.
        case nameFormat
    }

    public let code: Code
    public let message: String
    public var remedy: Remedy?

    public init(_ code: Code, _ message: String, remedy: Remedy? = nil) {
        self.code = code
        self.message = message
        self.remedy = remedy
    }

    public var description: String { message }

    public static func usage(_ message: String, remedy: Remedy? = nil) -> PitbossError { PitbossError(.usage, message, remedy: remedy) }
    public static func badInput(_ message: String, remedy: Remedy? = nil) -> PitbossError { PitbossError(.badInput, message, remedy: remedy) }
    public static func missingFile(_ message: String, remedy: Remedy? = nil) -> PitbossError { PitbossError(.missingFile, message, remedy: remedy) }
    public static func internalFailure(_ message: String) -> PitbossError { PitbossError(.internalFailure, message) }
    public static func ioFailure(_ message: String) -> PitbossError { PitbossError(.ioFailure, message) }
    public static func cannotWrite(_ message: String) -> PitbossError { PitbossError(.cannotWrite, message) }
    public static func temporary(_ message: String) -> PitbossError { PitbossError(.temporary, message) }
    public static func refused(_ message: String, remedy: Remedy? = nil) -> PitbossError { PitbossError(.refused, message, remedy: remedy) }
}
