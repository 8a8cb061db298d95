/// Where in a conversation something must be said: `within` the speaker's first N turns or the first N seconds of
/// the conversation (a greeting), or in the speaker's `last` N turns (a closing). Shared by `require` and by the steps
/// of a `sequence`.
public struct TurnBounds: Sendable, Equatable {
    public var within: Window?
    public var last: Int?
    /// `last` for some channels (`last: {turns: 2, by_channel: {email: 1}}`): in e-mail every message stands alone, so
    /// its closing belongs in the last one.
    public var lastByChannel: [Channel: Int] = [:]

    public init(within: Window? = nil, last: Int? = nil) {
        self.within = within
        self.last = last
    }

    public var isBounded: Bool { within != nil || last != nil }

    /// Reads `within` and `last` from a map; nil when they are unusable (both given, a bad number).
    static func read(_ map: YAMLMap, _ parser: RuleParser) -> TurnBounds? {
        var bounds = TurnBounds(within: parser.window(map, "within"))
        if map["within"] != nil && bounds.within == nil { return nil }
        if let lastMap = map.map("last", what: "{turns: N}") {
            lastMap.onlyKeys(["turns", "by_channel"])
            guard let n = lastMap.integer("turns", required: true, in: .turns, name: "last.turns") else { return nil }
            bounds.last = n
            if let byChannel = lastMap.map("by_channel", what: "{CHANNEL: N, …}") {
                for entry in byChannel.entries {
                    guard let channel = Channel(rawValue: entry.key) else {
                        map.diagnostics.error(entry.keyNode, "'\(byChannel.field(entry.key))': '\(entry.key)' is not a channel; use one of \(Channel.namesForHumans)")
                        return nil
                    }
                    guard let turns = byChannel.integer(entry.key, required: true, in: .turns) else { return nil }
                    bounds.lastByChannel[channel] = turns
                }
            }
        }
        if bounds.within != nil && bounds.last != nil {
            map.diagnostics.error(map.node, "'\(map.field("within"))' and '\(map.field("last"))' cannot be given together: say where, once")
            return nil
        }
        return bounds
    }

    /// The speaker's turns inside the bounds, or nil when a time bound cannot be checked (a turn without a time).
    func turns(_ turns: [Int], _ context: EvaluationContext) -> [Int]? {
        var kept = turns
        switch within {
        case .turns(let n)?: kept = Array(kept.prefix(n))
        case .seconds(let limit)?:
            guard kept.allSatisfy({ context.seconds(of: $0) != nil }) else { return nil }
            kept = kept.filter { context.seconds(of: $0).map { $0 <= limit } ?? false }
        case nil: break
        }
        if let last = lastByChannel[context.conversation.channel] ?? last { kept = Array(kept.suffix(last)) }
        return kept
    }

    /// The speaker's turns after a `within` deadline: where a requirement said too late is found.
    func turnsAfterDeadline(_ turns: [Int], _ context: EvaluationContext) -> [Int] {
        switch within {
        case .turns(let n)?: Array(turns.dropFirst(n))
        case .seconds(let limit)?: turns.filter { context.seconds(of: $0).map { $0 > limit } ?? false }
        case nil: []
        }
    }

    /// "within their first 2 turns", "within the first 60 seconds of the conversation", "in their last 2 turns".
    func words(_ speaker: String) -> String? {
        if case .seconds(let s)? = within { return "within the first \(Window.seconds(s).words) of the conversation" }
        if let within { return "within \(speaker) first \(within.words)" }
        if let last {
            let exceptions = lastByChannel.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\(Window.turns($0.value).words) in \($0.key.rawValue)" }
            return "in \(speaker) last \(Window.turns(last).words)" + (exceptions.isEmpty ? "" : " (" + exceptions.joined(separator: ", ") + ")")
        }
        return nil
    }
}
