/// A place in an input file: `file:line:column`, as editors and compilers print it.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The file's name is data: shown with its control characters visible, so that a name holding a line break
    /// cannot forge a line of its own.
    public var description: String {
        var text = TerminalSafe.line(file)
        if let line { text += ":\(line)" }
        if let line = line, line > 0, let column { text += ":\(column)" }
        return text
    }
}

/// Why one record of an input could not be imported: where, which field, and what to do.
public struct RecordProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    /// The field at fault, as a path into the record: `turns[3].speaker`, `started_at`, `role`.
    public var field: String?
    public var reason: String
    /// The conversation the record was meant to be, when that much could be read.
    public var conversationID: String?
    /// The record's original text (a JSON line, a group of CSV rows), for `--rejects`.
    public var rawRecord: String?

    public init(_ location: SourceLocation, field: String? = nil, _ reason: String,
                conversationID: String? = nil, rawRecord: String? = nil, remedy: Remedy? = nil) {
        self.location = location
        self.field = field
        self.reason = reason
        self.conversationID = conversationID
        self.rawRecord = rawRecord
        self.remedy = remedy
    }

    /// What to do about it, when the way is an option of the import: the executable words it.
    public enum Remedy: Sendable, Equatable {
        /// State the fields in the record, in a sidecar NAME.meta.json, or for the whole import.
        case supplyMetadata(fields: [String])
        /// Map a speaker label (empty: unnamed speech) to a role.
        case mapSpeaker(label: String)
        /// Name the format of a file that cannot be told from its name or content.
        case nameFormat
        /// Ask for the stored conversation to be replaced.
        case replace
        /// Name the CSV column that holds a Pitboss field.
        case mapColumn(field: String)
    }

    public var remedy: Remedy?

    public var description: String {
        var text = "\(location): "
        if let conversationID { text += "conversation \(TerminalSafe.line(conversationID)): " }
        if let field { text += "\(TerminalSafe.line(field)): " }
        return text + reason
    }
}
