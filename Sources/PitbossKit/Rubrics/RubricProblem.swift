/// A problem in a rubric file: where (file:line:column), which rule, and what is wrong.
public struct RubricProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var column: Int
    public var rule: String?
    public var message: String

    public var description: String {
        "\(path):\(line):\(column): " + (rule.map { "rule \($0): " } ?? "") + message
    }
}

/// Every problem found while loading, not only the first.
public struct RubricLoadError: Error, Sendable, CustomStringConvertible {
    public var problems: [RubricProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
