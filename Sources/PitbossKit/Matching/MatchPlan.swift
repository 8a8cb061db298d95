/// The patterns a set runs on a turn in one language — its own and `any`'s — put together once when the rubric loads,
/// not on every turn. (Joining them into one alternation was measured too: one scan per set instead of one per
/// pattern made no difference, so each pattern keeps its own scan and its own conditions.)
public final class MatchPlan: Sendable {
    public let patterns: [RubricPattern]

    init(_ patterns: [RubricPattern]) {
        self.patterns = patterns
    }

    /// Calls `body` with every match of every pattern in `subject` whose pattern `skip` does not rule out.
    func forEachMatch(_ matcher: Matcher, in subject: UnsafeBufferPointer<UInt8>, skip: (RubricPattern) -> Bool = { _ in false },
                      _ body: (Match, RubricPattern) throws -> Void) throws {
        for pattern in patterns where !skip(pattern) {
            try matcher.forEachMatch(pattern.compiled, in: subject) { try body($0, pattern); return true }
        }
    }
}
