import Yams

/// Collects problems while a rubric is read, each at the YAML node it is about.
final class Diagnostics {
    let path: String
    var rule: String?
    private(set) var problems: [RubricProblem] = []

    init(path: String) { self.path = path }

    func error(_ node: Node?, _ message: String) {
        let mark = node?.mark
        problems.append(RubricProblem(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1, rule: rule, message: message))
    }
}

/// A YAML mapping read strictly: every key must be known, and typed getters report what is wrong.
public struct YAMLMap {
    let node: Node
    let entries: [(key: String, keyNode: Node, value: Node)]
    let diagnostics: Diagnostics
    /// How problems name this mapping's fields: "patterns.en[2]", "examples[0]".
    let prefix: String

    init?(_ node: Node, _ diagnostics: Diagnostics, prefix: String = "", what: String) {
        guard let mapping = node.mapping else {
            diagnostics.error(node, "\(prefix.isEmpty ? "" : prefix + ": ")expected \(what) (a mapping of keys)")
            return nil
        }
        self.node = node
        self.entries = mapping.map { (key: $0.key.string ?? "", keyNode: $0.key, value: $0.value) }
        self.diagnostics = diagnostics
        self.prefix = prefix
    }

    func field(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    subscript(key: String) -> Node? { entries.first { $0.key == key }?.value }

    /// Reports every key not in `allowed`.
    func onlyKeys(_ allowed: [String]) {
        var seen = Set<String>()
        for entry in entries {
            if !allowed.contains(entry.key) {
                diagnostics.error(entry.keyNode, "unknown key '\(field(entry.key))'; allowed here: \(allowed.joined(separator: ", "))")
            } else if !seen.insert(entry.key).inserted {
                diagnostics.error(entry.keyNode, "'\(field(entry.key))' is given twice")
            }
        }
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let value = self[key] else {
            if required { diagnostics.error(node, "missing '\(field(key))'") }
            return nil
        }
        guard value.scalar != nil, let text = value.string else {
            diagnostics.error(value, "'\(field(key))' must be text")
            return nil
        }
        if required && text.trimmingCharacters(in: .whitespaces).isEmpty {
            diagnostics.error(value, "'\(field(key))' is empty")
            return nil
        }
        return text
    }

    func number(_ key: String, required: Bool = false) -> Double? {
        guard let value = self[key] else {
            if required { diagnostics.error(node, "missing '\(field(key))'") }
            return nil
        }
        guard let text = value.scalar?.string, let number = Double(text), number.isFinite else {
            diagnostics.error(value, "'\(field(key))' must be a number")
            return nil
        }
        return number
    }

    /// A number within `range`; a value outside it is named with the range (and is not returned).
    func number(_ key: String, required: Bool = false, in range: NumberRange) -> Double? {
        guard let number = number(key, required: required) else { return nil }
        guard range.contains(number) else {
            diagnostics.error(self[key], "'\(field(key))' must be \(range.words), not \(self[key]?.scalar?.string ?? NumberRange.text(number))")
            return nil
        }
        return number
    }

    /// A whole number within `range` (whose bounds are whole numbers that an `Int` holds).
    func integer(_ key: String, required: Bool = false, in range: NumberRange, name: String? = nil) -> Int? {
        guard let number = number(key, required: required) else { return nil }
        guard range.contains(number), number == number.rounded(), let whole = Int(exactly: number) else {
            diagnostics.error(self[key], "'\(name ?? field(key))' must be \(range.words), not \(self[key]?.scalar?.string ?? NumberRange.text(number))")
            return nil
        }
        return whole
    }

    func bool(_ key: String) -> Bool? {
        guard let value = self[key] else { return nil }
        guard let flag = value.bool else {
            diagnostics.error(value, "'\(field(key))' must be true or false")
            return nil
        }
        return flag
    }

    /// A list of strings; a single string is taken as a list of one.
    func strings(_ key: String) -> [String]? {
        guard let value = self[key] else { return nil }
        if value.scalar != nil, let one = value.string { return [one] }
        guard let list = value.sequence else {
            diagnostics.error(value, "'\(field(key))' must be a list")
            return nil
        }
        var result: [String] = []
        for item in list {
            guard item.scalar != nil, let text = item.string else {
                diagnostics.error(item, "'\(field(key))' must hold text")
                continue
            }
            result.append(text)
        }
        return result
    }

    func map(_ key: String, what: String, required: Bool = false) -> YAMLMap? {
        guard let value = self[key] else {
            if required { diagnostics.error(node, "missing '\(field(key))'") }
            return nil
        }
        return YAMLMap(value, diagnostics, prefix: field(key), what: what)
    }

    func list(_ key: String, required: Bool = false) -> [Node]? {
        guard let value = self[key] else {
            if required { diagnostics.error(node, "missing '\(field(key))'") }
            return nil
        }
        guard let list = value.sequence else {
            diagnostics.error(value, "'\(field(key))' must be a list")
            return nil
        }
        return Array(list)
    }
}

/// The values a number of a rubric may take, and how to say so. Every number the loader reads has one:
/// a weight of 1e308 or a window of 1e19 turns is a typing mistake, not a policy, and would overflow
/// what is computed from it.
public struct NumberRange: Sendable, Equatable {
    public var lower: Double
    /// Whether `lower` itself is allowed (a weight must be above 0; a window of turns may be 1).
    public var includesLower: Bool
    public var upper: Double
    public var whole: Bool

    public init(_ lower: Double, includesLower: Bool = true, _ upper: Double, whole: Bool = false) {
        self.lower = lower
        self.includesLower = includesLower
        self.upper = upper
        self.whole = whole
    }

    public func contains(_ value: Double) -> Bool {
        guard value.isFinite, value <= upper, includesLower ? value >= lower : value > lower else { return false }
        return !whole || value == value.rounded()
    }

    /// "a whole number of at least 1 and at most 10000", "a number from 0 to 604800", "a number above 0 and at most 1000".
    public var words: String {
        if whole { return "a whole number of at least \(Self.text(lower)) and at most \(Self.text(upper))" }
        return includesLower ? "a number from \(Self.text(lower)) to \(Self.text(upper))"
            : "a number above \(Self.text(lower)) and at most \(Self.text(upper))"
    }

    /// A number as a person writes it: whole numbers without a fraction, never a trap on any value.
    public static func text(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15, let whole = Int(exactly: value) { return String(whole) }
        return String(value)
    }

    /// The ranges of the rubric's numbers.
    static let weight = NumberRange(0, includesLower: false, 1000)
    static let turns = NumberRange(1, 10_000, whole: true)
    /// How many words may lie between two matches for them to be near: beyond a sentence or two, "near" means nothing.
    static let proximityWords = NumberRange(0, 50, whole: true)
    /// A week: longer than any chat or call a rule could sensibly wait on.
    static let windowSeconds = NumberRange(0, includesLower: false, 604_800)
    static let maxSeconds = NumberRange(0, 604_800)
    static let factValue = NumberRange(-1e12, 1e12)
    static let unitFactor = NumberRange(0, includesLower: false, 1e9)
}
