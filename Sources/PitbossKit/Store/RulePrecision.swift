import Foundation
import GRDB

/// How often reviewers agree with a rule: of its findings they judged, the share they confirmed. A rule with low
/// precision wastes reviewers' time and is the first to rewrite. Split by the rubric version that made the findings
/// and the conversations' language (a rule rewritten in version 4, or weak in Turkish only, shows as such), with
/// Wilson's 95 % interval and a mark on counts too small to trust.
public struct RulePrecision: Sendable, Codable, Equatable {
    /// How the rows are split, beyond rubric and rule.
    public struct Split: Sendable, Equatable {
        public var byVersion: Bool
        public var byLanguage: Bool
        public init(byVersion: Bool = true, byLanguage: Bool = true) {
            self.byVersion = byVersion
            self.byLanguage = byLanguage
        }
    }

    /// Fewer judged findings than this and the precision is marked as too few to trust: its interval spans tens of
    /// points (at 10 of 15 confirmed, 42 %–85 %).
    public static let trustedJudged = 20

    /// The rubric the rule belongs to: two routed rubrics may both have a rule with the same id.
    public var rubric: String
    public var rule: String
    /// The rubric version whose runs made the findings (nil when not split by version).
    public var version: String?
    /// The conversations' language (nil when not split by language).
    public var language: String?
    public var findings: Int
    public var confirmed: Int
    public var dismissed: Int
    /// confirmed / (confirmed + dismissed); nil until a finding of the rule has been judged.
    public var precision: Double?
    /// Wilson's 95 % interval of the precision; nil until judged.
    public var lower: Double?
    public var upper: Double?
    /// Fewer than `trustedJudged` judged: read the interval, not the percentage.
    public var tooFew: Bool

    enum CodingKeys: String, CodingKey {
        case rubric, rule, version, language, findings, confirmed, dismissed, precision, lower, upper
        case tooFew = "too_few"
    }

    public var judged: Int { confirmed + dismissed }

    init(rubric: String, rule: String, version: String? = nil, language: String? = nil, findings: Int, confirmed: Int, dismissed: Int) {
        self.rubric = rubric
        self.rule = rule
        self.version = version
        self.language = language
        self.findings = findings
        self.confirmed = confirmed
        self.dismissed = dismissed
        let judged = confirmed + dismissed
        precision = judged == 0 ? nil : Double(confirmed) / Double(judged)
        let interval = judged == 0 ? nil : ProportionInterval.wilson(successes: confirmed, trials: judged)
        lower = interval?.lower
        upper = interval?.upper
        tooFew = judged < Self.trustedJudged
    }

    /// One row per rubric and rule (and version, and language, as `split` says), versions in the order they were first
    /// run. Error findings (a rule that hit the match limit) are not findings here.
    public static func fetch(from database: PitbossDatabase, split: Split = Split()) throws(PitbossError) -> [RulePrecision] {
        let version = split.byVersion ? "v.version" : "NULL"
        let language = split.byLanguage ? "c.language" : "NULL"
        let sql = """
            WITH versions AS (SELECT rubric_hash, MIN(rubric_version) AS version, MIN(id) AS first_run FROM flag_runs GROUP BY rubric_hash)
            SELECT f.rubric_name, f.rule_id, \(version), \(language), COUNT(*),
                   COUNT(*) FILTER (WHERE f.verdict = 'confirmed'), COUNT(*) FILTER (WHERE f.verdict = 'dismissed'), MIN(v.first_run)
            FROM findings f
            \(split.byLanguage ? "JOIN conversations c ON c.id = f.conversation_id" : "")
            LEFT JOIN versions v ON v.rubric_hash = f.rubric_hash
            WHERE f.status != 'error'
            GROUP BY 1, 2, 3, 4
            ORDER BY 1, 2, 8, 4
            """
        do {
            return try database.writer.read { db in
                try Row.fetchAll(db, sql: sql).map { row in
                    RulePrecision(rubric: row[0], rule: row[1], version: split.byVersion ? (row[2] as String?) ?? "?" : nil, language: row[3],
                                  findings: row[4], confirmed: row[5], dismissed: row[6])
                }
            }
        } catch { throw PitbossDatabase.translate(error, doing: "count the rules' precision", busyTimeout: database.busyTimeout) }
    }

    public static func render(_ list: [RulePrecision], format: OutputFormat, style: OutputStyle) -> String {
        let byVersion = list.contains { $0.version != nil }, byLanguage = list.contains { $0.language != nil }
        switch format {
        case .json:
            return JSONOutput.string(list)
        case .csv:
            // CSV headers are the JSON keys.
            let table = Table(headers: ["rubric", "rule", "version", "language", "findings", "confirmed", "dismissed", "precision", "lower", "upper", "too_few"],
                              rows: list.map { p in
                                  [p.rubric, p.rule, p.version ?? "", p.language ?? "", String(p.findings), String(p.confirmed), String(p.dismissed),
                                   p.precision.map { String(format: "%.4f", $0) } ?? "", p.lower.map { String(format: "%.4f", $0) } ?? "",
                                   p.upper.map { String(format: "%.4f", $0) } ?? "", p.tooFew ? "true" : "false"]
                              })
            return table.csv()
        case .table:
            guard !list.isEmpty else { return "No findings yet: precision comes from reviewers' verdicts on findings (flag, then review).\n" }
            var headers = ["rubric", "rule"]
            if byVersion { headers.append("version") }
            if byLanguage { headers.append("lang") }
            let numeric = Array(headers.count..<(headers.count + 4))
            headers += ["findings", "confirmed", "dismissed", "precision (95 % CI)"]
            var table = Table(headers: headers, numericColumns: Set(numeric))
            for (row, p) in list.enumerated() {
                var cells = [p.rubric, p.rule]
                if byVersion { cells.append(p.version ?? "") }
                if byLanguage { cells.append(p.language ?? "") }
                var shown = ""
                if let precision = p.precision, let lower = p.lower, let upper = p.upper {
                    shown = String(format: "%.0f %% (%.0f–%.0f %%)", precision * 100, lower * 100, upper * 100) + (p.tooFew ? " few" : "")
                    if p.tooFew { table.tones[row] = [cells.count + 3: [.dim]] }
                }
                table.rows.append(cells + [String(p.findings), String(p.confirmed), String(p.dismissed), shown])
            }
            let few = list.contains { $0.tooFew && $0.judged > 0 }
            return table.render(style: style)
                + (few ? style.paint("few: fewer than \(trustedJudged) findings judged — read the interval, not the percentage", .dim) + "\n" : "")
        }
    }
}
