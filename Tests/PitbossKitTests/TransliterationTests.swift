import Foundation
import Testing
@testable import PitbossKit

@Suite("Transliterated Russian and Greeklish")
struct TransliterationTests {
    func reading(_ text: String, _ language: String) -> String? {
        Transliteration.nativeReading(of: text, language: language).map { String(String.UnicodeScalarView($0.map(\.scalar))) }
    }

    @Test("a turn written mostly in Latin letters reads in the native script by the informal schemes", arguments: [
        ("chitaite vnimatelnee", "ru", "читаите внимателнее"),
        ("ya zhe pisal, shchas", "ru", "я же писал, щас"),
        ("eprepe na diavasete", "el", "επρεπε να διαβασετε"),
        ("8elw ta lefta mou, 8 euro", "el", "θελω τα λεφτα μου, 8 ευρο"),
    ])
    func readings(_ text: String, _ language: String, _ expected: String) {
        #expect(reading(text, language) == expected)
    }

    @Test("a turn in the native script, or a language without a scheme, has no second reading")
    func noReading() {
        #expect(reading("Здравствуйте, Lucky Seven на связи", "ru") == nil)
        #expect(reading("merhaba, cekimim nerede", "tr") == nil)
        #expect(reading("ok", "ru") == nil)  // too few letters to say
    }

    @Test("matched in its native reading, a match cites the Latin words as the turn has them")
    func spans() throws {
        let text = MatchableText("Chitaite VNIMATELNEE, pozhaluista", fold: true, transliterating: "ru")
        let pattern = try CompiledPattern(TextFolding.foldPattern("читайте\\s+внимательн\\w*", phonetic: true))
        let range = try #require(try Matcher().matches(pattern, in: String(decoding: text.bytes, as: UTF8.self)).first)
        #expect(text.originalText(text.codePoints(range)) == "Chitaite VNIMATELNEE")
    }

    @Test("phonetic folds make the letters transliteration cannot tell apart equal, in text and patterns alike")
    func phonetic() {
        #expect(TextFolding.foldPattern("читайте, вы, это, объём", phonetic: true) == "читаите, ви, ето, обем")
        #expect(TextFolding.foldPattern("πρόβλημα σου, ώρες", phonetic: true) == "προβλιμα σοι, ορεσ")
        #expect(TextFolding.foldPattern("читайте") == "читайте")  // without transliterate, й stays й
    }

    @Test("a rubric with transliterate: true matches translit with its Cyrillic patterns; without it, it does not")
    func rubric() throws {
        func rubric(_ transliterate: Bool) throws -> Rubric {
            try RubricLoader.parse(yaml: """
                rubric: t
                version: 1
                languages: [ru]
                transliterate: \(transliterate)
                criteria: [{id: courtesy, title: Courteous, weight: 1}]
                rules:
                  - {id: blame, kind: forbid, criterion: courtesy, severity: major, message: "{match}", patterns: {ru: ['\\bчитайте\\s+внимательн\\w*']}}
                """, path: "t.yaml")
        }
        let example = RuleExample(expectation: .flag, text: "customer: kogda?\nagent: chitaite vnimatelnee", language: "ru", channel: .chat, line: 0)
        let conversation = ExampleTranscript.conversation(example)
        #expect(RubricEvaluator(rubric: try rubric(true)).evaluate(conversation, matcher: Matcher()).map(\.text) == ["chitaite vnimatelnee"])
        #expect(RubricEvaluator(rubric: try rubric(false)).evaluate(conversation, matcher: Matcher()).isEmpty)
    }

    @Test("an exception found in one reading of a translit turn cancels the match of the same words in the other")
    func exceptionAcrossReadings() throws {
        let rubric = try RubricLoader.parse(yaml: """
            rubric: t
            version: 1
            languages: [ru]
            transliterate: true
            criteria: [{id: rg, title: Safer gambling, weight: 1}]
            rules:
              - id: cant-stop
                kind: forbid
                criterion: rg
                severity: major
                message: "{match}"
                speaker: customer
                patterns: {ru: ['\\bne\\s+mogu\\s+ostanovit\\w*']}
                exceptions: {ru: ['\\bне\\s+могу\\s+остановиться\\s+смеяться']}
            """, path: "t.yaml")
        func found(_ text: String) -> [String?] {
            let example = RuleExample(expectation: .flag, text: "customer: \(text)\nagent: ok", language: "ru", channel: .chat, line: 0)
            return RubricEvaluator(rubric: rubric).evaluate(ExampleTranscript.conversation(example), matcher: Matcher()).map(\.text)
        }
        // The Latin pattern matches the words as written; the Cyrillic exception matches the same words read natively.
        #expect(found("ya ne mogu ostanovit'sya smeyat'sya s vashego rolika").isEmpty)
        #expect(found("ya ne mogu ostanovit'sya igrat") == ["ne mogu ostanovit"])
    }

    /// A Russian rubric with `transliterate: true` and the given rules; what it finds in an agent's turn.
    func translitFindings(_ rules: String, agent text: String) throws -> [String?] {
        let rubric = try RubricLoader.parse(yaml: """
            rubric: t
            version: 1
            languages: [ru]
            transliterate: true
            criteria: [{id: courtesy, title: Courteous, weight: 1}]
            rules:
            \(rules)
            """, path: "t.yaml")
        let example = RuleExample(expectation: .flag, text: "customer: hi\nagent: \(text)", language: "ru", channel: .chat, line: 0)
        return RubricEvaluator(rubric: rubric).evaluate(ExampleTranscript.conversation(example), matcher: Matcher()).map(\.text)
    }

    @Test("the two readings of a translit turn: one finding for the same words, and nothing runs from one into the other")
    func readingsKeptApart() throws {
        let rules = """
              - {id: brush-off, kind: forbid, criterion: courtesy, severity: major, message: "{match}", patterns: {ru: ['\\bne\\s+moya\\s+problema\\b', '\\bэто\\s+не\\s+моя\\s+проблема\\b']}}
              - {id: cant-stop, kind: forbid, criterion: courtesy, severity: major, message: "{match}", patterns: {ru: ['\\bne\\s+mogu\\s+ostanovit\\w*']}, exceptions: {ru: ['\\bostanovit\\w*[^?]{0,6}']}}
            """
        #expect(try translitFindings(rules, agent: "Eto ne moya problema") == ["ne moya problema"])
        // The exception reaches past the end of the words as written: it is cut there, and still cancels.
        #expect(try translitFindings(rules, agent: "ya ne mogu ostanovitsya").isEmpty)
        // A condition's partner comes from the match's own reading: "ty" of the native reading is not near "glupyi".
        let nearYou = """
              - {id: insult, kind: forbid, criterion: courtesy, severity: major, message: "{match}", patterns: {ru: [{match: '\\bглуп\\w*', to_player: true, words: 2}]}}
            """
        #expect(try translitFindings(nearYou, agent: "glupyi server opyat ne rabotaet segodnya, sorry, ну ты").isEmpty)
    }

    @Test("a soft sign that phonetic folding drops is still cited with its word")
    func droppedLetterCited() throws {
        let text = MatchableText("Ну ты и тупишь, читать умеешь?", fold: true, transliterating: "ru")
        let pattern = try CompiledPattern(TextFolding.foldPattern("тупишь|читать\\s+умеешь", phonetic: true))
        let cited = try Matcher().matches(pattern, in: String(decoding: text.bytes, as: UTF8.self))
            .map { text.originalText(text.codePoints($0)) }
        #expect(cited == ["тупишь", "читать умеешь"])
    }

    @Test("transliterate needs normalize")
    func needsNormalize() {
        #expect {
            try RubricLoader.parse(yaml: "rubric: t\nversion: 1\nlanguages: [ru]\nnormalize: false\ntransliterate: true\ncriteria: []\nrules: []\n", path: "t.yaml")
        } throws: { "\($0)".contains("'transliterate: true' needs 'normalize: true'") }
    }
}
