import Foundation

/// The normalisation applied before matching (when the rubric asks for it): lower case, accents off,
/// and the letters players type interchangeably made equal — Turkish İ/I/ı → i and ç ş ğ ö ü → c s g o u,
/// Greek tonos off and final ς → σ, Russian ё → е. Cyrillic й keeps its breve: и and й are different letters.
///
/// ASCII is left as it is (patterns match caseless anyway), which keeps the common case free.
enum TextFolding {
    /// Folds of U+0080..<U+2000 (Latin, Greek, Cyrillic and their extensions), computed once:
    /// up to two scalars packed into a UInt64 (0 = removed).
    private static let table: [UInt64] = (0x80..<0x2000).map { value in
        guard let scalar = Unicode.Scalar(value) else { return UInt64(value) }
        let folded = fold(slow: scalar)
        var packed: UInt64 = 0
        for (i, s) in folded.prefix(2).enumerated() { packed |= UInt64(s.value) << (32 * UInt64(i)) }
        return packed
    }

    /// The same folds with the phonetic folds of transliteration on top (see `Transliteration`), computed once.
    private static let phoneticTable: [UInt64] = table.map { packed in
        var out: UInt64 = 0
        var slot: UInt64 = 0
        for shift in [UInt64(0), 32] {
            let part = UInt32(truncatingIfNeeded: packed >> shift)
            guard part != 0, let s = Unicode.Scalar(part), let kept = Transliteration.phonetic(s) else { continue }
            out |= UInt64(kept.value) << (32 * slot)
            slot += 1
        }
        return out
    }

    /// Appends the folded form of `scalar`, with the phonetic folds when asked, and returns how many scalars it appended.
    @inline(__always)
    static func append(_ scalar: Unicode.Scalar, to out: inout [Unicode.Scalar], phonetic: Bool) -> Int {
        let v = scalar.value
        guard phonetic, v >= 0x80, v < 0x2000 else { return append(scalar, to: &out) }
        return unpack(phoneticTable[Int(v) - 0x80], to: &out)
    }

    /// Appends the folded form of `scalar` to `out` and returns how many scalars it appended.
    @inline(__always)
    static func append(_ scalar: Unicode.Scalar, to out: inout [Unicode.Scalar]) -> Int {
        let v = scalar.value
        guard v >= 0x80 else { out.append(scalar); return 1 }
        guard v < 0x2000 else {
            let lower = scalar.properties.lowercaseMapping.unicodeScalars
            out.append(contentsOf: lower)
            return lower.count
        }
        return unpack(table[Int(v) - 0x80], to: &out)
    }

    /// Appends the (up to two) scalars packed in a table entry; returns how many.
    @inline(__always)
    private static func unpack(_ packed: UInt64, to out: inout [Unicode.Scalar]) -> Int {
        var count = 0
        for shift in [UInt64(0), 32] {
            let part = UInt32(truncatingIfNeeded: packed >> shift)
            if part != 0, let s = Unicode.Scalar(part) { out.append(s); count += 1 }
        }
        return count
    }

    static func fold(slow scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        switch scalar {
        case "ı", "İ", "I": return ["i"]
        case "ς": return ["σ"]
        case "й": return ["й"]
        case "Й": return ["й"]
        default: break
        }
        let lower = String(scalar.properties.lowercaseMapping)
        let decomposed = lower.decomposedStringWithCanonicalMapping.unicodeScalars
        // Accents off; an accent that stands alone (text in decomposed form) folds to nothing.
        return decomposed.filter { $0.properties.generalCategory != .nonspacingMark }
    }

    /// A pattern's non-ASCII letters folded the same way as text, so that `çekim` in a rubric matches
    /// "CEKIM" and "çekim" alike. ASCII — all of PCRE2's syntax — is untouched, escaped characters are
    /// kept as written, and inside a character class a letter is kept and its folded form added (`[ё]`
    /// becomes `[ёе]`), except at the ends of a range, which must stay as written (`[а-я]`).
    static func foldPattern(_ pattern: String, phonetic: Bool = false) -> String {
        let scalars = Array(pattern.precomposedStringWithCanonicalMapping.unicodeScalars)
        var out: [Unicode.Scalar] = []
        var inClass = false
        var classStart = 0
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\\", i + 1 < scalars.count {
                out.append(c)
                out.append(scalars[i + 1])
                i += 2
                continue
            }
            if !inClass {
                if c == "[" {
                    inClass = true
                    out.append(c)
                    i += 1
                    if i < scalars.count, scalars[i] == "^" { out.append(scalars[i]); i += 1 }
                    classStart = i
                    continue
                }
                if c.value < 0x80 { out.append(c) } else { _ = append(c, to: &out, phonetic: phonetic) }
                i += 1
                continue
            }
            if c == "]" && i > classStart {
                inClass = false
                out.append(c)
                i += 1
                continue
            }
            if c.value >= 0x80 {
                let endsRange = i >= 2 && scalars[i - 1] == "-" && i - 1 > classStart
                let startsRange = i + 2 < scalars.count && scalars[i + 1] == "-" && scalars[i + 2] != "]"
                out.append(c)
                if !endsRange && !startsRange {
                    var folded: [Unicode.Scalar] = []
                    _ = append(c, to: &folded, phonetic: phonetic)
                    if folded.count == 1, folded[0] != c { out.append(folded[0]) }
                }
            } else {
                out.append(c)
            }
            i += 1
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: out)
        return String(result)
    }
}

/// A turn's text ready to match: the UTF-8 bytes that patterns run on (folded, when the rubric
/// normalises) and the way back from a byte offset in them to a code-point offset in the original.
/// A class: every rule of a conversation asks for the same turn's text, and a copy of a struct of four
/// buffers cost four retains and releases per ask (measured: 5 % of `flag`).
public final class MatchableText: Sendable {
    public let original: String
    public let bytes: [UInt8]
    /// Original code-point index of each byte of `bytes`, plus one entry for the end; nil when the
    /// two are the same (ASCII text), which is the common case and costs nothing. 32 bits hold every index:
    /// an imported turn has at most `TurnDraft.maximumTextBytes` (4 MB) of text.
    private let codePointOfByte: [Int32]?
    /// For text with combining marks: the original code-point index just past each byte's character
    /// (a character may be several code points); nil otherwise.
    private let codePointAfterByte: [Int32]?
    /// For a turn read twice (see `Transliteration`): where the text as written ends in `bytes`, just before the ". \n"
    /// that separates it from the native reading; nil for a turn read once.
    public let firstReadingEnd: Int?
    /// Whether the original is ASCII, whose code points are its bytes.
    private let originalIsASCII: Bool
    /// Where every 64th code point of a long non-ASCII original starts in its UTF-8, so that the words of a match are
    /// found from the nearest of them, not from the start of the turn (a turn of megabytes with thousands of matches);
    /// nil for a short turn, where the walk from the start is shorter than building them.
    private let utf8OffsetEvery64: [Int32]?
    private static let checkpointsFrom = 4096

    public convenience init(_ text: String, fold: Bool) {
        self.init(text, fold: fold, transliterating: nil)
    }

    /// `transliterating`: the conversation's language, when the rubric matches transliterated text (see
    /// `Transliteration`): letters are folded phonetically, and a turn written mostly in Latin letters is matched
    /// both as written and as it reads in the language's script, the two readings separated by ". \n".
    public init(_ text: String, fold: Bool, transliterating language: String?) {
        original = text
        let phonetic = fold && language != nil
        var isASCII = true
        for byte in text.utf8 where byte >= 0x80 { isASCII = false; break }
        originalIsASCII = isASCII
        utf8OffsetEvery64 = isASCII || text.utf8.count < Self.checkpointsFrom ? nil : Self.utf8Checkpoints(text)
        let reading = phonetic ? language.flatMap { Transliteration.nativeReading(of: text, language: $0) } : nil
        if isASCII && reading == nil {
            firstReadingEnd = nil
            bytes = Array(text.utf8)
            codePointOfByte = nil
            codePointAfterByte = nil
            return
        }
        if let reading {
            var (out, starts, ends) = Self.foldByCharacter(text, phonetic: true)
            let total = Int32(text.unicodeScalars.count)
            // The separator maps to the end of the text; the native reading maps each letter back to the Latin it came from.
            starts.removeLast()
            ends.removeLast()
            firstReadingEnd = out.count
            for byte in Array(". \n".utf8) { out.append(byte); starts.append(total); ends.append(total) }
            var folded: [Unicode.Scalar] = []
            for (scalar, from, to) in reading {
                folded.removeAll(keepingCapacity: true)
                _ = TextFolding.append(scalar, to: &folded, phonetic: true)
                for s in folded {
                    for byte in UTF8.encode(s)! {  // a Unicode.Scalar always encodes
                        out.append(byte)
                        starts.append(Int32(from))
                        ends.append(Int32(to))
                    }
                }
            }
            starts.append(total)
            ends.append(total)
            (bytes, codePointOfByte, codePointAfterByte) = (out, starts, ends)
            return
        }
        firstReadingEnd = nil
        if fold && text.unicodeScalars.contains(where: Self.isCombining) {
            (bytes, codePointOfByte, codePointAfterByte) = Self.foldByCharacter(text, phonetic: phonetic)
            return
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        var map: [Int32] = []
        map.reserveCapacity(text.utf8.count + 9)
        // Built only once a letter folds to nothing (ь, ъ when folding phonetically): it then belongs to the letter before
        // it, so "тупишь" is cited whole though the pattern saw "тупиш".
        var after: [Int32]?
        var folded: [Unicode.Scalar] = []
        for (index, scalar) in text.unicodeScalars.enumerated() {
            folded.removeAll(keepingCapacity: true)
            if fold { _ = TextFolding.append(scalar, to: &folded, phonetic: phonetic) } else { folded.append(scalar) }
            if folded.isEmpty, let last = map.last {
                if after == nil { after = map.map { $0 + 1 } }
                var i = map.count - 1
                while i >= 0 && map[i] == last { after![i] = Int32(index + 1); i -= 1 }
                continue
            }
            for s in folded {
                var buffer: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
                let count = withUnsafeMutableBytes(of: &buffer) { raw -> Int in
                    var n = 0
                    for byte in UTF8.encode(s)! { raw[n] = byte; n += 1 }  // a Unicode.Scalar always encodes
                    return n
                }
                withUnsafeBytes(of: buffer) { out.append(contentsOf: $0.prefix(count)) }
                for _ in 0..<count {
                    map.append(Int32(index))
                    after?.append(Int32(index + 1))
                }
            }
        }
        map.append(Int32(text.unicodeScalars.count))
        after?.append(Int32(text.unicodeScalars.count))
        bytes = out
        codePointOfByte = map
        codePointAfterByte = after
    }

    /// A combining mark (an accent written apart from its letter). Letters of the scripts Pitboss reads are never
    /// one, so the property is only looked up for the few blocks that hold marks.
    @inline(__always)
    static func isCombining(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        guard (0x0300...0x036F).contains(v) || (0x0483...0x0489).contains(v) || (0x0591...0x08FF).contains(v) || v >= 0x0900 else { return false }
        return scalar.properties.canonicalCombiningClass != .notReordered
    }

    /// Text written with separate accents (decomposed, as some exports and speech-to-text write it):
    /// each character is composed, then folded, and every byte it yields maps to the whole character.
    private static func foldByCharacter(_ text: String, phonetic: Bool = false) -> ([UInt8], [Int32], [Int32]) {
        var out: [UInt8] = []
        var starts: [Int32] = []
        var ends: [Int32] = []
        var index = 0
        var folded: [Unicode.Scalar] = []
        for character in text {
            let count = character.unicodeScalars.count
            folded.removeAll(keepingCapacity: true)
            for scalar in String(character).precomposedStringWithCanonicalMapping.unicodeScalars {
                _ = TextFolding.append(scalar, to: &folded, phonetic: phonetic)
            }
            for scalar in folded {
                for byte in UTF8.encode(scalar)! {  // a Unicode.Scalar always encodes
                    out.append(byte)
                    starts.append(Int32(index))
                    ends.append(Int32(index + count))
                }
            }
            index += count
        }
        starts.append(Int32(index))
        ends.append(Int32(index))
        return (out, starts, ends)
    }

    /// The code-point range in the original text of a byte range in `bytes`.
    /// Which reading a byte range lies in, cut at the end of the first: a match may not run from the text as written
    /// into the native reading (it would map back to nothing).
    public func withinReading(_ range: Range<Int>) -> (range: Range<Int>, isSecondReading: Bool) {
        guard let end = firstReadingEnd else { return (range, false) }
        if range.lowerBound > end || (range.lowerBound == end && !range.isEmpty) { return (range, true) }
        return (range.lowerBound..<min(range.upperBound, end), false)
    }

    public func codePoints(_ range: Range<Int>) -> Range<Int> {
        guard let map = codePointOfByte else { return range }
        let start = Int(map[range.lowerBound])
        guard range.upperBound > range.lowerBound else { return start..<start }
        // The end is just past the original character that produced the last matched byte. A match that runs from
        // one reading of a transliterated turn into the other maps back to where it started, never backwards.
        if let after = codePointAfterByte { return start..<max(start, Int(after[range.upperBound - 1])) }
        return start..<max(start, Int(map[range.upperBound - 1]) + 1)
    }

    /// The original text of a code-point range.
    public func originalText(_ codePoints: Range<Int>) -> String {
        let utf8 = original.utf8
        if originalIsASCII {
            // Code points are bytes, and a native string's UTF-8 view moves to an offset at once.
            return String(original[utf8.index(utf8.startIndex, offsetBy: codePoints.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: codePoints.upperBound)])
        }
        let scalars = original.unicodeScalars
        let from: String.Index
        if let checkpoints = utf8OffsetEvery64 {
            let checkpoint = utf8.index(utf8.startIndex, offsetBy: Int(checkpoints[codePoints.lowerBound / 64]))
            from = scalars.index(checkpoint, offsetBy: codePoints.lowerBound % 64)
        } else {
            from = scalars.index(scalars.startIndex, offsetBy: codePoints.lowerBound)
        }
        let to = scalars.index(from, offsetBy: codePoints.count)
        return String(scalars[from..<to])
    }

    static func utf8Checkpoints(_ text: String) -> [Int32] {
        var checkpoints: [Int32] = []
        var offset: Int32 = 0
        for (index, scalar) in text.unicodeScalars.enumerated() {
            if index % 64 == 0 { checkpoints.append(offset) }
            offset += Int32(UTF8.width(scalar))
        }
        checkpoints.append(offset)  // the end, for a range that starts there
        return checkpoints
    }

    /// The text of a byte range in `bytes` (e.g. a captured number).
    public func matchedText(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }
}
