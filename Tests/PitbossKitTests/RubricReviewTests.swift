import Foundation
import GRDB
import Testing
@testable import PitbossKit

/// Cases found by review of the rubric engine and flag: each one a wrong finding or a lost one.
@Suite("Rubric engine edge cases")
struct RubricReviewTests {
    @Test("text written with separate accents is folded like precomposed text, and spans cite whole characters")
    func decomposedText() throws {
        let decomposed = "Κ\u{03B1}\u{03BB}\u{03B7}\u{03C3}\u{03C0}\u{03B5}\u{0301}\u{03C1}\u{03B1} C\u{0327}ekim и\u{0306}"
        let text = MatchableText(decomposed, fold: true)
        let matcher = Matcher()
        for (pattern, expected) in [("καλησπερα", "Καλησπέρα"), ("çekim", "Çekim"), ("й", "й")] {
            let compiled = try CompiledPattern(TextFolding.foldPattern(pattern))
            let range = try #require(try matcher.matches(compiled, in: String(decoding: text.bytes, as: UTF8.self)).first)
            let cited = text.originalText(text.codePoints(range))
            #expect(cited.precomposedStringWithCanonicalMapping == expected)
        }
    }

    @Test("folding a pattern keeps character-class ranges as written and adds folded letters to classes")
    func characterClasses() throws {
        #expect(TextFolding.foldPattern("[Ѐ-ӿ]+") == "[Ѐ-ӿ]+")
        #expect(TextFolding.foldPattern("[ю-ё]") == "[ю-ё]")
        #expect(TextFolding.foldPattern("[ёЁ]") == "[ёеЁе]")
        #expect(TextFolding.foldPattern(#"\Ё[Ç]Ç"#) == #"\Ё[Çc]c"#)
        let matcher = Matcher()
        #expect(try matcher.matches(try CompiledPattern(TextFolding.foldPattern("[Ѐ-ӿ]+")), in: "код абвгд").count == 2)
    }

    @Test("stated numbers: decimal commas, thousands separators, spaces, apostrophes, digits of any script", arguments: [
        ("72", 72.0), ("1,5", 1.5), ("1.5", 1.5), ("1,000", 1000.0), ("1.000", 1000.0), ("10 000", 10000.0), ("2,50", 2.5),
        ("1,000,000", 1_000_000.0), ("0,500", 0.5), ("0.050", 0.05), ("1'000", 1000.0), ("1’000", 1000.0), ("10\u{00A0}000", 10000.0),
        ("10\u{202F}000,5", 10000.5), ("１２", 12.0), ("٤٨", 48.0), ("1,000.00", 1000.0), ("1.000,50", 1000.5), ("12,345.6", 12345.6),
    ])
    func statedNumbers(text: String, value: Double) {
        #expect(FactRule.number(text) == value)
    }

    @Test("what is not one number is not read as one", arguments: ["1 2", "1.5.3", ",", ".", "", "12 34", "00,048 0", "0 999", "1,00.0", "1.000,00.5"])
    func notNumbers(text: String) {
        #expect(FactRule.number(text) == nil)
    }

    @Test("a YAML key given twice is named with its place")
    func duplicateKeys() {
        #expect { try RubricLoader.parse(yaml: "rubric: a\nrubric: b\n", path: "d.yaml") } throws: { error in
            guard let problem = (error as? RubricLoadError)?.problems.first else { return false }
            return problem.message == "a mapping gives the key 'rubric' twice; each key may appear once" && problem.line == 1
        }
    }

    @Test("respond: a player writing several messages in a row does not use up the agent's window")
    func respondBursts() {
        #expect(TestRubric.findings("rg", """
            customer: I lost everything
            customer: my whole salary
            customer: please
            agent: I hear you.
            agent: let me set a deposit limit for you
            """).isEmpty)
        #expect(TestRubric.findings("rg", "customer: I lost everything\nagent: ok\nagent: sure\nagent: deposit limit").map(\.status) == [.noResponse])
    }

    @Test("a pattern that can match empty text, a window with turns and seconds, last.turns below 1, NaN: refused")
    func moreLoadingErrors() {
        func problems(_ replace: String, with: String) -> [String] {
            do {
                _ = try RubricLoader.parse(yaml: TestRubric.yaml.replacingOccurrences(of: replace, with: with), path: "t.yaml")
                return []
            } catch let error as RubricLoadError {
                return error.problems.map(\.message)
            } catch { return ["\(error)"] }
        }
        #expect(problems(#"'\buseless\b'"#, with: #"'\buseless\b|'"#).contains { $0.contains("can match empty text") })
        #expect(problems("within: {turns: 1}", with: "within: {turns: 1, seconds: 5}").contains { $0.contains("takes turns or seconds, not both") })
        #expect(problems("within: {turns: 1}", with: "last: {turns: -1}").contains { $0.contains("'last.turns' must be a whole number of at least 1") })
        #expect(problems("max_seconds: 300", with: "max_seconds: .nan").contains { $0.contains("must be a number") })
        #expect(problems("{id: help,", with: "{id: greet,").contains { $0.contains("step id 'greet' is given twice") })
    }
}

@Suite("Flag keeps what reviewers did, across rubrics")
struct FlagAcrossRubricsTests {
    let scratch = Scratch()
    let now = UTCTimestamp.parse("2026-11-22T08:00:00Z")!

    func database(_ line: String) throws -> PitbossDatabase {
        let database = try PitbossDatabase.inMemory()
        _ = try TranscriptImporter(store: ConversationStore(database: database), schedule: .standard, options: ImportOptions())
            .run(paths: [scratch.write("in.jsonl", line + "\n")])
        return database
    }

    func flag(_ db: PitbossDatabase, _ rubric: Rubric) throws -> FlagSummary {
        try FlagRunner(store: FlagStore(database: db), rubric: rubric, options: FlagRunner.Options()).run(now: now)
    }

    func rubric(_ hash: String, _ edit: (String) -> String = { $0 }) throws -> Rubric {
        try RubricLoader.parse(yaml: edit(TestRubric.yaml), path: "\(hash).yaml", contentHash: hash)
    }

    @Test("flag with A, then B, then A again: A's findings come back, B's do not stay")
    func switchingRubrics() throws {
        let db = try database(Fixture.canonicalLine(id: "c", turns: #"[{"speaker":"agent","at":"2026-11-21T22:04:00Z","text":"hello, how can I help? not my problem, you idiot, bye"}]"#))
        let a = try rubric("A")
        let b = try rubric("B") { $0.replacingOccurrences(of: #"'\bnot my problem\b', "#, with: #"'\bidiot\b', "#) }
        _ = try flag(db, a)
        _ = try flag(db, b)
        let again = try flag(db, a)
        #expect(again.counts.evaluated == 1)
        #expect(try FindingQuery(rule: "rude").fetch(from: db).compactMap(\.text) == ["not my problem"])
    }

    @Test("a reviewed absence stands for one new absence only: the other steps' absences are kept")
    func reviewedAbsences() throws {
        let db = try database(Fixture.canonicalLine(id: "c", turns: #"[{"speaker":"agent","at":"2026-11-21T22:04:00Z","text":"ok"}]"#))
        _ = try flag(db, try rubric("S1"))
        let absent = try FindingQuery(rule: "script").fetch(from: db)
        #expect(absent.count == 3)
        try db.writer.write { try $0.execute(sql: "UPDATE findings SET verdict = 'confirmed' WHERE id = ?", arguments: [absent[0].id]) }
        let second = try flag(db, try rubric("S2"))
        #expect(second.keptReviewed == 1)
        let after = try FindingQuery(rule: "script").fetch(from: db)
        #expect(after.count == 3)
        #expect(Set(after.map(\.message)) == ["step greet", "step help", "step close"])
        #expect(after.filter { $0.verdict == .confirmed }.map(\.id) == [absent[0].id])
    }
}
