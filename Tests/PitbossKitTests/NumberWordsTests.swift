import Foundation
import Testing
@testable import PitbossKit

@Suite("Number words")
struct NumberWordsTests {
    @Test("numbers in words, in en, ru, tr and el, read as folded text is", arguments: [
        // English: units, teens, tens, compounds, articles, halves, a couple / a few
        ("seven", 7.0), ("SEVEN", 7), ("twelve", 12), ("fifty", 50), ("twenty-four", 24), ("seventy two", 72),
        ("forty eight", 48), ("a", 1), ("an", 1), ("one", 1), ("a couple of", 2), ("couple", 2), ("a few", 3),
        ("several", 3), ("half", 0.5), ("one and a half", 1.5), ("a hundred", 100), ("one hundred twenty", 120),
        // Russian: the case forms after "до", "от", "в течение", collective numerals, halves
        ("пять", 5), ("пяти", 5), ("двух", 2), ("две", 2), ("трёх", 3), ("трех", 3), ("семи", 7), ("одну", 1),
        ("десяти", 10), ("пятнадцати", 15), ("двадцать четыре", 24), ("двадцати четырёх", 24), ("семьдесят два", 72),
        ("семидесяти двух", 72), ("сорок восемь", 48), ("пятьдесят", 50), ("двое", 2), ("трое", 3), ("пару", 2),
        ("несколько", 3), ("полтора", 1.5), ("полутора", 1.5), ("пол", 0.5), ("сто", 100),
        // Turkish, folded or not
        ("bir", 1), ("iki", 2), ("üç", 3), ("uc", 3), ("yedi", 7), ("on", 10), ("on beş", 15), ("kırk sekiz", 48),
        ("kirk sekiz", 48), ("yetmiş iki", 72), ("elli", 50), ("birkaç", 3), ("yarım", 0.5), ("bir buçuk", 1.5),
        ("iki yüz", 200), ("yüz", 100),
        // Greek, with and without accents, both genders, final sigma folded
        ("δύο", 2), ("δυο", 2), ("τρεις", 3), ("τρία", 3), ("μία", 1), ("μια", 1), ("ένα", 1), ("ΕΝΑ", 1),
        ("επτά", 7), ("εφτά", 7), ("δεκαπέντε", 15), ("δέκα πέντε", 15), ("είκοσι τέσσερις", 24),
        ("σαράντα οκτώ", 48), ("εβδομήντα δύο", 72), ("πενήντα", 50), ("μισή", 0.5), ("δύο και μισή", 2.5),
        ("ενάμιση", 1.5), ("λίγες", 3), ("dyo", 2), ("peninta", 50),
    ])
    func reads(text: String, value: Double) {
        #expect(NumberWords.value(text) == value)
    }

    @Test("words that are not a number read as nothing, never as a guess", arguments: [
        "", " ", "junk", "lots", "seven twenty", "twenty twenty", "two three", "five ten", "half one", "and",
        "of seven", "and seven", "a a", "seven a", "a and a half", "seven and", "7 days", "seven 2", "μια ωραία", "пятница", "twenty hundred",
        "fifty hundred", "one one one one one one one one one",
    ])
    func refuses(text: String) {
        #expect(NumberWords.value(text) == nil)
    }

    @Test("every spelling in the table reads as itself, and its folded form is its key")
    func tableIsConsistent() {
        for (key, word) in NumberWords.table {
            #expect(NumberWords.fold(key) == key)
            if case .number(let value, _) = word { #expect(NumberWords.value(key) == value) }
        }
    }
}

@Suite("Fact rule: values in words")
struct FactRuleWordsTests {
    static let yaml = #"""
    rubric: words
    version: 1
    languages: [en, ru]
    normalize: true
    facts:
      withdrawal_hours: {min: 24, max: 72, unit: hours}
    criteria:
      - {id: accuracy, title: Accuracy, weight: 3, critical: true}
    rules:
      - id: withdrawal
        kind: fact
        criterion: accuracy
        severity: major
        message: "{value} {unit} is not {expected}"
        fact: withdrawal_hours
        units: {hour: 1, hours: 1, day: 24, days: 24, week: 168, weeks: 168, недел: 168, дн: 24}
        patterns:
          en: ['\btakes?\s+(?<value>[0-9]+|[a-z]+(?:-[a-z]+)?)\s+(?<unit>hours?|days?|weeks?)\b']
          ru: ['\bвывод\w*\s+(?:\w+\s+)?(?:до\s+(?<value>пяти|семи)\s+|до\s+)(?<unit>недел|дн)\w*']
    """#

    static func findings(_ text: String, language: String = "en") throws -> [Finding] {
        let rubric = try RubricLoader.parse(yaml: yaml, path: "words.yaml")
        let example = RuleExample(expectation: .flag, text: text, language: language, channel: .chat, line: 0)
        return RubricEvaluator(rubric: rubric).evaluate(ExampleTranscript.conversation(example), matcher: Matcher(), only: ["withdrawal"])
    }

    @Test("a value in words is read and checked like digits, and shown as the number it says")
    func wordsAreChecked() throws {
        let wrong = try Self.findings("agent: withdrawals take seven days, sometimes twenty-four hours")
        #expect(wrong.map(\.status) == [.incorrect])
        #expect(wrong.first?.text == "take seven days")
        #expect(wrong.first?.message == "7 days is not 24–72 hours")
        #expect(try Self.findings("agent: it takes two days").isEmpty)
        #expect(try Self.findings("agent: it takes a week").map(\.message) == ["1 week is not 24–72 hours"])
    }

    @Test("a unit said without a number is one of it; a number in Russian case forms is read")
    func bareUnitsAndCases() throws {
        #expect(try Self.findings("agent: вывод занимает до недели", language: "ru").map(\.message) == ["1 недел is not 24–72 hours"])
        #expect(try Self.findings("agent: вывод обрабатывается до пяти дней", language: "ru").map(\.message) == ["5 дн is not 24–72 hours"])
    }

    @Test("words that are not a number give an error finding that says so: never a crash, never a silent pass")
    func unreadableValues() throws {
        let found = try Self.findings("agent: withdrawals take umpteen days")
        #expect(found.map(\.status) == [.error])
        #expect(found.first?.message == "withdrawal: the value 'umpteen' could not be read as a number; add its words to NumberWords or narrow the pattern")
        #expect(found.first?.text == "take umpteen days")
        // Words in an order no number has are not read either.
        #expect(try Self.findings("agent: withdrawals take five-twenty days").map(\.status) == [.error])
    }

    @Test("the casino rubric reads the numbers agents write in words, in all four languages")
    func casinoRubric() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Rubrics/casino-support.yaml").path
        let rubric = try RubricLoader.parse(yaml: String(contentsOfFile: path, encoding: .utf8), path: path)
        func messages(_ rule: String, _ text: String, _ language: String) -> [String] {
            let example = RuleExample(expectation: .flag, text: "agent: " + text, language: language, channel: .email, line: 0)
            return RubricEvaluator(rubric: rubric).evaluate(ExampleTranscript.conversation(example), matcher: Matcher(), only: [rule])
                .map { "\($0.status.rawValue): \($0.message)" }
        }
        #expect(messages("wagering-requirement", "Το μπόνους έχει απαίτηση στοιχηματισμού πενήντα φορές το ποσό.", "el").first?
            .hasPrefix("incorrect: Wagering requirement stated as 50x") == true)
        #expect(messages("minimum-deposit", "The smallest deposit is twenty euros.", "en").first?
            .hasPrefix("incorrect: Minimum deposit stated as 20 EUR") == true)
        #expect(messages("withdrawal-time", "Вывод средств обрабатывается в срок до пяти рабочих дней.", "ru").count == 1)
        #expect(messages("kyc-time", "Belge doğrulama süreci iki haftaya kadar sürebilir.", "tr").count == 1)
        #expect(messages("kyc-time", "Ο έλεγχος των εγγράφων διαρκεί έως και μία εβδομάδα.", "el").count == 1)
        #expect(messages("withdrawal-time", "Withdrawals take seventy-two hours at most.", "en").isEmpty)
        #expect(messages("kyc-time", "Η επαλήθευση γίνεται μέσα σε σαράντα οκτώ ώρες.", "el").isEmpty)
        #expect(messages("withdrawal-time", "Çekimler yetmiş iki saat içinde işlenir.", "tr").isEmpty)
    }
}
