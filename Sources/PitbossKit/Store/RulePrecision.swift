import Foundation
import GRDB

/// How often reviewers agree with a rule: of its findings they judged, the share they confirmed. A rule with low
/// precision wastes reviewers' time and is the first to rewrite.
public struct RulePrecision: Sendable, Codable, Equatable, FetchableRecord {
    /// The rubric the rule belongs to: two routed rubrics may both have a rule with the same id.
    public var rubric: String
    public var rule: String
    public var findings: Int
    public var confirmed: Int
    public var dismissed: Int
    /// confirmed / (confirmed + dismissed); nil until a finding of the rule has been judged.
    public var precision: Double?

    public init(row: Row) {
        rubric = row["rubric"]
        rule = row["rule"]
        findings = row["findings"]
        confirmed = row["confirmed"] ?? 0
        dismissed = row["dismissed"] ?? 0
        precision = confirmed + dismissed == 0 ? nil : Double(confirmed) / Double(confirmed + dismissed)
    }

    enum CodingKeys: String, CodingKey { case rubric, rule, findings, confirmed, dismissed, precision }

    public static func fetch(from database: PitbossDatabase) throws(PitbossError) -> [RulePrecision] {
        do {
            return try database.writer.read { db in
                try SQLRequest<RulePrecision>("""
                    SELECT rubric_name AS rubric, rule_id AS rule, COUNT(*) AS findings, SUM(verdict = \(FindingVerdict.Verdict.confirmed)) AS confirmed,
                           SUM(verdict = \(FindingVerdict.Verdict.dismissed)) AS dismissed
                    FROM findings WHERE status != \(FindingStatus.error) GROUP BY rubric_name, rule_id ORDER BY rubric_name, rule_id
                    """).fetchAll(db)
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read the rules' precision", busyTimeout: database.busyTimeout)
        }
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
