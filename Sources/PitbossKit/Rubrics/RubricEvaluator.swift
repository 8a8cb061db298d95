/// Runs a rubric's rules over conversations. The evaluator is shared (its rubric's patterns are
/// compiled once, read-only); each thread passes its own `Matcher`.
public struct RubricEvaluator: Sendable {
    public let rubric: Rubric

    public init(rubric: Rubric) {
        self.rubric = rubric
    }

    /// Every finding of every applicable rule, in rule order. A rule that cannot finish on this
    /// conversation (the PCRE2 match limit) gives one `error` finding and the others go on.
    /// Rules with `defer_to` report nothing on a conversation where a rule they defer to made a finding (the rules
    /// deferred to are evaluated too when `only` names a rule that defers).
    public func evaluate(_ conversation: Conversation, matcher: Matcher, only ruleIDs: Set<String>? = nil) -> [Finding] {
        evaluate(EvaluationContext(conversation: conversation, normalize: rubric.normalize, transliterate: rubric.transliterate, matcher: matcher), only: ruleIDs)
    }

    /// The findings and, for the rules that were met, the words that met them (evidence for passes), as `check` and
    /// `review` show them. Evidence of a rule that found something is kept: the steps of a script that were met.
    public func evaluateWithEvidence(_ conversation: Conversation, matcher: Matcher, only ruleIDs: Set<String>? = nil)
        -> (findings: [Finding], evidence: [Evidence]) {
        let context = EvaluationContext(conversation: conversation, normalize: rubric.normalize, transliterate: rubric.transliterate, matcher: matcher)
        context.evidence = []
        let findings = evaluate(context, only: ruleIDs)
        let evidence = (context.evidence ?? []).filter { ruleIDs?.contains($0.rule) ?? true }
        return (findings, evidence)
    }

    private func evaluate(_ context: EvaluationContext, only ruleIDs: Set<String>?) -> [Finding] {
        let conversation = context.conversation
        var findings: [Finding] = []
        let needed = ruleIDs.map { requested in
            var all = requested, queue = Array(requested)
            while let id = queue.popLast() {
                for other in rubric.rules.first(where: { $0.id == id })?.deferTo ?? [] where all.insert(other).inserted { queue.append(other) }
            }
            return all
        }
        for rule in rubric.rules where needed?.contains(rule.id) ?? true {
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
        if rubric.hasDeferrals {
            let reported = Set(findings.filter { $0.status != .error }.map(\.rule))
            let silenced = Set(rubric.rules.filter { !$0.deferTo.isEmpty && $0.deferTo.contains(where: reported.contains) }.map(\.id))
            findings.removeAll { silenced.contains($0.rule) }
        }
        if let ruleIDs { findings.removeAll { !ruleIDs.contains($0.rule) } }
        return findings
    }
}
