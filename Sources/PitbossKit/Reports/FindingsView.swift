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
        JSONOutput.string(checked)
    }

    /// The conversation's findings, each with its turn and the matched words marked; personal data replaced when a
    /// mask is given.
    public static func text(_ conversation: Conversation, _ findings: [Finding], mask: PersonalDataMask?, style: OutputStyle) -> String {
        var out = style.paint(TerminalSafe.line(conversation.externalID), .bold)
            + "  \(conversation.channel.rawValue) · \(TerminalSafe.line(conversation.language)) · agent \(TerminalSafe.line(conversation.agentID)): "
            + (findings.isEmpty ? style.paint("no findings", .green) : "\(findings.count) finding\(findings.count == 1 ? "" : "s")") + "\n"
        for f in findings {
            let turnText = f.turn.flatMap { $0 < conversation.turns.count ? conversation.turns[$0].text : nil }
            let message = mask.map { $0.masked(f, inTurn: turnText).message } ?? f.message
            let tone: OutputStyle.Tone = switch f.severity {
            case .critical: .red
            case .major: .magenta
            case .minor: .yellow
            case .info: .dim
            }
            out += "  " + style.paint(f.severity.rawValue, tone, .bold) + " \(TerminalSafe.line(f.rule)) [\(TerminalSafe.line(f.criterion))] \(f.status.rawValue)"
                + (f.turn.map { " · turn \($0)" } ?? "") + ": \(TerminalSafe.line(message))\n"
            if let turnIndex = f.turn, turnIndex < conversation.turns.count {
                let turn = conversation.turns[turnIndex]
                out += "      " + style.paint(turn.role.rawValue + ":", .dim) + " " + MarkedText.render(turn.text, marks: marks(f), mask: mask, style: style) + "\n"
            }
        }
        return out
    }

    static func marks(_ f: Finding) -> [MarkedText.Mark] {
        guard let start = f.start, let end = f.end else { return [] }
        return [MarkedText.Mark(start: start, end: end)]
    }
}
