import Foundation

/// Turns transcript files into validated conversations: the format's reader, the sidecar, the flags,
/// the shift schedule. `pitboss import` stores what this reads; `pitboss check` only evaluates it.
public struct TranscriptReading: Sendable {
    public var schedule: ShiftSchedule
    /// Metadata from the command line, for what neither the file nor its sidecar says.
    public var defaults: ConversationMetadata
    public var columnMap: [String: String]

    public init(schedule: ShiftSchedule, defaults: ConversationMetadata = ConversationMetadata(), columnMap: [String: String] = [:]) {
        self.schedule = schedule
        self.defaults = defaults
        self.columnMap = columnMap
    }

    /// Whether a name that is not an existing file was meant as one (a folder in it, or a transcript's extension), so
    /// that a typo is reported as a missing file rather than looked up as a conversation id.
    public static func looksLikeFilePath(_ name: String) -> Bool {
        name.contains("/") || ["json", "jsonl", "txt", "vtt", "csv", "log"].contains((name as NSString).pathExtension.lowercased())
    }

    /// A record read but not yet decoded and validated; safe to run on any thread.
    public typealias Job = @Sendable () -> Result<Conversation, RecordProblem>

    /// Reads one file and hands each record to `emit`. A problem with the file as a whole (a broken
    /// sidecar, an unreadable file, a file that is not its format) is thrown as a `RecordProblem`.
    public func read(file path: String, format: TranscriptFormat, emit: (@escaping Job) throws -> Void) throws {
        let fallback = try sidecar(for: path).filling(from: defaults)
        let context = ReadContext(zone: schedule.timeZone, columnMap: columnMap, roles: fallback.roles)
        // Formats that hold one conversation per file are named after the file unless they say otherwise.
        let defaultID = format == .jsonl || format == .csv ? nil : WholeFile.stem(path)
        let schedule = self.schedule
        try format.reader.read(path: path, context: context) { pending in
            try emit {
                pending().flatMap { draft in
                    Result { () throws(RecordProblem) in try draft.finalized(fallback: fallback, defaultID: defaultID, schedule: schedule) }
                }
            }
        }
    }

    /// Every conversation (or the problem with it) in the named files, in order, decoded on this thread.
    public func conversations(path: String, format forced: TranscriptFormat? = nil) throws(PitbossError) -> [Result<Conversation, RecordProblem>] {
        guard FileManager.default.fileExists(atPath: path) else { throw .missingFile("\(path): no such file") }
        guard TranscriptImporter.isRegularFile(path) else { throw .badInput("\(path) is not a regular file (a named pipe, a device or a socket); name a transcript file") }
        guard let format = forced ?? TranscriptFormat.detect(path: path) else {
            throw .badInput("\(path): cannot tell the format of this file", remedy: .nameFormat)
        }
        var results: [Result<Conversation, RecordProblem>] = []
        do {
            try read(file: path, format: format) { results.append($0()) }
        } catch let problem as RecordProblem {
            results.append(.failure(problem))
        } catch let error as PitbossError {
            throw error
        } catch {
            throw .internalFailure("\(path): \(error)")
        }
        return results
    }

    private func sidecar(for path: String) throws -> ConversationMetadata {
        let sidecarPath = (path as NSString).deletingPathExtension + ".meta.json"
        guard FileManager.default.fileExists(atPath: sidecarPath) else { return ConversationMetadata() }
        return try ConversationMetadata.sidecar(at: sidecarPath, zone: schedule.timeZone)
    }
}
