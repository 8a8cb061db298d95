import Testing
@testable import PitbossKit

@Suite("A rule's message with its placeholders filled in")
struct RuleMessageTests {
    func rule(_ message: String) throws -> Rule {
        try RubricLoader.parse(yaml: """
            rubric: t
            version: 1
            languages: [en]
            criteria: [{id: c, title: C, weight: 1}]
            rules:
              - {id: r, kind: forbid, criterion: c, severity: minor, message: '\(message)', patterns: {en: ['\\\\bfoo\\\\S*']}}
            """, path: "t.yaml").rules[0]
    }

    @Test("known names are filled once; unknown names, doubled and unclosed braces stay as written", arguments: [
        ("Said {match}.", "Said foo."),
        ("{{match}}", "{foo}"),
        ("{unknown} {match}", "{unknown} foo"),
        ("Said {match}. Note: use {braces", "Said foo. Note: use {braces"),
        ("a } b {match", "a } b {match"),
        ("no placeholder", "no placeholder"),
        ("🎰 {match} 🎰", "🎰 foo 🎰"),
    ])
    func filled(message: String, expected: String) throws {
        #expect(try rule(message).message(["match": "foo"]) == expected)
    }

    @Test("a value that holds a placeholder is not filled in again")
    func notRecursive() throws {
        #expect(try rule("{match} / {value}").message(["match": "{value}", "value": "7"]) == "{value} / 7")
    }
}
