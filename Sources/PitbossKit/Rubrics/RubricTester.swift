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
        /// Why, in the rule's own terms: which pattern matched which words and what undid it, which turns it listened to
        /// and how they read after folding, what met the rule instead.
        public var why: [String] = []
        /// A variant that failed as the example as written did: said in one line, not repeated.
        public var repeatsAsWritten = false

        public var description: String {
            if repeatsAsWritten { return "rule \(rule), example at line \(example.line) (\(example.expectation.rawValue), \(example.language), \(variant)): the same\n" }
            var text = "rule \(rule), example at line \(example.line) (\(example.expectation.rawValue), \(example.language), \(variant)): \(problem)\n"
            text += example.text.split(separator: "\n").map { "    | \($0)" }.joined(separator: "\n") + "\n"
            if findings.isEmpty { text += "    found nothing\n" }
            for f in findings {
                // "found: found in turn 2, characters 2–35" reads as a sentence; the status is the finding's own word.
                text += "    \(f.rule) \(f.status.rawValue)" + (f.turn.map { " in turn \(Turn.number($0))" } ?? "")
                    + (f.text.map { ", characters \(f.start.map(String.init) ?? "?")–\(f.end.map(String.init) ?? "?"): \"\($0)\"" } ?? "") + " — \(f.message)\n"
            }
            if !why.isEmpty { text += "    why:\n" + why.map { "      \($0)\n" }.joined() }
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
                var asWrittenProblem: String?
                for variant in Self.variants {
                    report.runs += 1
                    let conversation = ExampleTranscript.conversation(example, transform: variant.transform)
                    let findings = evaluator.evaluate(conversation, matcher: matcher, only: [rule.id])
                    func fail(_ problem: String, explained: Bool = false) {
                        if variant.name == Self.variants[0].name { asWrittenProblem = problem }
                        var failure = Failure(rule: rule.id, example: example, variant: variant.name, findings: findings, problem: problem)
                        if variant.name != Self.variants[0].name && problem == asWrittenProblem {
                            failure.repeatsAsWritten = true
                        } else if explained {
                            failure.why = explain(rule, conversation, evaluator: evaluator, matcher: matcher)
                        }
                        report.failures.append(failure)
                    }
                    if let error = findings.first(where: { $0.status == .error }) {
                        fail("the rule failed: \(error.message)")
                        continue
                    }
                    let flagged = !findings.isEmpty
                    if flagged != (example.expectation == .flag) {
                        fail(example.expectation == .flag ? "expected the rule to flag this, it did not" : "expected no finding, the rule flagged it",
                             explained: true)
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

    /// Why the rule said what it said about an example: every match its patterns made and what became of it, the
    /// words that met it, a pattern that matched words of someone the rule does not listen to, and — when nothing
    /// matched — the turns it listened to as its patterns see them (folded).
    func explain(_ rule: Rule, _ conversation: Conversation, evaluator: RubricEvaluator, matcher: Matcher) -> [String] {
        guard rule.applies(to: conversation) else {
            return ["the rule does not apply to this example (its channels or languages), or has no patterns for \(conversation.language)"]
        }
        let (_, evidence, trace, context) = evaluator.traced(rule, on: conversation, matcher: matcher)
        func speaker(_ turn: Int) -> String { conversation.turns[turn].role.rawValue }
        var lines = trace.map { $0.sentence(speaker: speaker($0.turn)) }
        lines += evidence.map { e in "the rule was met" + (e.what.isEmpty ? "" : " (\(e.what))") + " by “\(e.text)” in turn \(Turn.number(e.turn))" }
        let listened = Set(context.turns(of: rule.speaker))
        // Words the rule would have flagged, said by someone it does not listen to.
        if case .role = rule.speaker, !rule.patterns.isEmpty {
            for turn in conversation.turns.indices where !listened.contains(turn) {
                for match in (try? context.matches(rule.patterns, exceptions: rule.exceptions, turn: turn)) ?? [] {
                    lines.append("“\(match.text)” in turn \(Turn.number(turn)) matches, but the \(speaker(turn)) said it: the rule listens to \(rule.speaker.name)")
                }
            }
        }
        if trace.isEmpty {
            lines.append("no pattern of the rule matched in the turns it listens to (\(rule.speaker.name))"
                         + (rule.patterns.isEmpty ? "" : "; its \(conversation.language) patterns: " + rule.patterns.patterns(for: conversation.language).map(\.source).joined(separator: "  ")))
            for turn in listened.sorted().prefix(4) {
                let folded = String(decoding: context.text(turn).bytes, as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
                lines.append("turn \(Turn.number(turn)) (\(speaker(turn))) as the patterns see it: “\(folded.count > 160 ? folded.prefix(159) + "…" : folded)”")
            }
        }
        return lines
    }
}
