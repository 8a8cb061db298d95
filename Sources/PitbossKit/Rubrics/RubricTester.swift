/// `pitboss rubric test`: every rule's examples are its tests. Each example runs as written and in
/// variants that catch offset and boundary bugs (as SwiftLint does): a multibyte prefix before every
/// turn's text, and every turn embedded between other words. A variant must give the same verdict, and
/// every span must still cite exactly the words it claims.
public struct RubricTester {
    public struct Failure: Sendable, CustomStringConvertible {
        public var rule: String
        public var example: RuleExample
        public var variant: String
        public var findings: [Finding]
        public var problem: String

        public var description: String {
            var text = "rule \(rule), example at line \(example.line) (\(example.expectation.rawValue), \(example.language), \(variant)): \(problem)\n"
            text += example.text.split(separator: "\n").map { "    | \($0)" }.joined(separator: "\n") + "\n"
            if findings.isEmpty { text += "    found nothing\n" }
            for f in findings {
                // "found: found in turn 2, characters 2–35" reads as a sentence; the status is the finding's own word.
                text += "    \(f.rule) \(f.status.rawValue)" + (f.turn.map { " in turn \(Turn.number($0))" } ?? "")
                    + (f.text.map { ", characters \(f.start.map(String.init) ?? "?")–\(f.end.map(String.init) ?? "?"): \"\($0)\"" } ?? "") + " — \(f.message)\n"
            }
            return text
        }
    }

    public struct Report: Sendable {
        public var examples = 0
        public var runs = 0
        public var failures: [Failure] = []
        public var rulesWithoutExamples: [String] = []
    }

    /// The variants: a name and how each turn's text is rewritten.
    static let variants: [(name: String, transform: @Sendable (String) -> String)] = [
        ("as written", { $0 }),
        ("multibyte prefix", { "🎰 Ğİ ΣΩ Жё " + $0 }),
        ("embedded", { "zz " + $0 + " zz" }),
    ]

    public let rubric: Rubric

    public init(rubric: Rubric) { self.rubric = rubric }

    public func run() -> Report {
        let evaluator = RubricEvaluator(rubric: rubric)
        let matcher = Matcher()
        var report = Report()
        for rule in rubric.rules {
            if rule.examples.isEmpty { report.rulesWithoutExamples.append(rule.id) }
            for example in rule.examples {
                report.examples += 1
                var baseline: [String]?
                for variant in Self.variants {
                    report.runs += 1
                    let conversation = ExampleTranscript.conversation(example, transform: variant.transform)
                    let findings = evaluator.evaluate(conversation, matcher: matcher, only: [rule.id])
                    func fail(_ problem: String) {
                        report.failures.append(Failure(rule: rule.id, example: example, variant: variant.name, findings: findings, problem: problem))
                    }
                    if let error = findings.first(where: { $0.status == .error }) {
                        fail("the rule failed: \(error.message)")
                        continue
                    }
                    let flagged = !findings.isEmpty
                    if flagged != (example.expectation == .flag) {
                        fail(example.expectation == .flag ? "expected the rule to flag this, it did not" : "expected no finding, the rule flagged it")
                        continue
                    }
                    // Every span must cite its own words: the turn's text at [start, end) is the finding's text.
                    for finding in findings {
                        guard let turn = finding.turn, let start = finding.start, let end = finding.end, let text = finding.text else { continue }
                        let scalars = Array(conversation.turns[turn].text.unicodeScalars)
                        guard start >= 0, end <= scalars.count, start <= end else {
                            fail("span \(start)..<\(end) is outside turn \(Turn.number(turn))")
                            continue
                        }
                        var cited = String.UnicodeScalarView()
                        cited.append(contentsOf: scalars[start..<end])
                        if String(cited) != text { fail("span \(start)..<\(end) cites \"\(String(cited))\" but the finding says \"\(text)\"") }
                    }
                    let words = findings.compactMap(\.text).sorted()
                    if let baseline, baseline != words {
                        fail("matched \(words) where the example as written matched \(baseline)")
                    }
                    if baseline == nil { baseline = words }
                }
            }
        }
        return report
    }
}
