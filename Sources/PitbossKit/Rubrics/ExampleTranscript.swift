import Foundation

/// The tiny transcripts of rule examples: one turn per line, `speaker: text`, with an optional
/// `[mm:ss]` (or `[hh:mm:ss]`) offset from the start of the conversation.
///
/// ```text
/// [00:00] customer: hi, my withdrawal is pending
/// [06:10] agent: Good evening! Let me check.
/// ```
public enum ExampleTranscript {
    public struct Line: Sendable, Equatable {
        public var role: SpeakerRole
        public var offset: Double?
        public var text: String
    }

    public static func parse(_ text: String) throws(PitbossError) -> [Line] {
        var lines: [Line] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw.trimmingCharacters(in: .whitespaces))
            if line.isEmpty { continue }
            var offset: Double?
            if line.hasPrefix("["), let close = line.firstIndex(of: "]") {
                let parts = line[line.index(after: line.startIndex)..<close].split(separator: ":").compactMap { Double($0) }
                guard parts.count == 2 || parts.count == 3 else {
                    throw .badInput("line \(number + 1): a time is [mm:ss] or [hh:mm:ss]")
                }
                offset = parts.reduce(0) { $0 * 60 + $1 }
                line = line[line.index(after: close)...].drop { $0 == " " }
            }
            guard let colon = line.firstIndex(of: ":"), let role = SpeakerRole(rawValue: line[..<colon].lowercased()) else {
                throw .badInput("line \(number + 1): '\(line.prefix(30))' is not 'agent: …', 'customer: …', 'bot: …' or 'system: …'")
            }
            lines.append(Line(role: role, offset: offset, text: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        guard !lines.isEmpty else { throw .badInput("an example needs at least one turn") }
        return lines
    }

    /// The conversation an example stands for; `transform` rewrites each turn's text (for variants).
    static func conversation(_ example: RuleExample, transform: (String) -> String = { $0 }) -> Conversation {
        let start = UTCTimestamp.parse("2026-11-21T22:00:00Z")!
        let lines = (try? parse(example.text)) ?? []
        let turns = lines.enumerated().map { index, line in
            Turn(index: index, role: line.role, agentID: line.role == .agent ? "example.agent" : nil,
                 at: line.offset.map { start.addingTimeInterval($0) }, text: transform(line.text))
        }
        return Conversation(externalID: "example", source: ConversationSource(file: "example", record: "", format: .text),
                            channel: example.channel, language: example.language, agentID: "example.agent", shiftID: "example",
                            startedAt: start, customerID: nil, isVIP: false, tags: [], turns: turns)
    }
}
