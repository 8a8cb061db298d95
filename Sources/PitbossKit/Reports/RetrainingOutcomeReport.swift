import Foundation

/// `pitboss retrain outcome|outcomes`: whether retraining worked, for people (rates before and after, against the
/// team, with intervals) and for programs (JSON, CSV).
public enum RetrainingOutcomeReport {
    /// One assignment's outcome in full.
    public static func outcome(_ o: RetrainingOutcome, json: Bool, style: OutputStyle, zone: TimeZone = ShiftSchedule.standard.timeZone) -> String {
        if json { return JSONOutput.string(o) }
        let a = o.assignment
        let day = UTCTimestamp.parse(a.stateAt).map { LocalTime.day($0, in: zone) } ?? String(a.stateAt.prefix(10))
        var out = style.paint("Retraining #\(a.id)", .bold) + TerminalSafe.line(" · \(a.agent) · module \(a.module) · \(a.state.rawValue) \(day)") + "\n"
        out += "Verdict: " + paint(o.verdict, style) + (o.reason.map { " — " + TerminalSafe.text($0) } ?? "") + "\n"
        out += "  baseline   \(span(o.baseline, zone: zone))\n"
        if let f = o.followUp {
            out += "  follow-up  \(span(f, zone: zone))" + (o.followUpEnded ? "" : " (open: counted so far)") + "\n"
        } else {
            out += "  follow-up  starts when the retraining is completed\n"
        }
        out += "  rubric     " + TerminalSafe.line("\(o.rubric.name) version \(o.rubric.version) (\(o.rubric.hash.prefix(12))), for both windows") + "\n"
        let r = o.rubric
        if r.notEvaluated > 0 {
            out += style.paint("             not evaluated with it, and left out: \(r.notEvaluatedBaseline) baseline and \(r.notEvaluatedFollowUp) follow-up "
                + "conversations of the agent, \(r.teamNotEvaluatedBaseline) and \(r.teamNotEvaluatedFollowUp) of the rest of the team", .yellow) + "\n"
        }
        for c in o.criteria {
            out += "\n" + style.paint(TerminalSafe.line(c.criterion), .bold) + ": " + (o.verdict == .tooEarly ? "so far " : "") + paint(c.verdict, style)
                + (c.decidedBy.map { " (from \($0.rawValue))" } ?? "") + "\n"
            var table = Table(headers: ["from", "before", "after", "change, points (95 % CI)", "p", "team before", "team after", "team change",
                                        "beyond the team (95 % CI)", "says"], numericColumns: [1, 2, 4, 5, 6])
            for r in [c.findings, c.reviews] {
                table.rows.append([r.source.rawValue, tally(r.baseline), tally(r.followUp), interval(r.change), pValue(r),
                                   tally(r.teamBaseline), tally(r.teamFollowUp), r.teamChange.map { points($0.difference) } ?? "—",
                                   interval(r.differenceInDifferences), r.source == .findings && !c.inRubric ? "not counted" : says(r)])
            }
            out += table.render(style: style)
            if let decided = c.decidedBy.map({ $0 == .findings ? c.findings : c.reviews }), decided.differenceInDifferences == nil {
                out += style.paint("  nobody else has \(decided.source.rawValue) in both windows: the verdict is the agent's own change", .dim) + "\n"
            }
            if !c.inRubric {
                out += style.paint(TerminalSafe.line("  \(c.criterion) is not a criterion of rubric \(r.name): its findings are not counted, only reviews decide"), .yellow) + "\n"
            }
            if !c.rules.isEmpty {
                out += style.paint(TerminalSafe.line("  findings of the module's rules only: \(c.rules.joined(separator: ", "))"), .dim) + "\n"
            }
            if !c.leftOutOfTeam.isEmpty {
                out += style.paint(TerminalSafe.line("  the team leaves out \(c.leftOutOfTeam.joined(separator: ", ")): retrained on \(c.criterion) meanwhile"), .dim) + "\n"
            }
        }
        out += style.paint("  points are percentage points (negative: fewer problems); p: F Fisher's exact test, z two-proportion z-test", .dim) + "\n"
        let s = o.scores
        out += "\nQA score: \(mean(s.baseline)) → \(mean(s.followUp)); rest of the team \(mean(s.teamBaseline)) → \(mean(s.teamFollowUp))\n"
        return out
    }

    /// Many assignments, one line each, and what each module achieved.
    public static func outcomes(_ list: [RetrainingOutcome], modules: [ModuleOutcomeSummary], format: OutputFormat, style: OutputStyle) -> String {
        switch format {
        case .json:
            struct Shown: Encodable { var outcomes: [RetrainingOutcome]; var modules: [ModuleOutcomeSummary] }
            return JSONOutput.string(Shown(outcomes: list, modules: modules))
        case .csv:
            // One row per assignment and criterion, every count; rates and differences as fractions (0.25, not 25 %).
            func number(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "" }
            let perSource = ["baseline_problems", "baseline_total", "follow_up_problems", "follow_up_total",
                             "team_baseline_problems", "team_baseline_total", "team_follow_up_problems", "team_follow_up_total",
                             "change", "change_lower", "change_upper", "p_value", "test", "team_change",
                             "did", "did_lower", "did_upper", "verdict"]
            var table = Table(headers: ["id", "agent", "module", "state", "completed", "verdict", "criterion", "criterion_verdict", "decided_by"]
                + ["findings", "reviews"].flatMap { s in perSource.map { "\(s)_\($0)" } }
                + ["score_baseline", "score_baseline_reviews", "score_follow_up", "score_follow_up_reviews"])
            for o in list {
                for c in o.criteria {
                    var row = [String(o.assignment.id), o.assignment.agent, o.assignment.module, o.assignment.state.rawValue,
                               o.assignment.state == .completed ? o.assignment.stateAt : "", o.verdict.rawValue, c.criterion, c.verdict.rawValue,
                               c.decidedBy?.rawValue ?? ""]
                    for r in [c.findings, c.reviews] {
                        row += [r.baseline, r.followUp, r.teamBaseline, r.teamFollowUp].flatMap { [String($0.problems), String($0.total)] }
                        row += [number(r.change?.difference), number(r.change?.lower), number(r.change?.upper), number(r.pValue), r.test ?? "",
                                number(r.teamChange?.difference), number(r.differenceInDifferences?.difference),
                                number(r.differenceInDifferences?.lower), number(r.differenceInDifferences?.upper), r.verdict.rawValue]
                    }
                    row += [number(o.scores.baseline.mean), String(o.scores.baseline.reviews),
                            number(o.scores.followUp.mean), String(o.scores.followUp.reviews)]
                    table.rows.append(row)
                }
            }
            return table.csv()
        case .table:
            guard !list.isEmpty else { return "No retraining outcome to show: no assignment (other than cancelled ones) matches.\n" }
            // One line per criterion with its own verdict; the assignment's verdict on its first line.
            var table = Table(headers: ["id", "agent", "module", "verdict", "criterion", "says", "findings before → after", "beyond the team (95 % CI)",
                                        "reviews before → after", "QA score"], numericColumns: [0])
            for o in list {
                for (i, c) in o.criteria.enumerated() {
                    let row = table.rows.count
                    table.tones[row] = i == 0 ? [3: tones(o.verdict), 5: tones(c.verdict)] : [5: tones(c.verdict)]
                    table.rows.append([i == 0 ? String(o.assignment.id) : "", i == 0 ? o.assignment.agent : "", i == 0 ? o.assignment.module : "",
                                       i == 0 ? o.verdict.words : "", c.criterion,
                                       (o.verdict == .tooEarly ? "so far " : "") + c.verdict.words + (c.decidedBy.map { " (\($0.rawValue))" } ?? ""),
                                       "\(tally(c.findings.baseline)) → \(tally(c.findings.followUp))", interval(c.findings.differenceInDifferences),
                                       "\(tally(c.reviews.baseline)) → \(tally(c.reviews.followUp))",
                                       i == 0 ? "\(mean(o.scores.baseline)) → \(mean(o.scores.followUp))" : ""])
                }
            }
            var out = table.render(style: style)
            if !modules.isEmpty {
                var summary = Table(headers: ["module", "assignments", "improved", "no change", "worse", "too early", "not enough data",
                                              "pooled effect, findings (95 % CI)", "pooled effect, reviews (95 % CI)"], numericColumns: [1, 2, 3, 4, 5, 6])
                for m in modules {
                    summary.rows.append([m.module, String(m.assignments)] + OutcomeVerdict.allCases.map { String(m.verdicts[$0.rawValue] ?? 0) }
                        + [pooled(m.pooledFindings), pooled(m.pooledReviews)])
                }
                out += "\nBy module (the effect is the change in problem rate beyond the team's, in points; negative is fewer problems;\n"
                    + "pooled over the judged comparisons that have a team to compare with, each weighted by its precision):\n" + summary.render(style: style)
            }
            return out
        }
    }

    static func paint(_ v: OutcomeVerdict, _ style: OutputStyle) -> String { style.paint(v.words, tones(v)) }

    static func tones(_ v: OutcomeVerdict) -> [OutputStyle.Tone] {
        switch v {
        case .improved: [.green, .bold]
        case .worse: [.red, .bold]
        case .noChange: [.yellow]
        case .tooEarly, .notEnoughData: [.dim]
        }
    }

    /// `2026-10-08 11:00 – 2026-11-07 11:00 +01:00`: the window in the workspace's zone, as every screen shows times.
    static func span(_ w: RetrainingOutcome.Window, zone: TimeZone) -> String {
        guard let from = UTCTimestamp.parse(w.from), let until = UTCTimestamp.parse(w.until) else { return "\(w.from) – \(w.until)" }
        let fromZone = LocalTime.offset(from, in: zone), untilZone = LocalTime.offset(until, in: zone)
        // One zone named once; across a change of summer time each end names its own.
        return LocalTime.short(from, in: zone) + (fromZone == untilZone ? "" : " " + fromZone) + " – " + LocalTime.short(until, in: zone) + " " + untilZone
    }

    static func tally(_ t: Tally) -> String {
        t.total == 0 ? "—" : "\(t.problems)/\(t.total) " + rate(t)
    }

    static func rate(_ t: Tally) -> String { t.rate.map { String(format: "%.1f %%", $0 * 100) } ?? "—" }

    /// A difference of rates in percentage points, signed: "−12.5".
    static func points(_ x: Double) -> String {
        let text = String(format: "%+.1f", x * 100)
        return text.replacingOccurrences(of: "-", with: "−")
    }

    static func interval(_ d: ProportionDifference?) -> String {
        guard let d else { return "—" }
        return "\(points(d.difference)) (\(points(d.lower)) to \(points(d.upper)))"
    }

    static func pValue(_ r: RateComparison) -> String {
        guard let p = r.pValue else { return "—" }
        return (p < 0.001 ? "<0.001" : String(format: "%.3f", p)) + (r.test == "Fisher's exact test" ? " F" : " z")
    }

    static func says(_ r: RateComparison) -> String {
        guard r.verdict == .notEnoughData else { return r.verdict.words }
        let more = [(r.moreNeededBaseline ?? 0, "before"), (r.moreNeededFollowUp ?? 0, "after")].filter { $0.0 > 0 }
        return "not enough data: " + more.map { "\($0.0) more \($0.1)" }.joined(separator: ", ")
    }

    static func mean(_ m: RetrainingOutcome.ScoreMean) -> String {
        m.mean.map { String(format: "%.1f", $0) + " (\(m.reviews))" } ?? "—"
    }

    static func pooled(_ p: PooledEstimate?) -> String {
        guard let p else { return "—" }
        return "\(points(p.estimate)) (\(points(p.lower)) to \(points(p.upper))) over \(p.count)"
    }
}
