import Foundation

/// `pitboss calibrate trend`: each criterion's agreement across the closed sessions, oldest first, to see whether the
/// team converges. A criterion whose alpha stays below Krippendorff's 0.667 — in each of its last three sessions with a
/// defined alpha, or in all of them when fewer — is named as one whose definition needs work.
public struct CalibrationTrend: PitbossReport {
    public struct Point: Sendable, Encodable {
        public var session: String
        public var alpha: Double?
        public var percent: Double?
    }

    public struct Line: Sendable, Encodable {
        public var criterion: String
        public var points: [Point]
        public var needsWork: Bool

        enum CodingKeys: String, CodingKey { case criterion, points, needsWork = "needs_work" }
    }

    public static let window = 3

    public var sessions: [String]
    public var criteria: [Line]

    public var needingWork: [String] { criteria.filter(\.needsWork).map(\.criterion) }

    public static func build(_ analyses: [CalibrationAnalysis]) -> CalibrationTrend {
        var order: [String] = []
        for analysis in analyses { for c in analysis.criteria where !order.contains(c.criterion) { order.append(c.criterion) } }
        let lines = order.map { criterion in
            let points = analyses.map { a in
                let c = a.criteria.first { $0.criterion == criterion }
                return Point(session: a.session, alpha: c?.alpha, percent: c?.percent)
            }
            // "Stays below" needs two sessions at least: one low alpha may be one hard batch of conversations.
            let recent = points.compactMap(\.alpha).suffix(window)
            return Line(criterion: criterion, points: points, needsWork: recent.count >= 2 && recent.allSatisfy { $0 < CalibrationAnalysis.tentative })
        }
        return CalibrationTrend(sessions: analyses.map(\.session), criteria: lines)
    }

    public func document(zone: TimeZone) -> ReportDocument {
        let columns: [ReportDocument.Column] = [.init("criterion")] + sessions.map { .init("alpha \($0)", $0, numeric: true) }
            + [.init("trend", onlyForPeople: true), .init("needs_work", "definition needs work")]
        let rows: [[ReportDocument.Cell]] = criteria.map { line in
            [.text(line.criterion)] + line.points.map { p in
                p.alpha.map { ReportDocument.Cell(value: String(format: "%.3f", $0), shown: String(format: "%.2f", $0), tone: $0 < CalibrationAnalysis.tentative ? .red : nil) }
                    ?? ReportDocument.Cell(value: "", shown: "–")
            } + [.trend(line.points.map(\.alpha), domain: -1...1, value: ""), .bool(line.needsWork, tone: .red)]
        }
        let work = needingWork
        return ReportDocument(title: "Calibration trend", facts: [
            .init("Sessions", sessions.isEmpty ? "none closed yet" : "\(sessions.count), oldest first"),
            .init("Needs work", work.isEmpty ? (sessions.count < 2 ? "said after two sessions at least" : "no criterion stays below alpha \(CalibrationAnalysis.tentative)") : work.joined(separator: ", ")
                + " — alpha below \(CalibrationAnalysis.tentative) in each of the last \(Self.window) sessions (two at least): reword the criterion, then calibrate again"),
        ], sections: [ReportDocument.Section(key: "criteria", title: "Krippendorff's alpha per criterion and session",
                                             note: "–: alpha undefined in that session (every answer the same, or no conversation with two answers).", columns: columns, rows: rows,
                                             emptyText: "No closed session yet: calibrate close NAME ends one.")])
    }
}
