import Foundation

/// `pitboss retrain list|show`: assignments for people, JSON or CSV for programs.
public enum RetrainingReport {
    /// Times on a screen are in the workspace's zone (`zone`); in JSON and CSV as stored, ISO 8601 UTC.
    public static func list(_ list: [RetrainingAssignment], today: String, format: OutputFormat, style: OutputStyle,
                            zone: TimeZone = ShiftSchedule.standard.timeZone) -> String {
        switch format {
        case .json:
            return JSONOutput.string(list)
        case .csv:
            return Table(headers: ["id", "agent", "module", "criteria", "state", "state_at", "due_on", "overdue", "repeat_of", "assigned_by", "assigned_at"],
                         rows: list.map { a in
                             [String(a.id), a.agent, a.module, a.criteria.joined(separator: ";"), a.state.rawValue, a.stateAt, a.dueOn,
                              a.isOverdue(today: today) ? "true" : "false", a.repeatOf.map(String.init) ?? "", a.assignedBy, a.assignedAt]
                         }).csv()
        case .table:
            var table = Table(headers: ["id", "agent", "module", "criteria", "state", "due", "assigned by", "assigned"], numericColumns: [0])
            for (row, a) in list.enumerated() {
                let overdue = a.isOverdue(today: today)
                if overdue { table.tones[row] = [5: [.red, .bold]] }
                table.rows.append([String(a.id), a.agent, a.module, a.criteria.joined(separator: ", "), a.state.rawValue,
                                   a.dueOn + (overdue ? " overdue" : ""), a.assignedBy, LocalTime.day(ofStored: a.assignedAt, in: zone)])
            }
            return table.render(style: style) + "\(list.count) assignment\(list.count == 1 ? "" : "s")\n"
        }
    }

    public static func show(_ a: RetrainingAssignment, events: [RetrainingEvent], today: String, json: Bool, style: OutputStyle,
                            zone: TimeZone = ShiftSchedule.standard.timeZone) -> String {
        if json {
            struct Shown: Encodable { var assignment: RetrainingAssignment; var events: [RetrainingEvent] }
            return JSONOutput.string(Shown(assignment: a, events: events))
        }
        let safe = TerminalSafe.line
        var out = style.paint("Retraining #\(a.id)", .bold) + safe(" · \(a.agent) · module \(a.module) · criteria \(a.criteria.joined(separator: ", "))") + "\n"
        out += "  \(a.state.rawValue), due \(a.dueOn)" + (a.isOverdue(today: today) ? style.paint(" (overdue)", .red, .bold) : "")
            + (a.repeatOf.map { " · repeats #\($0)" } ?? "") + "\n"
        if let note = a.note { out += "  note: \(TerminalSafe.text(note))\n" }
        if !a.evidence.isEmpty { out += "  evidence: " + safe(a.evidence.joined(separator: ", ")) + "\n" }
        var table = Table(headers: ["state", "on", "by", "recorded", "reason"])
        table.rows = events.map { [$0.state.rawValue, LocalTime.format(stored: $0.at, in: zone), $0.actor, LocalTime.format(stored: $0.recordedAt, in: zone), $0.reason ?? ""] }
        return out + table.render(style: style)
    }

    public static func suggestions(_ list: [RetrainingSuggestion], format: OutputFormat, style: OutputStyle) -> String {
        func percent(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
        switch format {
        case .json:
            return JSONOutput.string(list)
        case .csv:
            return Table(headers: ["agent", "criterion", "source", "problems", "total", "rate", "lower", "upper", "team_rate", "evidence", "open_assignment",
                                   "recently_completed", "completed_on"],
                         rows: list.map { s in
                             [s.agent, s.criterion, s.source.rawValue, String(s.problems), String(s.total), String(format: "%.4f", s.rate),
                              String(format: "%.4f", s.lower), String(format: "%.4f", s.upper), String(format: "%.4f", s.teamRate),
                              s.evidence.joined(separator: ";"), s.openAssignment.map(String.init) ?? "", s.recentlyCompleted.map(String.init) ?? "",
                              s.completedOn ?? ""]
                         }).csv()
        case .table:
            guard !list.isEmpty else { return "Nobody's rate is above the team's with 95 % confidence.\n" }
            var table = Table(headers: ["agent", "criterion", "from", "rate", "95 % interval", "team", "n", "status", "evidence"], numericColumns: [3, 5, 6])
            for (row, s) in list.enumerated() {
                if !s.isSuggested { table.tones[row] = [7: [.dim]] }
                let status = s.openAssignment.map { "already assigned: #\($0)" }
                    ?? s.recentlyCompleted.map { "retrained: #\($0), completed \(s.completedOn ?? "")" } ?? "suggested"
                let more = s.problems - s.evidence.count
                table.rows.append([s.agent, s.criterion, s.source.rawValue, percent(s.rate), percent(s.lower) + " – " + percent(s.upper),
                                   percent(s.teamRate), String(s.total), status,
                                   s.evidence.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")])
            }
            return table.render(style: style)
                + "The team's rate is every agent's, theirs included."
                + (list.contains { $0.recentlyCompleted != nil } ? " A recent retraining's outcome shows whether it worked." : "") + "\n"
        }
    }
}
