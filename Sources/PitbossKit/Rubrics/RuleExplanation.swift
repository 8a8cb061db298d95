/// `pitboss rubric explain` and `pitboss rubric patterns`: a rubric described for people and for grep.
public enum RuleExplanation {
    public static func explain(_ rule: Rule, in rubric: Rubric) -> String {
        let criterion = rubric.criterion(rule.criterion)
        var out = "\(rule.id) — \(rule.kindName), \(rule.severity.rawValue), criterion \(rule.criterion)"
        if let criterion { out += " (\(criterion.title)\(criterion.critical ? ", critical: failing it fails the review" : ""))" }
        out += "\n\n" + rule.kind.explain(rule) + "\n"
        if let description = rule.description { out += "\n" + description + "\n" }
        var scope: [String] = ["speaker: \(rule.speaker.name)"]
        if let channels = rule.channels { scope.append("channels: " + channels.map(\.rawValue).sorted().joined(separator: ", ")) }
        if let languages = rule.languages { scope.append("languages: " + languages.sorted().joined(separator: ", ")) }
        out += "\nApplies to " + scope.joined(separator: "; ") + ".\nMessage: \(rule.message)\n"
        if !rule.deferTo.isEmpty {
            out += "Defers to \(rule.deferTo.joined(separator: ", ")): reports nothing on a conversation where \(rule.deferTo.count == 1 ? "it reports" : "one of them reports") something.\n"
        }
        func list(_ title: String, _ set: PatternSet) {
            guard !set.isEmpty else { return }
            out += "\n\(title):\n"
            for (language, patterns) in set.byLanguage.sorted(by: { $0.key < $1.key }) {
                for pattern in patterns {
                    out += "  \(language)  \(pattern.source)\n"
                    if let conditions = pattern.conditions { out += "        \(conditions.summary)\n" }
                }
            }
        }
        let quoted = rule.patterns.skipsEchoes ? "quotation marks, quoted e-mail lines, the customer's own earlier words" : "quotation marks, quoted e-mail lines"
        list(rule.patterns.skipsQuoted ? "Patterns (not in quoted text: \(quoted))" : "Patterns", rule.patterns)
        for (name, set) in rule.kind.patternSets { list("Patterns of \(name)", set) }
        list("Exceptions (a match overlapping one of these is dropped)", rule.exceptions)
        let flags = rule.examples.filter { $0.expectation == .flag }.count
        out += "\nExamples: \(flags) that flag, \(rule.examples.count - flags) that pass (the rubric's tests run them).\n"
        return out
    }

    /// Every distinct regex of the rubric, one per line, as written (for grep -P, ripgrep, the benchmark floor).
    public static func patterns(of rubric: Rubric) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for rule in rubric.rules {
            let sets = [rule.patterns] + rule.kind.patternSets.map(\.set) + [rule.exceptions]
            for set in sets {
                for source in set.allPatterns.flatMap(\.regexSources) where seen.insert(source).inserted { result.append(source) }
            }
        }
        return result
    }
}
