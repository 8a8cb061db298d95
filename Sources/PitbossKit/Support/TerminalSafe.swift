/// Text from a file (a transcript, a rubric, a CSV export), made safe to print on a terminal.
///
/// A transcript is written by strangers: an escape sequence in a chat message could set the clipboard
/// (OSC 52), plant a link (OSC 8), retitle the window, clear the screen or switch to the alternate screen
/// the moment a reviewer runs `pitboss show`. Every place that prints data from a file passes it through
/// here, on a terminal and on a pipe alike; JSON and CSV output carry the exact text instead.
///
/// C0 controls show in caret notation (`ESC` → `^[`, `BEL` → `^G`, `DEL` → `^?`), as `cat -v` does; C1
/// controls and the invisible bidirectional formatting characters (which can make `evil.exe` read as
/// `exe.live`) show as `\u{202E}`.
public enum TerminalSafe {
    /// Multi-line text (a turn, a comment): line feeds and tabs are kept.
    public static func text(_ text: String) -> String {
        escape(text, keepLineBreaks: true)
    }

    /// One line (an id, a name, a table cell): line feeds and tabs are shown too.
    public static func line(_ text: String) -> String {
        escape(text, keepLineBreaks: false)
    }

    /// Appends one scalar of multi-line text, escaped when it must be: for views that build text scalar by scalar.
    static func append(_ scalar: Unicode.Scalar, to out: inout String) {
        if needsEscape(scalar, keepLineBreaks: true) { out += text(String(scalar)) } else { out.unicodeScalars.append(scalar) }
    }

    /// Whether a scalar would be escaped: what the fast path looks for. In a line (an id, a name) the invisible
    /// joiners are shown too, so that two ids that look alike are told apart; in text they stay, since scripts and
    /// emoji need them.
    static func needsEscape(_ scalar: Unicode.Scalar, keepLineBreaks: Bool) -> Bool {
        let v = scalar.value
        if v < 0x20 { return !(keepLineBreaks && (v == 0x0A || v == 0x09)) }
        if v < 0x7F { return false }
        if v <= 0x9F || isBidiControl(v) || v == 0x2028 || v == 0x2029 { return true }
        if v == 0x200B || v == 0x2060 || v == 0xFEFF { return true }  // zero-width space, word joiner, BOM: invisible anywhere
        return !keepLineBreaks && (v == 0x200C || v == 0x200D)          // zero-width non-joiner and joiner
    }

    /// LRM, RLM, ALM and the embedding, override and isolate controls.
    static func isBidiControl(_ v: UInt32) -> Bool {
        v == 0x200E || v == 0x200F || v == 0x061C || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    private static func escape(_ text: String, keepLineBreaks: Bool) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepLineBreaks: keepLineBreaks) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, keepLineBreaks: keepLineBreaks) else {
                out.append(scalar)
                continue
            }
            let v = scalar.value
            let shown: String
            if v < 0x20 {
                shown = "^" + String(UnicodeScalar(UInt8(v + 0x40)))
            } else if v == 0x7F {
                shown = "^?"
            } else {
                shown = "\\u{" + String(v, radix: 16, uppercase: true) + "}"
            }
            out.append(contentsOf: shown.unicodeScalars)
        }
        return String(out)
    }
}
