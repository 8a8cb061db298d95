import Foundation

/// The transcript formats Pitboss reads.
public enum TranscriptFormat: String, Sendable, CaseIterable, Codable {
    /// Pitboss's own JSON Lines, one conversation per line: what other tools should export to.
    case jsonl
    case csv
    /// Chat logs as text: `[22:04:02] Agent Anna: text`.
    case text
    case webvtt
    case srt
    /// Amazon Transcribe batch output (speaker diarization or channel identification).
    case transcribe
    /// Amazon Connect Contact Lens analysis output, voice or chat.
    case contactLens = "contact-lens"
    /// OpenAI Whisper or WhisperX JSON (`segments`).
    case whisper

    public static var namesForHumans: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The channel of a file that nothing names one for: timed speech is a recorded call.
    /// Used after the file's own data, its sidecar and the flags.
    public var defaultChannel: Channel? {
        switch self {
        case .webvtt, .srt, .transcribe, .whisper: .call
        case .jsonl, .csv, .text, .contactLens: nil
        }
    }

    /// The format a file is in, from its extension and, for `.json`, its first bytes.
    /// nil for a file that is not a transcript (a README, an image, a sidecar).
    public static func detect(path: String, head: @autoclosure () -> [UInt8]) -> TranscriptFormat? {
        let name = (path as NSString).lastPathComponent.lowercased()
        if name.hasSuffix(".meta.json") { return nil }
        switch (name as NSString).pathExtension {
        case "jsonl", "ndjson": return .jsonl
        case "csv": return .csv
        case "txt", "log": return .text
        case "vtt": return .webvtt
        case "srt": return .srt
        case "json": return sniffJSON(head())
        default: return nil
        }
    }

    /// The format of a file on disk: from its extension and first 64 KB, and for a `.json` file whose
    /// first 64 KB do not tell (Whisper writes the whole text before its segments), from its top-level keys.
    public static func detect(path: String) -> TranscriptFormat? {
        let head = readHead(path)
        if let format = detect(path: path, head: head) { return format }
        guard (path as NSString).pathExtension.lowercased() == "json", !path.lowercased().hasSuffix(".meta.json"),
              head.count >= headSize,
              let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        let keys = Set(object.keys)
        if keys.contains("Transcript") && (keys.contains("Participants") || keys.contains("Channel")) { return .contactLens }
        if keys.contains("results") { return .transcribe }
        if keys.contains("segments") { return .whisper }
        if keys.contains("turns") { return .jsonl }
        return nil
    }

    static let headSize = 64 << 10

    /// The first bytes of a file, enough to tell most JSON formats apart.
    static func readHead(_ path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: headSize)) ?? Data())
    }

    /// Tells the JSON formats apart by the keys that only each one has.
    static func sniffJSON(_ head: [UInt8]) -> TranscriptFormat? {
        let text = String(decoding: head, as: UTF8.self)
        if text.contains("\"Transcript\"") && (text.contains("\"ParticipantId\"") || text.contains("\"Participants\"")
            || text.contains("\"Channel\"")) { return .contactLens }
        if text.contains("\"results\"") && (text.contains("\"jobName\"") || text.contains("\"transcripts\"")
            || text.contains("\"items\"")) { return .transcribe }
        if text.contains("\"segments\"") { return .whisper }
        if text.contains("\"turns\"") { return .jsonl }
        return nil
    }
}
