/// How the speaker labels of a source become roles: spk_0 is the agent, Anna is the agent, anyone else a customer.
///
/// A label is looked up whole first (case-insensitively), then by its first word when that is a
/// role word ("Agent Anna" is the agent Anna), then as a role word itself ("CUSTOMER"), and last
/// the wildcard `*` applies. A label none of these match is an error, never a guess.
public struct RoleMap: Sendable, Equatable {
    public private(set) var entries: [String: SpeakerRole]
    public private(set) var wildcard: SpeakerRole?

    public init(entries: [String: SpeakerRole] = [:], wildcard: SpeakerRole? = nil) {
        self.entries = [:]
        for (label, role) in entries { self.entries[label.lowercased()] = role }
        self.wildcard = wildcard
    }

    /// Labels and their roles, in order; the label `*` is the wildcard: `["spk_0": .agent, "*": .customer]`.
    public init(_ pairs: KeyValuePairs<String, SpeakerRole>) {
        self.init()
        for (label, role) in pairs { set(label, to: role) }
    }

    public mutating func set(_ label: String, to role: SpeakerRole) {
        if label == "*" { wildcard = role } else { entries[label.lowercased()] = role }
    }

    /// `other`'s entries win: a sidecar's roles override the command line's.
    public func overlaid(with other: RoleMap) -> RoleMap {
        var merged = self
        for (label, role) in other.entries { merged.entries[label] = role }
        if let wildcard = other.wildcard { merged.wildcard = wildcard }
        return merged
    }

    /// The role and the speaker's name for a label, or nil when nothing says who it is.
    public func resolve(_ rawLabel: String) -> (role: SpeakerRole, name: String?)? {
        let label = rawLabel.trimmingCharacters(in: .whitespaces)
        if let role = entries[label.lowercased()] { return (role, label) }
        let words = label.split(separator: " ", maxSplits: 1)
        if words.count == 2, let role = SpeakerRole(roleWord: words[0]) {
            let name = String(words[1]).trimmingCharacters(in: .whitespaces)
            if let mapped = entries[name.lowercased()] { return (mapped, name) }
            return (role, name)
        }
        if let role = SpeakerRole(roleWord: label) { return (role, nil) }
        if let wildcard { return (wildcard, label.isEmpty ? nil : label) }
        return nil
    }
}
