import Foundation

/// `pitboss report retraining`: where the retraining stands — per module, how many assignments are open (assigned or
/// started), overdue, completed or cancelled, and what the completed ones achieved; and per criterion, the outcomes of
/// every assignment that addressed it. Rows first, from the assignments and their outcomes (see `RetrainingOutcome`);
/// table, CSV and JSON render the same rows.
public struct RetrainingStatusReport: PitbossReport, Codable, Equatable {
    /// Outcomes by verdict; the keys are `OutcomeVerdict`'s raw values.
    public struct Verdicts: Sendable, Codable, Equatable {
        public var improved = 0
        public var noChange = 0
        public var worse = 0
        public var tooEarly = 0
        public var notEnoughData = 0

        enum CodingKeys: String, CodingKey {
            case improved, worse
            case noChange = "no_change", tooEarly = "too_early", notEnoughData = "not_enough_data"
        }

        mutating func add(_ verdict: OutcomeVerdict) {
            switch verdict {
            case .improved: improved += 1
            case .noChange: noChange += 1
            case .worse: worse += 1
            case .tooEarly: tooEarly += 1
            case .notEnoughData: notEnoughData += 1
            }
        }

        var cells: [ReportDocument.Cell] { [improved, noChange, worse, tooEarly, notEnoughData].map { .int($0) } }
        static let columns = [("improved", "improved"), ("no_change", "no change"), ("worse", "worse"), ("too_early", "too early"),
                              ("not_enough_data", "not enough data")].map { ReportDocument.Column("outcomes.\($0.0)", $0.1, numeric: true) }
    }

    public struct ModuleRow: Sendable, Codable, Equatable {
        public var module: String
        public var assignments: Int
        /// Assigned or started, not yet completed.
        public var open: Int
        /// Open and past the due date, on the workspace's today.
        public var overdue: Int
        public var completed: Int
        public var cancelled: Int
        /// The outcomes of the assignments that were not cancelled.
        public var outcomes: Verdicts
    }

    public struct CriterionRow: Sendable, Codable, Equatable {
        public var criterion: String
        /// Assignments (not cancelled) that addressed it.
        public var assignments: Int
        public var outcomes: Verdicts
    }

    public var modules: [ModuleRow]
    public var criteria: [CriterionRow]

    /// `assignments`: every assignment in scope; `outcomes`: those of the ones not cancelled; `today`: the workspace's
    /// date (`yyyy-MM-dd`), for what is overdue.
    public init(assignments: [RetrainingAssignment], outcomes: [RetrainingOutcome], today: String) {
        var modules: [String: ModuleRow] = [:]
        for a in assignments {
            var row = modules[a.module] ?? ModuleRow(module: a.module, assignments: 0, open: 0, overdue: 0, completed: 0, cancelled: 0,
                                                      outcomes: Verdicts())
            row.assignments += 1
            switch a.state {
            case .assigned, .started: row.open += 1
            case .completed: row.completed += 1
            case .cancelled: row.cancelled += 1
            }
            if a.isOverdue(today: today) { row.overdue += 1 }
            modules[a.module] = row
        }
        var criteria: [String: CriterionRow] = [:]
        for outcome in outcomes {
            modules[outcome.assignment.module]?.outcomes.add(outcome.verdict)
            for c in outcome.criteria {
                var row = criteria[c.criterion] ?? CriterionRow(criterion: c.criterion, assignments: 0, outcomes: Verdicts())
                row.assignments += 1
                row.outcomes.add(c.verdict)
                criteria[c.criterion] = row
            }
        }
        self.modules = modules.values.sorted { $0.module < $1.module }
        self.criteria = criteria.values.sorted { $0.criterion < $1.criterion }
    }

    enum CodingKeys: String, CodingKey { case modules, criteria }

    public func document(zone: TimeZone) -> ReportDocument {
        typealias Column = ReportDocument.Column
        let moduleColumns = [Column("module"), Column("assignments", numeric: true), Column("open", numeric: true), Column("overdue", numeric: true),
                             Column("completed", numeric: true), Column("cancelled", numeric: true)] + Verdicts.columns
        let byModule = modules.map { m -> [ReportDocument.Cell] in
            [.text(m.module), .int(m.assignments), .int(m.open), .int(m.overdue, tone: m.overdue > 0 ? .red : nil), .int(m.completed),
             .int(m.cancelled)] + m.outcomes.cells
        }
        let byCriterion = criteria.map { c -> [ReportDocument.Cell] in [.text(c.criterion), .int(c.assignments)] + c.outcomes.cells }
        let verdictNames = ["improved", "no change", "worse", "too early", "not enough data"]
        func chart(_ title: String, _ names: [String], _ verdicts: [Verdicts]) -> ReportChart {
            .bars(BarChart(title: title, valueLabel: "assignments", categoryLabel: "outcome", categories: verdictNames,
                           series: zip(names, verdicts).map { name, v in
                               ChartSeries(name, [v.improved, v.noChange, v.worse, v.tooEarly, v.notEnoughData].map { Double($0) })
                           }))
        }
        return ReportDocument(
            title: "Retraining: where it stands and what it achieved",
            facts: [.init("Assignments", String(modules.map(\.assignments).reduce(0, +))), .init("Open", String(modules.map(\.open).reduce(0, +))),
                    .init("Overdue", String(modules.map(\.overdue).reduce(0, +))), .init("Completed", String(modules.map(\.completed).reduce(0, +)))],
            sections: [
                .init(key: "modules", title: "By module", note: "Open is assigned or started; overdue is open past its due date. Outcomes are those of the assignments not cancelled.",
                      columns: moduleColumns, rows: byModule,
                      charts: modules.isEmpty ? [] : [chart("Outcomes by module", modules.map(\.module), modules.map(\.outcomes))],
                      emptyText: "no retraining assignments"),
                .init(key: "criteria", title: "By criterion", note: "The outcomes of the assignments that addressed each criterion.",
                      columns: [Column("criterion"), Column("assignments", numeric: true)] + Verdicts.columns, rows: byCriterion,
                      emptyText: "no outcomes measured yet"),
            ])
    }
}
