import Foundation

/// `pitboss check`: findings for a person, with the matched words highlighted in their turn, or as JSON.
public enum FindingsView {
    public struct Checked: Sendable, Codable {
        public var conversation: String
        public var agent: String
        public var language: String
        public var channel: String
        /// The rubric it was checked with (a conversation several routes take is checked with each).
        public var rubric: String?
        /// Whether the rubric is written for the conversation's language; false: only its rules without patterns for a
        /// language looked at it, so no findings does not mean clean.
        public var languageCovered: Bool
        public var findings: [Finding]
        /// The words that met each rule that was met (evidence for passes).
        public var passes: [Evidence]

        enum CodingKeys: String, CodingKey {
            case conversation, agent, language, channel, rubric, findings, passes
            case languageCovered = "language_covered"
        }

        public init(conversation: String, agent: String, language: String, channel: String, rubric: String? = nil,
                    languageCovered: Bool = true, findings: [Finding], passes: [Evidence] = []) {
            self.rubric = rubric
            self.languageCovered = languageCovered
            self.conversation = conversation
            self.agent = agent
            self.language = language
            self.channel = channel
            self.findings = findings
            self.passes = passes
        }
    }

    public static func json(_ checked: [Checked]) -> String {
        JSONOutput.string(checked)
    }

    /// The conversation's findings, each with its turn and the matched words marked; personal data replaced when a
    /// mask is given.
    public static func text(_ conversation: Conversation, _ findings: [Finding], passes: [Evidence] = [], mask: PersonalDataMask?,
                            style: OutputStyle) -> String {
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
                + (f.turn.map { " · turn \(Turn.number($0))" } ?? "") + ": \(TerminalSafe.line(message))\n"
            if let turnIndex = f.turn, turnIndex < conversation.turns.count {
                let turn = conversation.turns[turnIndex]
                out += "      " + style.paint(turn.role.rawValue + ":", .dim) + " " + MarkedText.render(turn.text, marks: marks(f), mask: mask, style: style) + "\n"
            }
        }
        if !passes.isEmpty { out += "  " + style.paint("met", .green, .bold) + "\n" + self.passes(passes, in: conversation, mask: mask, style: style) }
        return out
    }

    /// One line per piece of evidence: the rule, what it met, the turn (numbered as findings are) and the words that met it.
    public static func passes(_ passes: [Evidence], in conversation: Conversation, mask: PersonalDataMask?, style: OutputStyle) -> String {
        passes.map { e in
            let turnText = e.turn < conversation.turns.count ? conversation.turns[e.turn].text : nil
            let words = mask.map { $0.masked(e, inTurn: turnText).text } ?? e.text
            return "    " + style.paint("✓", .green) + " \(TerminalSafe.line(e.rule))" + (e.what.isEmpty ? "" : " (\(TerminalSafe.line(e.what)))")
                + " [\(TerminalSafe.line(e.criterion))] · turn \(Turn.number(e.turn)): \"" + TerminalSafe.line(words) + "\"\n"
        }.joined()
    }

    static func marks(_ f: Finding) -> [MarkedText.Mark] {
        guard let start = f.start, let end = f.end else { return [] }
        return [MarkedText.Mark(start: start, end: end)]
    }
}
