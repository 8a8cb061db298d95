import Foundation
import GRDB
import Testing
@testable import PitbossKit

/// What a rubric author needs beyond lint: why an example failed, what a pattern matches after folding, and which
/// version and language of a rule reviewers disagree with.
@Suite("The rubric author's tools")
struct RubricAuthorTests {
    static let yaml = #"""
        rubric: why
        version: 1
        languages: [en]
        criteria:
          - {id: courtesy, title: Courtesy, weight: 2}
          - {id: greeting, title: Greeting, weight: 1}
        rules:
          - id: rude
            kind: forbid
            criterion: courtesy
            severity: major
            message: "rude: {match}"
            patterns: {en: ['\bnot my problem\b', {match: '\bidiot\b', near: '\byou\b', words: 2}]}
            exceptions: {en: ['\bnot my problem to solve\b']}
            examples:
              - flag: |
                  customer: hi
                  agent: that is not my problem to solve
              - flag: |
                  customer: not my problem
                  agent: ok
              - flag: |
                  customer: hi
                  agent: the idiot server again, sorry
              - flag: |
                  customer: hi
                  agent: Ça NE me regarde pas
          - id: greet
            kind: require
            criterion: greeting
            severity: minor
            message: "no greeting"
            patterns: {en: ['\bhello\b']}
            examples:
              - flag: |
                  customer: hi
                  agent: hello there
        """#

    func failures() throws -> [RubricTester.Failure] {
        let rubric = try RubricLoader.parse(yaml: Self.yaml, path: "why.yaml", contentHash: "why")
        return RubricTester(rubric: rubric).run().failures
    }

    @Test("a failed example says why: the exception that undid a match, the speaker the rule does not listen to, the unmet condition, the text as folded, what met a requirement")
    func whyAnExampleFailed() throws {
        let failures = try failures()
        let asWritten = failures.filter { !$0.repeatsAsWritten }
        #expect(asWritten.count == 5)
        #expect(failures.filter(\.repeatsAsWritten).count == 10)  // the variants that failed the same way say so in one line
        let why = Dictionary(uniqueKeysWithValues: asWritten.map { ($0.example.line, $0.why) })
        #expect(why[16] == ["pattern \\bnot my problem\\b matched “not my problem” in turn 2 (agent), but the exception \\bnot my problem to solve\\b matched “not my problem to solve” there"])
        #expect(why[19]?.first == "“not my problem” in turn 1 matches, but the customer said it: the rule listens to the agent")
        #expect(why[19]?.contains("turn 2 (agent) as the patterns see it: “ok”") == true)
        #expect(why[22] == ["pattern \\bidiot\\b matched “idiot” in turn 2 (agent), but its conditions did not hold (near \\byou\\b within 2 words)"])
        #expect(why[25]?.first == "no pattern of the rule matched in the turns it listens to (the agent); its en patterns: \\bnot my problem\\b  \\bidiot\\b")
        #expect(why[25]?.last == "turn 2 (agent) as the patterns see it: “ca NE me regarde pas”")  // ASCII case is left to the caseless match
        #expect(asWritten.last?.why == ["pattern \\bhello\\b matched “hello” in turn 2 (agent)", "the rule was met by “hello” in turn 2"])
        #expect(asWritten[0].description.contains("    why:\n      pattern \\bnot my problem\\b"))
    }

    @Test("rubric try folds the pattern and the text as the rubric does: accents and case, and a transliterated reading")
    func patternTrial() throws {
        let naive = try PatternTrial.run(pattern: #"\bnaïve\b"#, text: "Don't be NAIVE", language: "en")
        #expect(naive.compiledPattern == #"\bnaive\b"#)
        #expect(naive.matches == [PatternTrial.Match(words: "NAIVE", start: 9, end: 14, inNativeReading: false)])
        #expect(try PatternTrial.run(pattern: #"\bnaïve\b"#, text: "Don't be NAIVE", language: "en", normalize: false).matches.isEmpty)
        #expect(try PatternTrial.run(pattern: "NAIVE", text: "naive", language: "en", caseSensitive: true).matches.isEmpty)

        let translit = try PatternTrial.run(pattern: #"\bидиот\b"#, text: "ty idiot", language: "ru", transliterate: true)
        #expect(translit.nativeReading == "ти идиот")
        #expect(translit.matches == [PatternTrial.Match(words: "idiot", start: 3, end: 8, inNativeReading: true)])
        #expect(translit.render(style: .plain).contains("and read as  “ти идиот”"))

        let error = #expect(throws: PitbossError.self) { try PatternTrial.run(pattern: "(", text: "x", language: nil) }
        #expect(error?.code == .badInput)
        #expect(error?.message.contains("missing closing parenthesis at offset 1") == true)
        #expect(try PatternTrial.run(pattern: "x?", text: "abc", language: nil).canMatchEmpty)
    }

    @Test("precision per rule, version and language, with Wilson's interval and counts too few to trust marked")
    func precisionSplit() throws {
        let database = try PitbossDatabase.inMemory()
        let scratch = Scratch()
        let lines = (0..<40).map { Fixture.canonicalLine(id: "c-\($0)", language: $0 < 30 ? "en" : "ru") }
        let path = scratch.write("c.jsonl", lines.joined(separator: "\n") + "\n")
        _ = try TranscriptImporter(store: ConversationStore(database: database), schedule: .standard, options: ImportOptions()).run(paths: [path])
        try database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO flag_runs (id, rubric_name, rubric_version, rubric_hash, rubric_path, selection, started_by, started_at)
                VALUES (1, 'cs', '1', 'h1', 'cs.yaml', '{}', 'qa', '2026-11-01T00:00:00Z'), (2, 'cs', '2', 'h2', 'cs.yaml', '{}', 'qa', '2026-11-10T00:00:00Z')
                """)
            // Version 1 on c-0…c-19 (en): 15 confirmed, 5 dismissed. Version 2 on c-20…c-29 (en): 2 confirmed, 8 dismissed; on the
            // ru ones: 1 confirmed.
            for i in 0..<40 {
                let (run, hash) = i < 20 ? (1, "h1") : (2, "h2")
                let verdict: String? = i < 15 ? "confirmed" : i < 20 ? "dismissed" : i < 22 ? "confirmed" : i < 30 ? "dismissed" : i == 30 ? "confirmed" : nil
                try db.execute(sql: """
                    INSERT INTO findings (conversation_id, run_id, rubric_name, rubric_hash, rule_id, criterion, severity, status, message, verdict)
                    SELECT id, ?, 'cs', ?, 'rude', 'courtesy', 'major', 'found', 'rude', ? FROM conversations WHERE external_id = ?
                    """, arguments: [run, hash, verdict, "c-\(i)"])
            }
        }
        let rows = try RulePrecision.fetch(from: database)
        #expect(rows.map { "\($0.version ?? "") \($0.language ?? "") \($0.findings) \($0.confirmed)/\($0.judged)" } == ["1 en 20 15/20", "2 en 10 2/10", "2 ru 10 1/1"])
        #expect(rows.map(\.tooFew) == [false, true, true])
        #expect(abs((rows[0].lower ?? 0) - 0.5313) < 0.001 && abs((rows[0].upper ?? 0) - 0.8881) < 0.001)  // Wilson, 15 of 20
        let table = RulePrecision.render(rows, format: .table, style: .plain)
        #expect(table.contains("75 % (53–89 %)"))
        #expect(table.contains("20 % (6–51 %) few"))
        #expect(table.contains("few: fewer than 20 findings judged"))
        let byRule = try RulePrecision.fetch(from: database, split: RulePrecision.Split(byVersion: false, byLanguage: false))
        #expect(byRule.map { "\($0.findings) \($0.confirmed)/\($0.judged)" } == ["40 18/31"])
        #expect(RulePrecision.render(byRule, format: .csv, style: .plain).hasPrefix("rubric,rule,version,language,findings,confirmed,dismissed,precision,lower,upper,too_few\r\n"))
    }
}
