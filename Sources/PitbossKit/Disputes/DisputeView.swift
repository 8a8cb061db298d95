import Foundation

/// `pitboss dispute list|show`: disputes for people, JSON or CSV for programs.
public enum DisputeView {
    public static func list(_ list: [Dispute], format: OutputFormat, style: OutputStyle, zone: TimeZone) -> String {
        switch format {
        case .json:
            return JSONOutput.string(list)
        case .csv:
            // CSV headers are the JSON keys.
            return Table(headers: ["id", "review", "conversation", "agent", "reviewer", "criteria", "reason", "opened_by", "opened_at", "status",
                                   "decided_by", "decided_at", "decision_reason", "revision", "stale"],
                         rows: list.map { d in
                             [String(d.id), String(d.review), d.conversation, d.agent, d.reviewer, d.criteria.joined(separator: ";"), d.reason, d.openedBy,
                              d.openedAt, d.status.rawValue, d.decidedBy ?? "", d.decidedAt ?? "", d.decisionReason ?? "", d.revision.map(String.init) ?? "",
                              d.stale ? "true" : "false"]
                         }).csv()
        case .table:
            guard !list.isEmpty else { return "No dispute.\n" }
            var table = Table(headers: ["id", "review", "conversation", "agent", "reviewer", "criteria", "opened by", "opened", "status", "decided by"], numericColumns: [0, 1])
            for (row, d) in list.enumerated() {
                if d.stale { table.tones[row] = [8: [.red, .bold]] }
                table.rows.append([String(d.id), "#\(d.review)", d.conversation, d.agent, d.reviewer, d.criteria.joined(separator: ", "), d.openedBy,
                                   LocalTime.day(ofStored: d.openedAt, in: zone), d.status.rawValue + (d.stale ? " (stale)" : ""), d.decidedBy ?? ""])
            }
            return table.render(style: style) + "\(list.count) dispute\(list.count == 1 ? "" : "s")"
                + (list.contains(where: \.stale) ? "; stale: open for more than twice the dispute window" : "") + "\n"
        }
    }

    public static func show(_ d: Dispute, reviews: [StoredReview], style: OutputStyle, zone: TimeZone) -> String {
        let safe = TerminalSafe.line
        let local = { (stored: String) in LocalTime.format(stored: stored, in: zone) }
        var out = style.paint("Dispute #\(d.id)", .bold) + safe(" · review #\(d.review) of \(d.conversation) by \(d.reviewer) · agent \(d.agent) · ")
            + style.paint(d.status.rawValue + (d.stale ? " (stale)" : ""), d.status == .open ? .yellow : d.status == .accepted ? .green : .dim, .bold) + "\n"
        out += safe("  contests \(d.criteria.joined(separator: ", ")); opened by \(d.openedBy), \(local(d.openedAt))") + "\n"
        out += "  reason: " + TerminalSafe.text(d.reason) + "\n"
        if let by = d.decidedBy {
            out += safe("  \(d.status.rawValue) by \(by), \(d.decidedAt.map(local) ?? "")") + (d.decisionReason.map { ": " + TerminalSafe.text($0) } ?? "") + "\n"
        }
        let contested = reviews.first { $0.id == d.review }
        let revised = d.revision.flatMap { id in reviews.first { $0.id == id } }
        if let contested {
            var table = Table(headers: ["criterion", "reviewed"] + (revised == nil ? [] : ["decided"]))
            for a in contested.answers where d.criteria.contains(a.criterion) {
                table.rows.append([a.criterion, a.answer] + (revised.map { r in [r.answers.first { $0.criterion == a.criterion }?.answer ?? ""] } ?? []))
            }
            out += table.render(style: style)
            out += "  score " + ReviewStore.formatScore(contested.score) + (revised.map { " → " + ReviewStore.formatScore($0.score) } ?? "") + "\n"
        }
        return out
    }
}
