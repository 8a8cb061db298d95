import Foundation
import Testing

@Suite("pitboss rubric and check, end to end")
struct RubricCommandTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url) }
    static let shipped = Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path

    @Test("the shipped rubric lints clean and all its examples pass, with variants")
    func shippedRubric() throws {
        let lint = try pitboss.run("rubric", "lint", Self.shipped)
        #expect(lint.status == 0, "\(lint.stderr)")
        #expect(lint.stdout.contains("ok — casino-support"))
        let test = try pitboss.run("rubric", "test", Self.shipped)
        #expect(test.status == 0, "\(test.stdout)")
        #expect(test.stdout.contains(" 0 failed"))
    }

    @Test("lint reports every problem with file:line:column and exits 65")
    func lintProblems() throws {
        let path = workspace.write("bad.yaml", """
            rubric: bad
            version: 1
            languages: [en]
            criteria: [{id: courtesy, title: Courtesy, weight: 1}]
            rules:
              - id: a
                kind: forbid
                criterion: politeness
                severity: major
                message: m
                patterns: {en: ['(oops']}
            """)
        let run = try pitboss.run("rubric", "lint", path)
        #expect(run.status == 65)
        #expect(run.stderr.contains("\(path):8:16: rule a: criterion 'politeness' is not defined"))
        #expect(run.stderr.contains("\(path):11:21: rule a: 'rules[0].patterns.en[0]' does not compile: missing closing parenthesis"))
        #expect(run.stderr.contains("2 problems; the rubric was not loaded"))
    }

    @Test("test prints a failing example with what was found, and exits 1")
    func failingExample() throws {
        let path = workspace.write("r.yaml", """
            rubric: r
            version: 1
            languages: [en]
            criteria: [{id: courtesy, title: Courtesy, weight: 1}]
            rules:
              - id: rude
                kind: forbid
                criterion: courtesy
                severity: major
                message: "rude: {match}"
                patterns: {en: ['^not my problem']}
                examples:
                  - flag: "agent: not my problem"
            """)
        let run = try pitboss.run("rubric", "test", path)
        #expect(run.status == 1)
        // Anchored at the start of the turn: the multibyte-prefix and embedded variants catch it.
        #expect(run.stdout.contains("FAIL rule rude, example at line 13 (flag, en, multibyte prefix): expected the rule to flag this, it did not"))
        #expect(run.stdout.contains("3 runs with variants: 1 passed, 2 failed"))
    }

    @Test("explain and patterns describe the shipped rubric")
    func explainAndPatterns() throws {
        let explain = try pitboss.run("rubric", "explain", Self.shipped, "agent-insult")
        #expect(explain.status == 0)
        #expect(explain.stdout.hasPrefix("agent-insult — forbid, major, criterion courtesy"))
        #expect(explain.stdout.contains("addressed to the player (a second-person word within 3 words)"))
        let unknown = try pitboss.run("rubric", "explain", Self.shipped, "nope")
        #expect(unknown.status == 64)
        let patterns = try pitboss.run("rubric", "patterns", Self.shipped)
        #expect(patterns.status == 0)
        #expect(patterns.stdout.split(separator: "\n").count > 100)
    }

    @Test("check a transcript file: findings with the matched words marked, as text and JSON; nothing stored")
    func check() throws {
        let file = workspace.write("chat.txt", """
            # channel: chat
            # language: en
            # agent: en.kevin
            # date: 2026-11-21
            [22:00:00] Customer: where is my withdrawal
            [22:01:00] Agent Kevin: read the rules yourself, not my problem
            """)
        let text = try pitboss.run("check", file, "--rubric", Self.shipped)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("agent: read the rules yourself, »not my problem«"))
        let json = try pitboss.run("check", file, "--rubric", Self.shipped, "--format", "json")
        let checked = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let findings = try #require(checked.first?["findings"] as? [[String: Any]])
        let rude = try #require(findings.first { $0["text"] as? String == "not my problem" })
        #expect(rude["rule"] as? String == "agent-brush-off")
        let passes = try #require(checked.first?["passes"] as? [[String: Any]])
        #expect(passes.isEmpty)  // no greeting, no closing: nothing of the rubric was met
        #expect(rude["turn"] as? Int == 2)  // the agent's turn, the second: turns are counted from 1
        #expect(rude["start"] as? Int == 25 && rude["end"] as? Int == 39)
        #expect(!FileManager.default.fileExists(atPath: workspace.path("pitboss.sqlite")))
    }

    @Test("check measures a timed rule from the transcript's own first turn, as import does")
    func checkTimedRule() throws {
        let rubric = workspace.write("sec.yaml", #"""
            rubric: sec
            version: 1
            languages: [en]
            criteria: [{id: greeting, title: Greets, weight: 1}]
            rules:
              - {id: greet60, kind: require, criterion: greeting, severity: minor, message: "No greeting in the first minute", speaker: agent, within: {seconds: 60}, patterns: {en: ['\bhello\b']}}
            """#)
        let file = workspace.write("timed.txt", "# date: 2026-11-21\n[10:00:00] Customer: hi\n[10:00:30] Agent: hello\n")
        let checked = try pitboss.run("check", file, "--rubric", rubric, "--agent", "a", "--language", "en", "--channel", "chat")
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("no findings") && checked.stdout.contains("✓ greet60"), "\(checked.stdout)")
    }

    @Test("check on a stored conversation uses every rubric whose route takes it, as flag does, each named")
    func checkEveryRoutedRubric() throws {
        _ = workspace.write("vip.yaml", #"""
            rubric: vip-desk
            version: 1
            languages: [en]
            criteria: [{id: address, title: Addresses the VIP formally, weight: 1}]
            rules:
              - {id: formal-address, kind: require, criterion: address, severity: major, message: no formal address, speaker: agent, patterns: {en: ['\b(?:sir|madam)\b']}}
            """#)
        _ = workspace.write("pitboss.yaml", """
            rubrics:
              - {rubric: \(Self.shipped), languages: [en]}
              - {rubric: vip.yaml, channels: [chat]}
            """)
        let file = workspace.write("chat.txt", """
            # id: vip-1
            # channel: chat
            # language: en
            # agent: en.kevin
            # date: 2026-11-21
            [22:00:00] Customer: where is my withdrawal
            [22:01:00] Agent Kevin: hello, it is on its way. have a nice evening
            """)
        #expect(try pitboss.run("import", file).status == 0)
        let checked = try pitboss.run("check", "vip-1")
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("with casino-support:") && checked.stdout.contains("with vip-desk:"), "\(checked.stdout)")
        #expect(checked.stdout.contains("no formal address"), "\(checked.stdout)")
    }

    @Test("rubric try: the match after folding with the workspace rubric's settings; exit 1 without a match, 65 for a bad regex")
    func tryAPattern() throws {
        let found = try pitboss.run("rubric", "try", "--rubric", Self.shipped, #"\bidiot\b"#, "Sie IDIOT")
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stdout.contains("1 match\n  “IDIOT”  code points 4–9 of the text (from 0"))
        #expect(found.stdout.contains("(as rubric casino-support does)"))
        let none = try pitboss.run("rubric", "try", #"\bidiot\b"#, "idiotic")
        #expect(none.status == 1)
        #expect(none.stdout.contains("no match"))
        #expect(none.stdout.contains("(a rubric's defaults)"))  // no workspace rubric here
        let bad = try pitboss.run("rubric", "try", "(", "x")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("does not compile: missing closing parenthesis"))
        #expect(try pitboss.run("rubric", "precision", "--by", "shift").status == 64)
    }
}
