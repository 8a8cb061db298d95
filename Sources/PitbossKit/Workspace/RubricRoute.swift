import Foundation
import Yams

/// Which conversations a rubric evaluates, when a floor runs several brands and channels (`rubrics:` in
/// pitboss.yaml):
///
/// ```yaml
/// rubrics:
///   - {rubric: Rubrics/casino-support.yaml, languages: [en, ru, tr, el]}
///   - {rubric: Rubrics/vip-desk.yaml, tags: [vip-desk], channels: [call, email]}
/// ```
///
/// A conversation is evaluated with every rubric whose route matches it: each filter given must match (channels,
/// languages; tags: any of them), and a route without filters takes everything. Each rubric's findings are its own
/// (they keep its name and hash): flagging with one never replaces another's.
public struct RubricRoute: Sendable, Equatable {
    public var rubricPath: String
    public var channels: [Channel]?
    public var languages: [String]?
    public var tags: [String]?

    public init(rubricPath: String, channels: [Channel]? = nil, languages: [String]? = nil, tags: [String]? = nil) {
        self.rubricPath = rubricPath
        self.channels = channels
        self.languages = languages
        self.tags = tags
    }

    public func applies(to conversation: Conversation) -> Bool {
        if let channels, !channels.contains(conversation.channel) { return false }
        if let languages, !languages.contains(conversation.language) { return false }
        if let tags, !tags.contains(where: conversation.tags.contains) { return false }
        return true
    }

    /// A flag selection narrowed to this route's conversations.
    public func narrowing(_ selection: FlagSelection) -> FlagSelection {
        var narrowed = selection
        narrowed.channels = channels
        narrowed.languages = languages
        narrowed.tags = tags
        return narrowed
    }

    /// "chat, email · en, ru · tagged vip-desk", or "every conversation".
    public var scope: String {
        var parts: [String] = []
        if let channels { parts.append(channels.map(\.rawValue).joined(separator: ", ")) }
        if let languages { parts.append(languages.joined(separator: ", ")) }
        if let tags { parts.append("tagged " + tags.joined(separator: " or ")) }
        return parts.isEmpty ? "every conversation" : parts.joined(separator: " · ")
    }

    /// A route that sends conversations in a language its rubric has no patterns for would evaluate them with nothing
    /// and call them clean: refused, naming the languages the rubric has.
    public func check(against rubric: Rubric) throws(PitbossError) {
        let missing = (languages ?? []).filter { !rubric.languages.contains($0) }
        guard missing.isEmpty else {
            throw .badInput("pitboss.yaml rubrics: the route to \(rubricPath) takes \(missing.joined(separator: ", ")) conversations, "
                + "but \(rubric.name) is written for \(rubric.languages.joined(separator: ", ")) only; add the language to the rubric or remove it from the route")
        }
    }

    /// Reads the `rubrics:` list; `place` names a node for messages.
    static func readList(_ value: Node, place: (Node) -> String) throws(PitbossError) -> [RubricRoute] {
        guard let list = value.sequence, !list.isEmpty else {
            throw .badInput("\(place(value)): rubrics is a list of routes, e.g. - {rubric: Rubrics/casino-support.yaml, channels: [chat], languages: [en], tags: [brand-a]}")
        }
        var routes: [RubricRoute] = []
        for node in list {
            guard let map = node.mapping else { throw .badInput("\(place(node)): a route is {rubric: PATH, channels: [...], languages: [...], tags: [...]}") }
            var route = RubricRoute(rubricPath: "")
            for (keyNode, item) in map {
                let key = keyNode.string ?? ""
                func words() throws(PitbossError) -> [String] {
                    guard let list = item.sequence?.compactMap(\.string) ?? item.string.map({ [$0] }), !list.isEmpty,
                          list.count == (item.sequence?.count ?? 1) else {
                        throw .badInput("\(place(item)): rubrics[].\(key) must be a list of words")
                    }
                    return list
                }
                switch key {
                case "rubric":
                    guard let path = item.string, !path.isEmpty else { throw .badInput("\(place(item)): rubrics[].rubric must be a file path") }
                    route.rubricPath = path
                case "channels":
                    route.channels = try words().map { (name: String) throws(PitbossError) -> Channel in
                        guard let channel = Channel(rawValue: name) else {
                            throw .badInput("\(place(item)): channel '\(name)' is not one of \(Channel.namesForHumans)")
                        }
                        return channel
                    }
                case "languages": route.languages = try words()
                case "tags": route.tags = try words()
                default:
                    throw .badInput("\(place(keyNode)): unknown key '\(key)' in a route; known: rubric, channels, languages, tags")
                }
            }
            guard !route.rubricPath.isEmpty else { throw .badInput("\(place(node)): a route needs 'rubric: PATH'") }
            routes.append(route)
        }
        return routes
    }
}
