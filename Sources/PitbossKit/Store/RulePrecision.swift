import Foundation
import GRDB

/// How often reviewers agree with a rule: of its findings they judged, the share they confirmed. A rule with low
/// precision wastes reviewers' time and is the first to rewrite.
public struct RulePrecision: Sendable, Codable, Equatable, FetchableRecord {
    public var rule: String
    public var findings: Int
    public var confirmed: Int
    public var dismissed: Int
    /// confirmed / (confirmed + dismissed); nil until a finding of the rule has been judged.
    public var precision: Double?

    public init(row: Row) {
        rule = row["rule"]
        findings = row["findings"]
        confirmed = row["confirmed"] ?? 0
        dismissed = row["dismissed"] ?? 0
        precision = confirmed + dismissed == 0 ? nil : Double(confirmed) / Double(confirmed + dismissed)
    }

    enum CodingKeys: String, CodingKey { case rule, findings, confirmed, dismissed, precision }

    public static func fetch(from database: PitbossDatabase) throws(PitbossError) -> [RulePrecision] {
        do {
            return try database.writer.read { db in
                try SQLRequest<RulePrecision>("""
                    SELECT rule_id AS rule, COUNT(*) AS findings, SUM(verdict = \(FindingVerdict.Verdict.confirmed)) AS confirmed,
                           SUM(verdict = \(FindingVerdict.Verdict.dismissed)) AS dismissed
                    FROM findings WHERE status != \(FindingStatus.error) GROUP BY rule_id ORDER BY rule_id
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
            var table = Table(headers: ["rule", "findings", "confirmed", "dismissed", "precision"], numericColumns: [1, 2, 3, 4])
            table.rows = list.map { p in
                [p.rule, String(p.findings), String(p.confirmed), String(p.dismissed),
                 p.precision.map { format == .csv ? String(format: "%.4f", $0) : String(format: "%.0f %%", $0 * 100) } ?? ""]
            }
            return format == .csv ? table.csv() : table.render(style: style)
        }
    }
}
