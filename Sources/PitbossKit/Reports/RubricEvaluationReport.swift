import Foundation

/// `pitboss rubric eval`: the scores per criterion and split, the clean conversations queued, the disagreements.
public enum RubricEvaluationReport {
    public static func render(_ e: RubricEvaluation, setPath: String, json: Bool, style: OutputStyle) -> String {
        if json { return JSONOutput.string(e) }
        func share(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "—" }
        let splitName = ["dev": "dev", "heldout": "held out", "all": "all"]
        var out = style.paint(TerminalSafe.line("\(e.rubric) version \(e.rubricVersion)"), .bold)
            + TerminalSafe.line(" on \(setPath): \(e.conversations["dev"] ?? 0) dev and \(e.conversations["heldout"] ?? 0) held-out conversations") + "\n"
        var table = Table(headers: ["criterion", "split", "labelled", "found", "false alarms", "missed", "precision", "recall", "F1"],
                          numericColumns: [2, 3, 4, 5, 6, 7, 8])
        for s in e.scores {
            table.rows.append([s.criterion, splitName[s.split] ?? s.split, String(s.labelled), String(s.truePositives), String(s.falsePositives),
                               String(s.falseNegatives), share(s.precision), share(s.recall), share(s.f1)])
        }
        out += table.render(style: style)
        out += byLanguage(e, style: style)
        out += "Clean conversations queued: " + e.cleanQueued.map { c in
            "\(splitName[c.split] ?? c.split) \(c.queued) of \(c.clean)" + (c.share.map { String(format: " (%.0f %%)", $0 * 100) } ?? "")
        }.joined(separator: ", ") + "\n"
        if !e.disagreements.isEmpty {
            out += "\n" + style.paint("Disagreements", .bold) + " (missed: labelled, not found; false alarm: found, not labelled)\n"
            for d in e.disagreements {
                out += TerminalSafe.line("  \(d.conversation) [\(splitName[d.split] ?? d.split)] \(d.criterion) ")
                    + style.paint(d.kind == .missed ? "missed" : "false alarm", d.kind == .missed ? .yellow : .red)
                    + TerminalSafe.line(" — label: \(d.reason)") + "\n"
                for evidence in d.evidence { out += "      " + TerminalSafe.line(evidence) + "\n" }
            }
        }
        for line in e.belowFloors { out += style.paint("below the floor: ", .red, .bold) + TerminalSafe.line(line) + "\n" }
        if e.belowFloors.isEmpty, e.floorsChecked > 0 {
            out += style.paint("Floors: all \(e.floorsChecked) met", .green) + "\n"
        }
        return out
    }

    /// Precision / recall per criterion and language, all splits together, then the held-out split alone; a cell is
    /// "—" where the language has no labelled or flagged conversation for the criterion.
    static func byLanguage(_ e: RubricEvaluation, style: OutputStyle) -> String {
        let languages = Array(Set(e.scoresByLanguage.compactMap(\.language))).sorted()
        guard languages.count > 1 else { return "" }
        func cell(_ s: RubricEvaluation.Score?) -> String {
            guard let s, s.precision != nil || s.recall != nil else { return "—" }
            return (s.precision.map { String(format: "%.2f", $0) } ?? "—") + "/" + (s.recall.map { String(format: "%.2f", $0) } ?? "—")
                + " (\(s.labelled))"
        }
        let out = "\nBy language — precision/recall (labelled)\n"
        var table = Table(headers: ["criterion", "split"] + languages, numericColumns: Set(2..<(2 + languages.count)))
        let criteria = e.scores.filter { $0.split == "all" }.map(\.criterion)
        for split in ["all", "heldout"] {
            for criterion in criteria {
                table.rows.append([criterion, split == "all" ? "all" : "held out"] + languages.map { language in
                    cell(e.scoresByLanguage.first { $0.criterion == criterion && $0.split == split && $0.language == language })
                })
            }
        }
        return out + table.render(style: style)
    }
}
