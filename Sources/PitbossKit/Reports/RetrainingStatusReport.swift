import Foundation

/// `pitboss report retraining`: where the retraining stands — per module, how many assignments are open (assigned or
/// started), overdue, completed or cancelled, and what the completed ones achieved; and per criterion, the outcomes of
/// every assignment that addressed it. Rows first, from the assignments and their outcomes (see `RetrainingOutcome`);
/// table, CSV and JSON render the same rows.
public struct RetrainingStatusReport: Sendable, Codable, Equatable {
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

        var cells: [String] { [improved, noChange, worse, tooEarly, notEnoughData].map(String.init) }
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

    public func render(format: OutputFormat, style: OutputStyle) -> String {
        let verdictHeaders = ["improved", "no_change", "worse", "too_early", "not_enough_data"]
        switch format {
        case .json:
            return JSONOutput.string(self)
        case .csv:
            // One table: the module rows, then the criterion rows, told apart by the first column.
            var table = Table(headers: ["kind", "name", "assignments", "open", "overdue", "completed", "cancelled"] + verdictHeaders)
            table.rows = modules.map { ["module", $0.module, String($0.assignments), String($0.open), String($0.overdue), String($0.completed),
                                        String($0.cancelled)] + $0.outcomes.cells }
                + criteria.map { ["criterion", $0.criterion, String($0.assignments), "", "", "", ""] + $0.outcomes.cells }
            return table.csv()
        case .table:
            let words = ["improved", "no change", "worse", "too early", "not enough data"]
            var byModule = Table(headers: ["module", "assignments", "open", "overdue", "completed", "cancelled"] + words,
                                 numericColumns: Set(1...10))
            byModule.rows = modules.map { [TerminalSafe.line($0.module), String($0.assignments), String($0.open), String($0.overdue),
                                           String($0.completed), String($0.cancelled)] + $0.outcomes.cells }
            var byCriterion = Table(headers: ["criterion", "assignments"] + words, numericColumns: Set(1...6))
            byCriterion.rows = criteria.map { [TerminalSafe.line($0.criterion), String($0.assignments)] + $0.outcomes.cells }
            if modules.isEmpty { return "no retraining assignments\n" }
            return style.paint("By module", .bold) + "\n" + byModule.render(style: style) + "\n"
                + style.paint("By criterion (outcomes of the assignments that addressed it)", .bold) + "\n" + byCriterion.render(style: style)
        }
    }
}
