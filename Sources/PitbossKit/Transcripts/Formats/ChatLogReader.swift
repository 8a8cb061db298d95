import Foundation

/// Plain-text chat logs, one conversation per file:
///
/// ```text
/// # id: chat-0042
/// # channel: chat
/// # language: tr
/// # agent: tr.ayse
/// # date: 2026-11-21
/// [22:04:02] Customer: merhaba, çekim talebim bekliyor
/// [22:04:30] Agent Ayşe: İyi akşamlar! Hemen kontrol ediyorum.
/// Bu satır önceki mesajın devamıdır.
/// ```
/// Times in brackets are local time in the header's `timezone` (else the workspace's), on the header's
/// `date` (or the date of `started_at`); a time earlier than the one before by more than 12 hours
/// moves to the next day, as a chat past midnight does. Lines without a speaker continue the turn before.
public struct ChatLogReader: TranscriptReader {
    static let headerKeys = ["id", "channel", "language", "agent", "shift", "started_at", "date", "timezone", "customer", "vip", "tags"]

    public init() {}

    public func read(path: String, context: ReadContext, emit: (@escaping PendingRecord) throws -> Void) throws {
        let text = try WholeFile.text(path)
        let result = Self.parse(text, path: path, context: context)
        try emit { result }
    }

    static func parse(_ text: String, path: String, context: ReadContext) -> Result<ConversationDraft, RecordProblem> {
        var meta = ConversationMetadata()
        var zone = context.zone
        var date: (Int, Int, Int)?
        var turns: [TurnDraft] = []
        var previousAt: Date?
        var startedAtHeader: (text: String, line: Int)?
        func resolveStartedAt() -> RecordProblem? {
            guard let (text, line) = startedAtHeader else { return nil }
            startedAtHeader = nil
            guard let at = UTCTimestamp.parse(text, zoneForNaiveTimes: zone) else {
                return RecordProblem(SourceLocation(file: path, line: line), field: "started_at",
                                     "'\(text)' is not a time like 2026-11-21T22:04:00Z", conversationID: meta.id)
            }
            meta.startedAt = at
            return nil
        }
        func fail(_ line: Int, _ field: String?, _ reason: String) -> Result<ConversationDraft, RecordProblem> {
            .failure(RecordProblem(SourceLocation(file: path, line: line), field: field, reason, conversationID: meta.id))
        }
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if turns.isEmpty, line.hasPrefix("#") {
                let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
                guard let colon = body.firstIndex(of: ":") else { return fail(number, nil, "a header line is '# key: value'") }
                let key = body[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                // A problem found with the value later (an unknown channel) names this line.
                meta.locations[key] = SourceLocation(file: path, line: number)
                switch key {
                case "id": meta.id = value
                case "channel": meta.channel = value
                case "language": meta.language = value
                case "agent": meta.agent = value
                case "shift": meta.shift = value
                case "customer": meta.customerID = value
                case "vip": meta.vip = ["true", "yes", "1"].contains(value.lowercased())
                case "tags": meta.tags = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                case "timezone":
                    guard let z = TimeZone(identifier: value) else { return fail(number, "timezone", "'\(value)' is not an IANA time zone like Europe/Istanbul") }
                    zone = z
                case "date":
                    guard let day = UTCTimestamp.parse(value + "T00:00Z") else { return fail(number, "date", "'\(value)' is not a date like 2026-11-21") }
                    // A UTC midnight of a four-digit year: a whole number of days that an Int holds.
                    date = UTCTimestamp.civilFromDays(Int(day.timeIntervalSince1970) / 86_400)
                case "started_at":
                    // Read once all headers are in: a `timezone` header below it still applies.
                    startedAtHeader = (value, number)
                default:
                    return fail(number, key, "unknown header key; known keys: \(headerKeys.joined(separator: ", "))")
                }
                continue
            }
            if let problem = resolveStartedAt() { return .failure(problem) }
            var rest = Substring(line)
            var time: Substring?
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                time = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...].drop(while: { $0 == " " || $0 == "\t" })
            }
            guard let (label, said) = SpeakerPrefix.split(rest, roles: context.roles, anyLabel: time != nil) else {
                guard !turns.isEmpty else {
                    return fail(number, nil, "text before the first speaker line; start turns with 'Agent Anna: …' or 'Customer: …', headers with '# key: value'")
                }
                turns[turns.count - 1].text += "\n" + line
                continue
            }
            var turn = TurnDraft(speaker: .label(label), text: String(said), line: number)
            if let time {
                if time.count > 8 {
                    guard let at = UTCTimestamp.parse(time, zoneForNaiveTimes: zone) else {
                        return fail(number, "time", "'\(time)' is not a time like 22:04:02 or 2026-11-21 22:04:02")
                    }
                    turn.at = at
                } else {
                    guard let (hour, minute, second) = Self.clock(time) else {
                        return fail(number, "time", "'\(time)' is not a clock time like 22:04:02 or 22:04 (hours 0–23, minutes and seconds 0–59, digits only)")
                    }
                    if date == nil, let started = meta.startedAt ?? meta.startedAtIfUntimed {
                        // A time UTCTimestamp parsed: within years 0–9999, whole seconds that an Int holds.
                        let local = Int(started.timeIntervalSince1970) + zone.secondsFromGMT(for: started)
                        date = UTCTimestamp.civilFromDays(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
                    }
                    guard let (y, m, d) = date else {
                        return fail(number, "time", "a time without a date; add a '# date: 2026-11-21' or '# started_at: …' header")
                    }
                    func clock(_ day: (Int, Int, Int)) -> Date? {
                        guard (0...9999).contains(day.0) else { return nil }
                        let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", day.0, day.1, day.2, hour, minute, second)
                        return UTCTimestamp.parse(text, zoneForNaiveTimes: zone)
                    }
                    guard var at = clock((y, m, d)) else {
                        return fail(number, "time", "'\(time)' on \(String(format: "%04d-%02d-%02d", y, m, d)) is not a time this calendar holds (years 0000–9999)")
                    }
                    if let previousAt, previousAt.timeIntervalSince(at) > 12 * 3600 {
                        // Past midnight: the same clock time on the next date (read again, for DST nights).
                        let next = UTCTimestamp.civilFromDays(UTCTimestamp.daysFromCivil(year: y, month: m, day: d) + 1)
                        date = next
                        guard let nextAt = clock(next) else {
                            return fail(number, "time", "'\(time)' is past midnight of \(String(format: "%04d-%02d-%02d", y, m, d)), the last day this calendar holds (years 0000–9999); check the '# date:' header")
                        }
                        at = nextAt
                    }
                    turn.at = at
                }
                previousAt = turn.at
            }
            turns.append(turn)
        }
        if let problem = resolveStartedAt() { return .failure(problem) }
        return .success(ConversationDraft(metadata: meta, turns: turns, location: SourceLocation(file: path), format: .text))
    }

    /// `hh:mm` or `hh:mm:ss` on a clock: one or two ASCII digits per field, no sign; hours 0–23, minutes and
    /// seconds 0–59.
    static func clock(_ text: Substring) -> (hour: Int, minute: Int, second: Int)? {
        let parts = text.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        var values: [Int] = []
        for part in parts {
            guard (1...2).contains(part.count), part.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            values.append(part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) })
        }
        let second = values.count == 3 ? values[2] : 0
        guard values[0] <= 23, values[1] <= 59, second <= 59 else { return nil }
        return (values[0], values[1], second)
    }
}
