import Foundation

/// How long the customer waited for an agent: from the customer's first message to the first agent turn after it.
/// Bot and system turns do not stop the clock. One definition, shared by the `timing` rule (`first_response`) and the
/// stored column the shift report reads, so that a report and a finding never disagree about one conversation.
public enum FirstResponse: Sendable, Equatable {
    /// The first agent reply, turn `turn` (0-based), came this many seconds after the customer's first message.
    case after(seconds: Double, turn: Int)
    /// The customer wrote and no agent ever replied.
    case unanswered
    /// No customer message, or a turn without a time: nothing to measure.
    case unmeasured

    /// Measured over turns given in order, each with its time in seconds (nil when it has none) and its role.
    public static func measure<Turns: Sequence>(_ turns: Turns) -> FirstResponse where Turns.Element == (role: SpeakerRole, seconds: Double?) {
        var waitingSince: Double?
        var everyTurnTimed = true
        var answer: (seconds: Double, turn: Int)?
        for (index, turn) in turns.enumerated() {
            guard let seconds = turn.seconds else { everyTurnTimed = false; continue }
            guard answer == nil else { continue }
            switch turn.role {
            case .customer where waitingSince == nil: waitingSince = seconds
            case .agent: if let since = waitingSince { answer = (seconds - since, index) }
            default: break
            }
        }
        guard everyTurnTimed else { return .unmeasured }
        if let answer { return .after(seconds: answer.seconds, turn: answer.turn) }
        return waitingSince == nil ? .unmeasured : .unanswered
    }

    public static func measure(_ conversation: Conversation) -> FirstResponse {
        measure(conversation.turns.indices.lazy.map { (role: conversation.turns[$0].role, seconds: conversation.seconds(ofTurn: $0)) })
    }

    /// As stored: `first_response_seconds` (NULL unless answered) and `unanswered` (0 or 1).
    var stored: (seconds: Double?, unanswered: Bool) {
        switch self {
        case .after(let seconds, _): (seconds, false)
        case .unanswered: (nil, true)
        case .unmeasured: (nil, false)
        }
    }
}

extension Conversation {
    /// A turn's time in seconds from the conversation's start: its offset into a recording, else its instant.
    public func seconds(ofTurn index: Int) -> Double? {
        let turn = turns[index]
        if let start = turn.start { return start }
        if let at = turn.at { return at.timeIntervalSince(startedAt) }
        return nil
    }
}
