import Foundation

/// Amazon Transcribe batch output (`results.items`), with speaker diarization (`speaker_label` on each
/// item, or `results.speaker_labels.segments`) or channel identification (`channel_label`, or
/// `results.channel_labels.channels[].items`). Words are joined into turns, punctuation attached to the
/// word before it; a turn ends where the speaker (or channel) changes. Labels (`spk_0`, `ch_0`) are mapped
/// to roles with `--roles` or the sidecar.
public struct AmazonTranscribeReader: TranscriptReader {
    public init() {}

    public func read(path: String, context: ReadContext, emit: (@escaping PendingRecord) throws -> Void) throws {
        let root = try WholeFile.jsonRoot(path)
        let result = Result { () throws(RecordProblem) in try Self.parse(root, path: path) }
        try emit { result }
    }

    struct Word {
        var label: String?
        var start: Double?
        var end: Double?
        var content: String
        var isPunctuation: Bool
    }

    static func parse(_ root: JSONObject, path: String) throws(RecordProblem) -> ConversationDraft {
        if let status = root.string("status"), status != "COMPLETED" {
            throw root.problem("status", "the transcription job is \(status), not COMPLETED; import its output once it has completed")
        }
        guard let results = try root.object("results") else { throw root.problem("results", "missing: this is not Amazon Transcribe output") }
        guard let items = try results.objects("items") else { throw results.problem("items", "missing: the job produced no items") }

        var words = try items.map { item throws(RecordProblem) in try word(item) }
        if words.contains(where: { $0.label == nil && !$0.isPunctuation }) {
            if let speakers = try results.object("speaker_labels"), let segments = try speakers.objects("segments") {
                // Older output: speakers only in segments, matched to items by start time.
                var speakerAt: [String: String] = [:]
                for segment in segments {
                    for item in try segment.objects("items") ?? [] {
                        if let start = item.string("start_time"), let label = item.string("speaker_label") { speakerAt[start] = label }
                    }
                }
                for (i, item) in items.enumerated() where words[i].label == nil {
                    words[i].label = item.string("start_time").flatMap { speakerAt[$0] }
                }
            } else if let channels = try results.object("channel_labels"), let list = try channels.objects("channels") {
                // Channel identification without labels on the merged items: merge the channels by time.
                var all: [[Word]] = []
                for channel in list {
                    let label = channel.string("channel_label")
                    var current: [Word] = []
                    for item in try channel.objects("items") ?? [] {
                        var w = try word(item)
                        w.label = w.label ?? label
                        if w.isPunctuation, !current.isEmpty { current[current.count - 1].content += w.content } else { current.append(w) }
                    }
                    all.append(current)
                }
                words = all.joined().sorted { ($0.start ?? 0) < ($1.start ?? 0) }
            }
        }

        var turns: [TurnDraft] = []
        var currentLabel: String?
        for w in words {
            if w.isPunctuation {
                if !turns.isEmpty { turns[turns.count - 1].text += w.content }
                continue
            }
            let label = w.label ?? ""
            if !turns.isEmpty, currentLabel == label {
                turns[turns.count - 1].text += " " + w.content
                if let end = w.end { turns[turns.count - 1].end = end }
            } else {
                turns.append(TurnDraft(speaker: .label(label), start: w.start, end: w.end, text: w.content))
                currentLabel = label
            }
        }
        var metadata = ConversationMetadata()
        metadata.language = results.string("language_code") ?? root.string("language_code")
        if results.string("language_code") == nil { metadata.locations["language"] = root.locations["language_code"] }
        return ConversationDraft(metadata: metadata, turns: turns, location: SourceLocation(file: path), format: .transcribe,
                                 turnsNamedByField: false)
    }

    static func word(_ item: JSONObject) throws(RecordProblem) -> Word {
        guard let alternatives = try item.objects("alternatives"), let best = alternatives.first,
              let content = best.string("content") else {
            throw item.problem("alternatives", "an item needs alternatives[0].content")
        }
        let isPunctuation = item.string("type") == "punctuation"
        let start = try item.number("start_time")
        let end = try item.number("end_time")
        if !isPunctuation && (start == nil || end == nil) {
            throw item.problem("start_time", "a pronunciation item needs start_time and end_time")
        }
        return Word(label: item.string("speaker_label") ?? item.string("channel_label"), start: start, end: end,
                    content: content, isPunctuation: isPunctuation)
    }
}
