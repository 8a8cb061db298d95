/// `timing`: from the turns' times — the first agent reply after the first customer message
/// (`first_response`), the longest a customer waited for a reply (`response_gap`), or first to last turn
/// (`handle_time`) — against `max_seconds`. A conversation without times is `unverifiable`, never a pass.
public struct TimingRule: RuleKind {
    public static let name = "timing"
    public static let keys = ["metric", "max_seconds"]
    public static let usesPatterns = false

    public enum Metric: String, Sendable, CaseIterable {
        case firstResponse = "first_response"
        case responseGap = "response_gap"
        case handleTime = "handle_time"
    }

    public var metric: Metric
    public var maxSeconds: Double

    public init?(_ map: YAMLMap, _ parser: RuleParser) {
        guard let name = map.string("metric", required: true), let max = map.number("max_seconds", required: true, in: .maxSeconds) else { return nil }
        guard let metric = Metric(rawValue: name) else {
            map.diagnostics.error(map["metric"], "unknown metric '\(name)'; use one of \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        self.metric = metric
        maxSeconds = max
    }

    public func evaluate(_ rule: Rule, _ context: EvaluationContext) throws -> [Finding] {
        let turns = context.conversation.turns
        let times = turns.indices.compactMap { context.seconds(of: $0) }
        guard times.count == turns.count else {
            return [rule.finding(.unverifiable, context, values: ["seconds": "?"]).withMessage("\(rule.id): the conversation has no turn times, so \(metric.rawValue) cannot be checked")]
        }
        func late(_ seconds: Double, at turn: Int?) -> [Finding] {
            guard seconds > maxSeconds else { return [] }
            return [rule.finding(.late, context, turn: turn, values: ["seconds": FactRule.format(seconds.rounded())])]
        }
        switch metric {
        case .handleTime:
            guard let first = times.first, let last = times.last else { return [] }
            return late(last - first, at: nil)
        case .firstResponse:
            switch FirstResponse.measure(context.conversation) {
            case .after(let seconds, let turn): return late(seconds, at: turn)
            case .unanswered: return [rule.finding(.late, context, values: ["seconds": "∞"]).withMessage("\(rule.id): the customer got no reply from an agent")]
            case .unmeasured: return []
            }
        case .responseGap:
            var worst: (seconds: Double, turn: Int)?
            var waitingSince: Double?
            for i in turns.indices {
                let t = times[i]
                switch turns[i].role {
                case .customer:
                    if waitingSince == nil { waitingSince = t }
                case .agent:
                    if let since = waitingSince {
                        let wait = t - since
                        if wait > (worst?.seconds ?? -1) { worst = (wait, i) }
                        waitingSince = nil
                    }
                case .bot, .system, .other:
                    break
                }
            }
            return worst.map { late($0.seconds, at: $0.turn) } ?? []
        }
    }

    public func explain(_ rule: Rule) -> String {
        let what = switch metric {
        case .firstResponse: "the time from the customer's first message to the agent's first reply"
        case .responseGap: "the longest time a customer waited for an agent's reply"
        case .handleTime: "the time from the first to the last turn"
        }
        return "Flags \(what) when it is over \(FactRule.format(maxSeconds)) seconds; a conversation without turn times is flagged 'unverifiable'."
    }
}
