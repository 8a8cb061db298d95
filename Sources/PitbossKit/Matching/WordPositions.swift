/// Where the words of a turn's matchable text start, to tell how many words lie between two matches (the
/// proximity conditions `near` and `not_near`). A word is a run of letters, digits, marks and `_`: what `\w` is
/// with PCRE2_UCP, so a pattern author's idea of a word and this count agree.
struct WordPositions {
    /// Byte offsets of word starts, ascending.
    let starts: [Int]

    init(_ bytes: [UInt8]) {
        var starts: [Int] = []
        var inWord = false
        var i = 0
        while i < bytes.count {
            let length = min(Matcher.characterLength(bytes[i]), bytes.count - i)
            let isWord = Self.isWordCharacter(bytes[i..<(i + length)])
            if isWord && !inWord { starts.append(i) }
            inWord = isWord
            i += length
        }
        self.starts = starts
    }

    /// The number of words strictly between two byte ranges: 0 when they touch or overlap. A word cut by a range's
    /// end is not counted again.
    func wordsBetween(_ a: Range<Int>, _ b: Range<Int>) -> Int {
        let (first, second) = a.lowerBound <= b.lowerBound ? (a, b) : (b, a)
        guard first.upperBound < second.lowerBound else { return 0 }
        return startsBefore(second.lowerBound) - startsBefore(first.upperBound)
    }

    /// How many words start before a byte offset (binary search).
    private func startsBefore(_ offset: Int) -> Int {
        var low = 0, high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if starts[mid] < offset { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private static func isWordCharacter(_ character: ArraySlice<UInt8>) -> Bool {
        guard let lead = character.first else { return false }
        if lead < 0x80 {
            return (0x30...0x39).contains(lead) || (0x41...0x5A).contains(lead) || (0x61...0x7A).contains(lead) || lead == 0x5F
        }
        guard let scalar = String(decoding: character, as: UTF8.self).unicodeScalars.first else { return false }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber, .connectorPunctuation:
            return true
        default:
            return false
        }
    }
}
