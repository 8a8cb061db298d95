/// The words that met a rule: why a greeting passed, which question verified the player before the balance was
/// given, which reply answered a sign of problem gambling. A reviewer confirms a pass at a glance instead of
/// reading the whole conversation. Computed when a conversation is shown (`check`, `review`), not stored by `flag`.
public struct Evidence: Sendable, Equatable, Codable {
    public var rule: String
    public var criterion: String
    /// What the words met: "", or a step ("need"), or "response to turn 3" (turns numbered as everywhere else).
    public var what: String
    public var agent: String?
    public var turn: Int
    /// Code-point offsets within the turn's text, as a finding's.
    public var start: Int
    public var end: Int
    public var text: String

    enum CodingKeys: String, CodingKey {
        case rule, criterion, what, agent, turn, start, end, text
    }

    /// As people count turns: from 1.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rule, forKey: .rule)
        try c.encode(criterion, forKey: .criterion)
        try c.encode(what, forKey: .what)
        try c.encode(agent, forKey: .agent)
        try c.encode(Turn.number(turn), forKey: .turn)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(text, forKey: .text)
    }
}

extension EvaluationContext {
    /// Notes the words that met a rule (or a part of it), when this evaluation records evidence.
    func recordEvidence(_ rule: Rule, _ match: TurnMatch, what: String = "") {
        guard evidence != nil else { return }
        evidence?.append(Evidence(rule: rule.id, criterion: rule.criterion, what: what,
                                  agent: conversation.turns[match.turn].agentID, turn: match.turn,
                                  start: match.codePoints.lowerBound, end: match.codePoints.upperBound, text: match.text))
    }
}
