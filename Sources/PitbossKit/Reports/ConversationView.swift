import Foundation

/// `pitboss show`: a conversation for a person to read, or as a canonical JSON line.
public enum ConversationView {
    public static func render(_ conversation: Conversation, format: OutputFormat, style: OutputStyle, timeZone: TimeZone) -> String {
        switch format {
        case .json: return conversation.canonicalJSONLine() + "\n"
        case .csv: return csv(conversation, timeZone: timeZone)
        case .table: return text(conversation, style: style, timeZone: timeZone)
        }
    }

    static func text(_ c: Conversation, style: OutputStyle, timeZone: TimeZone) -> String {
        var out = heading(c, style: style)
        var facts = ["started \(LocalTime.format(c.startedAt, in: timeZone))"]
        if let customer = c.customerID { facts.append("customer \(TerminalSafe.line(customer))\(c.isVIP ? " (VIP)" : "")") }
        if !c.tags.isEmpty { facts.append("tags \(TerminalSafe.line(c.tags.joined(separator: ", ")))") }
        facts.append("from \(TerminalSafe.line(c.source.humanDescription))")
        out += style.paint(facts.joined(separator: " · "), .dim) + "\n\n"

        return out + turns(c, style: style, timeZone: timeZone, aligned: style.isTerminal) { TerminalSafe.text($0.text) }
    }

    /// `chat-0042  chat · en · agent en.anna · shift 2026-11-21-night`, every value from the file made terminal-safe.
    static func heading(_ c: Conversation, style: OutputStyle) -> String {
        style.paint(TerminalSafe.line(c.externalID), .bold)
            + "  \(c.channel.rawValue) · \(TerminalSafe.line(c.language)) · agent \(TerminalSafe.line(c.agentID)) · shift \(TerminalSafe.line(c.shiftID))\n"
    }

    /// One line per turn: its number (from 1, as findings cite it), time, speaker (coloured by role), text. `aligned` pads the speakers to one width and lines
    /// continuation lines up under the first; otherwise `speaker: text`, continuation lines indented. `text` gives
    /// each turn's text already made terminal-safe.
    static func turns(_ c: Conversation, style: OutputStyle, timeZone: TimeZone, aligned: Bool, text: (Turn) -> String) -> String {
        var out = ""
        let times = c.turns.map { time(of: $0, in: timeZone) }
        let speakers = c.turns.map(speaker)
        let timeWidth = times.map(TerminalWidth.of).max() ?? 0
        let speakerWidth = aligned ? (speakers.map(TerminalWidth.of).max() ?? 0) : 0
        let numberWidth = c.turns.map { String(Turn.number($0.index)).count }.max() ?? 1  // a part of a transcript numbers as the whole
        for (i, turn) in c.turns.enumerated() {
            let tone: OutputStyle.Tone = switch turn.role {
            case .agent: .cyan
            case .customer: .yellow
            case .bot: .magenta
            case .system, .other: .dim
            }
            let timeCell = times[i] + String(repeating: " ", count: timeWidth - TerminalWidth.of(times[i]))
            let speakerCell = speakers[i] + String(repeating: " ", count: max(0, speakerWidth - TerminalWidth.of(speakers[i])))
            let number = String(Turn.number(turn.index))
            let numberCell = String(repeating: " ", count: numberWidth - number.count) + number
            let prefix = style.paint(numberCell, .dim) + "  " + (timeWidth > 0 ? style.paint(timeCell, .dim) + "  " : "")
                + style.paint(speakerCell, tone, .bold) + (aligned ? "  " : ": ")
            let indent = aligned ? String(repeating: " ", count: numberWidth + 2 + (timeWidth > 0 ? timeWidth + 2 : 0) + speakerWidth + 2) : "    "
            let body = prefix + text(turn).split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + indent)
            // On a terminal, long turns wrap at words under their own text, not under the time.
            out += TextWrap.wrap(body, width: style.width, indent: indent.count) + "\n"
        }
        return out
    }

    static func speaker(_ turn: Turn) -> String {
        var label = turn.role.rawValue
        if let name = turn.speaker, !name.isEmpty { label += " \(TerminalSafe.line(name))" }
        if turn.role == .agent, let agent = turn.agentID { label += " [\(TerminalSafe.line(agent))]" }
        return label
    }

    static func time(of turn: Turn, in zone: TimeZone) -> String {
        if let at = turn.at { return LocalTime.format(at, in: zone, dateless: true) }
        if let start = turn.start { return LocalTime.offset(start) }
        return ""
    }

    static func csv(_ c: Conversation, timeZone: TimeZone) -> String {
        var table = Table(headers: ["conversation_id", "turn", "role", "author", "agent", "timestamp", "start", "end", "text"])
        for turn in c.turns {
            table.rows.append([c.externalID, String(Turn.number(turn.index)), turn.role.rawValue, turn.speaker ?? "", turn.agentID ?? "",
                               turn.at.map(UTCTimestamp.format) ?? "", turn.start.map { String($0) } ?? "",
                               turn.end.map { String($0) } ?? "", turn.text])
        }
        return table.csv()
    }
}

/// Times as people on the floor read them: in the workspace's zone.
public enum LocalTime {
    /// The day in the zone, `2026-11-21`.
    public static func day(_ date: Date, in zone: TimeZone) -> String {
        String(UTCTimestamp.format(date.addingTimeInterval(Double(zone.secondsFromGMT(for: date)))).prefix(10))
    }

    /// A stored ISO 8601 UTC time as a screen shows it, `2026-11-21 23:04:00 +01:00`; the stored text if it does not parse.
    public static func format(stored: String, in zone: TimeZone) -> String {
        UTCTimestamp.parse(stored).map { format($0, in: zone) } ?? stored
    }

    /// A stored ISO 8601 UTC time for a message that has no workspace zone at hand: `2026-11-28 06:10:04 UTC`.
    public static func readable(_ stored: String) -> String { format(stored: stored, in: TimeZone(identifier: "UTC")!) }

    /// The day in the zone of a stored ISO 8601 UTC time; the stored text's date if it does not parse.
    public static func day(ofStored stored: String, in zone: TimeZone) -> String {
        UTCTimestamp.parse(stored).map { day($0, in: zone) } ?? String(stored.prefix(10))
    }

    public static func format(_ date: Date, in zone: TimeZone, dateless: Bool = false) -> String {
        let local = date.addingTimeInterval(Double(zone.secondsFromGMT(for: date)))
        let iso = UTCTimestamp.format(local)  // 2026-11-21T22:04:00.000Z, shifted to local
        let clock = String(iso.dropFirst(11).prefix(8))
        if dateless { return clock }
        return String(iso.prefix(10)) + " " + clock + " " + offset(date, in: zone)
    }

    /// How a screen names the zone of a time: "UTC", else the offset it had then, "+01:00" (abbreviations such as "CET"
    /// are ambiguous and not known for every zone).
    public static func offset(_ date: Date, in zone: TimeZone) -> String {
        if ReportNumber.zoneName(zone) == "UTC" { return "UTC" }
        let seconds = zone.secondsFromGMT(for: date)
        return String(format: "%@%02d:%02d", seconds < 0 ? "-" : "+", abs(seconds) / 3600, abs(seconds) % 3600 / 60)
    }

    /// `2026-11-21 22:04` in the zone, without seconds or the zone's name: for report tables, whose header names the zone.
    public static func short(_ date: Date, in zone: TimeZone) -> String {
        let iso = UTCTimestamp.format(date.addingTimeInterval(Double(zone.secondsFromGMT(for: date))))
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5))
    }

    /// `+01:02.5` style offsets into a recording.
    public static func offset(_ seconds: Double) -> String {
        let minutes = Int(seconds) / 60
        let rest = seconds - Double(minutes * 60)
        return String(format: "%02d:%04.1f", minutes, rest)
    }
}
