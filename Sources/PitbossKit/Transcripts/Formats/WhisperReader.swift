import Foundation

/// OpenAI Whisper and WhisperX JSON: `segments` of `{start, end, text}`; WhisperX adds `speaker`
/// (`SPEAKER_00`) after diarization. Consecutive segments of one speaker become one turn. Plain Whisper
/// has no speakers: map its single voice with `--roles "*=customer"` or diarize it with WhisperX.
public struct WhisperReader: TranscriptReader {
    public init() {}

    public func read(path: String, context: ReadContext, emit: (@escaping PendingRecord) throws -> Void) throws {
        let root = try WholeFile.jsonRoot(path)
        let result = Result { () throws(RecordProblem) in try Self.parse(root, path: path) }
        try emit { result }
    }

    static func parse(_ root: JSONObject, path: String) throws(RecordProblem) -> ConversationDraft {
        guard let segments = try root.objects("segments") else { throw root.problem("segments", "missing: this is not Whisper output") }
        var turns = CueTurns()
        for segment in segments {
            guard let start = try segment.number("start"), let end = try segment.number("end") else {
                throw segment.problem("start", "a segment needs start and end seconds")
            }
            guard let text = segment.string("text") else { throw segment.problem("text", "a segment needs text") }
            let clean = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !clean.isEmpty else { continue }
            // A segment without a speaker (diarization gave none) is nobody's until --roles says: never the previous speaker's.
            turns.add(speaker: segment.string("speaker") ?? "", text: clean, start: start, end: end, line: 0)
        }
        var metadata = ConversationMetadata()
        metadata.language = root.string("language").map(languageCode)
        metadata.locations["language"] = root.locations["language"]
        var drafts = turns.turns
        for i in drafts.indices { drafts[i].line = nil }
        return ConversationDraft(metadata: metadata, turns: drafts, location: SourceLocation(file: path), format: .whisper)
    }

    /// Whisper writes the language as a code ("en") or, in some versions, as an English name ("english").
    static func languageCode(_ text: String) -> String {
        if text.count == 2 { return text }
        let english = Locale(identifier: "en")
        for code in Locale.LanguageCode.isoLanguageCodes where code.identifier.count == 2 {
            if english.localizedString(forLanguageCode: code.identifier)?.lowercased() == text.lowercased() { return code.identifier }
        }
        return text
    }
}
