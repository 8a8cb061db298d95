import Foundation

/// `pitboss stats`: counts by channel, language, agent and shift.
public enum StatsReport {
    public static func render(_ stats: ConversationStats, format: OutputFormat, style: OutputStyle) -> String {
        let sections: [(String, [ConversationStats.Count])] = [
            ("channel", stats.byChannel), ("language", stats.byLanguage), ("agent", stats.byAgent), ("shift", stats.byShift),
        ]
        switch format {
        case .json:
            return JSONOutput.string(stats)
        case .csv:
            var table = Table(headers: ["dimension", "value", "conversations", "turns"])
            table.rows.append(["total", "", String(stats.conversations), String(stats.turns)])
            for (name, counts) in sections {
                for count in counts { table.rows.append([name, count.key, String(count.conversations), String(count.turns)]) }
            }
            return table.csv()
        case .table:
            var out = style.paint("\(stats.conversations) conversations, \(stats.turns) turns", .bold) + "\n"
            for (name, counts) in sections where !counts.isEmpty {
                let table = Table(headers: [name, "conversations", "turns"],
                                  rows: counts.map { [$0.key, String($0.conversations), String($0.turns)] }, numericColumns: [1, 2])
                out += "\n" + table.render(style: style)
            }
            return out
        }
    }
}
