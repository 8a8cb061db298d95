import Foundation

/// Escaping for HTML and XML alike: the five special characters as references, and whatever `TerminalSafe` makes
/// visible (control characters, bidirectional overrides) made visible here too, so that a transcript cannot reorder
/// a page's text or break its markup. The result is also well-formed XML.
public enum HTML {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in TerminalSafe.line(text).unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Noncharacters and lone surrogates cannot appear in a Swift string; U+FFFE/FFFF are not XML characters.
                if ch.value == 0xFFFE || ch.value == 0xFFFF { out += "\u{FFFD}" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }
}

/// A report as one self-contained HTML page: inline CSS and SVG drawn here, no script, no font, image or style from
/// the network, readable offline and printable on A4. Written as XHTML-compatible markup (every element closed, only
/// numeric character references), so the page also parses as XML.
public enum HTMLReport {
    public static func render(_ document: ReportDocument, zone: TimeZone, now: Date = Date()) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <meta name="generator" content="Pitboss"/>
            <title>\(HTML.escape(document.title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header>
            <h1>\(HTML.escape(document.title))</h1>

            """
        if !document.facts.isEmpty {
            out += "<dl class=\"facts\">"
            for fact in document.facts { out += "<div><dt>\(HTML.escape(fact.label))</dt><dd>\(HTML.escape(fact.value))</dd></div>" }
            out += "</dl>\n"
        }
        out += "</header>\n<main>\n"
        var chartNumber = 0
        for section in document.sections {
            out += "<section id=\"\(HTML.escape(section.key))\">\n<h2>\(HTML.escape(section.title))</h2>\n"
            if let note = section.note { out += "<p class=\"note\">\(HTML.escape(note))</p>\n" }
            for chart in section.charts {
                chartNumber += 1
                out += "<figure>" + SVGChart.render(chart, id: "chart\(chartNumber)") + "</figure>\n"
            }
            out += table(section)
            out += "</section>\n"
        }
        out += """
            </main>
            <footer>Made by Pitboss on \(HTML.escape(LocalTime.format(now, in: zone))). Times are in \(HTML.escape(ReportNumber.zoneName(zone))). \
            \(document.personalDataMasked ? "Personal data in quoted words is masked." : "Personal data is shown unmasked, as asked: handle this page accordingly.")</footer>
            </body>
            </html>

            """
        return out
    }

    static func table(_ section: ReportDocument.Section) -> String {
        guard !section.rows.isEmpty else { return "<p class=\"empty\">\(HTML.escape(section.emptyText))</p>\n" }
        let shown = section.columns.indices.filter { !section.columns[$0].onlyInCSV }
        var out = "<div class=\"scroll\"><table>\n<thead><tr>"
        for c in shown { out += "<th\(section.columns[c].numeric ? " class=\"num\"" : "") scope=\"col\">\(HTML.escape(section.columns[c].header))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in section.rows {
            out += "<tr>"
            for c in shown {
                var classes: [String] = []
                if section.columns[c].numeric { classes.append("num") }
                if section.columns[c].wraps { classes.append("wrap") }
                switch row[c].tone {
                case .red?: classes.append("bad")
                case .green?: classes.append("good")
                case .yellow?: classes.append("warn")
                case .dim?: classes.append("dim")
                case .bold?: classes.append("strong")
                default: break
                }
                let content = row[c].trend.map { SVGChart.sparkline($0.values, domain: $0.domain) } ?? HTML.escape(row[c].shown)
                // A cell too long for one line is cut with an ellipsis; the whole of it is its tooltip (and in CSV, JSON).
                let tooltip = !section.columns[c].wraps && row[c].shown.count > 40 ? " title=\"\(HTML.escape(row[c].shown))\"" : ""
                out += "<td\(classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")\(tooltip)>\(content)</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table></div>\n"
    }

    /// One style sheet: a sober page on screen, A4 on paper, fonts of the machine (DejaVu and Noto cover Cyrillic,
    /// Greek and Turkish).
    static let style = """

        :root { color-scheme: light; }
        body { font-family: "DejaVu Sans", "Noto Sans", "Segoe UI", system-ui, sans-serif; font-size: 13px; color: #1d2329;
               margin: 24px auto; max-width: 980px; padding: 0 16px; line-height: 1.4; }
        h1 { font-size: 22px; margin: 0 0 8px; }
        h2 { font-size: 16px; margin: 28px 0 4px; padding-bottom: 3px; border-bottom: 2px solid #1f5fae; }
        .facts { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0 0 8px; }
        .facts div { display: flex; gap: 6px; }
        .facts dt { color: #5b6670; }
        .facts dd { margin: 0; font-weight: 600; }
        .note { color: #5b6670; margin: 2px 0 8px; }
        figure { margin: 8px 0 12px; }
        svg.chart { width: 100%; max-width: 860px; height: auto; font-family: inherit; }
        svg .chart-title { font-size: 13px; font-weight: 600; fill: #1d2329; }
        svg .label, svg .value { font-size: 10px; fill: #3a4550; }
        svg .axis { font-size: 11px; fill: #1d2329; font-style: italic; }
        svg .threshold { font-size: 11px; fill: #b3261e; font-weight: 600; }
        table { border-collapse: collapse; margin: 4px 0 8px; font-size: 12px; }
        th, td { padding: 3px 8px; border-bottom: 1px solid #e3e7eb; text-align: left; vertical-align: top; }
        th { background: #f2f4f6; font-weight: 600; vertical-align: bottom; }
        td { white-space: nowrap; max-width: 22em; overflow: hidden; text-overflow: ellipsis; }
        td.wrap { white-space: normal; min-width: 12em; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        svg .count { font-size: 9px; }
        td.bad { color: #b3261e; font-weight: 600; }
        td.good { color: #2e7d32; }
        td.warn { color: #8a5a00; }
        td.dim { color: #8a949e; }
        td.strong { font-weight: 600; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        .empty { color: #5b6670; font-style: italic; }
        .scroll { overflow-x: auto; }
        footer { margin-top: 32px; color: #5b6670; font-size: 11px; border-top: 1px solid #e3e7eb; padding-top: 6px; }
        @page { size: A4; margin: 14mm; }
        @media print {
          body { margin: 0; max-width: none; font-size: 10px; }
          h2 { break-after: avoid; }
          figure, tr { break-inside: avoid; }
          thead { display: table-header-group; }
          svg.chart { width: 100%; }
          .scroll { overflow: visible; }
          td, th { padding: 2px 4px; }
        }

        """
}
