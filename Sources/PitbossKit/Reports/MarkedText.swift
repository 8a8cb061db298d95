/// A turn's text with words marked — reverse video on a terminal, »…« elsewhere — each mark optionally tagged after
/// the words (`[F12]`), personal data replaced when a mask is given, and control characters made visible.
enum MarkedText {
    struct Mark {
        /// Code points within the text.
        var start: Int
        var end: Int
        var tag: String?
    }

    static func render(_ text: String, marks: [Mark], mask: PersonalDataMask?, style: OutputStyle) -> String {
        let scalars = Array(text.unicodeScalars)
        let n = scalars.count
        var opens = [Int](repeating: 0, count: n + 1)
        var closes = [[String?]](repeating: [], count: n + 1)
        let masked = mask?.spans(in: text) ?? []
        // A mark boundary inside a masked span moves to the span's edge: the words are hidden, the mark is not.
        func snap(_ i: Int, up: Bool) -> Int {
            guard let span = masked.first(where: { $0.range.lowerBound < i && i < $0.range.upperBound }) else { return i }
            return up ? span.range.upperBound : span.range.lowerBound
        }
        for mark in marks {
            guard mark.start >= 0, mark.start <= mark.end, mark.end <= n else { continue }
            opens[snap(mark.start, up: false)] += 1
            closes[snap(mark.end, up: true)].append(mark.tag)
        }
        let open = style.color ? "\u{1B}[7;1m" : "»"
        let close = style.color ? "\u{1B}[0m" : "«"
        var out = ""
        var depth = 0
        var pending: [String] = []
        var i = 0
        while i <= n {
            if !closes[i].isEmpty {
                depth -= closes[i].count
                pending += closes[i].compactMap { $0 }
                if depth == 0 {
                    out += close
                    if !pending.isEmpty { out += style.paint("[" + pending.joined(separator: ",") + "]", .red, .bold) }
                    pending = []
                }
            }
            if opens[i] > 0 {
                if depth == 0 { out += open }
                depth += opens[i]
            }
            guard i < n else { break }
            if let span = masked.first(where: { $0.range.lowerBound == i }) {
                out += style.paint(span.replacement, .dim)
                if depth > 0 && style.color { out += open }  // painting reset the highlight
                i = span.range.upperBound
                continue
            }
            TerminalSafe.append(scalars[i], to: &out)
            i += 1
        }
        return out
    }
}
