import Foundation

/// What a reviewer reads: the transcript with each finding's words highlighted in place and tagged with the
/// finding's id, personal data masked unless asked for, and the findings listed with rule and message.
public enum ReviewView {
    public static func transcript(_ c: Conversation, findings: [StoredFinding], passes: [Evidence] = [], evaluated: Bool = true,
                                  mask: PersonalDataMask?, style: OutputStyle, timeZone: TimeZone, scoredWith: String? = nil) -> String {
        var out = ConversationView.heading(c, style: style)
        var facts = ["started \(LocalTime.format(c.startedAt, in: timeZone))"]
        if let customer = c.customerID { facts.append("customer \(TerminalSafe.line(mask?.mask(customer) ?? customer))\(c.isVIP ? " (VIP)" : "")") }
        if mask == nil { facts.append("personal data shown") }
        out += style.paint(facts.joined(separator: " · "), .dim) + "\n\n"

        let listed = findings.filter { $0.status != .error }
        out += findingsList(listed, in: c, evaluated: evaluated, mask: mask, style: style, scoredWith: scoredWith)
        if !passes.isEmpty {
            out += style.paint("Met", .bold) + style.paint(" — the words that met each rule" + (scoredWith.map { " of \(TerminalSafe.line($0))" } ?? ""), .dim) + "\n"
                + TextWrap.wrap(FindingsView.passes(passes, in: c, mask: mask, style: style), width: style.width, indent: 6) + "\n"
        }

        return out + turns(of: c, c.turns.indices, findings: listed, mask: mask, style: style, timeZone: timeZone)
    }

    /// Some of the conversation's turns, numbered as in the whole transcript, with their findings' words marked.
    public static func turns(of c: Conversation, _ range: some RangeExpression<Int>, findings: [StoredFinding], mask: PersonalDataMask?,
                             style: OutputStyle, timeZone: TimeZone) -> String {
        // Speakers' names are masked too (a chat widget may show the player's e-mail as their name); the texts are
        // masked as they are marked, so that the findings' offsets still point into them.
        var shown = c
        shown.turns = Array(c.turns[range.relative(to: c.turns)])
        if let mask { for i in shown.turns.indices { shown.turns[i].speaker = shown.turns[i].speaker.map(mask.mask) } }
        // Aligned even on a pipe: the reviewer reads this, and a piped session is still read by a person.
        return ConversationView.turns(shown, style: style, timeZone: timeZone, aligned: true) { turn in
            marked(turn.text, findings.filter { $0.turn == turn.index && $0.status != .error }, mask: mask, style: style)
        }
    }

    /// The findings under a "Findings" heading, or a line saying there are none (or that the rubric has not run).
    public static func findingsList(_ findings: [StoredFinding], in c: Conversation, evaluated: Bool, mask: PersonalDataMask?,
                                    style: OutputStyle, scoredWith: String?) -> String {
        let listed = findings.filter { $0.status != .error }
        if listed.isEmpty && !evaluated {
            return style.paint("Not checked by the rubric yet (a flag run would): score it on the transcript alone.", .yellow) + "\n\n"
        }
        if listed.isEmpty { return style.paint("No findings: score it on the transcript alone.", .green) + "\n\n" }
        return style.paint("Findings", .bold) + "\n"
            + listed.map { TextWrap.wrap("  " + findingLine($0, in: c, mask: mask, style: style, scoredWith: scoredWith), width: style.width, indent: 6) + "\n" }.joined()
            + "\n"
    }

    /// `chat-0042  chat · en · … · 120 turns`: which conversation this is, after the pager has taken the transcript away.
    public static func heading(_ c: Conversation, turns: Int, style: OutputStyle) -> String {
        TextWrap.wrap(ConversationView.heading(c, style: style).dropLast() + style.paint(" · \(turns) turns", .dim), width: style.width, indent: 2) + "\n"
    }

    /// `F12  major  courtesy-rude [courtesy] · turn 3: "…" — message`
    /// `scoredWith`: the rubric whose scorecard is being filled in; a finding another rubric made says which.
    public static func findingLine(_ finding: StoredFinding, in c: Conversation, mask: PersonalDataMask?, style: OutputStyle,
                                   scoredWith: String? = nil) -> String {
        // Masked as the words stand in their turn: a match over part of a card number is masked too.
        let f = mask.map { $0.masked(finding, inTurn: finding.turn.flatMap { $0 < c.turns.count ? c.turns[$0].text : nil }) } ?? finding
        let tone: OutputStyle.Tone = switch f.severity {
        case .critical: .red
        case .major: .magenta
        case .minor: .yellow
        case .info: .dim
        }
        // Padded before it is painted: colour codes take no room on the screen, and the columns line up.
        let severity = f.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
        var line = style.paint("F\(f.id)", .bold) + "  " + style.paint(severity, tone, .bold)
            + "  \(TerminalSafe.line(f.rule)) [\(TerminalSafe.line(f.criterion))] \(f.status.rawValue)"
        if let scoredWith, !f.rubric.isEmpty, f.rubric != scoredWith { line += style.paint(" (rubric \(TerminalSafe.line(f.rubric)))", .dim) }
        if let turn = f.turn { line += " · turn \(Turn.number(turn))" }
        if let text = f.text { line += ": “\(TerminalSafe.line(text))”" }
        line += " — \(TerminalSafe.line(f.message))"
        if let verdict = f.verdict { line += style.paint(" (\(verdict.rawValue))", .dim) }
        return line
    }

    /// A turn's text with its findings' words marked and tagged `[F12]` after the words, personal data replaced.
    static func marked(_ text: String, _ findings: [StoredFinding], mask: PersonalDataMask?, style: OutputStyle) -> String {
        MarkedText.render(text, marks: findings.compactMap { f in
            guard let start = f.start, let end = f.end else { return nil }
            return MarkedText.Mark(start: start, end: end, tag: "F\(f.id)")
        }, mask: mask, style: style)
    }

    /// The scorecard as the reviewer answered it, with the score.
    public static func scorecard(_ card: Scorecard, rubric: Rubric, style: OutputStyle) -> String {
        var table = Table(headers: ["criterion", "answer", "weight", "critical"], numericColumns: [2])
        for (row, a) in card.answers.enumerated() {
            if a.itemScore == 0 { table.tones[row] = [1: [.red, .bold]] }
            table.rows.append([a.criterion, a.answer, weight(a.weight), a.critical ? "yes" : ""])
        }
        return table.render(style: style) + scoreLine(score: card.score, raw: card.rawScore, autoFailed: card.autoFailed,
                                                      failed: card.failedCritical, style: style) + "\n"
    }

    public static func scoreLine(score: Double, raw: Double, autoFailed: Bool, failed: [String], style: OutputStyle) -> String {
        if autoFailed {
            return style.paint("Score 0 — auto-fail", .red, .bold) + " (critical criterion failed: \(TerminalSafe.line(failed.joined(separator: ", "))); \(ReviewStore.formatScore(raw)) before auto-fail)"
        }
        return style.paint("Score \(ReviewStore.formatScore(score)) / 100", .bold)
    }

    /// An audit detail as a screen shows it: a hash shortened, a time (`expires_at`) in the workspace's zone.
    static func detailValue(_ key: String, _ value: String, zone: TimeZone) -> String {
        if key.hasSuffix("hash") { return String(value.prefix(12)) }
        if key.hasSuffix("_at"), let date = UTCTimestamp.parse(value) { return LocalTime.format(date, in: zone) }
        return value
    }

    static func weight(_ w: Double) -> String { w == w.rounded() && abs(w) < 1e15 ? String(Int(w)) : String(w) }

    /// `pitboss history`: every revision, then the audit trail.
    public static func history(_ reviews: [StoredReview], audit: [AuditLog.Entry], format: OutputFormat, style: OutputStyle, timeZone: TimeZone) -> String {
        switch format {
        case .json:
            struct History: Encodable { var reviews: [StoredReview]; var audit: [AuditLog.Entry] }
            return JSONOutput.string(History(reviews: reviews, audit: audit))
        case .csv:
            var table = Table(headers: ["review", "revision", "revises", "item", "conversation", "reviewer", "created_at", "score", "auto_failed",
                                        "criterion", "answer", "weight", "critical", "comment", "revision_reason"])
            for r in reviews {
                for a in r.answers {
                    table.rows.append([String(r.id), String(r.revision), r.revises.map(String.init) ?? "", r.item.map(String.init) ?? "", r.conversation,
                                       r.reviewer, r.createdAt, ReviewStore.formatScore(r.score), r.autoFailed ? "true" : "false",
                                       a.criterion, a.answer, weight(a.weight), a.critical ? "true" : "false", r.comment ?? "", r.revisionReason ?? ""])
                }
            }
            return table.csv()
        case .table:
            var out = ""
            if reviews.isEmpty { out += "No review yet.\n" }
            for r in reviews {
                let when = UTCTimestamp.parse(r.createdAt).map { LocalTime.format($0, in: timeZone) } ?? r.createdAt
                let safe = TerminalSafe.line
                out += style.paint("Review #\(r.id)", .bold) + " revision \(r.revision)" + (r.revises.map { " (corrects #\($0))" } ?? "")
                    + safe(" · \(r.conversation) · by \(r.reviewer) · \(when) · rubric \(r.rubric) v\(r.rubricVersion)") + "\n"
                if let reason = r.revisionReason { out += "  reason: \(safe(reason))\n" }
                out += "  " + safe(r.answers.map { "\($0.criterion)=\($0.answer)" }.joined(separator: " ")) + "\n"
                if !r.verdicts.isEmpty {
                    out += "  findings: " + safe(r.verdicts.map { "F\($0.finding) \($0.verdict.rawValue)" + ($0.reason.map { " (\($0))" } ?? "") }.joined(separator: ", ")) + "\n"
                }
                if let comment = r.comment, !comment.isEmpty { out += "  comment: \(TerminalSafe.text(comment))\n" }
                out += "  " + scoreLine(score: r.score, raw: r.rawScore, autoFailed: r.autoFailed,
                                        failed: r.answers.filter(\.failsCritically).map(\.criterion), style: style) + "\n\n"
            }
            if !audit.isEmpty {
                out += style.paint("Audit trail", .bold) + "\n"
                var table = Table(headers: ["at", "actor", "action", "item", "detail"], numericColumns: [3])
                table.rows = audit.map { e in
                    [UTCTimestamp.parse(e.at).map { LocalTime.format($0, in: timeZone) } ?? e.at, e.actor, e.action.rawValue, e.item.map(String.init) ?? "",
                     e.detail.sorted { $0.key < $1.key }.map { "\($0.key)=\(detailValue($0.key, $0.value, zone: timeZone))" }.joined(separator: " ")]
                }
                out += table.render(style: style)
            }
            return out
        }
    }
}
