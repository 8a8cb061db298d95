import Foundation
import GRDB

/// `pitboss report rules`: per rubric and rule, how often it fires and how often reviewers agree — what a rubric author
/// needs to fix the noisy rules. Rows first (one query and its aggregates), then rendered as a table, CSV or JSON from the
/// same rows. Precision is confirmed / judged with Wilson's interval; a rule of the rubrics given that made no finding in
/// the selection is listed as never firing.
public struct RuleReport: PitbossReport, Codable, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        public var rubric: String
        public var rule: String
        public var criterion: String?
        /// Findings (rule errors left out).
        public var fires: Int
        public var conversations: Int
        public var confirmed: Int
        public var dismissed: Int
        public var unjudged: Int
        /// confirmed / (confirmed + dismissed); nil until one is judged.
        public var precision: Double?
        public var precisionLow: Double?
        public var precisionHigh: Double?
        /// The most common reasons reviewers gave for dismissing its findings, most common first, with their counts.
        public var dismissalReasons: [Reason]
        /// A rule of the rubric that made no finding in the selection.
        public var neverFired: Bool

        enum CodingKeys: String, CodingKey {
            case rubric, rule, criterion, fires, conversations, confirmed, dismissed, unjudged, precision
            case precisionLow = "precision_low", precisionHigh = "precision_high", dismissalReasons = "dismissal_reasons"
            case neverFired = "never_fired"
        }
    }

    public struct Reason: Sendable, Codable, Equatable {
        public var reason: String
        public var count: Int
    }

    public var rows: [Row]
    /// Whether the dismissal reasons had personal data masked.
    public var personalDataMasked = true

    enum CodingKeys: String, CodingKey { case rows }

    /// How many dismissal reasons a row keeps.
    public static let reasonsShown = 3

    /// The rows for the conversations `selection` takes, of the rubric named `rubricName` (nil: every rubric with
    /// findings); `rubrics` are the rubrics whose rules are listed even when they never fired.
    /// Dismissal reasons are a reviewer's words and may quote the player: masked by `mask` (nil: shown as typed).
    public static func fetch(from database: PitbossDatabase, selection: FlagSelection = FlagSelection(), rubricName: String? = nil,
                             rubrics: [Rubric] = [], mask: PersonalDataMask? = PersonalDataMask()) throws(PitbossError) -> RuleReport {
        do {
            return try database.writer.read { db in
                try ReportScope.verify(selection, in: db)
                let counts = try RuleCounts.load(db, selection: selection, rubricName: rubricName)
                var reasonsByRule: [String: [Reason]] = [:]
                for (key, tally) in counts.reasons {
                    let top = tally.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(reasonsShown)
                    reasonsByRule[key] = top.map { Reason(reason: mask?.mask($0.key) ?? $0.key, count: $0.value) }
                }
                var rows = counts.rules.map { c -> Row in
                    let judged = c.confirmed + c.dismissed
                    let interval = judged > 0 ? ProportionInterval.wilson(successes: c.confirmed, trials: judged) : nil
                    return Row(rubric: c.rubric, rule: c.rule, criterion: c.criterion, fires: c.fires, conversations: c.conversations,
                               confirmed: c.confirmed, dismissed: c.dismissed, unjudged: c.fires - judged,
                               precision: interval?.estimate, precisionLow: interval?.lower, precisionHigh: interval?.upper,
                               dismissalReasons: reasonsByRule["\(c.rubric)\u{0}\(c.rule)"] ?? [], neverFired: false)
                }
                for rubric in rubrics where rubricName == nil || rubric.name == rubricName {
                    for rule in rubric.rules where !rows.contains(where: { $0.rubric == rubric.name && $0.rule == rule.id }) {
                        rows.append(Row(rubric: rubric.name, rule: rule.id, criterion: rule.criterion, fires: 0, conversations: 0, confirmed: 0,
                                        dismissed: 0, unjudged: 0, precision: nil, precisionLow: nil, precisionHigh: nil,
                                        dismissalReasons: [], neverFired: true))
                    }
                }
                // A rubric nobody has heard of is a typo, not an empty report.
                if let rubricName, rows.isEmpty, !rubrics.contains(where: { $0.name == rubricName }),
                   try Int.fetchOne(db, sql: "SELECT 1 FROM findings WHERE rubric_name = ? LIMIT 1", arguments: [rubricName]) == nil {
                    let known = Set(try String.fetchAll(db, sql: "SELECT DISTINCT rubric_name FROM findings") + rubrics.map(\.name)).sorted()
                    throw PitbossError.badInput("no rubric named '\(rubricName)' has findings or is in the workspace"
                        + (known.isEmpty ? "" : "; known: \(known.joined(separator: ", "))"))
                }
                // The noisiest first: lowest precision among the judged, then the most fired; never-firing rules last.
                rows.sort { a, b in
                    if a.neverFired != b.neverFired { return !a.neverFired }
                    if (a.precision ?? 2) != (b.precision ?? 2) { return (a.precision ?? 2) < (b.precision ?? 2) }
                    if a.fires != b.fires { return a.fires > b.fires }
                    return (a.rubric, a.rule) < (b.rubric, b.rule)
                }
                return RuleReport(rows: rows, personalDataMasked: mask != nil)
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read the rules report", busyTimeout: database.busyTimeout)
        }
    }

    public var json: String { JSONOutput.string(rows) }

    public func document(zone: TimeZone) -> ReportDocument {
        typealias Column = ReportDocument.Column
        typealias Cell = ReportDocument.Cell
        // The rubric's name is said once, in the facts, when there is one rubric.
        let rubricNames = Set(rows.map(\.rubric)).sorted()
        let columns = [Column("rubric", onlyInCSV: rubricNames.count == 1), Column("rule"), Column("criterion", onlyInCSV: true), Column("fires", numeric: true),
                       Column("conversations", numeric: true), Column("confirmed", numeric: true), Column("dismissed", numeric: true),
                       Column("unjudged", numeric: true), Column("precision", onlyInCSV: true), Column("precision_low", onlyInCSV: true),
                       Column("precision_high", onlyInCSV: true), Column("precision_shown", "precision (95 % CI)", onlyForPeople: true),
                       Column("dismissal_reasons", "dismissed because", wraps: true), Column("never_fired", onlyInCSV: true)]
        let cells = rows.map { r -> [Cell] in
            let shown = r.precision.map { _ in
                "\(ReportNumber.percent(r.precision ?? 0)) (\(ReportNumber.percent(r.precisionLow ?? 0))–\(ReportNumber.percent(r.precisionHigh ?? 0)))"
            } ?? (r.neverFired ? "never fired" : "not judged")
            let tone: OutputStyle.Tone? = r.neverFired ? .dim : (r.precisionHigh ?? 1) < 0.5 ? .red : nil
            return [.text(r.rubric), .text(r.rule), .text(r.criterion), .int(r.fires), .int(r.conversations), .int(r.confirmed), .int(r.dismissed),
                    .int(r.unjudged), .share(r.precision), .share(r.precisionLow), .share(r.precisionHigh), Cell(value: shown, tone: tone),
                    .text(r.dismissalReasons.map { "\($0.reason) (\($0.count))" }.joined(separator: "; ")), .bool(r.neverFired)]
        }
        let judged = rows.filter { $0.precision != nil }
        let chart = IntervalChart(title: "Precision of the judged rules, with 95 % Wilson intervals (noisiest first)",
                                  xLabel: "precision: confirmed ÷ judged findings (%)",
                                  items: judged.prefix(40).map { IntervalChart.Item(label: rubricNames.count == 1 ? $0.rule : "\($0.rubric) · \($0.rule)", estimate: $0.precision ?? 0,
                                                                                     low: $0.precisionLow ?? 0, high: $0.precisionHigh ?? 0) })
        let fired = rows.filter { !$0.neverFired }
        return ReportDocument(
            title: "Rules: how often they fire and how often reviewers agree", personalDataMasked: personalDataMasked,
            facts: [.init(rubricNames.count == 1 ? "Rubric" : "Rubrics", rubricNames.joined(separator: ", ")), .init("Rules with findings", String(fired.count)), .init("Findings", String(fired.map(\.fires).reduce(0, +))),
                    .init("Judged", String(judged.map { $0.confirmed + $0.dismissed }.reduce(0, +))),
                    .init("Never fired", String(rows.count - fired.count))],
            sections: [.init(key: "rules", title: "Per rule", note: "Precision is confirmed ÷ (confirmed + dismissed), with Wilson's 95 % interval; the noisiest rules first, rules that never fired last.",
                             columns: columns, rows: cells, charts: judged.isEmpty ? [] : [.intervals(chart)], emptyText: "no findings in the selection")])
    }
}
