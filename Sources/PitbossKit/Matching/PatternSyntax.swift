/// What PCRE2's pattern information cannot tell about a pattern's source, read from the source itself.
enum PatternSyntax {
    /// The first construct that forces a failure — `(*FAIL)`, `(*F)`, `(*FAIL:NAME)` or the empty negative
    /// lookahead `(?!)` — with its code-point offset. An alternative holding one can never match, which is
    /// never what a rubric author meant; PCRE2 also counts such a pattern as one that might match empty text.
    /// Escapes, `\Q…\E` quoting, character classes and `(?#…)` comments are skipped.
    static func forcedFailure(in source: String) -> (construct: String, offset: Int)? {
        let s = Array(source.unicodeScalars)
        var i = 0
        var inClass = false
        func startsHere(_ text: String) -> Bool {
            let t = Array(text.unicodeScalars)
            guard i + t.count <= s.count else { return false }
            return s[i..<(i + t.count)].elementsEqual(t)
        }
        while i < s.count {
            let c = s[i]
            if c == "\\" {
                if i + 1 < s.count, s[i + 1] == "Q" {
                    // Quoted to \E (or to the end of the pattern).
                    i += 2
                    while i < s.count, !(s[i] == "\\" && i + 1 < s.count && s[i + 1] == "E") { i += 1 }
                    i += 2
                } else {
                    i += 2
                }
                continue
            }
            if inClass {
                if c == "[", startsHere("[:"), let close = s[(i + 2)...].firstIndex(of: "]"), close > i + 2, s[close - 1] == ":" {
                    i = close + 1  // [:alpha:]
                    continue
                }
                if c == "]" { inClass = false }
                i += 1
                continue
            }
            if c == "[" {
                inClass = true
                i += 1
                if i < s.count, s[i] == "^" { i += 1 }
                if i < s.count, s[i] == "]" { i += 1 }  // a ']' first in a class is a literal
                continue
            }
            if startsHere("(?#") {
                while i < s.count, s[i] != ")" { i += 1 }
                i += 1
                continue
            }
            for construct in ["(*FAIL)", "(*F)", "(*FAIL:", "(*F:", "(?!)"] where startsHere(construct) {
                let shown = construct.hasSuffix(":") ? String(construct.dropLast()) + ")" : construct
                return (shown, i)
            }
            i += 1
        }
        return nil
    }
}
