/// Runs a rubric's rules over conversations. The evaluator is shared (its rubric's patterns are
/// compiled once, read-only); each thread passes its own `Matcher`.
public struct RubricEvaluator: Sendable {
    public let rubric: Rubric

    /// Conversations evaluated together, rule by rule, by `flag` and `rubric eval` (see `evaluate(_:matcher:)`).
    public static let batchSize = 128
    /// …and at most this much turn text per group: each turn is kept prepared for matching (folded, with its maps back to
    /// the original, about five times its size) until the group is done, so a group of huge turns is made smaller.
    public static let groupTextBytes = 8 << 20

    /// `items` cut into the groups `evaluate` takes: in order, at most `batchSize` each and at most `groupTextBytes` of
    /// turn text (a conversation larger than that is a group of its own).
    public static func groups<Item>(_ items: [Item], conversation: (Item) -> Conversation) -> [[Item]] {
        var groups: [[Item]] = []
        var current: [Item] = []
        var bytes = 0
        for item in items {
            let size = conversation(item).turns.reduce(0) { $0 + $1.text.utf8.count }
            if !current.isEmpty && (current.count == batchSize || bytes + size > groupTextBytes) {
                groups.append(current)
                current = []
                bytes = 0
            }
            current.append(item)
            bytes += size
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    public init(rubric: Rubric) {
        self.rubric = rubric
    }

    /// Every finding of every applicable rule, in rule order. A rule that cannot finish on this
    /// conversation (the PCRE2 match limit) gives one `error` finding and the others go on.
    /// Rules with `defer_to` report nothing on a conversation where a rule they defer to made a finding (the rules
    /// deferred to are evaluated too when `only` names a rule that defers).
    public func evaluate(_ conversation: Conversation, matcher: Matcher, only ruleIDs: Set<String>? = nil) -> [Finding] {
        evaluate([context(conversation, matcher)], only: ruleIDs)[0]
    }

    /// The findings of several conversations, each as `evaluate(_:matcher:only:)` gives them. The conversations are
    /// taken rule by rule — every conversation through one rule, then the next rule — so that a rule's compiled
    /// patterns stay in the processor's caches while they run; conversation by conversation, the code of hundreds of
    /// JIT-compiled patterns is cycled through for every one (measured: the same matching 2.4 times slower).
    public func evaluate(_ conversations: [Conversation], matcher: Matcher) -> [[Finding]] {
        evaluate(conversations.map { context($0, matcher) }, only: nil)
    }

    /// The findings and, for the rules that were met, the words that met them (evidence for passes), as `check` and
    /// `review` show them. Evidence of a rule that found something is kept: the steps of a script that were met.
    public func evaluateWithEvidence(_ conversation: Conversation, matcher: Matcher, only ruleIDs: Set<String>? = nil)
        -> (findings: [Finding], evidence: [Evidence]) {
        let context = context(conversation, matcher)
        context.evidence = []
        let findings = evaluate([context], only: ruleIDs)[0]
        let evidence = (context.evidence ?? []).filter { ruleIDs?.contains($0.rule) ?? true }
        return (findings, evidence)
    }

    /// One rule on a conversation with everything recorded: its findings, the words that met it, and every match its
    /// patterns made with what became of each — for `rubric test` to say why an example failed.
    func traced(_ rule: Rule, on conversation: Conversation, matcher: Matcher) -> (findings: [Finding], evidence: [Evidence], trace: [PatternTrace], context: EvaluationContext) {
        let context = context(conversation, matcher)
        context.evidence = []
        context.trace = []
        let findings = rule.applies(to: conversation) ? evaluate(rule, context) : []
        return (findings, context.evidence ?? [], context.trace ?? [], context)
    }

    private func context(_ conversation: Conversation, _ matcher: Matcher) -> EvaluationContext {
        EvaluationContext(conversation: conversation, normalize: rubric.normalize, transliterate: rubric.transliterate, matcher: matcher)
    }

    private func evaluate(_ contexts: [EvaluationContext], only ruleIDs: Set<String>?) -> [[Finding]] {
        var findings = Array(repeating: [Finding](), count: contexts.count)
        let needed = ruleIDs.map { requested in
            var all = requested, queue = Array(requested)
            while let id = queue.popLast() {
                for other in rubric.rules.first(where: { $0.id == id })?.deferTo ?? [] where all.insert(other).inserted { queue.append(other) }
            }
            return all
        }
        for rule in rubric.rules where needed?.contains(rule.id) ?? true {
            for (i, context) in contexts.enumerated() where rule.applies(to: context.conversation) {
                findings[i] += evaluate(rule, context)
            }
        }
        return findings.map { found in
            var found = found
            if rubric.hasDeferrals {
                let reported = Set(found.filter { $0.status != .error }.map(\.rule))
                let silenced = Set(rubric.rules.filter { !$0.deferTo.isEmpty && $0.deferTo.contains(where: reported.contains) }.map(\.id))
                found.removeAll { silenced.contains($0.rule) }
            }
            if let ruleIDs { found.removeAll { !ruleIDs.contains($0.rule) } }
            return found
        }
    }

    /// One rule on one conversation; a rule that cannot finish gives one `error` finding.
    private func evaluate(_ rule: Rule, _ context: EvaluationContext) -> [Finding] {
        let conversation = context.conversation
        do {
            return try rule.kind.evaluate(rule, context)
        } catch let limit as MatchLimitExceeded {
            return [Finding(rule: rule.id, criterion: rule.criterion, severity: rule.severity, status: .error, agent: conversation.agentID,
                            message: "\(rule.id): \(limit.description) on pattern \(limit.pattern); the rule was not evaluated on this conversation")]
        } catch {
            return [Finding(rule: rule.id, criterion: rule.criterion, severity: rule.severity, status: .error, agent: conversation.agentID,
                            message: "\(rule.id): \(error)")]
        }
    }
}
