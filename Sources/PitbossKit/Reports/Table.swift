/// A table of text, rendered aligned for people or as CSV (RFC 4180) for spreadsheets.
public struct Table: Sendable {
    public var headers: [String]
    public var rows: [[String]]
    /// Columns whose cells are right-aligned (numbers).
    public var numericColumns: Set<Int>
    /// Cells to colour, by row then column: painted after padding, so escape codes never count as width.
    public var tones: [Int: [Int: [OutputStyle.Tone]]] = [:]

    public init(headers: [String], rows: [[String]] = [], numericColumns: Set<Int> = []) {
        self.headers = headers
        self.rows = rows
        self.numericColumns = numericColumns
    }

    /// Aligned columns for people; every cell is data, shown with its control characters made visible.
    public func render(style: OutputStyle = .plain) -> String {
        let headerCells = headers.map(TerminalSafe.line)
        let bodyCells = rows.map { $0.map(TerminalSafe.line) }
        var widths = headerCells.map(TerminalWidth.of)
        for row in bodyCells {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], TerminalWidth.of(cell)) }
        }
        func line(_ cells: [String], tones: [Int: [OutputStyle.Tone]] = [:]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, (i < widths.count ? widths[i] : 0) - TerminalWidth.of(cell)))
                let shown = tones[i].map { style.paint(cell, $0) } ?? cell
                return numericColumns.contains(i) ? pad + shown : (i == cells.count - 1 ? shown : shown + pad)
            }.joined(separator: "  ")
        }
        var out = style.paint(line(headerCells), .bold) + "\n"
        for (r, row) in bodyCells.enumerated() { out += line(row, tones: tones[r] ?? [:]) + "\n" }
        return out
    }

    public func csv() -> String {
        ([headers] + rows).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func csvField(_ text: String) -> String {
        let cell = defused(text)
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`; OWASP's "CSV injection")
    /// gets a leading apostrophe, which spreadsheets show as text. Numbers, negative ones too, stay as they are.
    static func defused(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        switch first {
        case "=", "+", "@", "\t", "\r": return "'" + text
        case "-" where Double(text) == nil: return "'" + text
        default: return text
        }
    }
}

/// Display width in terminal columns: wide East Asian characters and emoji take two, combining marks none.
public enum TerminalWidth {
    public static func of(_ text: String) -> Int {
        var width = 0
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: continue
            default: break
            }
            if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v) {
                width += 2
            } else {
                width += 1
            }
        }
        return width
    }
}
