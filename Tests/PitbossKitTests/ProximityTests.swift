import Foundation
import Testing
@testable import PitbossKit

/// A one-rule rubric around the patterns given, to test what the rule language can say.
private func forbidRubric(_ patterns: String, extra: String = "", languages: String = "[en, ru, tr, el]") throws -> Rubric {
    try RubricLoader.parse(yaml: """
        rubric: t
        version: 1
        languages: \(languages)
        normalize: true
        criteria: [{id: courtesy, title: Courteous, weight: 1, critical: false, na: false}]
        rules:
          - id: rude
            kind: forbid
            criterion: courtesy
            severity: major
            message: "rude: {match}"
            speaker: agent
        \(extra.isEmpty ? "" : "    " + extra + "\n")    patterns:
        \(patterns)
        """, path: "t.yaml")
}

/// The words each finding cites when the agent says `text` (after a customer's `customer`).
private func cited(_ rubric: Rubric, _ text: String, customer: String = "hi", language: String = "en", channel: Channel = .chat) -> [String] {
    let example = RuleExample(expectation: .flag, text: "customer: \(customer)\nagent: x", language: language, channel: channel, line: 0)
    var conversation = ExampleTranscript.conversation(example)
    conversation.turns[1].text = text  // may hold line breaks, as an e-mail does
    return RubricEvaluator(rubric: rubric).evaluate(conversation, matcher: Matcher()).compactMap(\.text)
}

@Suite("Proximity: near, before/after, not near, addressed to the player")
struct ProximityTests {
    @Test("near: the two within N words, in either order, cited from the first to the last")
    func near() throws {
        let rubric = try forbidRubric("""
                  en:
                    - {match: '\\bidiot\\b', near: '\\bcustomers?\\b', words: 2}
            """, languages: "[en]")
        #expect(cited(rubric, "What an idiot customer.") == ["idiot customer"])
        #expect(cited(rubric, "the customer is an idiot") == ["customer is an idiot"])
        #expect(cited(rubric, "the customer said the server is an idiot").isEmpty)  // four words apart
        #expect(cited(rubric, "what an idiot").isEmpty)
    }

    @Test("order: before and after say on which side the near words are")
    func ordered() throws {
        let before = try forbidRubric("""
                  en:
                    - {match: '\\bidiot\\b', near: '\\byou\\b', order: before, words: 3}
            """, languages: "[en]")
        #expect(cited(before, "you are an idiot") == ["you are an idiot"])
        #expect(cited(before, "idiot, you are").isEmpty)
        let after = try forbidRubric("""
                  en:
                    - {match: '\\bidiot\\b', near: '\\byou\\b', order: after, words: 3}
            """, languages: "[en]")
        #expect(cited(after, "idiot, you are") == ["idiot, you"])
        #expect(cited(after, "you are an idiot").isEmpty)
    }

    @Test("a long turn with thousands of matches: each one finds its own near words, once")
    func manyMatches() throws {
        let rubric = try forbidRubric("""
                  en:
                    - {match: '\\bidiot\\b', near: '\\byou\\b', order: before, words: 2}
            """, languages: "[en]")
        let text = String(repeating: "you are an idiot. the server is an idiot. ", count: 3000)
        let found = cited(rubric, text)
        #expect(found.count == 3000)
        #expect(Set(found) == ["you are an idiot"])
    }

    @Test("not near: swearing about the software is not rudeness to the player")
    func notNear() throws {
        let rubric = try forbidRubric("""
                  en:
                    - {match: '\\bstupid\\b', not_near: ['\\b(?:server|system|app)\\b'], words: 3}
            """, languages: "[en]")
        #expect(cited(rubric, "sorry, this stupid server is slow again").isEmpty)
        #expect(cited(rubric, "the system is stupid today").isEmpty)
        #expect(cited(rubric, "that was a stupid thing to do") == ["stupid"])
        // Far enough from the exception, the match stands.
        #expect(cited(rubric, "the server is up, and honestly that was a very stupid question") == ["stupid"])
    }

    @Test("to_player: a second-person word near the match, in each language")
    func toPlayer() throws {
        let rubric = try forbidRubric("""
                  en: [{match: '\\bclueless\\b', to_player: true, words: 3}]
                  ru: [{match: '\\bбестолков\\w*', to_player: true, words: 3}]
                  tr: [{match: '\\bbeceriksiz\\b', to_player: true, words: 3}]
                  el: [{match: '\\bασχετ\\w*', to_player: true, words: 3}]
            """)
        #expect(cited(rubric, "you are clueless") == ["you are clueless"])
        #expect(cited(rubric, "the new app is clueless about bonuses").isEmpty)
        #expect(cited(rubric, "Вы просто бестолковый", language: "ru") == ["Вы просто бестолковый"])
        #expect(cited(rubric, "бестолковый сервер опять упал", language: "ru").isEmpty)
        #expect(cited(rubric, "SİZ ÇOK BECERİKSİZ", language: "tr") == ["SİZ ÇOK BECERİKSİZ"])
        #expect(cited(rubric, "beceriksiz sistem yine dondu", language: "tr").isEmpty)
        #expect(cited(rubric, "Είστε εντελώς άσχετος", language: "el") == ["Είστε εντελώς άσχετος"])
        #expect(cited(rubric, "το σύστημα είναι άσχετο", language: "el").isEmpty)
        // An apology, "today" and a plural noun do not address the player.
        #expect(cited(rubric, "Извините, сервер сегодня бестолковый", language: "ru").isEmpty)
        #expect(cited(rubric, "Bugün sistem beceriksiz", language: "tr").isEmpty)
        #expect(cited(rubric, "Здравствуйте! Бестолковый бот опять завис", language: "ru").isEmpty)
        #expect(cited(rubric, "Merhaba, hoş geldiniz! Beceriksiz bot yine çöktü", language: "tr").isEmpty)
        // Another sentence's "you", a preposition, a noun in the prepositional case, "U.S.".
        #expect(cited(rubric, "Thank you. The clueless app froze") .isEmpty)
        #expect(cited(rubric, "в личном кабинете бестолковый поиск", language: "ru").isEmpty)
        #expect(cited(rubric, "σε 24 ώρες, άσχετο σύστημα", language: "el").isEmpty)
        #expect(cited(rubric, "the U.S. version is clueless").isEmpty)
        #expect(cited(rubric, "u r clueless") == ["u r clueless"])
        #expect(cited(rubric, "οι αναλήψεις είναι άσχετες", language: "el").isEmpty)
    }

    @Test("in_capitals: shouting is told from the words as written, though the pattern sees folded text")
    func inCapitals() throws {
        let rubric = try forbidRubric("""
                  en: [{match: '[^.!?\\n]{8,}', in_capitals: true}]
                  ru: [{match: '[^.!?\\n]{8,}', in_capitals: true}]
            """, languages: "[en, ru]")
        #expect(cited(rubric, "I TOLD YOU TWICE ALREADY. Have a nice day") == ["I TOLD YOU TWICE ALREADY"])
        #expect(cited(rubric, "Your KYC and ID checks are done in 48 hours.").isEmpty)
        #expect(cited(rubric, "Я ВАМ УЖЕ ДВА РАЗА НАПИСАЛ: ОТ 24 ДО 72 ЧАСОВ", language: "ru") == ["Я ВАМ УЖЕ ДВА РАЗА НАПИСАЛ: ОТ 24 ДО 72 ЧАСОВ"])
        #expect(cited(rubric, "OK!").isEmpty)
    }

    @Test("skip_quoted: words in quotation marks, quoted e-mail lines and the customer's own earlier words are not the agent's")
    func skipQuoted() throws {
        let rubric = try forbidRubric("""
                  en: ['\\buseless\\b']
            """, extra: "skip_quoted: true", languages: "[en]")
        #expect(cited(rubric, "I'm sorry you feel we are \"useless\", let me fix it").isEmpty)
        #expect(cited(rubric, "I'm sorry you feel we are «useless»").isEmpty)
        #expect(cited(rubric, "> you are all useless\nDear Tom, I am sorry to read this.").isEmpty)
        #expect(cited(rubric, "I understand you find us useless, I am sorry", customer: "you are useless").isEmpty)
        #expect(cited(rubric, "honestly, you are useless at this game", customer: "where is my money") == ["useless"])
        // An echo is of the customer's words, not of part of one: "uselessness" does not make "useless" theirs.
        #expect(cited(rubric, "honestly, you are useless at this game", customer: "the uselessness of it") == ["useless"])
        #expect(cited(rubric, "so you find us useless?", customer: "USELESS support") .isEmpty)
        #expect(cited(rubric, "so you find us useless?", customer: "you are all useless…") .isEmpty)
        #expect(cited(rubric, "so you find us useless?", customer: "«useless»!") .isEmpty)
        #expect(cited(rubric, "honestly, you are useless", customer: "bezuseless") == ["useless"])
        // Quoted is asked of the pattern's own words, not of the near words a condition adds to them.
        let addressed = try forbidRubric("""
                  en: [{match: '\\buseless\\b', to_player: true, words: 3}]
            """, extra: "skip_quoted: true", languages: "[en]")
        #expect(cited(addressed, "I'm sorry you feel we are useless", customer: "you are useless").isEmpty)
        #expect(cited(addressed, "you are useless, you say?", customer: "you are useless").isEmpty)
        #expect(cited(addressed, "you are useless", customer: "where is my money") == ["you are useless"])
        // Without skip_quoted the same words are matched.
        let plain = try forbidRubric("""
                  en: ['\\buseless\\b']
            """, languages: "[en]")
        #expect(cited(plain, "I'm sorry you feel we are \"useless\"") == ["useless"])
    }

    @Test("the loader refuses conditions that cannot mean anything, saying where", arguments: [
        ("{match: 'x+', order: before}", "needs 'near'"),
        ("{match: 'x+', near: 'y+', order: sideways}", "one of any, before, after"),
        ("{match: 'x+'}", "has no condition"),
        ("{match: 'x+', in_capitals: yes please}", "must be true or false"),
        ("{match: 'x+', near: 'y+', words: 500}", "words"),
        ("{near: 'y+'}", "missing 'rules[0].patterns.en[0].match'"),
        ("{match: 'x+', near: '(unclosed'}", "does not compile"),
        ("{match: 'x+', naer: 'y+'}", "unknown key 'rules[0].patterns.en[0].naer'"),
    ])
    func refused(_ entry: String, _ expected: String) {
        do {
            _ = try forbidRubric("      en: [\(entry)]", languages: "[en]")
            Issue.record("loaded \(entry)")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }

    @Test("to_player in a language Pitboss has no second-person words for is refused, naming the ones it has")
    func toPlayerUnknownLanguage() {
        do {
            _ = try forbidRubric("      de: [{match: 'dumm', to_player: true}]", languages: "[de]")
            Issue.record("loaded")
        } catch {
            #expect("\(error)".contains("knows the second-person words of el, en, ru, tr"), "\(error)")
        }
    }

    @Test("an exception with conditions is refused: exceptions are plain spans and would ignore them")
    func conditionalException() {
        do {
            _ = try forbidRubric("""
                      en: ['\\bidiot\\b']
                    exceptions:
                      en: [{match: '\\bnot\\b', near: '\\bidiot\\b'}]
                """, languages: "[en]")
            Issue.record("loaded")
        } catch {
            #expect("\(error)".contains("exceptions.en[0]' has conditions, but exceptions are plain patterns"), "\(error)")
        }
    }

    @Test("an e-mail's quoted lines are the mail being answered: no rule hears them, whatever its skip_quoted")
    func quotedLinesNeverCount() throws {
        let plain = try forbidRubric("      en: ['\\buseless\\b']", languages: "[en]")
        #expect(cited(plain, "Hello Tom, I am sorry for the wait.\n> you are all useless\n>> useless!").isEmpty)
        #expect(cited(plain, "Hello Tom, that was useless of me.\n> where is it") == ["useless"])
    }

    @Test("skip_quoted: marked drops matches in quoted lines and quotation marks, not the words the customer also said")
    func skipMarkedQuotes() throws {
        let rubric = try forbidRubric("""
                  en: ['\\bhello\\b']
            """, extra: "skip_quoted: marked", languages: "[en]")
        #expect(cited(rubric, "Hello Tom, it is on its way", customer: "Hello, where is my money") == ["Hello"])
        #expect(cited(rubric, "It is on its way.\n> Hello, where is my money", customer: "Hello, where is my money").isEmpty)
        #expect(RuleExplanation.explain(rubric.rules[0], in: rubric).contains("not in quoted text: quotation marks, quoted e-mail lines)"))
        let example = try ExampleTranscript.parse("customer: hi\nagent: It is on its way.\n> hi\n> where is it")
        #expect(example.map(\.text) == ["hi", "It is on its way.\n> hi\n> where is it"])
    }

    @Test("explain and patterns show the conditions and their regexes")
    func explained() throws {
        let rubric = try forbidRubric("""
                  en: [{match: '\\bidiot\\b', near: '\\byou\\b', order: before, not_near: '\\bserver\\b', words: 3}]
            """, extra: "skip_quoted: true", languages: "[en]")
        let text = RuleExplanation.explain(rubric.rules[0], in: rubric)
        #expect(text.contains("near \\byou\\b before it within 3 words; not near \\bserver\\b within 3 words"), "\(text)")
        #expect(text.contains("not in quoted text"), "\(text)")
        #expect(RuleExplanation.patterns(of: rubric) == ["\\bidiot\\b", "\\byou\\b", "\\bserver\\b"])
    }
}

@Suite("Word positions: how many words lie between two matches")
struct WordPositionsTests {
    @Test("words are runs of letters and digits in any script; punctuation and emoji are not words")
    func counts() {
        let text = Array("you, — 🙄 are «really» an idiot".utf8)
        let words = WordPositions(text)
        #expect(words.starts.count == 5)
        let you = 0..<3
        let idiot = (text.count - 5)..<text.count
        #expect(words.wordsBetween(you, idiot) == 3)
        #expect(words.wordsBetween(idiot, you) == 3)
        #expect(words.wordsBetween(0..<3, 2..<6) == 0)
        #expect(WordPositions(Array("ваш сервер".utf8)).starts.count == 2)
    }
}
