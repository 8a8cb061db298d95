/// A review the reviewer entered that could not be stored (the claim was lost, the database was busy): everything
/// needed to store it later, so that nothing typed is lost.
public struct UnsavedReview: Sendable {
    public var item: Int64
    public var reviewer: String
    public var rubricPath: String
    /// Criterion and answer, in the order answered.
    public var answers: [(String, String)]
    public var verdicts: [FindingVerdict]
    public var comment: String?

    /// `item 12 by qa.maria: courtesy=pass, accuracy=fail; F3 confirmed, F4 dismissed (quoting the player); comment: …`
    public var summary: String {
        var parts = ["item \(item) by \(reviewer) (rubric \(rubricPath))"]
        if !answers.isEmpty { parts.append(answers.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")) }
        if !verdicts.isEmpty {
            parts.append(verdicts.map { "F\($0.finding) \($0.verdict.rawValue)" + ($0.reason.map { " (\($0))" } ?? "") }.joined(separator: ", "))
        }
        if let comment { parts.append("comment: \(comment)") }
        return TerminalSafe.line(parts.joined(separator: "; "))
    }
}
