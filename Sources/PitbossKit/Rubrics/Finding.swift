/// How bad a finding is. Ordered: `info < minor < major < critical`.
public enum Severity: String, Sendable, CaseIterable, Codable, Comparable {
    case info, minor, major, critical

    public static func < (a: Severity, b: Severity) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!  // every case is in allCases
    }
}

/// What a finding says happened.
public enum FindingStatus: String, Sendable, CaseIterable, Codable {
    /// Something forbidden was said (forbid).
    case found
    /// Something required was not said (require, sequence).
    case absent
    /// A script step came before a step it should follow (sequence).
    case outOfOrder = "out_of_order"
    /// A trigger got no response in time (respond).
    case noResponse = "no_response"
    /// Something was said before what must precede it (precede).
    case premature
    /// A stated value contradicts house policy (fact).
    case incorrect
    /// Too slow (timing).
    case late
    /// The conversation lacks what the rule needs to decide, e.g. times (timing): never a silent pass.
    case unverifiable
    /// The rule could not be evaluated on this conversation, e.g. the PCRE2 match limit was hit.
    case error
}

/// One thing a rule found in a conversation, citing the words (or, for an absence, nothing).
public struct Finding: Sendable, Equatable, Codable {
    public var rule: String
    public var criterion: String
    public var severity: Severity
    public var status: FindingStatus
    /// The agent who spoke the turn; for an absence, the conversation's agent.
    public var agent: String?
    /// The turn index, when the finding points at a turn.
    public var turn: Int?
    /// Code-point offsets of the matched words within the turn's text (as Python's `str` indexes).
    public var start: Int?
    public var end: Int?
    /// The matched words, exactly as they appear in the turn.
    public var text: String?
    public var message: String

    public init(rule: String, criterion: String, severity: Severity, status: FindingStatus, agent: String?,
                turn: Int? = nil, start: Int? = nil, end: Int? = nil, text: String? = nil, message: String) {
        self.rule = rule
        self.criterion = criterion
        self.severity = severity
        self.status = status
        self.agent = agent
        self.turn = turn
        self.start = start
        self.end = end
        self.text = text
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case rule, criterion, severity, status, agent, turn, start, end, text, message
    }

    /// Every key is always present (null when it does not apply, as for an absence).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rule, forKey: .rule)
        try c.encode(criterion, forKey: .criterion)
        try c.encode(severity, forKey: .severity)
        try c.encode(status, forKey: .status)
        try c.encode(agent, forKey: .agent)
        try c.encode(turn.map(Turn.number), forKey: .turn)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(text, forKey: .text)
        try c.encode(message, forKey: .message)
    }
}
