import Testing
@testable import PitbossKit

@Suite("Loading rubrics")
struct RubricLoaderTests {
    func problems(_ yaml: String) -> [String] {
        do {
            _ = try RubricLoader.parse(yaml: yaml, path: "r.yaml")
            return []
        } catch let error as RubricLoadError {
            return error.problems.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    let header = """
        rubric: r
        version: 1
        languages: [en, ru]
        facts: {hours: {min: 1, max: 2}}
        criteria:
          - {id: courtesy, title: Courtesy, weight: 1}
        rules:

        """

    @Test("the test rubric loads, with its hash of the rule text")
    func loads() throws {
        let rubric = TestRubric.rubric
        #expect(rubric.rules.count == 8)
        #expect(rubric.criterion("accuracy")?.critical == true)
        #expect(rubric.rule("withdrawal")?.kindName == "fact")
    }

    @Test("every problem is reported with file:line:column and the rule, not only the first")
    func everyProblem() {
        let found = problems(header + """
              - id: a
                kind: forbid
                criterion: politeness
                severity: major
                message: m
                colour: red
                patterns: {en: ['(unclosed'], ru: ['']}
              - id: a
                kind: forbid
                criterion: courtesy
                severity: huge
                message: m
                patterns: {en: ['x']}
              - id: c
                kind: fact
                criterion: courtesy
                severity: minor
                message: m
                fact: minutes
                patterns: {any: ['\\d+']}
              - id: d
                kind: teleport
                criterion: courtesy
                severity: minor
                message: m
            """)
        #expect(found.contains("r.yaml:13:5: rule a: unknown key 'rules[0].colour'; allowed here: id, kind, criterion, severity, message, description, speaker, channels, languages, patterns, exceptions, case_sensitive, examples, defer_to, skip_quoted"))
        #expect(found.contains("r.yaml:10:16: rule a: criterion 'politeness' is not defined (criteria: courtesy)"))
        #expect(found.contains { $0.hasPrefix("r.yaml:14:21: rule a: 'rules[0].patterns.en[0]' does not compile: missing closing parenthesis at offset 9") })
        #expect(found.contains("r.yaml:14:40: rule a: 'rules[0].patterns.ru[0]' is an empty pattern, which would match everywhere"))
        #expect(found.contains("r.yaml:18:15: rule a: severity 'huge' is not one of info, minor, major, critical"))
        #expect(found.contains("r.yaml:20:15: rule a: 'rules[1].patterns' has no patterns for language 'ru'; add 'ru:' or 'any:', or narrow the rule with 'languages:'"))
        #expect(found.contains("r.yaml:15:9: rule a: duplicate rule id 'a'"))
        #expect(found.contains { $0.hasPrefix("r.yaml:26:11: rule c: fact 'minutes' is not defined") })
        #expect(found.contains("r.yaml:27:22: rule c: 'rules[2].patterns.any[0]' has no (?<value>…) group for the stated value"))
        #expect(found.contains { $0.hasPrefix("r.yaml:29:11: rule d: unknown kind 'teleport'") })
        #expect(found.count == 10)
    }

    @Test("unknown top-level keys, bad YAML and bad examples are named")
    func otherProblems() {
        #expect(problems("rubric: r\nversion: 1\nlanguages: [en]\ncriteria: [{id: a, title: A, weight: 1}]\nrules: []\nrulez: []\n")
            == ["r.yaml:6:1: unknown key 'rulez'; allowed here: rubric, version, description, languages, normalize, transliterate, facts, criteria, rules"])
        #expect(problems("rubric: [unclosed\n").first?.hasPrefix("r.yaml:2:1: not valid YAML") == true)
        let bad = problems(header + """
              - id: a
                kind: forbid
                criterion: courtesy
                severity: minor
                message: m
                patterns: {any: ['x']}
                examples:
                  - flag: "dealer: hi"
                  - pass: "agent: hi"
                    flag: "agent: hi"
            """)
        #expect(bad.contains { $0.contains("examples[0]: line 1: 'dealer: hi' is not 'agent: …'") })
        #expect(bad.contains { $0.contains("examples[1] needs exactly one of 'flag' or 'pass'") })
    }
}
