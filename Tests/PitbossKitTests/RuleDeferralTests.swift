import Foundation
import Testing
@testable import PitbossKit

@Suite("defer_to: one fault, one finding")
struct RuleDeferralTests {
    /// The test rubric with its script rule deferring to its greeting rule.
    func rubric(_ deferTo: String = "[greet]") throws -> Rubric {
        let yaml = TestRubric.yaml.replacingOccurrences(of: "  - id: script\n    kind: sequence\n",
                                                         with: "  - id: script\n    kind: sequence\n    defer_to: \(deferTo)\n")
        #expect(yaml != TestRubric.yaml)
        return try RubricLoader.parse(yaml: yaml, path: "test.yaml")
    }

    func findings(_ rubric: Rubric, _ agentText: String, only: Set<String>? = nil) throws -> [String] {
        let example = RuleExample(expectation: .flag, text: "customer: hi, my withdrawal is pending\nagent: \(agentText)",
                                  language: "en", channel: .chat, line: 0)
        return RubricEvaluator(rubric: rubric).evaluate(ExampleTranscript.conversation(example), matcher: Matcher(), only: only).map(\.rule)
    }

    @Test("a missing greeting is the greeting rule's finding only; the script rule still reports what is its own")
    func deferred() throws {
        let deferring = try rubric()
        let plain = TestRubric.rubric
        #expect(try findings(plain, "it is done, bye").contains("script"))
        #expect(try findings(deferring, "it is done, bye").filter { $0 == "greet" || $0 == "script" } == ["greet"])
        // Asked for the script rule alone, the rule it defers to still runs to decide, and is not returned.
        #expect(try findings(deferring, "it is done, bye", only: ["script"]).isEmpty)
        #expect(!(try findings(plain, "it is done, bye", only: ["script"]).isEmpty))
        // Greeted, the script rule reports its own fault (the need step after the greeting is missing).
        #expect(try findings(deferring, "hello! it is done, bye").contains("script"))
    }

    @Test("defer_to names rules of the rubric, never itself, never in a circle", arguments: [
        ("[nope]", "defer_to names 'nope', which is not a rule of this rubric"),
        ("[script]", "a rule cannot defer to itself"),
    ])
    func refused(_ deferTo: String, _ expected: String) {
        do {
            _ = try rubric(deferTo)
            Issue.record("loaded")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }

    @Test("a circle of deferrals is refused")
    func circle() {
        let yaml = TestRubric.yaml
            .replacingOccurrences(of: "  - id: script\n    kind: sequence\n", with: "  - id: script\n    kind: sequence\n    defer_to: [greet]\n")
            .replacingOccurrences(of: "  - id: greet\n    kind: require\n", with: "  - id: greet\n    kind: require\n    defer_to: [script]\n")
        do {
            _ = try RubricLoader.parse(yaml: yaml, path: "test.yaml")
            Issue.record("loaded")
        } catch {
            #expect("\(error)".contains("defer_to makes a circle"), "\(error)")
        }
    }
}

@Suite("sequence steps a customer can meet: or_customer")
struct SequenceOrCustomerTests {
    func loaded() throws -> Rubric {
        let yaml = TestRubric.yaml.replacingOccurrences(
            of: "      - {id: help, patterns: {any: ['how can i help|чем помочь']}}",
            with: "      - {id: help, patterns: {any: ['how can i help|чем помочь']}, or_customer: {any: ['\\?']}}")
        #expect(yaml != TestRubric.yaml)
        return try RubricLoader.parse(yaml: yaml, path: "test.yaml")
    }

    func steps(_ text: String) throws -> [String] {
        let example = RuleExample(expectation: .flag, text: text, language: "en", channel: .chat, line: 0)
        return RubricEvaluator(rubric: try loaded()).evaluate(ExampleTranscript.conversation(example), matcher: Matcher(), only: ["script"]).map(\.message)
    }

    @Test("a question before the agent's first turn meets the step; after it, or nothing asked, it does not")
    func met() throws {
        let rubric = try loaded()
        #expect(rubric.rules.first { $0.id == "script" }.map { RuleExplanation.explain($0, in: rubric).contains("Step help is also met when the customer says it") } == true)
        #expect(try steps("customer: when is my withdrawal coming?\nagent: hello, it is on its way, bye").isEmpty)
        #expect(try steps("customer: hi\nagent: hello, it is on its way\ncustomer: when?\nagent: tomorrow, bye") == ["step help"])
        #expect(try steps("customer: hi\nagent: hello, it is on its way, bye") == ["step help"])
    }
}
