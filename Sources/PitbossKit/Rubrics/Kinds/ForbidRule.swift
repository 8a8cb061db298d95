/// `forbid`: the speaker must not say it — rudeness, forbidden promises, wrong claims. A finding per match.
public struct ForbidRule: RuleKind {
    public static let name = "forbid"
    public static let keys: [String] = []
    public static let usesPatterns = true

    public init?(_ map: YAMLMap, _ parser: RuleParser) {}

    public func evaluate(_ rule: Rule, _ context: EvaluationContext) throws -> [Finding] {
        var findings: [Finding] = []
        for turn in context.turns(of: rule.speaker) {
            for match in try context.matches(rule.patterns, exceptions: rule.exceptions, turn: turn) {
                findings.append(rule.finding(.found, context, match: match))
            }
        }
        return findings
    }

    public func explain(_ rule: Rule) -> String {
        "Flags every time \(rule.speaker.name) says one of the patterns below" + (rule.exceptions.isEmpty ? "." : ", unless an exception matches the same words.")
    }
}
