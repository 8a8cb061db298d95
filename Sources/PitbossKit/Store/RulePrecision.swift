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
    /// run. Error findings (a rule that hit the match limit) are not findings here. One sequential scan of the findings,
    /// each told by a hash of its rubric, rule and rubric hash, the language looked up by conversation id: a GROUP BY over
    /// a join sorted 1.6 million rows and took 12 s at 400,000 conversations.
    public static func fetch(from database: PitbossDatabase, split: Split = Split()) throws(PitbossError) -> [RulePrecision] {
        do {
            return try database.writer.read { db in
                // Versions by the rubric hash their runs recorded, in the order they were first run.
                var versions: [String: (version: String, firstRun: Int64)] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT rubric_hash, MIN(rubric_version), MIN(id) FROM flag_runs GROUP BY rubric_hash") {
                    versions[row[0]] = (row[1], row[2])
                }
                var languages: [String] = []
                var languageOf: [Int32] = []
                if split.byLanguage {
                    let maxID = try Int.fetchOne(db, sql: "SELECT MAX(id) FROM conversations") ?? 0
                    languageOf = [Int32](repeating: -1, count: maxID + 1)
                    var index: [String: Int32] = [:]
                    var rows = FastStatement(try db.makeStatement(sql: "SELECT id, language FROM conversations"))
                    try rows.forEachRow { row in
                        let id = row.int(0)
                        guard id >= 0, id <= maxID else { return }
                        let language = row.string(1)
                        if let known = index[language] { languageOf[id] = known } else {
                            index[language] = Int32(languages.count)
                            languageOf[id] = Int32(languages.count)
                            languages.append(language)
                        }
                    }
                }
                struct Tally { var rubric: [UInt8]; var rule: [UInt8]; var hash: [UInt8]; var language: Int32; var findings = 0; var confirmed = 0; var dismissed = 0 }
                var tallies: [Tally] = []
                var byKey: [UInt64: [Int]] = [:]
                let confirmed = Array("confirmed".utf8), dismissed = Array("dismissed".utf8)
                var findings = FastStatement(try db.makeStatement(sql: "SELECT conversation_id, rubric_name, rule_id, rubric_hash, verdict FROM findings WHERE status != 'error'"))
                try findings.forEachRow { row in
                    let id = row.int(0)
                    let language: Int32 = split.byLanguage && id >= 0 && id < languageOf.count ? languageOf[id] : -1
                    let prime: UInt64 = 1_099_511_628_211
                    var key = (row.hash(1) &* prime ^ row.hash(2)) &* prime
                    if split.byVersion { key = (key ^ row.hash(3)) &* prime }
                    key ^= UInt64(bitPattern: Int64(language) &+ 1)
                    let t: Int
                    if let known = byKey[key]?.first(where: { i in
                        tallies[i].language == language && row.text(1, equals: tallies[i].rubric) && row.text(2, equals: tallies[i].rule)
                            && (!split.byVersion || row.text(3, equals: tallies[i].hash))
                    }) {
                        t = known
                    } else {
                        t = tallies.count
                        tallies.append(Tally(rubric: Array(row.string(1).utf8), rule: Array(row.string(2).utf8),
                                             hash: split.byVersion ? Array(row.string(3).utf8) : [], language: language))
                        byKey[key, default: []].append(t)
                    }
                    tallies[t].findings += 1
                    if row.text(4, equals: confirmed) { tallies[t].confirmed += 1 } else if row.text(4, equals: dismissed) { tallies[t].dismissed += 1 }
                }
                // Rubric hashes of one version (the same file saved twice) make one row.
                struct Key: Hashable { var rubric: String; var rule: String; var version: String?; var language: String? }
                var merged: [Key: (findings: Int, confirmed: Int, dismissed: Int, firstRun: Int64)] = [:]
                for t in tallies {
                    let hash = String(decoding: t.hash, as: UTF8.self)
                    let version = split.byVersion ? versions[hash] : nil
                    let key = Key(rubric: String(decoding: t.rubric, as: UTF8.self), rule: String(decoding: t.rule, as: UTF8.self),
                                  version: split.byVersion ? (version?.version ?? "?") : nil,
                                  language: split.byLanguage ? (t.language >= 0 ? languages[Int(t.language)] : "?") : nil)
                    let before = merged[key] ?? (0, 0, 0, Int64.max)
                    merged[key] = (before.findings + t.findings, before.confirmed + t.confirmed, before.dismissed + t.dismissed,
                                   min(before.firstRun, version?.firstRun ?? Int64.max))
                }
                return merged.sorted { a, b in
                    (a.key.rubric, a.key.rule, a.value.firstRun, a.key.language ?? "") < (b.key.rubric, b.key.rule, b.value.firstRun, b.key.language ?? "")
                }.map { RulePrecision(rubric: $0.key.rubric, rule: $0.key.rule, version: $0.key.version, language: $0.key.language,
                                      findings: $0.value.findings, confirmed: $0.value.confirmed, dismissed: $0.value.dismissed) }
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
