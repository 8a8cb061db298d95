/// Wraps text for a terminal of a given width at word boundaries, continuation lines indented (a hanging indent), with
/// widths measured as the terminal shows them: escape sequences (colour) take no room, wide characters take two.
public enum TextWrap {
    /// The columns `text` takes on a terminal: its `TerminalWidth` without the ANSI escape sequences in it.
    public static func displayWidth(_ text: String) -> Int { TerminalWidth.of(withoutEscapes(text)) }

    public static func withoutEscapes(_ text: String) -> String {
        guard text.contains("\u{1B}") else { return text }
        var out = String.UnicodeScalarView()
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                // CSI sequences end with a letter ("m" for colours).
                if (0x40...0x7E).contains(scalar.value), scalar != "[" { inEscape = false }
                continue
            }
            if scalar == "\u{1B}" { inEscape = true; continue }
            out.append(scalar)
        }
        return String(out)
    }

    /// Each line of `text` wrapped to `width` columns; continuation lines start with `indent` spaces. A word longer than
    /// a line is left whole on its own line (cutting it would change what the words say). nil width: unchanged.
    public static func wrap(_ text: String, width: Int?, indent: Int) -> String {
        guard let width, width > indent + 10 else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard displayWidth(String(line)) > width else { return String(line) }
            var lines: [String] = []
            // The line's own leading spaces stay; the words after them are laid out.
            let leading = line.prefix { $0 == " " }
            var current = String(leading), currentWidth = leading.count
            let pad = String(repeating: " ", count: indent)
            for word in line.dropFirst(leading.count).split(separator: " ", omittingEmptySubsequences: false) {
                let w = displayWidth(String(word))
                let atStart = currentWidth == leading.count && current.count == leading.count
                if !atStart, currentWidth + 1 + w > width {
                    lines.append(current)
                    current = pad + word
                    currentWidth = indent + w
                } else {
                    current += (atStart ? "" : " ") + word
                    currentWidth += (atStart ? 0 : 1) + w
                }
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
