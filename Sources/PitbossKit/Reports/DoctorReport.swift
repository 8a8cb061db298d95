import Foundation

/// `pitboss doctor`: one line per check, then what to do.
public enum DoctorReport {
    public static func render(_ report: DatabaseDoctor.Report, json: Bool, style: OutputStyle) -> String {
        if json { return JSONOutput.string(report) }
        var table = Table(headers: ["check", "result"])
        for (row, check) in report.checks.enumerated() {
            table.rows.append([check.name, check.detail])
            if !check.ok { table.tones[row] = [1: [.red, .bold]] }
        }
        let headline = switch report.condition {
        case .healthy: style.paint("healthy", .green, .bold)
        case .attention: style.paint("sound, with something to fix", .yellow, .bold)
        case .newerSchema: style.paint("written by a newer Pitboss", .yellow, .bold)
        case .damaged: style.paint("damaged or unusable", .red, .bold)
        }
        var out = style.paint(TerminalSafe.line(report.path), .bold) + ": " + headline + "\n"
        out += table.render(style: style)
        if let advice = report.advice { out += TerminalSafe.text(advice) + "\n" }
        return out
    }
}
