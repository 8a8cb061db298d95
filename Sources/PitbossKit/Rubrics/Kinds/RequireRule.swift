/// `require`: the speaker must say it — anywhere, `within` their first N turns or the first N seconds
/// (a greeting), or in their `last` N turns (a closing). A finding when it is `absent`; with `within`, words said
/// after the deadline make the finding `late` instead, citing them.
public struct RequireRule: RuleKind {
    public static let name = "require"
    public static let keys = ["within", "last"]
    public static let usesPatterns = true

    public var bounds: TurnBounds

    public init?(_ map: YAMLMap, _ parser: RuleParser) {
        guard let bounds = TurnBounds.read(map, parser) else { return nil }
        self.bounds = bounds
    }

    public func evaluate(_ rule: Rule, _ context: EvaluationContext) throws -> [Finding] {
        let spoken = context.turns(of: rule.speaker)
        guard let turns = bounds.turns(spoken, context) else {
            return [rule.finding(.unverifiable, context, values: ["match": ""])]
        }
        if let met = try context.firstMatch(rule.patterns, exceptions: rule.exceptions, in: turns) {
            context.recordEvidence(rule, met)
            return []
        }
        if let late = try context.firstMatch(rule.patterns, exceptions: rule.exceptions, in: bounds.turnsAfterDeadline(spoken, context)) {
            return [rule.finding(.late, context, match: late).withMessage(rule.message(["match": late.text]) + " (said late: \"\(late.text)\")")]
        }
        return [rule.finding(.absent, context, values: ["match": ""])]
    }

    public func explain(_ rule: Rule) -> String {
        let where_ = bounds.words(rule.speaker.name + "'s") ?? "somewhere in the conversation"
        var text = "Flags a conversation in which \(rule.speaker.name) does not say one of the patterns below \(where_)."
        if bounds.within != nil { text += " Said after that, the finding is 'late' and cites the words." }
        return text
    }
}
