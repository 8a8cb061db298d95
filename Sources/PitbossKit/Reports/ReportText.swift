/// A report for a terminal: the facts, then each section's title, note and aligned table (charts are HTML's).
enum ReportText {
    static func render(_ document: ReportDocument, style: OutputStyle) -> String {
        var out = ""
        let sections = document.sections.filter(\.onTerminal)
        if !document.facts.isEmpty {
            out += style.paint(TerminalSafe.line(document.title), .bold) + "\n"
            let width = document.facts.map { TerminalWidth.of($0.label) }.max() ?? 0
            for fact in document.facts {
                out += style.paint(TerminalSafe.line(fact.label) + ":", .bold)
                    + String(repeating: " ", count: width - TerminalWidth.of(fact.label) + 1) + TerminalSafe.line(fact.value) + "\n"
            }
        }
        let titled = sections.count > 1 || !document.facts.isEmpty
        for section in sections {
            if !out.isEmpty { out += "\n" }
            if titled { out += style.paint(TerminalSafe.line(section.title), .bold) + "\n" }
            if let note = section.note, titled { out += style.paint(TerminalSafe.line(note), .dim) + "\n" }
            let shown = section.columns.indices.filter { !section.columns[$0].onlyInCSV }
            guard !section.rows.isEmpty else {
                out += TerminalSafe.line(section.emptyText) + "\n"
                continue
            }
            var table = Table(headers: shown.map { section.columns[$0].header },
                              numericColumns: Set(shown.indices.filter { section.columns[shown[$0]].numeric }))
            table.rows = section.rows.map { row in shown.map { row[$0].shown } }
            for (r, row) in section.rows.enumerated() {
                for (c, column) in shown.enumerated() { if let tone = row[column].tone { table.tones[r, default: [:]][c] = [tone] } }
            }
            out += table.render(style: style)
        }
        let left = document.sections.filter { !$0.onTerminal }.map(\.title)
        if !left.isEmpty {
            out += "\n" + style.paint("Not shown here: " + TerminalSafe.line(left.joined(separator: "; ")) + " (in the CSV, JSON and HTML formats)", .dim) + "\n"
        }
        return out
    }
}

/// A report as CSV (RFC 4180): the headers are the JSON keys. One section is one table; several become one table whose
/// first column, `section`, names the rows' section, with the union of the sections' columns.
enum ReportCSV {
    static func render(_ document: ReportDocument) -> String {
        let sections = document.sections.filter(\.inCSV)
        func columns(_ section: ReportDocument.Section) -> [Int] { section.columns.indices.filter { !section.columns[$0].onlyForPeople } }
        if sections.count == 1, let section = sections.first {
            let kept = columns(section)
            var table = Table(headers: kept.map { section.columns[$0].key })
            table.rows = section.rows.map { row in kept.map { row[$0].value } }
            return table.csv()
        }
        var keys: [String] = []
        for section in sections {
            for c in columns(section) where !keys.contains(section.columns[c].key) { keys.append(section.columns[c].key) }
        }
        var table = Table(headers: ["section"] + keys)
        for section in sections {
            let position = Dictionary(columns(section).map { (section.columns[$0].key, $0) }, uniquingKeysWith: { a, _ in a })
            table.rows += section.rows.map { row in [section.key] + keys.map { position[$0].map { row[$0].value } ?? "" } }
        }
        return table.csv()
    }
}
