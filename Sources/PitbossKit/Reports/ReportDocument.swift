import Foundation

/// A report as people read it, whatever the format: a title, a few facts, and sections of titled tables, each with
/// the charts drawn from the same numbers. Every report builds one from its rows; the table, CSV and HTML renderers
/// read only this, so that a new format is one renderer, not an edit to every report. (JSON is the report's own rows.)
public struct ReportDocument: Sendable {
    public var title: String
    /// What the report covers and when it was made: "Agents: 42", "Time zone: Europe/Malta".
    public var facts: [Fact]
    public var sections: [Section]
    /// Whether personal data in quoted words is masked (the default) or shown, as the reader asked.
    public var personalDataMasked: Bool

    public init(title: String, personalDataMasked: Bool = true, facts: [Fact] = [], sections: [Section]) {
        self.title = title
        self.personalDataMasked = personalDataMasked
        self.facts = facts
        self.sections = sections
    }

    public struct Fact: Sendable {
        public var label: String
        public var value: String
        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    public struct Section: Sendable {
        /// Names the section's rows in a CSV of several sections (snake_case, as the JSON key of those rows).
        public var key: String
        public var title: String
        /// A sentence under the title: what is counted, how to read it.
        public var note: String?
        public var columns: [Column]
        public var rows: [[Cell]]
        public var charts: [ReportChart]
        /// Said instead of an empty table.
        public var emptyText: String
        /// Whether CSV carries the section (a section that repeats another's numbers in another shape does not).
        public var inCSV: Bool
        /// Whether a terminal shows it (a long breakdown may be left to the files).
        public var onTerminal: Bool

        public init(key: String, title: String, note: String? = nil, columns: [Column], rows: [[Cell]], charts: [ReportChart] = [],
                    emptyText: String = "nothing to show", inCSV: Bool = true, onTerminal: Bool = true) {
            self.key = key
            self.title = title
            self.note = note
            self.columns = columns
            self.rows = rows
            self.charts = charts
            self.emptyText = emptyText
            self.inCSV = inCSV
            self.onTerminal = onTerminal
        }
    }

    public struct Column: Sendable {
        /// The CSV header: the JSON key of the value (`precision_low`; a nested one as `outcomes.improved`).
        public var key: String
        /// What people read above the column.
        public var header: String
        public var numeric: Bool
        /// Shown to people but not in CSV (a sparkline, a combined "12 % (8–17 %)").
        public var onlyForPeople: Bool
        /// In CSV but not in the people's table (the interval's bounds when the table shows them combined).
        public var onlyInCSV: Bool
        /// Text that may wrap in a page's table (words, reasons); every other cell keeps to one line.
        public var wraps: Bool

        public init(_ key: String, _ header: String? = nil, numeric: Bool = false, onlyForPeople: Bool = false, onlyInCSV: Bool = false,
                    wraps: Bool = false) {
            self.key = key
            self.header = header ?? key.replacingOccurrences(of: "_", with: " ")
            self.numeric = numeric
            self.onlyForPeople = onlyForPeople
            self.onlyInCSV = onlyInCSV
            self.wraps = wraps
        }
    }

    /// A value twice: as a program reads it (CSV) and as a person does (table, HTML).
    public struct Cell: Sendable {
        public var value: String
        public var shown: String
        public var tone: OutputStyle.Tone?
        /// A trend a page draws as a small line (a terminal shows `shown`, its block characters), on a shared scale.
        public var trend: (values: [Double?], domain: ClosedRange<Double>)?

        public init(value: String, shown: String? = nil, tone: OutputStyle.Tone? = nil) {
            self.value = value
            self.shown = shown ?? value
            self.tone = tone
        }

        /// A trend: `value` for programs, block characters for a terminal, a line on a page.
        public static func trend(_ values: [Double?], domain: ClosedRange<Double>?, value: String) -> Cell {
            var cell = Cell(value: value, shown: ReportNumber.sparkline(values, domain: domain))
            cell.trend = (values, domain ?? 0...100)
            return cell
        }

        public static func text(_ text: String?, tone: OutputStyle.Tone? = nil) -> Cell { Cell(value: text ?? "", shown: text ?? "–", tone: tone) }
        public static func int(_ n: Int?, tone: OutputStyle.Tone? = nil) -> Cell { Cell(value: n.map(String.init) ?? "", shown: n.map(String.init) ?? "–", tone: tone) }
        public static func bool(_ b: Bool, tone: OutputStyle.Tone? = nil) -> Cell { Cell(value: b ? "true" : "false", shown: b ? "yes" : "no", tone: b ? tone : nil) }

        /// A number: full precision for programs, `digits` decimals for people.
        public static func number(_ x: Double?, digits: Int = 1, tone: OutputStyle.Tone? = nil) -> Cell {
            guard let x else { return Cell(value: "", shown: "–", tone: tone) }
            return Cell(value: ReportNumber.plain(x), shown: String(format: "%.\(digits)f", x), tone: tone)
        }

        /// A share 0…1: four decimals for programs, a whole percentage for people.
        public static func share(_ x: Double?, tone: OutputStyle.Tone? = nil) -> Cell {
            guard let x else { return Cell(value: "", shown: "–", tone: tone) }
            return Cell(value: ReportNumber.plain(x), shown: ReportNumber.percent(x), tone: tone)
        }

        /// A duration: seconds for programs, "4 m 05 s" for people.
        public static func seconds(_ x: Double?, tone: OutputStyle.Tone? = nil) -> Cell {
            guard let x else { return Cell(value: "", shown: "–", tone: tone) }
            return Cell(value: ReportNumber.plain(x), shown: ReportNumber.duration(x), tone: tone)
        }
    }
}

/// How numbers read in reports.
public enum ReportNumber {
    /// For programs: an integer without ".0", else up to four decimals (what a report computes is no more precise).
    public static func plain(_ x: Double) -> String {
        let x = (x * 10_000).rounded() / 10_000
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        var text = String(format: "%.4f", x)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// "12 %" (a non-breaking space: the sign stays with its number when a cell wraps).
    public static func percent(_ x: Double) -> String {
        let p = x * 100
        return (p > 0 && p < 1 ? "<1" : p < 100 && p > 99 ? ">99" : String(format: "%.0f", p)) + "\u{00A0}%"
    }

    /// For an axis: "0", "90 s", "5 m", "1 h 30 m".
    public static func shortDuration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s == 0 { return "0" }
        if s % 3600 == 0 { return "\(s / 3600) h" }
        if s % 60 == 0 { return s >= 3600 ? "\(s / 3600) h \(s % 3600 / 60) m" : "\(s / 60) m" }
        return duration(seconds)
    }

    /// "0.4 s", "45 s", "4 m 05 s", "5 m", "2 h 10 m".
    public static func duration(_ seconds: Double) -> String {
        if seconds <= 0 { return "0" }
        if seconds < 9.95 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return s % 60 == 0 ? "\(s / 60) m" : String(format: "%d m %02d s", s / 60, s % 60) }
        return String(format: "%d h %02d m", s / 3600, s % 3600 / 60)
    }

    /// How a time zone is named to people: "UTC" for UTC however the system spells it.
    public static func zoneName(_ zone: TimeZone) -> String {
        ["UTC", "GMT", "Etc/UTC", "Etc/GMT", "Universal", "Zulu"].contains(zone.identifier) ? "UTC" : zone.identifier
    }

    /// A trend in block characters, lowest to highest of its own values (▁…█); a gap where there is no value.
    public static func sparkline(_ values: [Double?], domain: ClosedRange<Double>? = nil) -> String {
        let present = values.compactMap { $0 }
        guard let low = domain?.lowerBound ?? present.min(), let high = domain?.upperBound ?? present.max() else {
            return String(repeating: " ", count: values.count)
        }
        let blocks = Array("▁▂▃▄▅▆▇█")
        return String(values.map { value -> Character in
            guard let value else { return " " }
            guard high > low else { return blocks[3] }
            let step = Int(((value - low) / (high - low) * Double(blocks.count - 1)).rounded())
            return blocks[min(blocks.count - 1, max(0, step))]
        })
    }
}

/// The formats a report writes.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, json, csv, html
}

/// A report: rows that encode as its JSON, and the document the other formats render.
public protocol PitbossReport: Encodable, Sendable {
    /// The document people read (`zone`: the workspace's time zone, for the times it shows).
    func document(zone: TimeZone) -> ReportDocument
    /// The report's JSON; by default the report itself.
    var json: String { get }
}

extension PitbossReport {
    public var json: String { JSONOutput.string(self) }

    /// `scope`: what the filters selected, in words (see `ReportScope.describe`); shown first on a terminal and a page.
    public func render(_ format: ReportFormat, style: OutputStyle = .plain, zone: TimeZone = TimeZone(identifier: "UTC")!, scope: String? = nil) -> String {
        var page = document(zone: zone)
        if let scope { page.facts.insert(.init("Covers", scope), at: 0) }
        switch format {
        case .json: return json
        case .table: return ReportText.render(page, style: style)
        case .csv: return ReportCSV.render(page)
        case .html: return HTMLReport.render(page, zone: zone)
        }
    }
}
