import Foundation
import GRDB

/// `pitboss report shifts` (and `report shift ID`, one of them): per shift, the volume by channel and by hour, the share
/// flagged, the first-response times (p50, p90, max) against each channel's SLA target with the share answered within
/// it, and the backlog of queue items not yet scored. First-response times are measured at import (`FirstResponse`);
/// an unanswered customer counts against the SLA, a conversation without times counts nowhere.
public struct ShiftsReport: PitbossReport, Equatable {
    public struct Shift: Sendable, Codable, Equatable {
        public var shift: String
        /// When its first and its last conversation started.
        public var firstStartedAt: Date
        public var lastStartedAt: Date
        public var conversations: Int
        /// Conversations a rubric evaluated: what the share flagged is of.
        public var evaluated: Int
        /// By channel (`chat`, `email`, `call`, `messenger`): conversations.
        public var byChannel: [String: Int]
        public var flagged: Int
        public var flaggedShare: Double?
        /// Queue items of the shift's conversations that are open or claimed: work still to do.
        public var backlog: Int
        /// Over the channels with an SLA target: conversations measured, answered within the target, and the share.
        public var slaMeasured: Int
        public var withinSLA: Int
        public var withinSLAShare: Double?

        enum CodingKeys: String, CodingKey {
            case shift, conversations, evaluated, flagged, backlog
            case firstStartedAt = "first_started_at", lastStartedAt = "last_started_at", byChannel = "by_channel", flaggedShare = "flagged_share", slaMeasured = "sla_measured", withinSLA = "within_sla",
                 withinSLAShare = "within_sla_share"
        }
    }

    public struct ChannelRow: Sendable, Codable, Equatable {
        public var shift: String
        public var channel: Channel
        public var conversations: Int
        public var flagged: Int
        /// Conversations with a first response measured, and those where the customer never got one.
        public var answered: Int
        public var unanswered: Int
        public var firstResponseP50: Double?
        public var firstResponseP90: Double?
        public var firstResponseMax: Double?
        /// The channel's first-response target in seconds (the rubric's `timing` rule), nil when it has none.
        public var slaSeconds: Double?
        public var withinSLA: Int?
        /// Within ÷ (answered + unanswered).
        public var withinSLAShare: Double?

        enum CodingKeys: String, CodingKey {
            case shift, channel, conversations, flagged, answered, unanswered
            case firstResponseP50 = "first_response_p50_seconds", firstResponseP90 = "first_response_p90_seconds",
                 firstResponseMax = "first_response_max_seconds",
                 slaSeconds = "sla_seconds", withinSLA = "within_sla", withinSLAShare = "within_sla_share"
        }
    }

    public struct HourRow: Sendable, Codable, Equatable {
        public var shift: String
        /// The hour of the day in the workspace's time zone, 0–23.
        public var hour: Int
        public var conversations: Int
        public var byChannel: [String: Int]

        enum CodingKeys: String, CodingKey {
            case shift, hour, conversations
            case byChannel = "by_channel"
        }
    }

    /// First-response times of one channel, over every shift in the report, in bins a fifth of its SLA target wide
    /// up to twice the target, then everything longer; the distribution the HTML report draws against the SLA line.
    public struct Distribution: Sendable, Codable, Equatable {
        public struct Bin: Sendable, Codable, Equatable {
            public var lower: Double
            public var upper: Double?
            public var count: Int
        }
        public var channel: Channel
        public var slaSeconds: Double
        public var bins: [Bin]

        enum CodingKeys: String, CodingKey {
            case channel, bins
            case slaSeconds = "sla_seconds"
        }
    }

    public var shifts: [Shift]
    public var channels: [ChannelRow]
    public var hours: [HourRow]
    public var firstResponseDistributions: [Distribution]

    enum CodingKeys: String, CodingKey {
        case shifts, channels, hours
        case firstResponseDistributions = "first_response_distributions"
    }

    /// `sla`: the first-response targets (see `SLATargets`).
    public static func fetch(from database: PitbossDatabase, selection: FlagSelection = FlagSelection(), sla: SLATargets = SLATargets(),
                             zone: TimeZone) throws(PitbossError) -> ShiftsReport {
        do {
            return try database.writer.read { db in
                try ReportScope.verify(selection, in: db)
                return try load(db, selection: selection, sla: sla, zone: zone)
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read the shifts report", busyTimeout: database.busyTimeout)
        }
    }

    /// One pass over the selected conversations (each placed by id: its shift and channel), then the evaluations and the queue.
    static func load(_ db: Database, selection: FlagSelection, sla: SLATargets, zone: TimeZone) throws -> ShiftsReport {
        let channels = Channel.allCases
        struct Tally {
            var from = "", until = ""
            var conversations = 0, evaluated = 0, flagged = 0, backlog = 0
            var perChannel = [Int](repeating: 0, count: Channel.allCases.count)
            var flaggedPerChannel = [Int](repeating: 0, count: Channel.allCases.count)
            var unanswered = [Int](repeating: 0, count: Channel.allCases.count)
            var times = [[Double]](repeating: [], count: Channel.allCases.count)
            /// Per channel, the conversations with a target (answered or not) and those answered within it.
            var slaMeasured = [Int](repeating: 0, count: Channel.allCases.count)
            var withinSLA = [Int](repeating: 0, count: Channel.allCases.count)
            var hours = [[Int]](repeating: [Int](repeating: 0, count: Channel.allCases.count), count: 24)
        }
        let channelBytes = channels.map { Array($0.rawValue.utf8) }
        var calendar = LocalCalendar(zone: zone)
        var shiftIndex: [String: Int] = [:]
        var tallies: [Tally] = [], names: [String] = []
        let maxID = try Int.fetchOne(db, sql: "SELECT MAX(id) FROM conversations") ?? 0
        var shiftOf = [Int32](repeating: -1, count: maxID + 1)
        var channelOf = [UInt8](repeating: 0, count: maxID + 1)
        // A target by channel and language, looked up once per pair (a rule may apply to some languages only).
        var languages: [[UInt8]] = [], targets: [[Double?]] = []

        let (conditions, arguments) = selection.conditions
        let statement = try db.makeStatement(sql: """
            SELECT c.id, c.shift_id, c.channel, c.started_at, c.first_response_seconds, c.unanswered, c.language FROM conversations c
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            """)
        try statement.setArguments(StatementArguments(arguments.map { $0?.databaseValue ?? .null }))
        var rows = FastStatement(statement)
        try rows.forEachRow { row in
            let id = row.int(0)
            guard id >= 0, id <= maxID else { return }
            let name = row.string(1)
            let s: Int
            if let known = shiftIndex[name] { s = known } else {
                s = tallies.count
                shiftIndex[name] = s
                names.append(name)
                tallies.append(Tally())
            }
            let k = channelBytes.firstIndex { row.text(2, equals: $0) } ?? 0
            let l: Int
            if let known = languages.firstIndex(where: { row.text(6, equals: $0) }) { l = known } else {
                let language = row.string(6)
                languages.append(Array(language.utf8))
                targets.append(channels.map { sla.seconds(channel: $0, language: language) })
                l = languages.count - 1
            }
            shiftOf[id] = Int32(s)
            channelOf[id] = UInt8(k)
            let started = row.string(3)
            if tallies[s].from.isEmpty || started < tallies[s].from { tallies[s].from = started }
            if started > tallies[s].until { tallies[s].until = started }
            tallies[s].conversations += 1
            tallies[s].perChannel[k] += 1
            let seconds = row.double(4), unanswered = row.int(5) != 0
            if let seconds { tallies[s].times[k].append(seconds) } else if unanswered { tallies[s].unanswered[k] += 1 }
            if let target = targets[l][k], seconds != nil || unanswered {
                tallies[s].slaMeasured[k] += 1
                if let seconds, seconds <= target { tallies[s].withinSLA[k] += 1 }
            }
            if let moment = calendar.moment(utc: started) { tallies[s].hours[moment.hour][k] += 1 }
        }

        // Shares flagged are of the conversations a rubric evaluated: one never flagged is not a clean one.
        var evaluated = [Bool](repeating: false, count: maxID + 1)
        var evaluations = FastStatement(try db.makeStatement(sql: "SELECT conversation_id FROM evaluations"))
        try evaluations.forEachRow { row in
            let id = row.int(0)
            guard id >= 0, id <= maxID, shiftOf[id] >= 0, !evaluated[id] else { return }
            evaluated[id] = true
            tallies[Int(shiftOf[id])].evaluated += 1
        }
        var queue = FastStatement(try db.makeStatement(sql: """
            SELECT conversation_id, reason = 'flagged', status IN ('open', 'claimed') FROM queue_items
            WHERE calibration_session_id IS NULL AND (reason = 'flagged' OR status IN ('open', 'claimed'))
            """))
        var flaggedSeen = [Bool](repeating: false, count: maxID + 1)
        try queue.forEachRow { row in
            let id = row.int(0)
            guard id >= 0, id <= maxID, shiftOf[id] >= 0 else { return }
            let s = Int(shiftOf[id])
            if row.int(1) != 0, !flaggedSeen[id], evaluated[id] {
                flaggedSeen[id] = true
                tallies[s].flagged += 1
                tallies[s].flaggedPerChannel[Int(channelOf[id])] += 1
            }
            if row.int(2) != 0 { tallies[s].backlog += 1 }
        }

        var report = ShiftsReport(shifts: [], channels: [], hours: [], firstResponseDistributions: [])
        var allTimes = [[Double]](repeating: [], count: channels.count), allUnanswered = [Int](repeating: 0, count: channels.count)
        for s in tallies.indices.sorted(by: { (tallies[$0].from, names[$0]) < (tallies[$1].from, names[$1]) }) {
            let t = tallies[s]
            for (k, channel) in channels.enumerated() where t.perChannel[k] > 0 {
                let times = t.times[k].sorted()
                allTimes[k] += times
                allUnanswered[k] += t.unanswered[k]
                let measured = t.slaMeasured[k]
                report.channels.append(ChannelRow(
                    shift: names[s], channel: channel, conversations: t.perChannel[k], flagged: t.flaggedPerChannel[k], answered: times.count,
                    unanswered: t.unanswered[k], firstResponseP50: Quantile.of(sorted: times, 0.5), firstResponseP90: Quantile.of(sorted: times, 0.9),
                    firstResponseMax: times.last, slaSeconds: sla.uniform(channel: channel), withinSLA: measured > 0 ? t.withinSLA[k] : nil,
                    withinSLAShare: measured > 0 ? Double(t.withinSLA[k]) / Double(measured) : nil))
            }
            let measured = t.slaMeasured.reduce(0, +), within = t.withinSLA.reduce(0, +)
            report.shifts.append(Shift(
                shift: names[s], firstStartedAt: UTCTimestamp.parse(t.from) ?? Date(timeIntervalSince1970: 0),
                lastStartedAt: UTCTimestamp.parse(t.until) ?? Date(timeIntervalSince1970: 0),
                conversations: t.conversations, evaluated: t.evaluated,
                byChannel: Dictionary(uniqueKeysWithValues: channels.indices.map { (channels[$0].rawValue, t.perChannel[$0]) }),
                flagged: t.flagged, flaggedShare: t.evaluated > 0 ? Double(t.flagged) / Double(t.evaluated) : nil, backlog: t.backlog,
                slaMeasured: measured, withinSLA: within, withinSLAShare: measured > 0 ? Double(within) / Double(measured) : nil))
            // In the shift's own order: a night from 22 to 6 lists 22, 23, 0, 1 …
            let firstHour = calendar.moment(utc: t.from)?.hour ?? 0
            for step in 0..<24 {
                let hour = (firstHour + step) % 24
                guard t.hours[hour].contains(where: { $0 > 0 }) else { continue }
                report.hours.append(HourRow(shift: names[s], hour: hour, conversations: t.hours[hour].reduce(0, +),
                                            byChannel: Dictionary(uniqueKeysWithValues: channels.indices.map { (channels[$0].rawValue, t.hours[hour][$0]) })))
            }
        }
        // A distribution is drawn against one line: for a channel whose target is the same in every language.
        for (k, channel) in channels.enumerated() {
            guard let target = sla.uniform(channel: channel), target > 0, !allTimes[k].isEmpty || allUnanswered[k] > 0 else { continue }
            let width = target / 5
            var bins = (0..<10).map { Distribution.Bin(lower: Double($0) * width, upper: Double($0 + 1) * width, count: 0) }
            bins.append(Distribution.Bin(lower: 10 * width, upper: nil, count: allUnanswered[k]))  // never answered: off the scale
            // Bins hold their upper bound (a reply at exactly the target is within it, as the SLA counts it).
            for seconds in allTimes[k] { bins[min(10, max(0, Int((seconds / width).rounded(.up)) - 1))].count += 1 }
            report.firstResponseDistributions.append(Distribution(channel: channel, slaSeconds: target, bins: bins))
        }
        return report
    }

    public func document(zone: TimeZone) -> ReportDocument {
        typealias Column = ReportDocument.Column
        typealias Cell = ReportDocument.Cell
        let channelNames = Channel.allCases.map(\.rawValue)
        let time = { (date: Date) in LocalTime.short(date, in: zone) }
        let shiftRows = shifts.map { s -> [Cell] in
            [.text(s.shift), Cell(value: UTCTimestamp.format(s.firstStartedAt), shown: time(s.firstStartedAt)),
             Cell(value: UTCTimestamp.format(s.lastStartedAt), shown: time(s.lastStartedAt)),
             .int(s.conversations), .int(s.evaluated)] + channelNames.map { .int(s.byChannel[$0] ?? 0) }
                + [.int(s.flagged), .share(s.flaggedShare), .int(s.slaMeasured), .int(s.withinSLA),
                   .share(s.withinSLAShare, tone: (s.withinSLAShare ?? 1) < 0.9 ? .red : nil), .int(s.backlog, tone: s.backlog > 0 ? .yellow : nil)]
        }
        let channelRows = channels.map { c -> [Cell] in
            let late = c.slaSeconds.map { target in (c.firstResponseP90 ?? 0) > target } ?? false
            return [.text(c.shift), .text(c.channel.rawValue), .int(c.conversations), .int(c.flagged), .int(c.answered),
                    .int(c.unanswered, tone: c.unanswered > 0 ? .red : nil), .seconds(c.firstResponseP50), .seconds(c.firstResponseP90, tone: late ? .red : nil),
                    .seconds(c.firstResponseMax), .seconds(c.slaSeconds), .int(c.withinSLA),
                    .share(c.withinSLAShare, tone: (c.withinSLAShare ?? 1) < 0.9 ? .red : nil)]
        }
        // The heatmap: a row per shift while they fit on a page, else a row per shift name ("night"), summed.
        let perShift = shifts.count <= 21
        func rowName(_ shift: String) -> String {
            guard !perShift else { return shift }
            let parts = shift.split(separator: "-", maxSplits: 3)
            return parts.count == 4 && parts[0].count == 4 ? String(parts[3]) : shift
        }
        var heatRows: [String] = []
        for s in shifts where !heatRows.contains(rowName(s.shift)) { heatRows.append(rowName(s.shift)) }
        // Hours in the order of the first shift's day (a night from 22 to 6 is one block, not split at midnight).
        let firstHour = hours.first?.hour ?? 0
        let hourOrder = (0..<24).map { (firstHour + $0) % 24 }
        var heat = [[Int]](repeating: [Int](repeating: 0, count: 24), count: heatRows.count)
        for h in hours {
            if let r = heatRows.firstIndex(of: rowName(h.shift)), let column = hourOrder.firstIndex(of: h.hour) { heat[r][column] += h.conversations }
        }
        var charts: [ReportChart] = []
        if !shifts.isEmpty {
            charts.append(.heatmap(Heatmap(title: "Conversations by " + (perShift ? "shift" : "shift name") + " and hour of the day",
                                           xLabel: "hour the conversation started (\(ReportNumber.zoneName(zone)))", yLabel: perShift ? "shift" : "shift name",
                                           columns: hourOrder.map { String(format: "%02d", $0) }, rows: heatRows, values: heat)))
        }
        let distributionCharts = firstResponseDistributions.map { d -> ReportChart in
            .histogram(Histogram(title: "First-response time, \(d.channel.rawValue): conversations by wait, against the \(ReportNumber.shortDuration(d.slaSeconds)) SLA",
                                 xLabel: "time to the first agent reply (the last bar: longer, or never answered)", yLabel: "conversations",
                                 bins: d.bins.map { Histogram.Bin(lower: $0.lower, upper: $0.upper, count: $0.count) },
                                 threshold: (d.slaSeconds, "SLA \(ReportNumber.shortDuration(d.slaSeconds))"), boundLabel: { ReportNumber.shortDuration($0) }))
        }
        let total = shifts.map(\.conversations).reduce(0, +), measured = shifts.map(\.slaMeasured).reduce(0, +)
        return ReportDocument(
            title: shifts.count == 1 ? "Shift \(shifts[0].shift)" : "Shifts",
            facts: (shifts.count == 1 ? [] : [.init("Shifts", String(shifts.count))]) + [.init("Conversations", String(total)),
                    .init("Flagged", total > 0 ? ReportNumber.percent(Double(shifts.map(\.flagged).reduce(0, +)) / Double(total)) : "–"),
                    .init("Within SLA", measured > 0 ? ReportNumber.percent(Double(shifts.map(\.withinSLA).reduce(0, +)) / Double(measured)) : "–"),
                    .init("Backlog", String(shifts.map(\.backlog).reduce(0, +))), .init("Time zone", ReportNumber.zoneName(zone))],
            sections: [
                .init(key: "shifts", title: "Per shift", note: "Volume by channel; within SLA counts the conversations of channels with a first-response target, an unanswered customer as late; the backlog is queue items not yet scored.",
                      columns: [Column("shift"), Column("first_started_at", "first start (\(ReportNumber.zoneName(zone)))"), Column("last_started_at", onlyInCSV: true),
                                Column("conversations", "conv.", numeric: true), Column("evaluated", numeric: true, onlyInCSV: true)]
                        + channelNames.map { Column("by_channel.\($0)", $0, numeric: true) }
                        + [Column("flagged", numeric: true, onlyInCSV: true), Column("flagged_share", "flagged", numeric: true),
                           Column("sla_measured", numeric: true, onlyInCSV: true), Column("within_sla", numeric: true, onlyInCSV: true),
                           Column("within_sla_share", "within SLA", numeric: true), Column("backlog", numeric: true)],
                      rows: shiftRows, charts: charts, emptyText: "no conversations in the selection"),
                .init(key: "channels", title: "First response by shift and channel",
                      note: "From the customer's first message to the first agent reply (bots do not count); p50 and p90 by linear interpolation.",
                      columns: [Column("shift"), Column("channel"), Column("conversations", "conv.", numeric: true), Column("flagged", numeric: true),
                                Column("answered", numeric: true), Column("unanswered", numeric: true), Column("first_response_p50_seconds", "p50", numeric: true),
                                Column("first_response_p90_seconds", "p90", numeric: true), Column("first_response_max_seconds", "max", numeric: true),
                                Column("sla_seconds", "SLA", numeric: true), Column("within_sla", "within", numeric: true),
                                Column("within_sla_share", "within %", numeric: true)],
                      rows: channelRows, emptyText: "no conversations in the selection"),
                .init(key: "first_response_distributions", title: "First-response times against the SLA",
                      note: "Every shift in the report together, per channel with a target: conversations by how long the customer waited, in bins a fifth of the target wide; the last bin is longer than twice the target, or never answered.",
                      columns: [Column("channel"), Column("sla_seconds", "SLA", numeric: true), Column("lower", "from", numeric: true),
                                Column("upper", "to", numeric: true), Column("count", "conversations", numeric: true)],
                      rows: firstResponseDistributions.flatMap { d in d.bins.map { b -> [Cell] in
                          [.text(d.channel.rawValue), .seconds(d.slaSeconds), .seconds(b.lower), b.upper.map { .seconds($0) } ?? Cell(value: "", shown: "or longer"),
                           .int(b.count, tone: b.lower >= d.slaSeconds && b.count > 0 ? .red : nil)]
                      } }, charts: distributionCharts, emptyText: "no channel has a first-response target", onTerminal: false),
                .init(key: "hours", title: "By hour of the day", note: "Conversations by the hour they started, in \(ReportNumber.zoneName(zone)).",
                      columns: [Column("shift"), Column("hour", numeric: true), Column("conversations", "conv.", numeric: true)]
                        + channelNames.map { Column("by_channel.\($0)", $0, numeric: true) },
                      rows: hours.map { h in [.text(h.shift), .int(h.hour), .int(h.conversations)] + channelNames.map { .int(h.byChannel[$0] ?? 0) } },
                      emptyText: "no conversations in the selection", onTerminal: shifts.count <= 3),
            ])
    }
}

/// The first-response targets of a rubric: its `timing` rules with `metric: first_response`, each for the channels and
/// languages it applies to. A conversation's target is the strictest of the rules that apply to it; none, when none does.
public struct SLATargets: Sendable, Equatable {
    struct Target: Sendable, Equatable {
        var channels: Set<Channel>?
        var languages: Set<String>?
        var seconds: Double
    }
    var targets: [Target] = []

    public init() {}

    /// A target per channel, for every language.
    public init(channels: [Channel: Double]) {
        targets = channels.sorted { $0.key.rawValue < $1.key.rawValue }.map { Target(channels: [$0.key], languages: nil, seconds: $0.value) }
    }

    public init(_ rubric: Rubric) {
        for rule in rubric.rules {
            guard let timing = rule.kind as? TimingRule, timing.metric == .firstResponse else { continue }
            targets.append(Target(channels: rule.channels, languages: rule.languages, seconds: timing.maxSeconds))
        }
    }

    public func seconds(channel: Channel, language: String) -> Double? {
        targets.filter { ($0.channels?.contains(channel) ?? true) && ($0.languages?.contains(language) ?? true) }.map(\.seconds).min()
    }

    /// The channel's target when it is the same whatever the language; nil when it has none or it depends on the language.
    public func uniform(channel: Channel) -> Double? {
        let applying = targets.filter { $0.channels?.contains(channel) ?? true }
        guard !applying.isEmpty, applying.allSatisfy({ $0.languages == nil }) else { return nil }
        return applying.map(\.seconds).min()
    }
}
