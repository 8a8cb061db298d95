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
