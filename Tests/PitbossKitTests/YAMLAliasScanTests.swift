import Testing
@testable import PitbossKit

@Suite("Anchors and aliases are refused before YAML is parsed: an alias bomb cannot hang the loader")
struct YAMLAliasScanTests {
    @Test("found where YAML reads them: a value, a sequence entry, a flow collection, a complex key", arguments: [
        ("a: &x 1\nb: *x\n", 1, 4),
        ("list:\n  - *x\n", 2, 5),
        ("a: [1, *x]\n", 1, 8),
        ("a: {k: &x v}\n", 1, 8),
        ("facts: {? *i : {min: 1}}\n", 1, 11),
        ("b: *x\n", 1, 4),
    ])
    func found(text: String, line: Int, column: Int) {
        let hit = YAMLAliasScan.first(in: text)
        #expect(hit?.line == line && hit?.column == column, "\(String(describing: hit))")
    }

    @Test("not where they are text: quotes, block scalars, comments, the middle of a plain scalar", arguments: [
        "p: ['\\bfoo.*bar', \"&amp; *x\"]\n",
        "examples:\n  - flag: |\n      agent: *sigh* ok\n      customer: &then\nnext: 1\n",
        "a: 1 # *x and &y\n",
        "text: hello, *world and R&D\n",
        "pattern: x*y\n",
        "multi: \"line one\n  *still quoted\"\n",
    ])
    func notFound(text: String) {
        #expect(YAMLAliasScan.first(in: text) == nil)
    }

    @Test("a billion-laughs rubric is refused at its first anchor, at once")
    func bomb() throws {
        var text = "rubric: x\nversion: 1\nlanguages: [en]\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1..<9 { text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n" }
        text += "facts: {? *a8 : {min: 1}}\n"
        #expect { try RubricLoader.parse(yaml: text, path: "bomb.yaml") } throws: { error in
            (error as? RubricLoadError)?.problems.first.map { $0.line == 4 && $0.message.contains("anchors and aliases") } == true
        }
        #expect { try WorkspaceConfig.parse(yaml: "timezone: &z UTC\nrubric: *z\n", path: "pitboss.yaml") } throws: { error in
            (error as? PitbossError)?.message.contains("pitboss.yaml:1:11: anchors and aliases") == true
        }
    }
}
