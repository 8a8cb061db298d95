/// `require`: the speaker must say it — anywhere, `within` their first N turns or the first N seconds
/// (a greeting), or in their `last` N turns (a closing). A finding when it is absent.
public struct RequireRule: RuleKind {
    public static let name = "require"
    public static let keys = ["within", "last"]
    public static let usesPatterns = true

    public var within: Window?
    public var last: Int?

    public init?(_ map: YAMLMap, _ parser: RuleParser) {
        within = parser.window(map, "within")
        if let lastMap = map.map("last", what: "{turns: N}") {
            lastMap.onlyKeys(["turns"])
            guard let n = lastMap.integer("turns", required: true, in: .turns, name: "last.turns") else { return nil }
            last = n
        }
        if within != nil && last != nil {
            map.diagnostics.error(map.node, "a require rule takes 'within' or 'last', not both")
            return nil
        }
    }

    public func evaluate(_ rule: Rule, _ context: EvaluationContext) throws -> [Finding] {
        var turns = context.turns(of: rule.speaker)
        switch within {
        case .turns(let n)?: turns = Array(turns.prefix(n))
        case .seconds(let limit)?:
            guard turns.allSatisfy({ context.seconds(of: $0) != nil }) else {
                return [rule.finding(.unverifiable, context, values: ["match": ""])]
            }
            turns = turns.filter { context.seconds(of: $0).map { $0 <= limit } ?? false }
        case nil: break
        }
        if let last { turns = Array(turns.suffix(last)) }
        if try context.firstMatch(rule.patterns, exceptions: rule.exceptions, in: turns) != nil { return [] }
        return [rule.finding(.absent, context, values: ["match": ""])]
    }

    public func explain(_ rule: Rule) -> String {
        var where_ = "somewhere in the conversation"
        if let within { where_ = "within their first \(within.words)" }
        if case .seconds(let s)? = within { where_ = "within the first \(Window.seconds(s).words) of the conversation" }
        if let last { where_ = "in their last \(Window.turns(last).words)" }
        return "Flags a conversation in which \(rule.speaker.name) does not say one of the patterns below \(where_)."
    }
}
