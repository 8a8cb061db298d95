/// One match a rule's pattern made in a turn, and what became of it: how `rubric test` says why an example did or did
/// not flag ("matched “not my problem”, but the exception … matched “not my problem to solve”").
public struct PatternTrace: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// It stood: a finding, or a rule met.
        case kept
        /// An exception of the rule matched the same words.
        case exception(pattern: String, words: String)
        /// Quoted text or the player's own earlier words (`skip_quoted`).
        case quoted
        /// On an e-mail's quoted (`>`) line: the mail being answered.
        case onQuotedLine
        /// The pattern's near / not near / to the player / capitals conditions did not hold.
        case conditionsUnmet(String)
    }

    public var turn: Int
    public var pattern: String
    /// The original words the pattern matched.
    public var words: String
    public var outcome: Outcome

    /// `pattern \bnot my problem\b matched “not my problem” in turn 2 (agent), but …`
    public func sentence(speaker: String) -> String {
        let head = "pattern \(pattern) matched “\(words)” in turn \(Turn.number(turn)) (\(speaker))"
        return switch outcome {
        case .kept: head
        case .exception(let pattern, let words): head + ", but the exception \(pattern) matched “\(words)” there"
        case .quoted: head + ", but the words are quoted or repeat the player's (skip_quoted)"
        case .onQuotedLine: head + ", but on a quoted line of the mail being answered"
        case .conditionsUnmet(let conditions): head + ", but its conditions did not hold (\(conditions))"
        }
    }
}
