/// Words an agent quotes rather than says: between quotation marks (" ", “ ”, « », „ “), on an e-mail's quoted
/// lines (starting with `>`), or repeated from what the customer wrote earlier ("I'm sorry you feel we are useless").
/// A rule with `skip_quoted: true` does not match there: an agent who quotes the player's insult to calm them is not
/// insulting anyone.
enum QuotedText {
    /// Byte ranges of passages between quotation marks in matchable (folded) text, marks included.
    static func quotations(in bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        // Most turns have no quotation mark at all: every mark is '"' or starts with the byte C2 (« ») or E2 (“ ” „ ‘ ’).
        guard bytes.contains(where: { $0 == 0x22 || $0 == 0xC2 || $0 == 0xE2 }) else { return ranges }
        // Quotation marks, paired left to right; an unclosed mark quotes nothing.
        let text = String(decoding: bytes, as: UTF8.self)
        var open: (closer: Unicode.Scalar, at: Int)?
        var offset = 0
        for scalar in text.unicodeScalars {
            let length = UTF8.width(scalar)
            if let current = open, scalar == current.closer {
                ranges.append(current.at..<(offset + length))
                open = nil
            } else if open == nil, let closer = closers[scalar] {
                open = (closer, offset)
            }
            offset += length
        }
        return ranges
    }

    /// An e-mail's quoted lines (starting with `>`, after any indentation): the mail being answered, never the words of
    /// whoever quotes it — no rule hears them, whatever its `skip_quoted`.
    static func quotedLines(in bytes: [UInt8]) -> [Range<Int>] {
        guard bytes.contains(0x3E) else { return [] }
        var ranges: [Range<Int>] = []
        var lineStart = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
            var j = lineStart
            while j < i, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
            if j < i, bytes[j] == 0x3E { ranges.append(lineStart..<i) }
            lineStart = i + 1
        }
        return ranges
    }

    private static let closers: [Unicode.Scalar: Unicode.Scalar] = ["\"": "\"", "“": "”", "«": "»", "„": "“", "‘": "’"]
}

extension EvaluationContext {
    /// Whether a match in a turn is quoted: inside quotation marks or a quoted e-mail line, or words the customer
    /// already wrote in an earlier turn.
    func isQuoted(_ range: Range<Int>, turn: Int, orEchoed: Bool = true) -> Bool {
        if quotedRanges(turn).contains(where: { $0.lowerBound <= range.lowerBound && range.upperBound <= $0.upperBound }) { return true }
        guard orEchoed else { return false }
        let said = Array(text(turn).bytes[range])
        // A word or two of four letters or more: "useless", "not my problem"; a bare "no." is not an echo.
        guard String(decoding: said, as: UTF8.self).unicodeScalars.filter(\.properties.isAlphabetic).count >= 4 else { return false }
        // The same words matched again in the turn are looked up once.
        let key = EchoKey(words: said, turn: turn)
        if let known = echoes[key] { return known }
        var echoed = false
        for earlier in 0..<turn where conversation.turns[earlier].role == .customer {
            if Self.containsWords(text(earlier).bytes, said) { echoed = true; break }
        }
        echoes[key] = echoed
        return echoed
    }

    /// Whether `words` stand in `text` as words, in any case: "idiot" is not echoed by the customer's "idiotic", and
    /// "USELESS" echoes "useless" (folding lower-cases other letters; ASCII is left as written, since patterns are
    /// caseless). A word's edge is where a letter or digit meets anything else: "…", "»" and emoji end a word too.
    static func containsWords(_ text: [UInt8], _ words: [UInt8]) -> Bool {
        func lower(_ bytes: [UInt8]) -> [UInt8] { bytes.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 } }
        let text = lower(text), words = lower(words)
        guard !words.isEmpty else { return false }
        /// The scalar that starts at `i`, or that ends just before `end`.
        func scalar(startingAt i: Int) -> Unicode.Scalar? {
            var iterator = text[i...].makeIterator()
            var decoder = UTF8()
            if case .scalarValue(let s) = decoder.decode(&iterator) { return s }
            return nil
        }
        func scalar(endingAt end: Int) -> Unicode.Scalar? {
            var start = end - 1
            while start > 0 && text[start] & 0xC0 == 0x80 { start -= 1 }
            return start >= 0 ? scalar(startingAt: start) : nil
        }
        func isWordScalar(_ s: Unicode.Scalar?) -> Bool {
            guard let s else { return false }
            return s.properties.isAlphabetic || s.properties.numericType != nil || s == "_"
        }
        let wordsText = String(decoding: words, as: UTF8.self).unicodeScalars
        let startsWithWord = isWordScalar(wordsText.first), endsWithWord = isWordScalar(wordsText.last)
        var from = text.startIndex
        while let found = text[from...].firstRange(of: words) {
            let before = found.lowerBound > text.startIndex ? scalar(endingAt: found.lowerBound) : nil
            let after = found.upperBound < text.endIndex ? scalar(startingAt: found.upperBound) : nil
            if (!startsWithWord || !isWordScalar(before)) && (!endsWithWord || !isWordScalar(after)) { return true }
            from = found.lowerBound + 1
        }
        return false
    }
}
