/// Numbers written in words, as agents write and say them ("seven days", "до пяти рабочих дней", "iki haftaya kadar",
/// "δύο εβδομάδες", "fifty times", "twenty euros"), for `fact` rules: a rule's `(?<value>…)` may capture these words
/// instead of digits.
///
/// One table for every language of the rubric, in one place, because the patterns that capture the words and this
/// reader must agree: a word a pattern captures and this table lacks is reported by the rule as a value it could not
/// read (an `error` finding), never guessed and never passed in silence. Words are looked up folded, as the matched
/// text is (lower case, accents off, Turkish ç ş ğ ö ü ı → c s g o u i, Greek tonos off and ς → σ, ё → е), so
/// they are written here as people spell them.
///
/// What is read: units, teens and tens and their compounds ("seventy two", "twenty-four", "семьдесят два",
/// "yetmiş iki", "on beş", "εβδομήντα δύο"); the case forms Russian puts after "до", "от", "в течение" ("пяти",
/// "двух", "трёх", "семи", "одну") and the Greek genders ("τρεις"/"τρία", "μία"/"ένα"); an article meaning one ("a
/// week", "an hour"; colloquial Greek "καμιά εβδομάδα", about a week); halves ("half", "пол", "yarım", "μισή";
/// "one and a half", "bir buçuk", "полтора", "ενάμιση"); "a couple" (2); and "a few" / "several" / "несколько" /
/// "birkaç" / "λίγες" / "μερικές", read as 3 — the least they can mean beyond a couple, so "verification takes a few
/// days" is above 48 hours and "withdrawals take a few days" is within 72. Hundreds ("a hundred", "сто", "yüz",
/// "εκατό") are read; thousands are not.
enum NumberWords {
    enum Word: Equatable {
        /// A number and its rank: 1 for 1–19 (and 1.5, "a few"), 2 for the tens (Turkish "on" and Greek "δέκα" too,
        /// which start compounds: "on beş", "δέκα πέντε"), 3 for the hundreds. In a compound each word ranks below the
        /// one before it: "twenty four" is read, "four twenty" is not.
        case number(Double, rank: Int)
        /// "hundred", Turkish "yüz": 100 on its own, or times the unit before it ("iki yüz").
        case hundred
        /// "a", "an": one on its own ("a week"), nothing before another number word ("a couple of", "a hundred").
        case article
        /// A half: 0.5 on its own ("half an hour", "полчаса"), plus a half after a number ("one and a half",
        /// "bir buçuk", "δύο και μισή"); always the last word.
        case half
        /// "and", "of", "και", "и": read past ("one and a half", "a couple of", "είκοσι και τέσσερις").
        case filler
    }

    private static func numbers(_ rank: Int, _ entries: [(Double, [String])]) -> [(String, Word)] {
        entries.flatMap { value, words in words.map { ($0, Word.number(value, rank: rank)) } }
    }

    private static let english: [(String, Word)] =
        numbers(1, [
            (1, ["one"]), (2, ["two", "couple"]), (3, ["three", "few", "several"]), (4, ["four"]), (5, ["five"]),
            (6, ["six"]), (7, ["seven"]), (8, ["eight"]), (9, ["nine"]), (10, ["ten"]), (11, ["eleven"]),
            (12, ["twelve"]), (13, ["thirteen"]), (14, ["fourteen"]), (15, ["fifteen"]), (16, ["sixteen"]),
            (17, ["seventeen"]), (18, ["eighteen"]), (19, ["nineteen"]),
        ])
        + numbers(2, [
            (20, ["twenty"]), (30, ["thirty"]), (40, ["forty", "fourty"]), (50, ["fifty"]), (60, ["sixty"]),
            (70, ["seventy"]), (80, ["eighty"]), (90, ["ninety"]),
        ])
        + [("hundred", .hundred), ("a", .article), ("an", .article), ("half", .half), ("and", .filler), ("of", .filler)]

    /// Russian in every case the numbers take before a unit ("пять дней", "до пяти дней", "пятью днями"), the
    /// collective numerals of "сутки" ("двое суток"). Russian in Latin letters is read through
    /// the native reading of `transliterate: true` ("dvadtsati chetyryokh" → "двадцати четырёх"): a Latin list here
    /// would know the small numbers and not the tens, and read "dvadtsati chetyryokh" as 4.
    private static let russian: [(String, Word)] =
        numbers(1, [
            (1, ["один", "одна", "одно", "одну", "одного", "одной", "одном", "одному", "одним", "одни", "одних"]),
            (1.5, ["полтора", "полторы", "полутора"]),
            (2, ["два", "две", "двух", "двум", "двумя", "двое", "двоих", "пару", "пара", "пары"]),
            (3, ["три", "трёх", "трём", "тремя", "трое", "троих", "несколько", "нескольких"]),
            (4, ["четыре", "четырёх", "четырём", "четырьмя", "четверо", "четверых"]),
            (5, ["пять", "пяти", "пятью", "пятеро", "пятерых"]),
            (6, ["шесть", "шести", "шестью", "шестеро"]),
            (7, ["семь", "семи", "семью", "семеро"]),
            (8, ["восемь", "восьми", "восемью", "восьмью"]),
            (9, ["девять", "девяти", "девятью"]),
            (10, ["десять", "десяти", "десятью"]),
        ])
        + numbers(1, [
            (11, "одиннадцат"), (12, "двенадцат"), (13, "тринадцат"), (14, "четырнадцат"), (15, "пятнадцат"),
            (16, "шестнадцат"), (17, "семнадцат"), (18, "восемнадцат"), (19, "девятнадцат"),
        ].map { ($0.0, [$0.1 + "ь", $0.1 + "и", $0.1 + "ью"]) })
        + numbers(2, [
            (20, ["двадцать", "двадцати", "двадцатью"]), (30, ["тридцать", "тридцати", "тридцатью"]),
            (40, ["сорок", "сорока"]), (50, ["пятьдесят", "пятидесяти", "пятьюдесятью"]),
            (60, ["шестьдесят", "шестидесяти"]), (70, ["семьдесят", "семидесяти"]),
            (80, ["восемьдесят", "восьмидесяти"]), (90, ["девяносто", "девяноста"]),
        ])
        + numbers(3, [(100, ["сто", "ста"])])
        + [("пол", .half), ("и", .filler)]

    private static let turkish: [(String, Word)] =
        numbers(1, [
            (1, ["bir"]), (2, ["iki"]), (3, ["üç", "birkaç"]), (4, ["dört"]), (5, ["beş"]), (6, ["altı"]),
            (7, ["yedi"]), (8, ["sekiz"]), (9, ["dokuz"]),
        ])
        + numbers(2, [
            (10, ["on"]), (20, ["yirmi"]), (30, ["otuz"]), (40, ["kırk"]), (50, ["elli"]), (60, ["altmış"]),
            (70, ["yetmiş"]), (80, ["seksen"]), (90, ["doksan"]),
        ])
        + [("yüz", .hundred), ("yarım", .half), ("buçuk", .half)]

    /// Greek in both genders and the genitive ("τριών ημερών"), and the Greeklish of the small ones.
    private static let greek: [(String, Word)] =
        numbers(1, [
            (1, ["ένα", "ένας", "έναν", "ενός", "μία", "μια", "μιας", "καμιά", "ena", "mia"]),
            (1.5, ["ενάμιση", "ενάμισι", "μιάμιση", "μιάμισι"]),
            (2, ["δύο", "δυο", "dyo", "dio", "duo"]),
            (3, ["τρεις", "τρία", "τριών", "λίγες", "λίγα", "λίγων", "μερικές", "μερικά", "μερικών", "treis", "tria"]),
            (4, ["τέσσερις", "τέσσερα", "τέσσαρα", "τεσσάρων", "tesseris", "tessera"]),
            (5, ["πέντε", "pente"]), (6, ["έξι", "exi"]), (7, ["επτά", "εφτά", "epta", "efta"]),
            (8, ["οκτώ", "οχτώ", "okto", "oxto"]), (9, ["εννέα", "εννιά", "ennia"]),
            (11, ["έντεκα", "ένδεκα"]), (12, ["δώδεκα"]), (13, ["δεκατρία", "δεκατρείς"]),
            (14, ["δεκατέσσερα", "δεκατέσσερις"]), (15, ["δεκαπέντε"]), (16, ["δεκαέξι", "δεκάξι"]),
            (17, ["δεκαεπτά", "δεκαεφτά"]), (18, ["δεκαοκτώ", "δεκαοχτώ"]), (19, ["δεκαεννέα", "δεκαεννιά"]),
        ])
        + numbers(2, [
            (10, ["δέκα", "deka"]), (20, ["είκοσι", "eikosi", "ikosi"]), (30, ["τριάντα", "trianta"]),
            (40, ["σαράντα", "saranta"]), (50, ["πενήντα", "peninta"]), (60, ["εξήντα"]), (70, ["εβδομήντα", "evdominta"]),
            (80, ["ογδόντα"]), (90, ["ενενήντα"]),
        ])
        + numbers(3, [(100, ["εκατό", "εκατόν"])])
        + [("μισή", .half), ("μισό", .half), ("μισής", .half), ("και", .filler)]

    /// Folded spelling → word. Built once; a spelling given twice must mean the same.
    static let table: [String: Word] = {
        var table: [String: Word] = [:]
        for (spelling, word) in english + russian + turkish + greek {
            let key = fold(spelling)
            precondition(table[key] == nil || table[key] == word, "number word '\(spelling)' is given twice with different values")
            table[key] = word
        }
        return table
    }()

    /// The text folded as matched text is, and lower-cased (folding leaves ASCII as written). The phonetic folds of
    /// `transliterate` are always applied, to the table and to what is looked up alike, so that the words read the
    /// same whichever way the rubric folds ("δύο" is "δυο" or "διο").
    static func fold(_ text: String) -> String {
        var out: [Unicode.Scalar] = []
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars { _ = TextFolding.append(scalar, to: &out, phonetic: true) }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: out)
        return String(view).lowercased()
    }

    /// The number the words say, or nil when they are not a number this table can read: an unknown word, digits
    /// among the words, or words in an order no number has ("four twenty", "two three", "half one").
    static func value(_ text: String) -> Double? {
        let tokens = fold(text).split { $0.isWhitespace || $0 == "-" || $0 == "‐" || $0 == "–" }.map(String.init)
        guard !tokens.isEmpty, tokens.count <= 8 else { return nil }
        var total = 0.0
        var lastRank = Int.max
        var sawNumber = false
        for (index, token) in tokens.enumerated() {
            guard let word = table[token] else { return nil }
            let isLast = index == tokens.count - 1
            switch word {
            case .filler:
                // Only after a number; only "of" may end the words ("a couple of").
                guard sawNumber, !isLast || token == "of" else { return nil }
            case .article:
                // "a week" is one week; "a couple of", "one and a half", "a hundred": the article adds nothing. It
                // starts the words or follows "and" ("one and a half"); alone it is one.
                let followsAnd = index > 0 && tokens[index - 1] == "and"
                guard index == 0 || (followsAnd && !isLast) else { return nil }
                if isLast {
                    total = 1
                    sawNumber = true
                }
            case .half:
                guard isLast else { return nil }
                total += 0.5
                sawNumber = true
            case .hundred:
                if !sawNumber {
                    total = 100
                } else {
                    guard lastRank == 1, total >= 1, total < 10, total == total.rounded() else { return nil }
                    total *= 100
                }
                lastRank = 3
                sawNumber = true
            case .number(let value, let rank):
                guard rank < lastRank else { return nil }
                total += value
                lastRank = rank
                sawNumber = true
            }
        }
        return sawNumber ? total : nil
    }
}
