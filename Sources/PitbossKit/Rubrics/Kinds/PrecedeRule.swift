/// `precede`: when something is said (account details, balance, withdrawal status), something else must
/// have been said before it (identity verification). A finding at each match that comes first.
public struct PrecedeRule: RuleKind {
    public static let name = "precede"
    public static let keys = ["before"]
    public static let usesPatterns = true

    public var beforeSpeaker: SpeakerScope
    public var before: PatternSet

    public init?(_ map: YAMLMap, _ parser: RuleParser) {
        guard let beforeMap = map.map("before", what: "{speaker, patterns}", required: true) else { return nil }
        beforeMap.onlyKeys(["speaker", "patterns"])
        guard let speaker = parser.speaker(beforeMap, default: .role(.agent)),
              let patterns = parser.patternSet(beforeMap, "patterns", required: true) else { return nil }
        beforeSpeaker = speaker
        before = patterns
    }

    public var patternSets: [(name: String, set: PatternSet)] { [("before", before)] }

    public func evaluate(_ rule: Rule, _ context: EvaluationContext) throws -> [Finding] {
        // Where the required earlier thing was first said: (turn, byte offset).
        let gateMatch = try context.firstMatch(before, in: context.turns(of: beforeSpeaker))
        let gate = gateMatch.map { ($0.turn, $0.byteOffset) }
        var findings: [Finding] = []
        for turn in context.turns(of: rule.speaker) {
            for match in try context.matches(rule.patterns, exceptions: rule.exceptions, turn: turn) {
                if let gate, gate < (match.turn, match.byteOffset) {
                    if findings.isEmpty, let gateMatch { context.recordEvidence(rule, gateMatch, what: "before") }
                    return findings
                }
                findings.append(rule.finding(.premature, context, match: match))
            }
        }
        return findings
    }

    public func explain(_ rule: Rule) -> String {
        "Flags \(rule.speaker.name) saying one of the patterns below before \(beforeSpeaker.name) has said one of the 'before' patterns."
    }
}
