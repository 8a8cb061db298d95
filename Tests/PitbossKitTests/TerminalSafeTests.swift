import Testing
@testable import PitbossKit

@Suite("TerminalSafe: data from files is printed with its control characters visible")
struct TerminalSafeTests {
    @Test("C0 controls in caret notation, DEL as ^?, C1 and bidi controls as \\u{…}")
    func escapes() {
        #expect(TerminalSafe.text("a\u{1B}]0;title\u{07}b") == "a^[]0;title^Gb")
        #expect(TerminalSafe.text("x\u{7F}y\u{0}") == "x^?y^@")
        #expect(TerminalSafe.text("\u{9B}2J") == "\\u{9B}2J")
        #expect(TerminalSafe.line("evil\u{202E}txt.exe") == "evil\\u{202E}txt.exe")
        #expect(TerminalSafe.line("\u{2066}a\u{2069}\u{200F}") == "\\u{2066}a\\u{2069}\\u{200F}")
    }

    @Test("invisible characters are shown: zero-width space and word joiner everywhere, joiners in ids and names")
    func invisible() {
        #expect(TerminalSafe.line("h3\u{200B}zw") == "h3\\u{200B}zw")
        #expect(TerminalSafe.line("a\u{200D}b\u{2060}c\u{FEFF}") == "a\\u{200D}b\\u{2060}c\\u{FEFF}")
        #expect(TerminalSafe.text("👩\u{200D}💻 and می\u{200C}خواهم") == "👩\u{200D}💻 and می\u{200C}خواهم")
        #expect(TerminalSafe.text("a\u{200B}b") == "a\\u{200B}b")
    }

    @Test("text keeps line feeds and tabs; a line shows them; a carriage return is always shown")
    func lineBreaks() {
        #expect(TerminalSafe.text("one\ntwo\tthree") == "one\ntwo\tthree")
        #expect(TerminalSafe.line("one\ntwo\tthree") == "one^Jtwo^Ithree")
        #expect(TerminalSafe.text("real\rfake") == "real^Mfake")
    }

    @Test("ordinary text in every script passes unchanged, emoji and combining marks too")
    func ordinaryText() {
        for text in ["Добрый вечер!", "İyi akşamlar, çekiminiz", "Καλησπέρα σας", "ok thanks 🙏", "e\u{301}", "שלום", "مرحبا"] {
            #expect(TerminalSafe.text(text) == text)
            #expect(TerminalSafe.line(text) == text)
        }
    }

    @Test("a table escapes its cells and measures them after escaping, so columns stay aligned")
    func tableCells() {
        let table = Table(headers: ["id", "agent"], rows: [["a\u{1B}[2J", "x"], ["bb", "y"]])
        let lines = table.render().split(separator: "\n")
        #expect(lines[1] == "a^[[2J  x")
        #expect(lines[2] == "bb      y")
    }

    @Test("a CSV cell a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers")
    func csvFormulas() {
        let csv = Table(headers: ["a", "b", "c", "d", "e"], rows: [["=HYPERLINK(\"x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-12.5", "-x"]]).csv()
        #expect(csv.split(separator: "\r\n")[1] == #""'=HYPERLINK(""x"")",'+cmd|' /C calc'!A0,'@SUM(1+1),-12.5,'-x"#)
    }
}

@Suite("Wrapping for a terminal: at words, with a hanging indent, colour taking no room")
struct TextWrapTests {
    @Test("a long line breaks between words within the width; continuation lines are indented; short lines stay")
    func words() {
        let wrapped = TextWrap.wrap("  F12  major     agent-blame [courtesy] found · turn 2: “read the rules yourself” — Blames the player", width: 40, indent: 6)
        let lines = wrapped.split(separator: "\n").map(String.init)
        #expect(lines.count > 1 && lines.allSatisfy { TextWrap.displayWidth($0) <= 40 }, "\(lines)")
        #expect(lines[0].hasPrefix("  F12") && lines.dropFirst().allSatisfy { $0.hasPrefix("      ") && !$0.hasPrefix("       ") })
        #expect(lines.joined(separator: " ").split(separator: " ").joined(separator: " ") == "F12 major agent-blame [courtesy] found · turn 2: “read the rules yourself” — Blames the player")
        #expect(TextWrap.wrap("short", width: 40, indent: 4) == "short" && TextWrap.wrap("anything at all", width: nil, indent: 4) == "anything at all")
    }

    @Test("escape sequences take no columns; wide characters two")
    func widths() {
        let red = OutputStyle(color: true, isTerminal: true).paint("major", .red)
        #expect(TextWrap.displayWidth(red) == 5 && TextWrap.displayWidth("ok 🙏") == 5)
        let line = red + " " + String(repeating: "word ", count: 12)
        #expect(TextWrap.wrap(line, width: 30, indent: 2).split(separator: "\n").allSatisfy { TextWrap.displayWidth(String($0)) <= 30 })
    }
}
