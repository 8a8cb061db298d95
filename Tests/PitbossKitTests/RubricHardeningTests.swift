import Foundation
import Testing
@testable import PitbossKit

/// Hostile and careless rubrics: every number has a range, every pattern that cannot do a rule's work is
/// refused for what it is, and nothing a rubric or a transcript says makes loading, explaining or
/// evaluating trap.
@Suite("Rubric hardening")
struct RubricHardeningTests {
    /// The problems of the test rubric with one piece of text replaced.
    func problems(_ replace: String, with replacement: String) -> [RubricProblem] {
        let yaml = TestRubric.yaml.replacingOccurrences(of: replace, with: replacement)
        #expect(yaml != TestRubric.yaml, "the replaced text is in the test rubric")
        do {
            _ = try RubricLoader.parse(yaml: yaml, path: "t.yaml")
            return []
        } catch let error as RubricLoadError {
            return error.problems
        } catch {
            Issue.record("not a RubricLoadError: \(error)")
            return []
        }
    }

    /// The line of the test rubric that holds `text`.
    func line(of text: String) -> Int {
        (TestRubric.yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) } ?? -1) + 1
    }

    // MARK: numbers

    @Test("a window of turns that no Int holds is named with the rule and its line, never a trap", arguments: [
        "within: {turns: 1e19}", "within: {turns: 1e308}", "within: {turns: 10001}", "within: {turns: 0.5}", "within: {turns: -0}",
        "last: {turns: 1e19}", "last: {turns: 99999999999999999999}",
    ])
    func hugeTurnWindows(window: String) throws {
        let found = problems("within: {turns: 1}", with: window)
        let problem = try #require(found.first)
        #expect(found.count == 1)
        #expect(problem.rule == "greet")
        #expect(problem.line == line(of: "within: {turns: 1}"))
        #expect(problem.message.contains("must be a whole number of at least 1 and at most 10000"))
    }

    @Test("every number of a rubric has a range, named when a value is outside it", arguments: [
        ("{id: courtesy, title: Courtesy, weight: 2}", "{id: courtesy, title: Courtesy, weight: 1e308}", "weight", "above 0 and at most 1000"),
        ("{id: courtesy, title: Courtesy, weight: 2}", "{id: courtesy, title: Courtesy, weight: 0}", "weight", "above 0 and at most 1000"),
        ("version: 1\n", "version: 1e308\n", "version", "short label"),
        ("version: 1\n", "version: .inf\n", "version", "short label"),
        ("version: 1\n", "version: nan\n", "version", "short label"),
        ("{min: 24, max: 72, unit: hours}", "{min: 24, max: 1e308, unit: hours}", "max", "from -1000000000000 to 1000000000000"),
        ("{values: [35], unit: x}", "{values: [nan], unit: x}", "values", "list of numbers"),
        ("{values: [35], unit: x}", "{values: [1e300], unit: x}", "values", "list of numbers"),
        ("{hour: 1, hours: 1,", "{hour: 1e308, hours: 1,", "hour", "above 0 and at most 1000000000"),
        ("max_seconds: 300", "max_seconds: 1e308", "max_seconds", "from 0 to 604800"),
        ("max_seconds: 300", "max_seconds: -5", "max_seconds", "from 0 to 604800"),
        ("within: {turns: 1}", "within: {seconds: 1e308}", "seconds", "above 0 and at most 604800"),
        ("within: {turns: 2}", "within: {seconds: 0}", "seconds", "above 0 and at most 604800"),
    ])
    func numberRanges(replace: String, with replacement: String, key: String, words: String) throws {
        let found = problems(replace, with: replacement)
        #expect(found.contains { $0.message.contains(key) && $0.message.contains(words) && $0.line == line(of: replace.components(separatedBy: "\n")[0]) },
                "\(found.map(\.description))")
    }

    @Test("the numbers of a rubric as written still load: whole and fractional, at the ends of their ranges")
    func numbersInRange() throws {
        let yaml = TestRubric.yaml
            .replacingOccurrences(of: "weight: 2}", with: "weight: 1000}")
            .replacingOccurrences(of: "within: {turns: 1}", with: "within: {turns: 10000}")
            .replacingOccurrences(of: "max_seconds: 300", with: "max_seconds: 604800")
            .replacingOccurrences(of: "version: 1\n", with: "version: 2026.11-b\n")
        let rubric = try RubricLoader.parse(yaml: yaml, path: "t.yaml")
        #expect(rubric.version == "2026.11-b")
        #expect(rubric.criterion("courtesy")?.weight == 1000)
    }

    // MARK: patterns

    @Test("a pattern that can match empty text is refused, saying so", arguments: [
        #"(?=a)"#, #"\b"#, #"^"#, #"$"#, #"(?:)"#, #"a?"#, #"(?=useless)"#, #"\buseless\b|"#, #"(?<=x)"#,
    ])
    func emptyMatches(pattern: String) throws {
        let found = problems(#"'\buseless\b'"#, with: "'\(pattern)'")
        let problem = try #require(found.first)
        #expect(found.count == 1)
        #expect(problem.rule == "rude")
        #expect(problem.message.hasPrefix("'rules[0].patterns.en[1]' can match empty text"))
    }

    @Test("PCRE2 answers whether a pattern can match empty text; its minimum length is about the subject, not the match")
    func patternInformation() throws {
        let lookahead = try CompiledPattern("(?=abc)")
        #expect(lookahead.canMatchEmpty)
        #expect(lookahead.minimumLength == 2)
        #expect(try !CompiledPattern("a(?=b)").canMatchEmpty)
        #expect { try CompiledPattern(#"ab\C"#) } throws: { ($0 as? PatternError)?.kind == .singleByte && ($0 as? PatternError)?.offset == 2 }
    }

    @Test("\\C is refused for what it is: it matches one byte and splits UTF-8 characters")
    func backslashC() throws {
        for pattern in [#"\C"#, #"use\Cless"#, #"x(?<=\C)"#] {
            let found = problems(#"'\buseless\b'"#, with: "'\(pattern)'")
            let problem = try #require(found.first)
            #expect(found.count == 1)
            #expect(problem.message.contains(#"\C"#))
            #expect(problem.message.contains("single byte"))
            #expect(problem.message.contains("UTF-8"))
            #expect(!problem.message.contains("empty text"))
        }
    }

    @Test("a forced failure is refused for what it is, not as an empty match", arguments: [
        #"(*FAIL)|useless"#, #"(*F)|useless"#, #"useless|(?!)"#, #"use(*FAIL:x)less|useless"#,
    ])
    func forcedFailure(pattern: String) throws {
        let found = problems(#"'\buseless\b'"#, with: "'\(pattern)'")
        let problem = try #require(found.first)
        #expect(found.count == 1)
        #expect(problem.message.contains("never matches"))
        #expect(!problem.message.contains("empty text"))
    }

    @Test("patterns that match at least one character still load, with assertions, verbs and \\C quoted or escaped", arguments: [
        #"(?=use)useless"#, #"\buse(?!r)\w+"#, #"a(*ACCEPT)"#, #"\\Cat"#, #"\QC(*FAIL)\E"#, #"[(*F)]x"#, #"(?#(*FAIL)useless"#,
    ])
    func patternsThatWork(pattern: String) {
        #expect(problems(#"'\buseless\b'"#, with: "'\(pattern)'").isEmpty)
    }

    // MARK: examples and evaluation

    @Test("an example time that is negative, huge or not a number is refused at the example", arguments: [
        "[1e308:00]", "[-1:00]", "[00:nan]", "[00:60]", "[00:00:99999999999999999999]", "[inf:00]",
    ])
    func exampleTimes(time: String) throws {
        let found = problems(#"max_seconds: 300"#, with: "max_seconds: 300\n    examples:\n      - flag: \"\(time) customer: hi\\n[00:01] agent: hello\"")
        let problem = try #require(found.first)
        #expect(problem.rule == "sla")
        #expect(problem.message.contains("is not a time like [mm:ss]"))
    }

    @Test("a stated value with more digits than any number holds is flagged as incorrect, never a trap")
    func hugeStatedValue() {
        let found = TestRubric.findings("withdrawal", "agent: withdrawals take " + String(repeating: "9", count: 400) + " hours")
        #expect(found.map(\.status) == [.incorrect])
        let twenty = TestRubric.findings("withdrawal", "agent: withdrawals take 99999999999999999999 days")
        #expect(twenty.map(\.status) == [.incorrect])
    }

    @Test("a timing rule on offsets far apart reports them, never a trap")
    func hugeOffsets() throws {
        let rubric = TestRubric.rubric
        let start = try #require(UTCTimestamp.parse("2026-11-21T22:00:00Z"))
        let conversation = Conversation(
            externalID: "far", source: ConversationSource(file: "x", record: "", format: .jsonl), channel: .call, language: "en",
            agentID: "a", shiftID: "s", startedAt: start, customerID: nil, isVIP: false, tags: [],
            turns: [Turn(index: 0, role: .customer, start: 0, end: 1, text: "hi"),
                    Turn(index: 1, role: .agent, agentID: "a", start: 1e300, end: 1e300, text: "hello")])
        let found = RubricEvaluator(rubric: rubric).evaluate(conversation, matcher: Matcher(), only: ["sla"])
        #expect(found.map(\.status) == [.late])
    }

    @Test("explaining a rule never traps on its numbers")
    func explainNumbers() throws {
        let rubric = try RubricLoader.parse(yaml: TestRubric.yaml.replacingOccurrences(of: "within: {turns: 1}", with: "within: {seconds: 604800}"), path: "t.yaml")
        for rule in rubric.rules { #expect(!RuleExplanation.explain(rule, in: rubric).isEmpty) }
        #expect(Window.seconds(1e300).words == "1e+300 seconds")
        #expect(Fact(name: "f", min: nil, max: 1e300, values: nil, unit: "h").expected == "at most 1e+300 h")
        #expect(FactRule.format(.infinity) == "inf")
        #expect(FactRule.format(-.nan).isEmpty == false)
    }
}
