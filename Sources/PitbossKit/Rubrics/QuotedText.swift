/// Words an agent quotes rather than says: between quotation marks (" ", “ ”, « », „ “), on an e-mail's quoted
/// lines (starting with `>`), or repeated from what the customer wrote earlier ("I'm sorry you feel we are useless").
/// A rule with `skip_quoted: true` does not match there: an agent who quotes the player's insult to calm them is not
/// insulting anyone.
enum QuotedText {
    /// Byte ranges of quoted passages in matchable (folded) text, quotation marks included.
    static func ranges(in bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        // Quoted e-mail lines.
        var lineStart = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
            var j = lineStart
            while j < i, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
            if j < i, bytes[j] == 0x3E { ranges.append(lineStart..<i) }
            lineStart = i + 1
        }
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

    private static let closers: [Unicode.Scalar: Unicode.Scalar] = ["\"": "\"", "“": "”", "«": "»", "„": "“", "‘": "’"]
}

extension EvaluationContext {
    /// Whether a match in a turn is quoted: inside quotation marks or a quoted e-mail line, or words the customer
    /// already wrote in an earlier turn.
    func isQuoted(_ range: Range<Int>, turn: Int) -> Bool {
        if quotedRanges(turn).contains(where: { $0.lowerBound <= range.lowerBound && range.upperBound <= $0.upperBound }) { return true }
        let said = Array(text(turn).bytes[range])
        // A word or two of four letters or more: "useless", "not my problem"; a bare "no." is not an echo.
        guard String(decoding: said, as: UTF8.self).unicodeScalars.filter(\.properties.isAlphabetic).count >= 4 else { return false }
        // The same words matched again in the turn are looked up once.
        let key = EchoKey(words: said, turn: turn)
        if let known = echoes[key] { return known }
        var echoed = false
        for earlier in 0..<turn where conversation.turns[earlier].role == .customer {
            if text(earlier).bytes.firstRange(of: said) != nil { echoed = true; break }
        }
        echoes[key] = echoed
        return echoed
    }
}
