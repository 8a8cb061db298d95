import Foundation

/// How often reviewers agree with a rule: of its findings they judged, the share they confirmed. A rule with low
/// precision wastes reviewers' time and is the first to rewrite.
public struct RulePrecision: Sendable, Codable, Equatable {
    /// The rubric the rule belongs to: two routed rubrics may both have a rule with the same id.
    public var rubric: String
    public var rule: String
    public var findings: Int
    public var confirmed: Int
    public var dismissed: Int
    /// confirmed / (confirmed + dismissed); nil until a finding of the rule has been judged.
    public var precision: Double?

    enum CodingKeys: String, CodingKey { case rubric, rule, findings, confirmed, dismissed, precision }

    /// A view of `RuleReport`'s rows (`pitboss report rules` has the intervals, the dismissal reasons and the filters).
    public static func fetch(from database: PitbossDatabase) throws(PitbossError) -> [RulePrecision] {
        try RuleReport.fetch(from: database).rows
            .sorted { ($0.rubric, $0.rule) < ($1.rubric, $1.rule) }
            .map { RulePrecision(rubric: $0.rubric, rule: $0.rule, findings: $0.fires, confirmed: $0.confirmed, dismissed: $0.dismissed) }
    }

    init(rubric: String, rule: String, findings: Int, confirmed: Int, dismissed: Int) {
        self.rubric = rubric
        self.rule = rule
        self.findings = findings
        self.confirmed = confirmed
        self.dismissed = dismissed
        precision = confirmed + dismissed == 0 ? nil : Double(confirmed) / Double(confirmed + dismissed)
    }

    public static func render(_ list: [RulePrecision], format: OutputFormat, style: OutputStyle) -> String {
        switch format {
        case .json:
            return JSONOutput.string(list)
        case .csv, .table:
            var table = Table(headers: ["rubric", "rule", "findings", "confirmed", "dismissed", "precision"], numericColumns: [2, 3, 4, 5])
            table.rows = list.map { p in
                [p.rubric, p.rule, String(p.findings), String(p.confirmed), String(p.dismissed),
                 p.precision.map { format == .csv ? String(format: "%.4f", $0) : String(format: "%.0f %%", $0 * 100) } ?? ""]
            }
            return format == .csv ? table.csv() : table.render(style: style)
        }
    }
}
