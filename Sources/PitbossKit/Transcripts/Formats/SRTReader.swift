import Foundation

/// SubRip subtitles (`.srt`) as speech-to-text services export calls: numbered blocks with
/// `00:00:01,000 --> 00:00:04,000` timings, speakers named by a prefix (`AGENT:`, `CUSTOMER:`,
/// `Speaker 1:`). A block without a prefix continues the speaker before; markup (`<i>`, `{\an8}`) is dropped.
public struct SRTReader: TranscriptReader {
    public init() {}

    public func read(path: String, context: ReadContext, emit: (@escaping PendingRecord) throws -> Void) throws {
        let text = try WholeFile.text(path)
        let result = Self.parse(text, path: path, roles: context.roles)
        try emit { result }
    }

    static func parse(_ text: String, path: String, roles: RoleMap) -> Result<ConversationDraft, RecordProblem> {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var turns = CueTurns()
        var previousStart: Double?
        var index = 0
        while index < lines.count {
            while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces).isEmpty { index += 1 }
            guard index < lines.count else { break }
            let blockStart = index + 1
            var block: [Substring] = []
            while index < lines.count, !lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
                block.append(lines[index])
                index += 1
            }
            var timing = 0
            if Int(block[0].trimmingCharacters(in: .whitespaces)) != nil { timing = 1 }
            guard timing < block.count, let (start, end) = CueTiming.parse(block[timing], decimalSeparator: ",") else {
                let reason = timing < block.count && block[timing].contains("-->")
                    ? CueTiming.problem(block[timing], example: "00:00:01,000 --> 00:00:04,000")
                    : "expected a timing line like 00:00:01,000 --> 00:00:04,000"
                return .failure(RecordProblem(SourceLocation(file: path, line: blockStart + timing), reason))
            }
            let timingLine = blockStart + timing
            if let reason = CueTiming.outOfOrder(start: start, after: previousStart) {
                return .failure(RecordProblem(SourceLocation(file: path, line: timingLine), reason))
            }
            previousStart = start
            for line in block[(timing + 1)...] {
                let clean = stripMarkup(String(line)).trimmingCharacters(in: .whitespaces)
                guard !clean.isEmpty else { continue }
                if let (label, said) = SpeakerPrefix.split(Substring(clean), roles: roles) {
                    turns.add(speaker: label, text: said.trimmingCharacters(in: .whitespaces), start: start, end: end, line: timingLine)
                } else {
                    turns.add(speaker: nil, text: clean, start: start, end: end, line: timingLine)
                }
            }
        }
        return .success(ConversationDraft(turns: turns.turns, location: SourceLocation(file: path), format: .srt))
    }

    static func stripMarkup(_ text: String) -> String {
        let untagged = text.replacingOccurrences(of: #"</?[A-Za-z][^<>]*>"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #"\{\\[^{}]*\}"#, with: "", options: .regularExpression)
        return CueText.decodeEntities(untagged)
    }
}
