import Foundation

/// What a reader needs to know besides the file.
public struct ReadContext: Sendable {
    /// For times that carry no zone (a chat log's `[22:04:02]`, a CSV's `2026-11-21 22:04`).
    public var zone: TimeZone
    /// CSV: Pitboss field name → the file's header name (`--map text=body,role=sender`).
    public var columnMap: [String: String]
    /// The speaker labels known for this file (`--roles`, sidecar): they tell a speaker prefix
    /// ("Anna: …") from text that merely contains a colon.
    public var roles: RoleMap

    public init(zone: TimeZone, columnMap: [String: String] = [:], roles: RoleMap = RoleMap()) {
        self.zone = zone
        self.columnMap = columnMap
        self.roles = roles
    }
}

/// A record that a reader has found but not yet decoded. Decoding is deferred so that the importer
/// can decode a batch of records on all cores while the reader streams on.
public typealias PendingRecord = @Sendable () -> Result<ConversationDraft, RecordProblem>

/// One file format: reads a file and hands each record to `emit`, streaming where the format allows.
public protocol TranscriptReader: Sendable {
    /// A problem with the file as a whole (unreadable, not this format) is thrown; a problem with
    /// one record is emitted as that record's failure, and reading goes on.
    func read(path: String, context: ReadContext, emit: (@escaping PendingRecord) throws -> Void) throws
}

extension TranscriptFormat {
    public var reader: any TranscriptReader {
        switch self {
        case .jsonl: CanonicalJSONLinesReader()
        case .csv: CSVReader()
        case .text: ChatLogReader()
        case .webvtt: WebVTTReader()
        case .srt: SRTReader()
        case .transcribe: AmazonTranscribeReader()
        case .contactLens: ContactLensReader()
        case .whisper: WhisperReader()
        }
    }
}

/// Helpers for the formats that hold one conversation per file and are read whole.
enum WholeFile {
    /// Transcript files of these formats are a single conversation; anything this large is a mistake.
    static let sizeLimit = 256 << 20

    static func bytes(_ path: String) throws -> [UInt8] {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > sizeLimit {
            throw PitbossError.badInput("\(path): \(size >> 20) MB is too large for one transcript; split it, or export it as JSON Lines")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PitbossError.missingFile("\(path): cannot read this file; check that it exists and is readable")
        }
        return [UInt8](data)
    }

    static func text(_ path: String) throws -> String {
        try UTF8Text.decodeFile(try bytes(path), path: path)
    }

    /// A whole-file JSON format's outermost object, with where each of its keys is in the file.
    static func jsonRoot(_ path: String) throws -> JSONObject {
        let bytes = try bytes(path)
        let object = try json(path, bytes: bytes)
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        return try JSONObject(object, path: "", file: path, locations: JSONDuplicateKeys.topLevelKeyLocations(in: body, file: path))
    }

    /// Parses a whole-file JSON format, naming line and column of a syntax error and of a key given twice.
    static func json(_ path: String, bytes: [UInt8]) throws -> Any {
        _ = try UTF8Text.decodeFile(bytes, path: path)
        var data = Data(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            let diagnosis = JSONErrorText.diagnose(data)
            throw RecordProblem(SourceLocation(file: path, line: diagnosis?.line, column: diagnosis?.column),
                                "not valid JSON: \(diagnosis?.message ?? JSONErrorText.describe(error))")
        }
        if let problem = JSONDuplicateKeys.problem(in: data, file: path) { throw problem }
        return object
    }

    /// The file name without its extension: the default conversation id.
    static func stem(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }
}
