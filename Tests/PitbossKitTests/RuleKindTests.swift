import Foundation
import Testing
@testable import PitbossKit

/// A rubric written for these tests: one rule per kind, English and Russian.
enum TestRubric {
    /// Every criterion of the test rubric passed.
    static let passAll = ["courtesy": "pass", "accuracy": "pass", "greeting": "pass", "script": "pass", "rg": "na", "verification": "pass", "sla": "na"]
    static let yaml = #"""
    rubric: test
    version: 1
    languages: [en, ru]
    facts:
      withdrawal_hours: {min: 24, max: 72, unit: hours}
      wagering: {values: [35], unit: x}
    criteria:
      - {id: courtesy, title: Courtesy, weight: 2}
      - {id: accuracy, title: Accuracy, weight: 3, critical: true}
      - {id: greeting, title: Greeting, weight: 1}
      - {id: script, title: Script, weight: 1}
      - {id: rg, title: Responsible gambling, weight: 2, critical: true, na: true}
      - {id: verification, title: Verification, weight: 2}
      - {id: sla, title: SLA, weight: 1, na: true}
    rules:
      - id: rude
        kind: forbid
        criterion: courtesy
        severity: major
        message: "rude: {match}"
        patterns:
          en: ['\bnot my problem\b', '\buseless\b']
          ru: ['не моя проблема']
        exceptions:
          en: ['sorry you feel \w+ \w+ useless']
      - id: greet
        kind: require
        criterion: greeting
        severity: minor
        message: no greeting
        within: {turns: 1}
        patterns:
          en: ['\b(hello|hi|good (morning|evening))\b']
          ru: ['здравствуйте|добрый (день|вечер)']
      - id: script
        kind: sequence
        criterion: script
        severity: minor
        message: "step {step}"
        steps:
          - {id: greet, patterns: {any: ['\bhello\b|здравствуйте']}}
          - {id: help, patterns: {any: ['how can i help|чем помочь']}}
          - {id: close, patterns: {any: ['\bbye\b|до свидания']}}
      - id: rg
        kind: respond
        criterion: rg
        severity: critical
        message: "no help after: {match}"
        when: {speaker: customer, patterns: {en: ['lost everything'], ru: ['всё проиграл']}}
        then: {speaker: agent, patterns: {en: ['deposit limit|self-exclusion'], ru: ['лимит']}, within: {turns: 2}}
      - id: verify
        kind: precede
        criterion: verification
        severity: critical
        message: "disclosed before verifying: {match}"
        patterns: {any: ['your balance is \d+']}
        before: {speaker: agent, patterns: {any: ['confirm your (email|date of birth)']}}
      - id: withdrawal
        kind: fact
        criterion: accuracy
        severity: major
        message: "{value} {unit} is not {expected}"
        fact: withdrawal_hours
        units: {hour: 1, hours: 1, day: 24, days: 24, "дней": 24, "дня": 24, "часов": 1}
        patterns:
          en: ['(?<value>\d+)\s*(?<unit>hours?|days?)']
          ru: ['(?<value>\d+)\s*(?<unit>дней|дня|часов)']
      - id: wagering
        kind: fact
        criterion: accuracy
        severity: major
        message: "x{value} is not {expected}"
        fact: wagering
        patterns: {any: ['\bx\s?(?<value>\d+)\b|\b(?<value>\d+)\s?x\b']}
      - id: sla
        kind: timing
        criterion: sla
        severity: major
        message: "first reply after {seconds} s"
        metric: first_response
        max_seconds: 300
    """#

    static var rubric: Rubric { try! RubricLoader.parse(yaml: yaml, path: "test.yaml") }

    /// Findings of one rule on a tiny transcript in the example syntax.
    static func findings(_ rule: String, _ text: String, language: String = "en", channel: Channel = .chat) -> [Finding] {
        let example = RuleExample(expectation: .flag, text: text, language: language, channel: channel, line: 0)
        return RubricEvaluator(rubric: rubric).evaluate(ExampleTranscript.conversation(example), matcher: Matcher(), only: [rule])
    }
}

@Suite("Rule kinds")
struct RuleKindTests {
    @Test("forbid: a finding per match with its span and words; an exception cancels the match it overlaps; the customer's words are not the agent's")
    func forbid() {
        let found = TestRubric.findings("rude", """
            customer: you are useless
            agent: Not my problem. Sorry you feel we are useless. Still not my problem
            """)
        #expect(found.map(\.text) == ["Not my problem", "not my problem"])
        #expect(found.map(\.status) == [.found, .found])
        #expect(found[0].turn == 1)
        #expect(found[0].start == 0 && found[0].end == 14)
        #expect(found[0].message == "rude: Not my problem")
        #expect(found[0].agent == "example.agent")
        #expect(TestRubric.findings("rude", "agent: это не моя проблема", language: "ru").first?.start == 4)
    }

    @Test("require: absent when never said, late when said after the window (citing the words); a bot's greeting is not the agent's")
    func require() {
        #expect(TestRubric.findings("greet", "agent: Hello! How can I help?").isEmpty)
        let late = TestRubric.findings("greet", "agent: what do you want\nagent: hello")
        #expect(late.map(\.status) == [.late])
        #expect(late[0].turn == 1 && late[0].text == "hello")
        #expect(late[0].message.hasSuffix("(said late: \"hello\")"), "\(late[0].message)")
        let absent = TestRubric.findings("greet", "agent: what do you want\nagent: fine")
        #expect(absent.map(\.status) == [.absent])
        #expect(absent[0].turn == nil && absent[0].start == nil)
        #expect(TestRubric.findings("greet", "bot: Hello!\nagent: what do you want").map(\.status) == [.absent])
        #expect(TestRubric.findings("greet", "customer: привет\nagent: Добрый вечер!", language: "ru").isEmpty)
    }

    @Test("sequence: missing steps are absent, a step before one it should follow is out_of_order")
    func sequence() {
        #expect(TestRubric.findings("script", "agent: hello, how can I help?\nagent: bye").isEmpty)
        let missing = TestRubric.findings("script", "agent: hello\nagent: bye")
        #expect(missing.map(\.status) == [.absent])
        #expect(missing[0].message == "step help")
        let swapped = TestRubric.findings("script", "agent: how can I help?\nagent: hello\nagent: bye")
        #expect(swapped.map(\.status) == [.outOfOrder])
        #expect(swapped[0].text == "how can I help")
        #expect(swapped[0].message == "step help (before greet)")
    }

    @Test("respond: a trigger without the response within N turns is flagged at the trigger")
    func respond() {
        let ignored = TestRubric.findings("rg", "customer: I lost everything tonight\nagent: ok\nagent: anything else?\nagent: you can set a deposit limit")
        #expect(ignored.map(\.status) == [.noResponse])
        #expect(ignored[0].turn == 0 && ignored[0].text == "lost everything")
        #expect(TestRubric.findings("rg", "customer: I lost everything\nagent: I can set a deposit limit for you").isEmpty)
        #expect(TestRubric.findings("rg", "customer: я всё проиграл\nagent: давайте поставим лимит", language: "ru").isEmpty)
    }

    @Test("precede: account details before verification are premature; after it they are fine")
    func precede() {
        #expect(TestRubric.findings("verify", "agent: your balance is 50 EUR").map(\.status) == [.premature])
        #expect(TestRubric.findings("verify", "agent: please confirm your email\ncustomer: a@b.c\nagent: your balance is 50").isEmpty)
    }

    @Test("fact: values are converted to the fact's unit and checked against the range or set")
    func fact() {
        let wrong = TestRubric.findings("withdrawal", "agent: withdrawals take 7 days, sometimes 96 hours, usually 48 hours")
        #expect(wrong.map(\.text) == ["7 days", "96 hours"])
        #expect(wrong[0].status == .incorrect)
        #expect(wrong[0].message == "7 days is not 24–72 hours")
        #expect(TestRubric.findings("withdrawal", "agent: within 2 days").isEmpty)
        #expect(TestRubric.findings("withdrawal", "agent: вывод до 5 дней", language: "ru").map(\.text) == ["5 дней"])
        #expect(TestRubric.findings("wagering", "agent: wagering is x40, I mean 35x").map(\.text) == ["x40"])
    }

    @Test("timing: late first replies, and unverifiable without times — never a silent pass")
    func timing() {
        #expect(TestRubric.findings("sla", "[00:00] customer: hi\n[06:10] agent: hello").map(\.message) == ["first reply after 370 s"])
        #expect(TestRubric.findings("sla", "[00:00] customer: hi\n[04:10] agent: hello").isEmpty)
        #expect(TestRubric.findings("sla", "customer: hi\nagent: hello").map(\.status) == [.unverifiable])
        #expect(TestRubric.findings("sla", "[00:00] customer: hi\n[00:30] customer: hello??").map(\.status) == [.late])
    }

    @Test("a rule hitting the match limit gives an error finding for that conversation, and the others still run")
    func matchLimitIsAnErrorFinding() throws {
        let yaml = TestRubric.yaml.replacingOccurrences(of: #"en: ['\bnot my problem\b', '\buseless\b']"#, with: #"en: ['(\w+\s?)+$']"#)
        let rubric = try RubricLoader.parse(yaml: yaml, path: "t.yaml")
        var limits = MatchLimits()
        limits.matchLimit = 5_000
        let example = RuleExample(expectation: .flag, text: "agent: " + String(repeating: "word ", count: 300) + "!\nagent: hello",
                                  language: "en", channel: .chat, line: 0)
        let findings = RubricEvaluator(rubric: rubric).evaluate(ExampleTranscript.conversation(example), matcher: Matcher(limits: limits),
                                                                only: ["rude", "greet"])
        #expect(findings.map(\.status) == [.error, .late])
        #expect(findings[0].message.contains("match limit exceeded"))
    }

    @Test("rules apply only to their channels and to languages they have patterns for")
    func scope() throws {
        let yaml = TestRubric.yaml.replacingOccurrences(of: "  - id: greet\n    kind: require", with: "  - id: greet\n    channels: [call]\n    kind: require")
        let rubric = try RubricLoader.parse(yaml: yaml, path: "t.yaml")
        let example = RuleExample(expectation: .flag, text: "agent: what", language: "en", channel: .chat, line: 0)
        #expect(RubricEvaluator(rubric: rubric).evaluate(ExampleTranscript.conversation(example), matcher: Matcher(), only: ["greet"]).isEmpty)
    }
}

@Suite("Evaluation groups: a rule runs over a group of conversations at a time")
struct EvaluationGroupTests {
    @Test("at most batchSize conversations and groupTextBytes of turn text a group; a huge conversation alone; order kept")
    func bounded() {
        func conversation(_ id: String, bytes: Int) -> Conversation {
            var c = ExampleTranscript.conversation(RuleExample(expectation: .pass, text: "customer: hi", language: "en", channel: .chat, line: 0))
            c.turns[0].text = String(repeating: "a", count: bytes)
            c.externalID = id
            return c
        }
        let small = (0..<300).map { conversation("s\($0)", bytes: 10) }
        #expect(RubricEvaluator.groups(small) { $0 }.map(\.count) == [128, 128, 44])
        let big = RubricEvaluator.groupTextBytes / 2 + 1
        let mixed = [conversation("a", bytes: big), conversation("b", bytes: big), conversation("c", bytes: 3 * big), conversation("d", bytes: 10)]
        #expect(RubricEvaluator.groups(mixed) { $0 }.map { $0.map(\.externalID) } == [["a"], ["b"], ["c"], ["d"]])
    }
}

@Suite("last: {turns: N, by_channel: {…}}")
struct LastByChannelTests {
    func rubric(_ last: String) throws -> Rubric {
        try RubricLoader.parse(yaml: """
            rubric: t
            version: 1
            languages: [en]
            criteria: [{id: closing, title: Closes, weight: 1}]
            rules:
              - {id: close, kind: require, criterion: closing, severity: minor, message: no closing, speaker: agent, last: \(last), patterns: {en: ['\\bbye\\b']}}
            """, path: "t.yaml")
    }

    @Test("an e-mail must close in its last mail; a chat in its last two turns")
    func perChannel() throws {
        let r = try rubric("{turns: 2, by_channel: {email: 1}}")
        func found(_ channel: Channel) -> [String] {
            let example = RuleExample(expectation: .flag, text: "customer: hi\nagent: done, bye\ncustomer: one more\nagent: yes it is", language: "en", channel: channel, line: 0)
            return RubricEvaluator(rubric: r).evaluate(ExampleTranscript.conversation(example), matcher: Matcher()).map(\.rule)
        }
        #expect(found(.chat).isEmpty)
        #expect(found(.email) == ["close"])
        #expect(RuleExplanation.explain(r.rules[0], in: r).contains("last 2 turns (1 turn in email)"))
        #expect { try rubric("{turns: 2, by_channel: {fax: 1}}") } throws: { "\($0)".contains("'fax' is not a channel") }
    }
}
