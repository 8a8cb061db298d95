import Foundation
import Testing
@testable import PitbossKit

/// The test rubric with its script rule's steps bounded: greet in the first 60 seconds, close in the last turn.
private func boundedScript() throws -> Rubric {
    let yaml = TestRubric.yaml
        .replacingOccurrences(of: #"- {id: greet, patterns: {any: ['\bhello\b|здравствуйте']}}"#,
                              with: #"- {id: greet, patterns: {any: ['\bhello\b|здравствуйте']}, within: {seconds: 60}}"#)
        .replacingOccurrences(of: #"- {id: close, patterns: {any: ['\bbye\b|до свидания']}}"#,
                              with: #"- {id: close, patterns: {any: ['\bbye\b|до свидания']}, last: {turns: 1}}"#)
    #expect(yaml != TestRubric.yaml)
    return try RubricLoader.parse(yaml: yaml, path: "t.yaml")
}

private func evaluate(_ rubric: Rubric, _ text: String, only: Set<String>? = nil, channel: Channel = .chat) -> (findings: [Finding], evidence: [Evidence]) {
    let example = RuleExample(expectation: .flag, text: text, language: "en", channel: channel, line: 0)
    return RubricEvaluator(rubric: rubric).evaluateWithEvidence(ExampleTranscript.conversation(example), matcher: Matcher(), only: only)
}

@Suite("Sequence steps bounded in time or turns")
struct BoundedStepTests {
    @Test("a step said after its deadline is late, citing the words; one outside its last turns is absent")
    func late() throws {
        let rubric = try boundedScript()
        let onTime = evaluate(rubric, "[00:00] customer: hi\n[00:20] agent: hello, how can i help?\n[01:30] agent: done, bye", only: ["script"])
        #expect(onTime.findings.isEmpty)
        let slow = evaluate(rubric, "[00:00] customer: hi\n[02:00] agent: hello, how can i help?\n[03:00] agent: done, bye", only: ["script"])
        #expect(slow.findings.map(\.status) == [.late])
        #expect(slow.findings.first?.text == "hello" && slow.findings.first?.turn == 1)
        #expect(slow.findings.first?.message.contains("(said late: \"hello\")") == true)
        let byeTooEarly = evaluate(rubric, "[00:00] customer: hi\n[00:20] agent: hello, how can i help? bye\n[01:00] agent: anything more?", only: ["script"])
        #expect(byeTooEarly.findings.map(\.status) == [.absent])
    }

    @Test("a step bounded in seconds on a conversation without times is unverifiable, never a silent pass")
    func untimed() throws {
        let found = evaluate(try boundedScript(), "customer: hi\nagent: hello, how can i help? bye", only: ["script"]).findings
        #expect(found.map(\.status) == [.unverifiable])
    }

    @Test("within and last together are refused for a step, saying where")
    func both() {
        let yaml = TestRubric.yaml.replacingOccurrences(of: #"- {id: close, patterns: {any: ['\bbye\b|до свидания']}}"#,
                                                        with: #"- {id: close, patterns: {any: ['\bbye\b']}, within: {turns: 1}, last: {turns: 1}}"#)
        #expect { try RubricLoader.parse(yaml: yaml, path: "t.yaml") } throws: { "\($0)".contains("cannot be given together") }
    }
}

@Suite("Evidence for passes: the words that met each rule")
struct EvidenceTests {
    @Test("require, sequence, respond, precede and fact record what met them; forbid records nothing")
    func kinds() {
        let result = evaluate(TestRubric.rubric, """
            customer: I lost everything
            agent: hello, how can i help? you can set a deposit limit here
            customer: what is my balance
            agent: please confirm your email first
            customer: jo@example.com
            agent: thanks, your balance is 40. withdrawals take 48 hours. bye
            """, channel: .call)
        #expect(result.findings.map(\.rule) == ["sla"])  // untimed: unverifiable, the only finding
        let cited = Dictionary(grouping: result.evidence, by: \.rule).mapValues { $0.map { "\($0.what)=\($0.text)@\($0.turn)" } }
        #expect(cited["greet"] == ["=hello@1"])
        #expect(cited["script"] == ["greet=hello@1", "help=how can i help@1", "close=bye@5"])
        #expect(cited["rg"] == ["response to turn 1=deposit limit@1"])  // the first turn, counted from 1
        #expect(cited["verify"] == ["before=confirm your email@3"])
        #expect(cited["withdrawal"] == ["within policy: 24–72 hours=48 hours@5"])
        #expect(cited["rude"] == nil)
    }

    @Test("a flag run evaluates without recording evidence; the findings are the same either way")
    func sameFindings() {
        let text = "customer: hi\nagent: what do you want\nagent: hello, not my problem"
        let example = RuleExample(expectation: .flag, text: text, language: "en", channel: .chat, line: 0)
        let plain = RubricEvaluator(rubric: TestRubric.rubric).evaluate(ExampleTranscript.conversation(example), matcher: Matcher())
        #expect(plain == evaluate(TestRubric.rubric, text).findings)
    }

    @Test("check --format json lists the passes beside the findings, each key present")
    func json() throws {
        let result = evaluate(TestRubric.rubric, "customer: hi\nagent: hello")
        let text = FindingsView.json([FindingsView.Checked(conversation: "c", agent: "a", language: "en", channel: "chat",
                                                           findings: result.findings, passes: result.evidence)])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        let pass = try #require((object.first?["passes"] as? [[String: Any]])?.first)
        #expect(Set(pass.keys) == ["rule", "criterion", "what", "agent", "turn", "start", "end", "text"])
        #expect(pass["rule"] as? String == "greet" && pass["text"] as? String == "hello")
    }
}

@Suite("Participants: bystanders, transfers")
struct ParticipantTests {
    @Test("a bystander's words (role other) are never the agent's, and never the customer's trigger")
    func bystander() {
        #expect(TestRubric.findings("rude", "customer: hi\nother: this is useless\nagent: hello") == [])
        #expect(TestRubric.findings("rg", "other: he lost everything\nagent: hello") == [])
        #expect(SpeakerRole(roleWord: "bystander") == .other && SpeakerRole(roleWord: "Interpreter") == .other)
    }

    @Test("after a transfer, a finding on a turn is charged to the agent who spoke it")
    func transfer() throws {
        var conversation = ExampleTranscript.conversation(RuleExample(expectation: .flag, text: "customer: hi\nagent: hello\nagent: not my problem",
                                                                      language: "en", channel: .chat, line: 0))
        conversation.turns[2].agentID = "en.second"
        let found = RubricEvaluator(rubric: TestRubric.rubric).evaluate(conversation, matcher: Matcher(), only: ["rude"])
        #expect(found.map(\.agent) == ["en.second"])
    }
}

@Suite("Sequence: report_missing")
struct SequenceReportMissingTests {
    @Test("with report_missing: false a missing step is left to the rules that own it; a step out of order is still a finding")
    func orderOnly() throws {
        let yaml = TestRubric.yaml.replacingOccurrences(of: "    message: \"step {step}\"\n    steps:",
                                                        with: "    message: \"step {step}\"\n    report_missing: false\n    steps:")
        #expect(yaml != TestRubric.yaml)
        let rubric = try RubricLoader.parse(yaml: yaml, path: "t.yaml")
        #expect(evaluate(rubric, "customer: hi\nagent: hello, it is done. bye", only: ["script"]).findings.isEmpty)
        #expect(evaluate(rubric, "customer: hi\nagent: bye\nagent: hello, how can i help", only: ["script"]).findings.map(\.status) == [.outOfOrder])
        #expect(RuleExplanation.explain(rubric.rule("script")!, in: rubric).contains("A missing step is not reported here"))
        // By default a missing step is a finding.
        #expect(evaluate(TestRubric.rubric, "customer: hi\nagent: hello, it is done. bye", only: ["script"]).findings.map(\.status) == [.absent])
    }
}
