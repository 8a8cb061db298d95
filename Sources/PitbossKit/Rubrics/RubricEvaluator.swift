/// Runs a rubric's rules over conversations. The evaluator is shared (its rubric's patterns are
/// compiled once, read-only); each thread passes its own `Matcher`.
public struct RubricEvaluator: Sendable {
    public let rubric: Rubric

    public init(rubric: Rubric) {
        self.rubric = rubric
    }

    /// Every finding of every applicable rule, in rule order. A rule that cannot finish on this
    /// conversation (the PCRE2 match limit) gives one `error` finding and the others go on.
    public func evaluate(_ conversation: Conversation, matcher: Matcher, only ruleIDs: Set<String>? = nil) -> [Finding] {
        let context = EvaluationContext(conversation: conversation, normalize: rubric.normalize, matcher: matcher)
        var findings: [Finding] = []
        for rule in rubric.rules where ruleIDs?.contains(rule.id) ?? true {
            guard rule.applies(to: conversation) else { continue }
            do {
                findings += try rule.kind.evaluate(rule, context)
            } catch let limit as MatchLimitExceeded {
                findings.append(Finding(rule: rule.id, criterion: rule.criterion, severity: rule.severity, status: .error,
                                        agent: conversation.agentID,
                                        message: "\(rule.id): \(limit.description) on pattern \(limit.pattern); the rule was not evaluated on this conversation"))
            } catch {
                findings.append(Finding(rule: rule.id, criterion: rule.criterion, severity: rule.severity, status: .error,
                                        agent: conversation.agentID, message: "\(rule.id): \(error)"))
            }
        }
        return findings
    }
}
