import Foundation

/// How `pitboss import` reads its input.
public struct ImportOptions: Sendable {
    /// Read every file as this format instead of detecting it.
    public var format: TranscriptFormat?
    /// Metadata for what the files lack (the flags); also carries `--roles`.
    public var defaults: ConversationMetadata
    /// CSV: Pitboss field → header name in the file.
    public var columnMap: [String: String]
    /// Replace a stored conversation whose content differs (never one that has reviews).
    public var replace: Bool
    /// Write each rejected record here, as JSON Lines.
    public var rejectsPath: String?
    /// Conversations decoded and written per transaction.
    public var batchSize: Int

    public init(format: TranscriptFormat? = nil, defaults: ConversationMetadata = ConversationMetadata(),
                columnMap: [String: String] = [:], replace: Bool = false, rejectsPath: String? = nil, batchSize: Int = 1000) {
        self.format = format
        self.defaults = defaults
        self.columnMap = columnMap
        self.replace = replace
        self.rejectsPath = rejectsPath
        self.batchSize = batchSize
    }

    /// The Pitboss CSV fields a column map can name.
    public static var mappableFields: [String] { CSVReader.fields }
}

/// What an import did, for the summary and the exit status.
public struct ImportSummary: Sendable, Equatable {
    public var files = 0
    public var imported = 0
    public var unchanged = 0
    public var replaced = 0
    public var conflicts = 0
    public var rejected = 0
    /// Every record not imported, and why: rejections and conflicts, in input order.
    public var problems: [RecordProblem] = []
    /// Files found in folders that are not transcripts (READMEs, images), with the reason.
    public var skipped: [String] = []

    public init() {}

    /// True when anything was not imported as asked: the command then exits 65.
    public var hasProblems: Bool { rejected > 0 || conflicts > 0 }

    public var line: String {
        "imported \(imported), unchanged \(unchanged), rejected \(rejected), conflicts \(conflicts), replaced \(replaced) (from \(files) file\(files == 1 ? "" : "s"))"
    }
}
