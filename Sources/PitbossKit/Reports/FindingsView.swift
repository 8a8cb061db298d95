import Foundation

/// `pitboss check`: findings for a person, with the matched words highlighted in their turn, or as JSON.
public enum FindingsView {
    public struct Checked: Sendable, Codable {
        public var conversation: String
        public var agent: String
        public var language: String
        public var channel: String
        public var findings: [Finding]

        public init(conversation: String, agent: String, language: String, channel: String, findings: [Finding]) {
            self.conversation = conversation
            self.agent = agent
            self.language = language
            self.channel = channel
            self.findings = findings
        }
    }

    public static func json(_ checked: [Checked]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(checked)) ?? Data("[]".utf8), as: UTF8.self) + "\n"
    }

    public static func text(_ conversation: Conversation, _ findings: [Finding], style: OutputStyle) -> String {
        var out = style.paint(TerminalSafe.line(conversation.externalID), .bold)
            + "  \(conversation.channel.rawValue) · \(TerminalSafe.line(conversation.language)) · agent \(TerminalSafe.line(conversation.agentID)): "
            + (findings.isEmpty ? style.paint("no findings", .green) : "\(findings.count) finding\(findings.count == 1 ? "" : "s")") + "\n"
        for f in findings {
            let tone: OutputStyle.Tone = switch f.severity {
            case .critical: .red
            case .major: .magenta
            case .minor: .yellow
            case .info: .dim
            }
            out += "  " + style.paint(f.severity.rawValue, tone, .bold) + " \(TerminalSafe.line(f.rule)) [\(TerminalSafe.line(f.criterion))] \(f.status.rawValue)"
                + (f.turn.map { " · turn \($0)" } ?? "") + ": \(TerminalSafe.line(f.message))\n"
            if let turnIndex = f.turn, turnIndex < conversation.turns.count {
                let turn = conversation.turns[turnIndex]
                out += "      " + style.paint(turn.role.rawValue + ":", .dim) + " " + highlight(turn.text, f.start, f.end, style) + "\n"
            }
        }
        return out
    }

    /// The text with [start, end) (code points) marked: reverse video on a terminal, »…« elsewhere.
    static func highlight(_ text: String, _ start: Int?, _ end: Int?, _ style: OutputStyle) -> String {
        guard let start, let end else { return TerminalSafe.text(text) }
        let scalars = Array(text.unicodeScalars)
        guard start >= 0, end <= scalars.count, start <= end else { return TerminalSafe.text(text) }
        func s(_ r: Range<Int>) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[r])
            return TerminalSafe.text(String(view))
        }
        let marked = style.color ? "\u{1B}[7;1m" + s(start..<end) + "\u{1B}[0m" : "»" + s(start..<end) + "«"
        return s(0..<start) + marked + s(end..<scalars.count)
    }
}
