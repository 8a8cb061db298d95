import Foundation

/// Russian written in Latin letters ("chitaite vnimatelnee") and Greek written in Greeklish ("eprepe na
/// diavasete"), as players and some agents type them, matched by the rubric's Cyrillic and Greek patterns.
///
/// A rubric with `transliterate: true` does two things, on text and patterns alike:
/// - a turn of a Russian or Greek conversation written mostly in Latin letters is also matched as it reads in the
///   native script, rewritten by the usual informal schemes (zh → ж, sh → ш, ya → я; th → θ, ch/x → χ, ps → ψ, 8 → θ);
/// - letters those schemes cannot tell apart are made equal (`phonetic`): й и ы → и, э → е, щ → ш, ь ъ dropped;
///   η ι υ → ι, ω → ο. So "vy" and "вы", "diko sou provlima" and "δικό σου πρόβλημα" meet.
enum Transliteration {
    /// Languages with a scheme, and the lowest scalar of their script (to count native letters).
    static func script(of language: String) -> ClosedRange<UInt32>? {
        switch language {
        case "ru": 0x0400...0x04FF
        case "el": 0x0370...0x03FF
        default: nil
        }
    }

    /// The folds that make a script's letters as ambiguous as its transliteration: applied after the usual folding.
    @inline(__always)
    static func phonetic(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar {
        case "й", "ы": "и"
        case "э": "е"
        case "щ": "ш"
        case "ь", "ъ": nil
        case "η", "υ": "ι"
        case "ω": "ο"
        default: scalar
        }
    }

    /// The native-script reading of a turn written mostly in Latin letters, each scalar with the range of original
    /// code points it stands for; nil when the language has no scheme or the turn is not mostly Latin.
    static func nativeReading(of text: String, language: String) -> [(scalar: Unicode.Scalar, from: Int, to: Int)]? {
        guard let native = script(of: language) else { return nil }
        var latin = 0, nativeLetters = 0
        for s in text.unicodeScalars {
            if (0x41...0x5A).contains(s.value) || (0x61...0x7A).contains(s.value) || (0xC0...0x24F).contains(s.value) {
                latin += 1
            } else if native.contains(s.value) {
                nativeLetters += 1
            }
        }
        guard latin >= 3, latin > nativeLetters else { return nil }
        // Greeklish is typed with accents too ("Kalispéra", "kathólou"): an accented Latin letter reads as its base letter.
        let scalars = text.unicodeScalars.map(baseLatin)
        let rules = language == "ru" ? russian : greek
        var out: [(Unicode.Scalar, Int, Int)] = []
        var i = 0
        while i < scalars.count {
            var matched = false
            // Longest Latin sequence first (shch before sh before s).
            for length in stride(from: min(4, scalars.count - i), through: 1, by: -1) {
                var key = ""
                for s in scalars[i..<(i + length)] { key.unicodeScalars.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars) }
                guard let replacement = rules[key] else { continue }
                // A digit stands for a letter only inside a word ("8elw"), never in "8 euro".
                if key == "8", !(isLetter(scalars, i - 1) || isLetter(scalars, i + 1)) { break }
                for r in replacement.unicodeScalars { out.append((r, i, i + length)) }
                i += length
                matched = true
                break
            }
            if !matched {
                out.append((scalars[i], i, i + 1))
                i += 1
            }
        }
        return out
    }

    /// A Latin letter with an accent (á, é, ó, ü, č …) as its base letter; any other scalar as it is.
    static func baseLatin(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        guard (0xC0...0x24F).contains(scalar.value),
              let base = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first, base.value < 0x80,
              base.properties.isAlphabetic else { return scalar }
        return base
    }

    private static func isLetter(_ scalars: [Unicode.Scalar], _ i: Int) -> Bool {
        i >= 0 && i < scalars.count && scalars[i].properties.isAlphabetic
    }

    /// Informal Russian transliteration (what players type, not GOST): the common spellings of each letter.
    static let russian: [String: String] = [
        "shch": "щ", "sch": "щ", "zh": "ж", "kh": "х", "ch": "ч", "sh": "ш", "ts": "ц", "tz": "ц",
        "ya": "я", "ja": "я", "yu": "ю", "ju": "ю", "yo": "ё", "jo": "ё", "ye": "е", "'": "ь",
        "a": "а", "b": "б", "v": "в", "w": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "j": "й",
        "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у",
        "f": "ф", "h": "х", "c": "ц", "y": "ы", "x": "кс", "q": "к",
    ]

    /// Greeklish: the common spellings, including 8 for θ.
    static let greek: [String: String] = [
        "th": "θ", "ch": "χ", "kh": "χ", "ps": "ψ", "ks": "ξ", "ou": "ου", "8": "θ",
        "eu": "ευ", "au": "αυ", "ai": "αι", "ei": "ει", "oi": "οι",
        "a": "α", "b": "β", "v": "β", "g": "γ", "d": "δ", "e": "ε", "z": "ζ", "h": "η", "i": "ι", "k": "κ",
        "l": "λ", "m": "μ", "n": "ν", "x": "χ", "o": "ο", "p": "π", "r": "ρ", "s": "σ", "t": "τ", "y": "υ",
        "u": "ου", "f": "φ", "w": "ω", "c": "κ", "q": "κ", "j": "ι",
    ]
}
