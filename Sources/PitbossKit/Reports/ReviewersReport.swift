import Foundation
import GRDB

/// `pitboss report reviewers`: per reviewer, over the reviews of the conversations the filters take — reviews and
/// reviews per active day, the time from claiming an item to submitting its review, how often they dismiss findings,
/// the mean score they give and their leniency against the other reviewers on comparable items, the revisions they
/// made and how many of their scores someone else overturned.
///
/// Comparable items: the same rubric, channel, language and queue reason (flagged items score lower than sampled
/// ones). A reviewer's leniency is the mean, over their first-revision reviews, of their score minus the other
/// reviewers' mean score in the item's group; groups nobody else scored are left out (`compared` counts the rest).
public struct ReviewersReport: PitbossReport, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        public var reviewer: String
        /// First revisions they submitted.
        public var reviews: Int
        /// Days (in the workspace's zone) on which they submitted one, and reviews per such day.
        public var activeDays: Int
        public var reviewsPerDay: Double?
        /// From their claim of the item to the review, over reviews that followed a claim: median and 90th percentile.
        public var claimToSubmitP50: Double?
        public var claimToSubmitP90: Double?
        /// Finding verdicts they gave, and the share dismissed.
        public var verdicts: Int
        public var dismissed: Int
        public var dismissalRate: Double?
        public var meanScore: Double?
        /// Their mean score minus the others' on comparable items (positive: more lenient), over `compared` reviews.
        public var leniency: Double?
        public var compared: Int
        /// Corrections they stored (revision 2 and later), and their reviews whose score another person changed.
        public var revisions: Int
        public var overturned: Int
        /// Disputes of their reviews, and how many an arbiter accepted (the score revised): the overturn rate is of reviews.
        public var disputed = 0
        public var disputesAccepted = 0
        public var overturnRate: Double?

        enum CodingKeys: String, CodingKey {
            case reviewer, reviews, verdicts, dismissed, leniency, compared, revisions, overturned, disputed
            case disputesAccepted = "disputes_accepted", overturnRate = "overturn_rate"
            case activeDays = "active_days", reviewsPerDay = "reviews_per_day", claimToSubmitP50 = "claim_to_submit_p50_seconds",
                 claimToSubmitP90 = "claim_to_submit_p90_seconds", dismissalRate = "dismissal_rate", meanScore = "mean_score"
        }
    }

    /// A criterion's answers overturned by accepted disputes, of the answers given to it.
    public struct CriterionOverturns: Sendable, Codable, Equatable {
        public var criterion: String
        public var answered: Int
        public var overturned: Int
        public var rate: Double?
    }

    public var reviewers: [Row]
    public var criteria: [CriterionOverturns] = []

    enum CodingKeys: String, CodingKey { case reviewers, criteria }

    public static func fetch(from database: PitbossDatabase, selection: FlagSelection = FlagSelection(), zone: TimeZone) throws(PitbossError) -> ReviewersReport {
        do {
            return try database.writer.read { db in
                try ReportScope.verify(selection, in: db)
                return try load(db, selection: selection, zone: zone)
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read the reviewers report", busyTimeout: database.busyTimeout)
        }
    }

    struct Review {
        var id: Int64
        var reviewer: String
        var day: Int
        var revision: Int
        var score: Double?
        var revises: Int64?
        var group: String
        var claimToSubmit: Double?
    }

    static func load(_ db: Database, selection: FlagSelection, zone: TimeZone) throws -> ReviewersReport {
        let (conditions, arguments) = selection.conditions
        var calendar = LocalCalendar(zone: zone)
        var reviews: [Review] = []
        let cursor = try GRDB.Row.fetchCursor(db, sql: """
            SELECT r.id, r.reviewer, r.created_at, r.revision, r.score, r.revises,
                   r.rubric_name || char(31) || c.channel || char(31) || c.language || char(31) || COALESCE(q.reason, '') AS grp,
                   (SELECT MAX(a.at) FROM audit_log a
                    WHERE a.queue_item_id = r.queue_item_id AND a.action = 'claim' AND a.actor = r.reviewer AND a.at <= r.created_at) AS claimed_at
            FROM reviews r JOIN conversations c ON c.id = r.conversation_id LEFT JOIN queue_items q ON q.id = r.queue_item_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            """, arguments: StatementArguments(arguments.map { $0?.databaseValue ?? .null }))
        while let row = try cursor.next() {
            let created = UTCTimestamp.parse(row["created_at"] as String)
            let claimed = (row["claimed_at"] as String?).flatMap { UTCTimestamp.parse($0) }
            reviews.append(Review(id: row["id"], reviewer: row["reviewer"], day: created.map { calendar.moment($0).days } ?? 0,
                                  revision: row["revision"], score: row["score"], revises: row["revises"], group: row["grp"],
                                  claimToSubmit: zip2(created, claimed).map { ($0.timeIntervalSince($1) * 1000).rounded() / 1000 }))
        }
        var verdicts: [Int64: (all: Int, dismissed: Int)] = [:]
        for row in try GRDB.Row.fetchAll(db, sql: "SELECT review_id, COUNT(*), SUM(verdict = 'dismissed') FROM review_verdicts GROUP BY review_id") {
            verdicts[row[0]] = (row[1], row[2])
        }

        // Score sums per comparable group, overall and per reviewer, for leniency.
        var groupSum: [String: (sum: Double, n: Int)] = [:], mine: [String: [String: (sum: Double, n: Int)]] = [:]
        for r in reviews where r.revision == 1 {
            guard let score = r.score else { continue }
            groupSum[r.group, default: (0, 0)].sum += score
            groupSum[r.group, default: (0, 0)].n += 1
            mine[r.reviewer, default: [:]][r.group, default: (0, 0)].sum += score
            mine[r.reviewer, default: [:]][r.group, default: (0, 0)].n += 1
        }
        let byID = Dictionary(reviews.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var overturned: [String: Int] = [:]
        for r in reviews {
            guard let earlier = r.revises.flatMap({ byID[$0] }), earlier.reviewer != r.reviewer, earlier.score != r.score else { continue }
            overturned[earlier.reviewer, default: 0] += 1
        }

        var rows: [Row] = []
        for (reviewer, theirs) in Dictionary(grouping: reviews, by: \.reviewer) {
            let first = theirs.filter { $0.revision == 1 }
            let days = Set(first.map(\.day)).count
            let waits = first.compactMap(\.claimToSubmit).sorted()
            let given = first.compactMap { verdicts[$0.id] }
            let all = given.map(\.all).reduce(0, +), dismissed = given.map(\.dismissed).reduce(0, +)
            let scores = first.compactMap(\.score)
            var difference = 0.0, compared = 0
            for r in first {
                guard let score = r.score, let group = groupSum[r.group], let own = mine[reviewer]?[r.group], group.n > own.n else { continue }
                difference += score - (group.sum - own.sum) / Double(group.n - own.n)
                compared += 1
            }
            rows.append(Row(reviewer: reviewer, reviews: first.count, activeDays: days, reviewsPerDay: days > 0 ? Double(first.count) / Double(days) : nil,
                            claimToSubmitP50: Quantile.of(sorted: waits, 0.5), claimToSubmitP90: Quantile.of(sorted: waits, 0.9),
                            verdicts: all, dismissed: dismissed, dismissalRate: all > 0 ? Double(dismissed) / Double(all) : nil,
                            meanScore: scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count),
                            leniency: compared > 0 ? difference / Double(compared) : nil, compared: compared,
                            revisions: theirs.count - first.count, overturned: overturned[reviewer] ?? 0))
        }
        // Disputes, of the reviews in the selection.
        let filter = conditions.isEmpty ? "" : " AND " + conditions.joined(separator: " AND ")
        let values = StatementArguments(arguments.map { $0?.databaseValue ?? .null })
        var disputes: [String: (all: Int, accepted: Int)] = [:]
        for row in try GRDB.Row.fetchAll(db, sql: """
            SELECT r.reviewer, COUNT(*) FILTER (WHERE d.status != 'withdrawn'), COUNT(*) FILTER (WHERE d.status = 'accepted') FROM disputes d JOIN reviews r ON r.id = d.review_id
            JOIN conversations c ON c.id = d.conversation_id WHERE 1\(filter) GROUP BY r.reviewer
            """, arguments: values) {
            disputes[row[0]] = (row[1], row[2])
        }
        for i in rows.indices {
            let d = disputes[rows[i].reviewer] ?? (0, 0)
            rows[i].disputed = d.all
            rows[i].disputesAccepted = d.accepted
            // Of everything they wrote: a dispute may contest a correction as well as a first review.
            let written = rows[i].reviews + rows[i].revisions
            rows[i].overturnRate = written > 0 ? Double(d.accepted) / Double(written) : nil
        }
        var answered: [String: Int] = [:], changed: [String: Int] = [:]
        for row in try GRDB.Row.fetchAll(db, sql: """
            SELECT a.criterion, COUNT(*) FROM review_answers a JOIN reviews r ON r.id = a.review_id JOIN conversations c ON c.id = r.conversation_id
            WHERE 1\(filter) GROUP BY a.criterion
            """, arguments: values) { answered[row[0]] = row[1] }
        for row in try GRDB.Row.fetchAll(db, sql: """
            SELECT a.criterion, COUNT(*) FROM disputes d JOIN conversations c ON c.id = d.conversation_id
            JOIN review_answers a ON a.review_id = d.review_id JOIN review_answers b ON b.review_id = d.revision_id AND b.criterion = a.criterion
            WHERE d.status = 'accepted' AND a.answer != b.answer\(filter) GROUP BY a.criterion
            """, arguments: values) { changed[row[0]] = row[1] }
        let criteria = answered.keys.sorted().map { c in
            CriterionOverturns(criterion: c, answered: answered[c] ?? 0, overturned: changed[c] ?? 0,
                               rate: (answered[c] ?? 0) > 0 ? Double(changed[c] ?? 0) / Double(answered[c] ?? 1) : nil)
        }
        return ReviewersReport(reviewers: rows.sorted { ($0.reviews, $1.reviewer) > ($1.reviews, $0.reviewer) }, criteria: criteria)
    }

    public func document(zone: TimeZone) -> ReportDocument {
        typealias Column = ReportDocument.Column
        typealias Cell = ReportDocument.Cell
        let rows = reviewers.map { r -> [Cell] in
            let lenient = r.leniency.map { abs($0) >= 10 } ?? false
            return [.text(r.reviewer), .int(r.reviews), .int(r.activeDays), .number(r.reviewsPerDay), .seconds(r.claimToSubmitP50), .seconds(r.claimToSubmitP90),
                    .int(r.verdicts), .int(r.dismissed), .share(r.dismissalRate), .number(r.meanScore),
                    r.leniency.map { Cell(value: ReportNumber.plain($0), shown: String(format: "%+.1f", $0), tone: lenient ? .red : nil) } ?? .number(nil),
                    .int(r.compared), .int(r.revisions), .int(r.overturned, tone: r.overturned > 0 ? .yellow : nil),
                    .int(r.disputed), .int(r.disputesAccepted, tone: r.disputesAccepted > 0 ? .yellow : nil), .share(r.overturnRate)]
        }
        let scored = reviewers.filter { $0.leniency != nil }
        return ReportDocument(
            title: "Reviewers: pace, dismissals and leniency",
            facts: [.init("Reviewers", String(reviewers.count)), .init("Reviews", String(reviewers.map(\.reviews).reduce(0, +))),
                    .init("Revisions", String(reviewers.map(\.revisions).reduce(0, +))), .init("Time zone", ReportNumber.zoneName(zone))],
            sections: [.init(
                key: "reviewers", title: "Per reviewer",
                note: "Leniency: the reviewer's mean score minus the other reviewers' on comparable items (same rubric, channel, language and queue reason); red beyond ±10 points. Overturned: their reviews whose score someone else revised. Disputed and upheld: disputes of their reviews (withdrawn ones aside), and those an arbiter accepted; dispute overturn %: upheld disputes per review or correction they wrote. A dispute counts against the author of the revision it contested.",
                columns: [Column("reviewer"), Column("reviews", numeric: true), Column("active_days", "days", numeric: true),
                          Column("reviews_per_day", "per day", numeric: true), Column("claim_to_submit_p50_seconds", "claim→submit p50", numeric: true),
                          Column("claim_to_submit_p90_seconds", "p90", numeric: true), Column("verdicts", numeric: true, onlyInCSV: true),
                          Column("dismissed", numeric: true, onlyInCSV: true),
                          Column("dismissal_rate", "dismissed %", numeric: true), Column("mean_score", "mean score", numeric: true),
                          Column("leniency", numeric: true), Column("compared", numeric: true), Column("revisions", numeric: true),
                          Column("overturned", numeric: true), Column("disputed", numeric: true), Column("disputes_accepted", "upheld disputes", numeric: true),
                          Column("overturn_rate", "dispute overturn %", numeric: true)],
                rows: rows,
                charts: scored.isEmpty ? [] : [.bars(BarChart(
                    title: "Leniency: mean score given minus the others' on comparable items", valueLabel: "points on the 0–100 score (negative: stricter)",
                    categoryLabel: "reviewer", categories: scored.map(\.reviewer), series: [ChartSeries("leniency", scored.map(\.leniency))]))],
                emptyText: "no reviews in the selection"),
                .init(key: "criteria", title: "Overturned by disputes, per criterion",
                      note: "Of the answers given to each criterion (corrections included, as a dispute may contest one), those an accepted dispute changed.",
                      columns: [Column("criterion"), Column("answered", numeric: true), Column("overturned", numeric: true), Column("rate", "overturn %", numeric: true)],
                      rows: criteria.map { [.text($0.criterion), .int($0.answered), .int($0.overturned, tone: $0.overturned > 0 ? .yellow : nil), .share($0.rate)] },
                      emptyText: "no answers in the selection")])
    }
}

/// Both values, or nil.
private func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
