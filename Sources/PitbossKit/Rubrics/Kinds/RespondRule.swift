/// `respond`: when a trigger is said (`when`, e.g. the customer: "I lost everything"), a response must
/// follow from `then.speaker` within N turns or seconds (e.g. deposit limits, self-exclusion). The
/// finding points at the trigger.
public struct RespondRule: RuleKind {
    public static let name = "respond"
    public static let keys = ["when", "then"]
    public static let usesPatterns = false

    public var triggerSpeaker: SpeakerScope
    public var trigger: PatternSet
    public var responseSpeaker: SpeakerScope
    public var response: PatternSet
    public var within: Window

    public init?(_ map: YAMLMap, _ parser: RuleParser) {
        guard let when = map.map("when", what: "{speaker, patterns}", required: true),
              let then = map.map("then", what: "{speaker, patterns, within}", required: true) else { return nil }
        when.onlyKeys(["speaker", "patterns"])
        then.onlyKeys(["speaker", "patterns", "within"])
        let triggerSpeaker = parser.speaker(when, default: .role(.customer))
        let responseSpeaker = parser.speaker(then, default: .role(.agent))
        guard let trigger = parser.patternSet(when, "patterns", required: true),
              let response = parser.patternSet(then, "patterns", required: true),
              let triggerSpeaker, let responseSpeaker else { return nil }
        guard let within = parser.window(then, "within") else {
            then.diagnostics.error(then.node, "missing 'then.within' ({turns: N} or {seconds: N})")
            return nil
        }
        self.triggerSpeaker = triggerSpeaker
        self.trigger = trigger
        self.responseSpeaker = responseSpeaker
        self.response = response
        self.within = within
    }

    public var patternSets: [(name: String, set: PatternSet)] { [("when", trigger), ("then", response)] }

    public func evaluate(_ rule: Rule, _ context: EvaluationContext) throws -> [Finding] {
        var findings: [Finding] = []
        let turnCount = context.conversation.turns.count
        for turn in context.turns(of: triggerSpeaker) {
            guard let match = try context.matches(trigger, exceptions: rule.exceptions, turn: turn).first else { continue }
            // The responder's turns after the trigger; the trigger speaker writing more does not use up the window.
            let later = ((turn + 1)..<turnCount).filter { responseSpeaker.includes(context.conversation.turns[$0].role) }
            switch within {
            case .turns(let n):
                if let answer = try context.firstMatch(response, in: Array(later.prefix(n))) {
                    context.recordEvidence(rule, answer, what: "response to turn \(Turn.number(turn))")
                } else {
                    findings.append(rule.finding(.noResponse, context, match: match))
                }
            case .seconds(let limit):
                guard let triggerTime = context.seconds(of: turn) else {
                    findings.append(rule.finding(.unverifiable, context, match: match))
                    continue
                }
                let inTime = later.filter { next in context.seconds(of: next).map { $0 - triggerTime <= limit } ?? false }
                if let answer = try context.firstMatch(response, in: inTime) {
                    context.recordEvidence(rule, answer, what: "response to turn \(Turn.number(turn))")
                    continue
                }
                // An untimed reply might have been in time: say so rather than guess either way.
                let untimed = later.filter { context.seconds(of: $0) == nil }
                if try context.firstMatch(response, in: untimed) != nil {
                    findings.append(rule.finding(.unverifiable, context, match: match))
                } else {
                    findings.append(rule.finding(.noResponse, context, match: match))
                }
            }
        }
        return findings
    }

    public func explain(_ rule: Rule) -> String {
        "When \(triggerSpeaker.name) says one of the 'when' patterns, \(responseSpeaker.name) must answer with one of the 'then' patterns within \(within.words)\(within.isTurns ? " of theirs" : ""); flags the trigger when no such answer follows."
    }
}
