/// `sequence`: script steps in order (greet → identify the need → close). Each step is found at its first
/// match in the speaker's turns; a missing step is `absent`, a step found before one it should follow is
/// `out_of_order`. A step with `or_customer` patterns is also met when the customer said one of them before the
/// speaker's first turn: a player who opens with their question has stated the need, and nobody has to ask it.
/// A step may be bounded like a requirement (`within: {seconds: 60}`, `last: {turns: 2}`); found only after its
/// `within` deadline, it is `late`.
public struct SequenceRule: RuleKind {
    public static let name = "sequence"
    public static let keys = ["steps", "report_missing"]
    public static let usesPatterns = false

    public struct Step: Sendable {
        public var id: String
        public var patterns: PatternSet
        /// What the customer says, before the speaker's first turn, that meets the step too.
        public var orCustomer: PatternSet?
        /// Where the step must be said; unbounded by default.
        public var bounds = TurnBounds()
    }

    public var steps: [Step]
    /// Whether a missing step is this rule's finding. `report_missing: false` leaves missing steps to the rules that
    /// own them (a greeting rule, a closing rule) and reports only steps out of order or late.
    public var reportsMissing = true

    public init?(_ map: YAMLMap, _ parser: RuleParser) {
        guard let nodes = map.list("steps", required: true) else { return nil }
        var steps: [Step] = []
        for (i, node) in nodes.enumerated() {
            guard let step = YAMLMap(node, map.diagnostics, prefix: "steps[\(i)]", what: "a step {id, patterns}") else { continue }
            step.onlyKeys(["id", "patterns", "or_customer", "within", "last"])
            guard let id = step.string("id", required: true), let patterns = parser.patternSet(step, "patterns", required: true),
                  let bounds = TurnBounds.read(step, parser) else { continue }
            let orCustomer = step["or_customer"] == nil ? nil : parser.patternSet(step, "or_customer", required: false, checkCoverage: false)
            if steps.contains(where: { $0.id == id }) {
                map.diagnostics.error(step["id"], "step id '\(id)' is given twice")
                continue
            }
            steps.append(Step(id: id, patterns: patterns, orCustomer: orCustomer, bounds: bounds))
        }
        if steps.count < 2 { map.diagnostics.error(map["steps"] ?? map.node, "a sequence needs at least two steps") }
        guard steps.count == nodes.count, steps.count >= 2 else { return nil }
        self.steps = steps
        reportsMissing = map.bool("report_missing") ?? true
    }

    public var patternSets: [(name: String, set: PatternSet)] {
        steps.flatMap { step in [("steps.\(step.id)", step.patterns)] + (step.orCustomer.map { [("steps.\(step.id).or_customer", $0)] } ?? []) }
    }

    public func evaluate(_ rule: Rule, _ context: EvaluationContext) throws -> [Finding] {
        let turns = context.turns(of: rule.speaker)
        // The customer's turns before the speaker's first: where an `or_customer` step can be met.
        let opening = context.turns(of: .role(.customer)).filter { $0 < (turns.first ?? Int.max) }
        var findings: [Finding] = []
        var latest: (position: (Int, Int), step: String)?
        for step in steps {
            guard let allowed = step.bounds.turns(turns, context) else {
                findings.append(rule.finding(.unverifiable, context, values: ["step": step.id, "match": ""])
                    .withMessage("\(rule.id): step \(step.id) is bounded in time and the conversation has no turn times"))
                continue
            }
            guard let match = try context.firstMatch(step.patterns, exceptions: rule.exceptions, in: allowed) else {
                if let said = step.orCustomer, try context.firstMatch(said, in: opening) != nil { continue }
                if let late = try context.firstMatch(step.patterns, exceptions: rule.exceptions, in: step.bounds.turnsAfterDeadline(turns, context)) {
                    findings.append(rule.finding(.late, context, match: late, values: ["step": step.id])
                        .withMessage(rule.message(["step": step.id, "match": late.text]) + " (said late: \"\(late.text)\")"))
                    continue
                }
                if reportsMissing { findings.append(rule.finding(.absent, context, values: ["step": step.id, "match": ""])) }
                continue
            }
            let position = (match.turn, match.byteOffset)
            if let latest, position < latest.position {
                findings.append(rule.finding(.outOfOrder, context, match: match, values: ["step": "\(step.id) (before \(latest.step))"]))
            } else {
                latest = (position, step.id)
                context.recordEvidence(rule, match, what: step.id)
            }
        }
        return findings
    }

    public func explain(_ rule: Rule) -> String {
        "Expects \(rule.speaker.name) to go through the steps \(steps.map(\.id).joined(separator: " → ")) in this order; flags each step that "
            + (reportsMissing ? "is missing (absent) or " : "") + "comes before a step it should follow (out_of_order)."
            + (reportsMissing ? "" : " A missing step is not reported here (report_missing: false): the rules that own the steps report them.")
            + steps.filter { $0.orCustomer != nil }.map { " Step \($0.id) is also met when the customer says it before \(rule.speaker.name)'s first turn." }.joined()
            + steps.compactMap { step in step.bounds.words(rule.speaker.name + "'s").map { " Step \(step.id) must be said \($0)\(step.bounds.within != nil ? " (after that it is 'late')" : "")." } }.joined()
    }
}
