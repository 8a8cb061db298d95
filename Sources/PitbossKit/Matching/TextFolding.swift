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
        let packed = table[Int(v) - 0x80]
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
        let kept = decomposed.filter { $0.properties.generalCategory != .nonspacingMark }
        return kept.isEmpty ? Array(decomposed) : Array(kept)
    }

    /// A pattern's non-ASCII letters folded the same way as text, so that `çekim` in a rubric matches
    /// "CEKIM" and "çekim" alike. ASCII — all of PCRE2's syntax — is untouched.
    static func foldPattern(_ pattern: String) -> String {
        var out: [Unicode.Scalar] = []
        for scalar in pattern.unicodeScalars {
            if scalar.value < 0x80 { out.append(scalar) } else { _ = append(scalar, to: &out) }
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: out)
        return String(result)
    }
}

/// A turn's text ready to match: the UTF-8 bytes that patterns run on (folded, when the rubric
/// normalises) and the way back from a byte offset in them to a code-point offset in the original.
public struct MatchableText: Sendable {
    public let original: String
    public let bytes: [UInt8]
    /// Original code-point index of each byte of `bytes`, plus one entry for the end; nil when the
    /// two are the same (ASCII text), which is the common case and costs nothing.
    private let codePointOfByte: [Int32]?

    public init(_ text: String, fold: Bool) {
        original = text
        var isASCII = true
        for byte in text.utf8 where byte >= 0x80 { isASCII = false; break }
        if isASCII {
            bytes = Array(text.utf8)
            codePointOfByte = nil
            return
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        var map: [Int32] = []
        map.reserveCapacity(text.utf8.count + 9)
        var folded: [Unicode.Scalar] = []
        for (index, scalar) in text.unicodeScalars.enumerated() {
            folded.removeAll(keepingCapacity: true)
            if fold { _ = TextFolding.append(scalar, to: &folded) } else { folded.append(scalar) }
            for s in folded {
                var buffer: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
                let count = withUnsafeMutableBytes(of: &buffer) { raw -> Int in
                    var n = 0
                    for byte in UTF8.encode(s)! { raw[n] = byte; n += 1 }
                    return n
                }
                withUnsafeBytes(of: buffer) { out.append(contentsOf: $0.prefix(count)) }
                for _ in 0..<count { map.append(Int32(index)) }
            }
        }
        map.append(Int32(text.unicodeScalars.count))
        bytes = out
        codePointOfByte = map
    }

    /// The code-point range in the original text of a byte range in `bytes`.
    public func codePoints(_ range: Range<Int>) -> Range<Int> {
        guard let map = codePointOfByte else { return range }
        let start = Int(map[range.lowerBound])
        guard range.upperBound > range.lowerBound else { return start..<start }
        // The end is one past the original code point that produced the last matched byte.
        return start..<(Int(map[range.upperBound - 1]) + 1)
    }

    /// The original text of a code-point range.
    public func originalText(_ codePoints: Range<Int>) -> String {
        let scalars = original.unicodeScalars
        let from = scalars.index(scalars.startIndex, offsetBy: codePoints.lowerBound)
        let to = scalars.index(from, offsetBy: codePoints.count)
        return String(scalars[from..<to])
    }

    /// The text of a byte range in `bytes` (e.g. a captured number).
    public func matchedText(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }
}
