import Foundation

/// The tiny transcripts of rule examples: one turn per line, `speaker: text`, with an optional
/// `[mm:ss]` (or `[hh:mm:ss]`) offset from the start of the conversation; a line starting with `>` is a quoted e-mail
/// line of the turn before it.
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
            // A quoted e-mail line ("> Hello,") continues the turn before it: e-mail replies quote the mail they answer.
            if line.hasPrefix(">"), !lines.isEmpty {
                lines[lines.count - 1].text += "\n" + line
                continue
            }
            var offset: Double?
            if line.hasPrefix("["), let close = line.firstIndex(of: "]") {
                let time = line[line.index(after: line.startIndex)..<close]
                guard let seconds = offsetSeconds(time) else {
                    throw .badInput("line \(number + 1): '[\(time.prefix(20))]' is not a time like [mm:ss] or [hh:mm:ss] (digits only; minutes and seconds below 60)")
                }
                offset = seconds
                line = line[line.index(after: close)...].drop { $0 == " " }
            }
            guard let colon = line.firstIndex(of: ":"), let role = SpeakerRole(rawValue: line[..<colon].lowercased()) else {
                throw .badInput("line \(number + 1): '\(line.prefix(30))' is not 'agent: …', 'customer: …', 'bot: …', 'system: …' or 'other: …'")
            }
            lines.append(Line(role: role, offset: offset, text: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        guard !lines.isEmpty else { throw .badInput("an example needs at least one turn") }
        return lines
    }

    /// `mm:ss` (minutes up to 999) or `hh:mm:ss` (hours up to 99), unsigned digits, seconds with an optional
    /// fraction (`00:01.5`): an offset from the start of the conversation, never negative, never huge.
    static func offsetSeconds(_ text: Substring) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        func digits(_ part: Substring, max: Int) -> Int? {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(part), value <= max else { return nil }
            return value
        }
        let secondsText = parts[parts.count - 1]
        let whole = secondsText.prefix { $0 != "." }
        let fraction = secondsText.dropFirst(whole.count)
        guard let seconds = digits(whole, max: 59), whole.count <= 2,
              fraction.isEmpty || (fraction.count > 1 && fraction.count <= 10 && fraction.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }),
              let minutes = digits(parts[parts.count - 2], max: parts.count == 3 ? 59 : 999)
        else { return nil }
        var total = Double(minutes * 60 + seconds) + (Double("0" + fraction) ?? 0)
        if parts.count == 3 {
            guard let hours = digits(parts[0], max: 99) else { return nil }
            total += Double(hours * 3600)
        }
        return total
    }

    /// The conversation an example stands for; `transform` rewrites each turn's text (for variants).
    static func conversation(_ example: RuleExample, transform: (String) -> String = { $0 }) -> Conversation {
        let start = UTCTimestamp.parse("2026-11-21T22:00:00Z")!  // a constant that parses
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
