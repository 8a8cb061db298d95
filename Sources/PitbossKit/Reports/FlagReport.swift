import Foundation

/// Renders a flag run's summary, the findings list and the queue: a table for people, JSON or CSV for programs.
public enum FlagReport {
    /// Several runs, one per rubric route: each summary after a line naming its route; JSON is an array of the
    /// summaries (each with its rubric), CSV one table with the rubric as the first column.
    public static func summaries(_ runs: [(route: RubricRoute, summary: FlagSummary)], format: OutputFormat, style: OutputStyle) -> String {
        switch format {
        case .json:
            return JSONOutput.string(runs.map(\.summary))
        case .csv:
            var lines: [String] = []
            for (i, run) in runs.enumerated() {
                // CSV lines end in CRLF (RFC 4180), which Swift reads as one Character: split on the scalars.
                let table = summary(run.summary, format: .csv, style: style).components(separatedBy: "\r\n")
                for (n, line) in table.enumerated() where !line.isEmpty && (i == 0 || n > 0) {
                    lines.append((n == 0 ? "rubric" : Table.csvField(run.summary.rubric)) + "," + line)
                }
            }
            return lines.joined(separator: "\r\n") + "\r\n"
        case .table:
            return runs.map { run in
                style.paint(TerminalSafe.line("rubric \(run.summary.rubric) on \(run.route.scope) (\(run.route.rubricPath))"), .bold) + "\n"
                    + summary(run.summary, format: .table, style: style)
            }.joined(separator: "\n")
        }
    }

    public static func summary(_ s: FlagSummary, format: OutputFormat, style: OutputStyle) -> String {
        switch format {
        case .json:
            return JSONOutput.string(s)
        case .csv:
            var table = Table(headers: ["section", "key", "severity", "scanned", "flagged", "conversations", "findings", "critical", "major", "minor", "info", "errors",
                                        "shift", "priority"])
            for r in s.byRule {
                table.rows.append(["rule", r.rule, r.severity.rawValue, "", "", String(r.conversations), String(r.findings), "", "", "", "", String(r.errors), "", ""])
            }
            for a in s.byAgent {
                table.rows.append(["agent", a.agent, "", String(a.scanned), String(a.flagged), "", String(a.critical + a.major + a.minor + a.info),
                                   String(a.critical), String(a.major), String(a.minor), String(a.info), "", "", ""])
            }
            // What the queue cap left out, one row each.
            for left in s.notQueued {
                table.rows.append([left.displaced ? "taken_out" : "not_queued", left.conversation, "", "", "", "", "", "", "", "", "", "", left.shift, String(left.priority)])
            }
            return table.csv()
        case .table:
            let c = s.counts
            let title = s.dryRun ? "dry run, nothing stored" : s.run.map { "flag run \($0)" } ?? "flag (no run recorded)"
            var out = style.paint(TerminalSafe.line("\(title): \(s.rubric) \(s.rubricVersion) (\(s.rubricHash.prefix(12)))"), .bold) + "\n"
            out += "scanned \(c.scanned), evaluated \(c.evaluated), flagged \(c.flagged) (\(s.dryRun ? "would be queued" : "queued") at \(s.minSeverity.rawValue) or above), findings \(c.findings), rule errors \(c.errors)"
            if s.alreadyEvaluated > 0 { out += ", evaluated meanwhile by another run \(s.alreadyEvaluated)" }
            out += String(format: " in %.1f s\n", s.elapsed)
            if let limit = s.queueLimit, !s.notQueued.isEmpty {
                let kept = s.notQueued.filter { !$0.displaced }, taken = s.notQueued.filter(\.displaced)
                let byShift = Dictionary(grouping: s.notQueued, by: \.shift).map { ($0.key, $0.value.count) }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }
                let shifts = byShift.prefix(5).map { "\($0.0) \($0.1)" }.joined(separator: ", ") + (byShift.count > 5 ? ", …" : "")
                let verb = s.dryRun ? "would not be" : "not"
                var parts: [String] = []
                if !kept.isEmpty { parts.append("\(kept.count) flagged conversation\(kept.count == 1 ? "" : "s") \(verb) queued") }
                if !taken.isEmpty { parts.append("\(taken.count) \(s.dryRun ? "would be" : taken.count == 1 ? "was" : "were") taken out of the queue for more severe ones") }
                out += style.paint(TerminalSafe.line("queue limit \(limit) per shift: " + parts.joined(separator: ", ") + " (\(shifts)); the most severe kept"
                    + (s.run.map { "; their findings are stored (this run's with run \($0))" } ?? "")), .yellow) + "\n"
                for (label, list) in [("not queued", kept), ("taken out", taken)] where !list.isEmpty {
                    let shown = list.prefix(10)
                    out += "  \(label): " + TerminalSafe.line(shown.map { "\($0.conversation) (priority \($0.priority))" }.joined(separator: ", "))
                        + (list.count > shown.count ? ", and \(list.count - shown.count) more (the JSON summary lists them all)" : "") + "\n"
                }
            }
            if c.scanned == 0 {
                out += style.paint("nothing new: the selection holds no conversation this rubric, as it is now, has not evaluated; a changed rubric or a new import is evaluated by the next run", .dim) + "\n"
            }
            if !s.uncoveredLanguages.isEmpty {
                let languages = s.uncoveredLanguages.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                let count = s.uncoveredLanguages.values.reduce(0, +)
                let subject = count == 1 ? "1 conversation is" : "\(count) conversations are"
                out += style.paint(TerminalSafe.line("note: \(subject) in a language \(s.rubric) is not written for (\(languages)): only its rules without patterns (timing) ran on them; route them to a rubric for their language (rubrics: in pitboss.yaml)"), .dim) + "\n"
            }
            if !s.byRule.isEmpty {
                let rules = s.byRule.sorted { ($0.severity, $0.findings) > ($1.severity, $1.findings) }
                out += "\n" + Table(headers: ["rule", "severity", "conversations", "findings", "errors"],
                                    rows: rules.map { [$0.rule, $0.severity.rawValue, String($0.conversations), String($0.findings), String($0.errors)] },
                                    numericColumns: [2, 3, 4]).render(style: style)
            }
            if !s.byAgent.isEmpty {
                let agents = s.byAgent.sorted { ($0.flagged, $0.agent) > ($1.flagged, $1.agent) }
                out += "\n" + Table(headers: ["agent", "scanned", "flagged", "critical", "major", "minor", "info"],
                                    rows: agents.map { [$0.agent, String($0.scanned), String($0.flagged), String($0.critical), String($0.major),
                                                        String($0.minor), String($0.info)] },
                                    numericColumns: [1, 2, 3, 4, 5, 6]).render(style: style)
            }
            return out
        }
    }

    /// `pitboss flag show RUN`: who ran it, when and on what, then its summary as it was printed.
    public static func storedRun(_ run: StoredFlagRun, format: OutputFormat, style: OutputStyle, zone: TimeZone) -> String {
        var summary = run.summary ?? {
            var s = FlagSummary(run: run.id, rubric: run.rubric, rubricVersion: run.rubricVersion, rubricHash: run.rubricHash, minSeverity: .minor, rules: [])
            s.counts = run.counts
            return s
        }()
        summary.run = run.id
        switch format {
        case .json:
            return JSONOutput.string(run)
        case .csv:
            return self.summary(summary, format: .csv, style: style)
        case .table:
            let local = { (at: String) in LocalTime.format(stored: at, in: zone) }
            let on = run.selection.isEmpty ? "every conversation" : run.selection.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let out = TerminalSafe.line("run by \(run.startedBy), started \(local(run.startedAt)), ")
                + (run.finishedAt.map { "finished \(local($0))" } ?? style.paint("not finished (killed, or still running)", .yellow))
                + TerminalSafe.line("; on \(on); rubric file \(run.rubricPath)") + "\n"
            if run.summary == nil {
                let heading = style.paint(TerminalSafe.line("flag run \(run.id): \(run.rubric) \(run.rubricVersion) (\(run.rubricHash.prefix(12)))"), .bold) + "\n" + out
                guard run.finishedAt != nil else {
                    // A run writes its counts when it ends: a killed one has none, only the findings it stored.
                    return heading + "\(run.findingsStored) finding\(run.findingsStored == 1 ? "" : "s") stored with it stand; its counts were not written (a run writes them when it ends)\n"
                }
                let c = run.counts
                return heading + style.paint("This run was recorded before summaries were kept: only its counts are known", .dim) + "\n"
                    + "scanned \(c.scanned), evaluated \(c.evaluated), flagged \(c.flagged), findings \(c.findings), rule errors \(c.errors)\n"
            }
            let printed = self.summary(summary, format: .table, style: style)
            // The run's own first line, then when and by whom, then the rest as it was printed.
            guard let end = printed.firstIndex(of: "\n") else { return printed + out }
            return String(printed[...end]) + out + String(printed[printed.index(after: end)...])
        }
    }

    public static func findings(_ list: [StoredFinding], format: OutputFormat, style: OutputStyle) -> String {
        switch format {
        case .json:
            return JSONOutput.string(list)
        case .csv, .table:
            // CSV headers are the JSON keys.
            let table = Table(
                headers: ["id", "conversation", "agent", "rule", "criterion", "severity", "status", "turn", "start", "end", "text", "message", "run",
                          "rubric", "rubric_hash", "verdict"],
                rows: list.map { f in
                    [String(f.id), f.conversation, f.agent ?? "", f.rule, f.criterion, f.severity.rawValue, f.status.rawValue, f.turn.map { String(Turn.number($0)) } ?? "",
                     f.start.map(String.init) ?? "", f.end.map(String.init) ?? "", f.text ?? "", f.message, String(f.run), f.rubric, f.rubricHash,
                     f.verdict?.rawValue ?? ""]
                })
            if format == .csv { return table.csv() }
            var compact = Table(headers: ["id", "conversation", "agent", "rule", "severity", "status", "turn", "text"], numericColumns: [0, 6])
            compact.rows = list.map { f in
                [String(f.id), f.conversation, f.agent ?? "", f.rule, f.severity.rawValue, f.status.rawValue, f.turn.map { String(Turn.number($0)) } ?? "",
                 f.text.map { $0.count > 40 ? String($0.prefix(39)) + "…" : $0 } ?? ""]
            }
            return compact.render(style: style) + "\(list.count) finding\(list.count == 1 ? "" : "s")\n"
        }
    }

    /// Times on a screen in the workspace's zone (`zone`), with its offset; in JSON and CSV as stored, ISO 8601 UTC.
    public static func queue(_ list: [QueueEntry], format: OutputFormat, style: OutputStyle, zone: TimeZone = TimeZone(identifier: "UTC")!) -> String {
        switch format {
        case .json:
            return JSONOutput.string(list)
        case .csv:
            // CSV headers are the JSON keys.
            return Table(headers: ["id", "conversation", "agent", "channel", "language", "shift", "reason", "priority", "status", "assigned_to",
                                   "claim_expires_at", "findings", "worst_severity"],
                         rows: list.map { q in
                             [String(q.id), q.conversation, q.agent, q.channel, q.language, q.shift, q.reason.rawValue, String(q.priority), q.status.rawValue,
                              q.assignedTo ?? "", q.claimExpiresAt ?? "", String(q.findings), q.worstSeverity?.rawValue ?? ""]
                         }).csv()
        case .table:
            let table = Table(headers: ["id", "conversation", "agent", "channel", "lang", "reason", "priority", "status", "held by",
                                        "until (\(list.compactMap { $0.claimExpiresAt.flatMap { UTCTimestamp.parse($0) } }.first.map { LocalTime.offset($0, in: zone) } ?? LocalTime.offset(Date(), in: zone)))",
                                        "findings", "worst"],
                              rows: list.map { q in
                                  [String(q.id), q.conversation, q.agent, q.channel, q.language, q.reason.rawValue, String(q.priority), q.status.rawValue,
                                   q.assignedTo ?? "", q.claimExpiresAt.flatMap { UTCTimestamp.parse($0) }.map { LocalTime.short($0, in: zone) } ?? "",
                                   String(q.findings), q.worstSeverity?.rawValue ?? ""]
                              }, numericColumns: [0, 6, 10])
            return table.render(style: style) + "\(list.count) item\(list.count == 1 ? "" : "s")\n"
        }
    }
}
