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

    public var description: String {
        var text = file
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
                conversationID: String? = nil, rawRecord: String? = nil) {
        self.location = location
        self.field = field
        self.reason = reason
        self.conversationID = conversationID
        self.rawRecord = rawRecord
    }

    public var description: String {
        var text = "\(location): "
        if let conversationID { text += "conversation \(conversationID): " }
        if let field { text += "\(field): " }
        return text + reason
    }
}
