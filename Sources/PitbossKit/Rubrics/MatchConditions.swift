/// What a pattern's match must also satisfy, beyond its regex — the proximity operators of call-analytics rule
/// languages (Verint's NEAR, BEFORE and NOT NEAR, CallMiner's "within N words"), written as a map in a rubric:
///
/// ```yaml
/// - match: '\b(?:idiot|clueless)\b'
///   near: '\byou\b'          # NEAR: one of these within `words` words (a list means any of them)
///   order: before            # BEFORE: the near words come before the match (after: after it; any: either side)
///   not_near: ['\bserver\b'] # NOT NEAR: no match of these within `words` words, on either side
///   to_player: true          # addressed to the player: a second-person word within `words` words
///   words: 3                 # at most this many words in between (default 5)
///   in_capitals: true        # the matched words are written in capitals (shouting): three words or more

/// ```
///
/// A match that meets `near` or `to_player` is reported from the first to the last of the words involved, so a
/// finding cites "you … idiot", not only "idiot".
public struct MatchConditions: Sendable {
    /// Where the near words may be, relative to the match.
    public enum Order: String, Sendable, CaseIterable {
        case any, before, after
    }

    public static let defaultWords = 5

    /// NEAR: one of these within `words` words (empty: no such condition).
    public var near: [CompiledPattern] = []
    public var order: Order = .any
    /// The second-person words of the pattern's language, when the match must be addressed to the player.
    public var toPlayer: CompiledPattern?
    /// NOT NEAR: the match is dropped when one of these is within `words` words of it.
    public var notNear: [CompiledPattern] = []
    public var words = defaultWords
    /// The match must be written in capitals: folding lower-cases the text a pattern sees, so shouting is told from the
    /// original words (at least `minimumCapitals` letters, nearly all of them upper case).
    public var inCapitals = false
    static let minimumCapitals = 8

    /// Every regex the conditions run, for `rubric patterns` and lint.
    public var patterns: [CompiledPattern] { near + (toPlayer.map { [$0] } ?? []) + notNear }

    /// The conditions in words, for `rubric explain`.
    public var summary: String {
        var parts: [String] = []
        let within = "within \(words) word\(words == 1 ? "" : "s")"
        if !near.isEmpty {
            let side = switch order {
            case .any: ""
            case .before: " before it"
            case .after: " after it"
            }
            parts.append("near " + near.map(\.source).joined(separator: " or ") + side + " " + within)
        }
        if toPlayer != nil { parts.append("addressed to the player (a second-person word \(within))") }
        if inCapitals { parts.append("written in capitals") }
        if !notNear.isEmpty { parts.append("not near " + notNear.map(\.source).joined(separator: " or ") + " " + within) }
        return parts.joined(separator: "; ")
    }
}

extension EvaluationContext {
    /// The span a match of a conditional pattern is reported with, or nil when the conditions reject it.
    func apply(_ conditions: MatchConditions, to range: Range<Int>, turn: Int,
               bytes: UnsafeBufferPointer<UInt8>) throws -> Range<Int>? {
        if conditions.inCapitals {
            // Most turns have too few capitals to shout at all: counted once per turn, it spares a look at every sentence.
            guard hasEnoughCapitals(turn),
                  Self.isShouted(text(turn).originalText(text(turn).codePoints(range))) else { return nil }
        }
        let words = wordPositions(turn)
        var span = range
        /// The nearest match of any of `patterns` within reach on an allowed side, if there is one.
        /// Words that overlap the match are not near it (they are it), except for NOT NEAR and to_player, where they count
        /// as 0 apart. Each pattern's matches in the turn are found once and searched from the match outwards, so a turn
        /// with thousands of matches costs thousands of steps, not thousands of scans.
        func nearest(_ patterns: [CompiledPattern], order: MatchConditions.Order, overlapCounts: Bool = false,
                     sameSentence: Bool = false) throws -> Range<Int>? {
            var best: (gap: Int, range: Range<Int>)?
            // A turn read twice (as written and transliterated): partners come from the match's own reading.
            let secondReading = text(turn).withinReading(range).isSecondReading
            func consider(_ candidate: Range<Int>) -> Bool {  // false: further ones on this side are out of reach
                // The readings lie one after the other: past the edge of the match's own, every further one is the other's.
                if text(turn).firstReadingEnd != nil, text(turn).withinReading(candidate).isSecondReading != secondReading
                    || (!secondReading && candidate.upperBound > (text(turn).firstReadingEnd ?? Int.max)) { return false }
                if candidate.overlaps(range) {
                    if overlapCounts { best = (0, candidate) }
                    return true
                }
                let isBefore = candidate.upperBound <= range.lowerBound
                if order == .before && !isBefore || order == .after && isBefore { return true }
                // "Здравствуйте! Тупой бот": a sentence's end between them, and the word addresses someone else's sentence.
                if sameSentence {
                    let between = isBefore ? candidate.upperBound..<range.lowerBound : range.upperBound..<candidate.lowerBound
                    if bytes[between].contains(where: { $0 == 0x2E || $0 == 0x21 || $0 == 0x3F || $0 == 0x3B || $0 == 0x0A }) { return false }
                }
                let gap = words.wordsBetween(candidate, range)
                guard gap <= conditions.words else { return false }
                if gap < (best?.gap ?? Int.max) { best = (gap, candidate) }
                return true
            }
            for pattern in patterns {
                let found = try partnerMatches(pattern, turn: turn, bytes: bytes)
                // The first match starting at or after the match's start; before it, the ones that start earlier.
                var low = 0, high = found.count
                while low < high {
                    let mid = (low + high) / 2
                    if found[mid].lowerBound < range.lowerBound { low = mid + 1 } else { high = mid }
                }
                var i = low
                while i < found.count, order != .before || found[i].overlaps(range), consider(found[i]) { i += 1 }
                i = low - 1
                while i >= 0, order != .after || found[i].overlaps(range), consider(found[i]) { i -= 1 }
            }
            return best?.range
        }
        if !conditions.near.isEmpty {
            guard let partner = try nearest(conditions.near, order: conditions.order) else { return nil }
            span = min(span.lowerBound, partner.lowerBound)..<max(span.upperBound, partner.upperBound)
        }
        if let secondPerson = conditions.toPlayer {
            // Turkish, Greek and Russian mark the person on the word itself ("salaksınız"): overlapping words count.
            guard let partner = try nearest([secondPerson], order: .any, overlapCounts: true, sameSentence: true) else { return nil }
            span = min(span.lowerBound, partner.lowerBound)..<max(span.upperBound, partner.upperBound)
        }
        if !conditions.notNear.isEmpty, try nearest(conditions.notNear, order: .any, overlapCounts: true) != nil { return nil }
        return span
    }

    /// Every non-empty match of a condition's pattern in a turn, in order, found the first time a candidate asks.
    func partnerMatches(_ pattern: CompiledPattern, turn: Int, bytes: UnsafeBufferPointer<UInt8>) throws -> [Range<Int>] {
        let key = PartnerKey(pattern: ObjectIdentifier(pattern), turn: turn)
        if let known = partners[key] { return known }
        var found: [Range<Int>] = []
        try matcher.forEachMatch(pattern, in: bytes) { match in
            if !match.range.isEmpty { found.append(match.range) }
            return true
        }
        partners[key] = found
        return found
    }

    /// Words written in capitals: three words or more, enough letters, and at most one in ten of them lower case (an
    /// "ID" or "EUR" in a normal sentence, or "TD, ENOIDEA", is not shouting; "I TOLD YOU TWICE" is).
    static func isShouted(_ text: String) -> Bool {
        var upper = 0, lower = 0, words = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            let isLetter = scalar.properties.isAlphabetic
            if isLetter && !inWord { words += 1 }
            inWord = isLetter
            if scalar.properties.isUppercase { upper += 1 } else if scalar.properties.isLowercase { lower += 1 }
        }
        return words >= 3 && upper >= MatchConditions.minimumCapitals && lower * 10 <= upper
    }
}
