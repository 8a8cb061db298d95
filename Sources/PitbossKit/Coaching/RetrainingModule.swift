/// A retraining module from the floor's catalogue (`modules:` in `pitboss.yaml`): what it teaches, as the rubric's
/// criteria (and optionally rules) it addresses, so that an outcome knows what to measure.
///
/// ```yaml
/// modules:
///   bonus-terms: {title: Bonus terms and wagering, criteria: [accuracy], rules: [wrong-wagering]}
///   de-escalation: {title: Staying courteous under pressure, criteria: [courtesy]}
/// ```
public struct RetrainingModule: Sendable, Equatable {
    public var name: String
    public var title: String
    public var criteria: [String]
    public var rules: [String]

    public init(name: String, title: String, criteria: [String], rules: [String] = []) {
        self.name = name
        self.title = title
        self.criteria = criteria
        self.rules = rules
    }

    /// Criteria of this module that a rubric does not have.
    public func unknownCriteria(in rubric: Rubric) -> [String] {
        let known = Set(rubric.criteria.map(\.id))
        return criteria.filter { !known.contains($0) }
    }

    /// What is wrong with the module's rules against a rubric: rules it does not have, rules on none of the module's
    /// criteria. A wrong rule would make an outcome count nothing and call it "no change", so it is an error.
    public func ruleProblems(against rubric: Rubric) -> [String] {
        var problems: [String] = []
        for rule in rules {
            guard let found = rubric.rules.first(where: { $0.id == rule }) else {
                let onCriteria = rubric.rules.filter { criteria.contains($0.criterion) }.map(\.id)
                problems.append("module \(name) names rule '\(rule)', which rubric \(rubric.name) does not have"
                    + (onCriteria.isEmpty ? "" : " (its rules on \(criteria.joined(separator: ", ")): \(onCriteria.joined(separator: ", ")))"))
                continue
            }
            if !criteria.contains(found.criterion) {
                problems.append("module \(name) names rule '\(rule)', which is on \(found.criterion), not on the module's criteria (\(criteria.joined(separator: ", ")))")
            }
        }
        return problems
    }
}
