import Testing
@testable import PitbossKit

@Suite("PCRE2 matching")
struct MatchingTests {
    let matcher = Matcher()

    func spans(_ pattern: String, _ text: String, fold: Bool = true) throws -> [String] {
        let compiled = try CompiledPattern(fold ? TextFolding.foldPattern(pattern) : pattern)
        let matchable = MatchableText(text, fold: fold)
        var found: [String] = []
        try matchable.bytes.withUnsafeBufferPointer { bytes in
            try matcher.forEachMatch(compiled, in: bytes) { match in
                found.append(matchable.originalText(matchable.codePoints(match.range)))
                return true
            }
        }
        return found
    }

    @Test("patterns are JIT-compiled, caseless and Unicode-aware: \\b and \\w work for Cyrillic, Greek and Turkish")
    func unicodeWordBoundaries() throws {
        let pattern = try CompiledPattern(#"\bвывод\w*"#)
        #expect(pattern.isJITCompiled)
        #expect(try spans(#"\bвывод\w*"#, "Мой ВЫВОДА нет, вывод завис, перевод ок") == ["ВЫВОДА", "вывод"])
        #expect(try spans(#"\bκαλησπέρα\b"#, "ΚΑΛΗΣΠΕΡΑ σας") == ["ΚΑΛΗΣΠΕΡΑ"])
        #expect(try spans(#"\bhell\b"#, "hello, hell no") == ["hell"])
        #expect(try spans(#"\bass\b"#, "I will assist you") == [])
    }

    @Test("compile errors carry PCRE2's message and the code-point offset in the pattern")
    func compileErrors() {
        #expect { try CompiledPattern("привет (unclosed") } throws: { error in
            guard let e = error as? PatternError else { return false }
            return e.message.contains("missing closing parenthesis") && e.offset == 16
        }
        #expect { try CompiledPattern("a{2,1}") } throws: { ($0 as? PatternError)?.message.contains("out of order") == true }
    }

    @Test("empty matches advance one character at a time, also over multibyte characters, and never loop")
    func emptyMatches() throws {
        #expect(try matcher.matches(try CompiledPattern("x*"), in: "aé🎰x").count == 5)
        #expect(try spans("x*", "éxx🎰", fold: false) == ["", "xx", "", ""])
        #expect(try matcher.matches(try CompiledPattern(#"\b"#), in: "ab cd").count == 4)
    }

    @Test("a pathological pattern on a long turn ends with a match-limit error, not a hang")
    func matchLimit() throws {
        var limits = MatchLimits()
        limits.matchLimit = 10_000
        let limited = Matcher(limits: limits)
        let pattern = try CompiledPattern(#"(\w+\s?)+$"#)
        let text = String(repeating: "word ", count: 200) + "!"
        #expect(throws: MatchLimitExceeded.self) { try limited.matches(pattern, in: text) }
    }

    @Test("folding: Turkish dotted and dotless i, Turkish letters typed without accents, Greek tonos, ё")
    func folding() throws {
        #expect(try spans("kayıp", "KAYIP param") == ["KAYIP"])
        #expect(try spans("kayıp", "kayip param") == ["kayip"])
        #expect(try spans("İSTANBUL", "istanbul") == ["istanbul"])
        #expect(try spans("çekim", "CEKIM talebim") == ["CEKIM"])
        #expect(try spans("καλησπερα", "Καλησπέρα σας") == ["Καλησπέρα"])
        #expect(try spans("всё", "ВСЕ проиграл, всё") == ["ВСЕ", "всё"])
        #expect(try spans("σας", "ΣΑΣ") == ["ΣΑΣ"])
        // й is a letter of its own in Russian, not и with an accent.
        #expect(try spans(#"\bмой\b"#, "мои деньги") == [])
    }

    @Test("spans map back to code points of the original text, whatever folding did to the bytes")
    func spanMapping() throws {
        let text = "🎰 İyi akşamlar — ÇEKİM talebiniz"
        let matchable = MatchableText(text, fold: true)
        let pattern = try CompiledPattern(TextFolding.foldPattern("çekim"))
        let range = try #require(try matcher.matches(pattern, in: String(decoding: matchable.bytes, as: UTF8.self)).first)
        let codePoints = matchable.codePoints(range)
        #expect(codePoints == 17..<22)
        #expect(matchable.originalText(codePoints) == "ÇEKİM")
        let ascii = MatchableText("plain ascii", fold: true)
        #expect(ascii.codePoints(6..<11) == 6..<11)
    }

    @Test("one compiled pattern is used from many threads at once, each with its own matcher")
    func sharedAcrossThreads() async throws {
        let pattern = try CompiledPattern(#"\bwithdraw\w*"#)
        let text = String(repeating: "my withdrawal is late. ", count: 50)
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let matcher = Matcher()
                    return (0..<50).reduce(0) { sum, _ in sum + ((try? matcher.matches(pattern, in: text).count) ?? -1) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 2_500, count: 8))
    }
}
