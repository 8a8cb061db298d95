import Foundation
import GRDB

// The hourly counts a retraining outcome is measured from: per measured agent and for everyone, what happened in
// each hour, and each window a difference of two running totals.

/// What happened in one hour (or a window's sum of hours) for one agent or for everyone, as one flat vector so that
/// hours can be summed and prefix-summed without an allocation per field: conversations, evaluated, reviews with a
/// score, their sum, then per rule set and criterion the conversations with a finding that stands, then per criterion
/// the reviewed answers that applied and those that failed.
struct Counts {
    var values: [Double]
    let criteria: Int
    let ruleSets: Int

    init(criteria: Int, ruleSets: Int) {
        self.criteria = criteria
        self.ruleSets = ruleSets
        values = Array(repeating: 0, count: Self.width(criteria: criteria, ruleSets: ruleSets))
    }

    /// Where each value is in the vector.
    static let conversationsAt = 0, evaluatedAt = 1, scoresAt = 2, scoreSumAt = 3, problemsAt = 4
    static func answeredAt(criteria: Int, ruleSets: Int) -> Int { problemsAt + criteria * ruleSets }
    static func failedAt(criteria: Int, ruleSets: Int) -> Int { answeredAt(criteria: criteria, ruleSets: ruleSets) + criteria }
    static func width(criteria: Int, ruleSets: Int) -> Int { failedAt(criteria: criteria, ruleSets: ruleSets) + criteria }

    var conversations: Int { Int(values[Self.conversationsAt]) }
    /// Conversations the rubric evaluated.
    var evaluated: Int { Int(values[Self.evaluatedAt]) }
    var scores: Int { Int(values[Self.scoresAt]) }
    var scoreSum: Double { values[Self.scoreSumAt] }
    /// Evaluated conversations with a finding that stands, at `Activity.problemIndex`.
    func problems(_ p: Int) -> Int { Int(values[Self.problemsAt + p]) }
    func answered(_ k: Int) -> Int { Int(values[Self.answeredAt(criteria: criteria, ruleSets: ruleSets) + k]) }
    func failed(_ k: Int) -> Int { Int(values[Self.failedAt(criteria: criteria, ruleSets: ruleSets) + k]) }

    static func - (a: Counts, b: Counts) -> Counts {
        var c = a
        c.add(b, -1)
        return c
    }

    /// Adds (or with -1 takes away) another's counts, in place.
    mutating func add(_ b: Counts, _ sign: Double = 1) {
        for i in values.indices { values[i] += sign * b.values[i] }
    }
}

/// One agent's hours (or everyone's), in order, with running totals: the sum over any window is the difference of
/// two rows, found by bisection.
struct HourlySeries {
    let hours: [String]
    /// (hours.count + 1) rows of `width` values; row i holds the sum of the first i hours.
    let cumulative: [Double]
    let width: Int

    /// From hours in any order, each the start of its row of `width` values in `values`.
    init(hours byHour: [String: Int], values: [Double], width: Int) {
        let ordered = byHour.sorted { $0.key < $1.key }
        hours = ordered.map(\.key)
        var running = Array(repeating: 0.0, count: width)
        var rows = running
        rows.reserveCapacity((ordered.count + 1) * width)
        for (_, start) in ordered {
            for i in 0..<width { running[i] += values[start + i] }
            rows += running
        }
        cumulative = rows
        self.width = width
    }

    /// Where the first hour at or after `hour` is.
    func position(_ hour: String) -> Int {
        var low = 0, high = hours.count
        while low < high {
            let mid = (low + high) / 2
            if hours[mid] < hour { low = mid + 1 } else { high = mid }
        }
        return low
    }

    func sum(_ window: RetrainingOutcome.Window, into counts: inout Counts, _ sign: Double = 1) {
        // Hours are keyed "2026-11-21T18", the first 13 characters of a timestamp; windows begin and end on the hour.
        let from = position(String(window.from.prefix(13))) * width, until = position(String(window.until.prefix(13))) * width
        for i in 0..<width { counts.values[i] += sign * (cumulative[until + i] - cumulative[from + i]) }
    }
}

/// Hours of counts as they are read, in one flat buffer: where each hour's row of values starts.
struct Rows {
    var hours: [String: Int] = [:]
    var values: [Double] = []

    /// Hands the buffer and the start of `hour`'s row (made, zeroed, when new) to `body`.
    mutating func with(_ hour: String, width: Int, _ body: (inout [Double], Int) -> Void) {
        let start: Int
        if let known = hours[hour] {
            start = known
        } else {
            start = values.count
            hours[hour] = start
            values.append(contentsOf: repeatElement(0, count: width))
        }
        body(&values, start)
    }
}

/// Hourly counts for each measured agent and for everyone, over the span of all the windows.
struct Activity {
    let criteria: [String]
    /// The rule sets findings are counted from: the first, empty, is every rule of the criterion.
    let ruleSets: [[String]]
    /// Measured agent (by `AgentKey`) → their hours.
    var agents: [String: HourlySeries] = [:]
    /// Everyone's hours (the measured agents included).
    var everyone: HourlySeries?

    var emptyCounts: Counts { Counts(criteria: criteria.count, ruleSets: ruleSets.count) }

    /// An agent's counts in a window, or everyone's (nil).
    func sum(agent: String?, _ window: RetrainingOutcome.Window) -> Counts {
        var total = emptyCounts
        (agent.map { agents[AgentKey.of($0)] } ?? everyone)?.sum(window, into: &total)
        return total
    }

    /// Takes an agent's counts (by `AgentKey`) in a window away from `counts`.
    func subtract(key: String, _ window: RetrainingOutcome.Window, from counts: inout Counts) {
        agents[key]?.sum(window, into: &counts, -1)
    }

    func problemIndex(criterion k: Int, rules: [String]) -> Int {
        (ruleSets.firstIndex(of: rules) ?? 0) * criteria.count + k
    }

    /// Reads the window's conversations, their evaluations, findings and reviews in sequential scans, each
    /// conversation placed by arrays indexed by its id (who it belongs to, which hour), and counts them per agent and
    /// hour. SQL GROUP BYs over every finding joined to its conversation sorted a million rows; the scans do not.
    static func load(_ db: Database, agents: [String], criteria: [String], ruleSets: [[String]], from: String, until: String,
                     rubricHash: String) throws -> Activity {
        var activity = Activity(criteria: criteria, ruleSets: ruleSets)
        let width = activity.emptyCounts.values.count
        let answeredAt = Counts.answeredAt(criteria: criteria.count, ruleSets: ruleSets.count)
        let failedAt = Counts.failedAt(criteria: criteria.count, ruleSets: ruleSets.count)
        guard let maxID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM conversations"), maxID > 0, maxID < Int64(Int32.max) else {
            activity.everyone = HourlySeries(hours: [:], values: [], width: width)
            return activity
        }
        let measured = Set(agents.map(AgentKey.of))
        var whoKeys = [""]  // who 0 is everyone not measured; then each measured agent, by AgentKey
        var whoOf = [Int32](repeating: -1, count: Int(maxID) + 1)  // -1: outside the window
        var hourOf = [Int32](repeating: 0, count: Int(maxID) + 1)
        var hours: [String] = [], hourIndex: [String: Int32] = [:]
        var table = Buckets(width: width)

        var who: Int32 = 0
        try ConversationsByAgent.scan(db, since: from, until: until, agent: { agent in
            let key = AgentKey.of(agent)
            if measured.contains(key) {
                whoKeys.append(key)
                who = Int32(whoKeys.count - 1)
            } else {
                who = 0
            }
        }, conversation: { id, hour in
            let h: Int32
            if let known = hourIndex[hour] { h = known } else {
                h = Int32(hours.count)
                hours.append(hour)
                hourIndex[hour] = h
            }
            whoOf[id] = who
            hourOf[id] = h
            table.add(who, h, Counts.conversationsAt, 1)
        })
        func place(_ id: Int) -> (Int32, Int32)? {
            guard id >= 0, id < whoOf.count, whoOf[id] >= 0 else { return nil }
            return (whoOf[id], hourOf[id])
        }

        var evaluated = [Bool](repeating: false, count: Int(maxID) + 1)
        var evaluations = FastStatement(try db.makeStatement(sql: "SELECT conversation_id FROM evaluations WHERE rubric_hash = ?"))
        evaluations.bind(rubricHash)
        try evaluations.forEachRow { row in
            let id = row.int(0)
            guard let (w, h) = place(id) else { return }
            evaluated[id] = true
            table.add(w, h, Counts.evaluatedAt, 1)
        }

        // A finding stands when a reviewer confirmed it (whichever rubric made it), or when this rubric made it and
        // nobody has judged it; a dismissed one never counts. A conversation counts once per criterion: bits per
        // conversation, one per rule set and criterion; SQLite turns the criterion into its position.
        let slots = ruleSets.count * criteria.count, words = (slots + 63) / 64
        var flagged = [UInt64](repeating: 0, count: (Int(maxID) + 1) * words)
        let position = criteria.indices.map { _ in "WHEN ? THEN ?" }.joined(separator: " ")
        for (r, rules) in ruleSets.enumerated() {
            var findings = FastStatement(try db.makeStatement(sql: """
                SELECT f.conversation_id, CASE f.criterion \(position) ELSE -1 END FROM findings f
                WHERE f.status != ? AND (f.verdict = ? OR (f.verdict IS NULL AND f.rubric_hash = ?))
                  \(rules.isEmpty ? "" : "AND f.rule_id IN (\(rules.map { _ in "?" }.joined(separator: ", ")))")
                """))
            for (k, criterion) in criteria.enumerated() {
                findings.bind(criterion)
                findings.bind(k)
            }
            findings.bind(FindingStatus.error.rawValue)
            findings.bind(FindingVerdict.Verdict.confirmed.rawValue)
            findings.bind(rubricHash)
            for rule in rules { findings.bind(rule) }
            try findings.forEachRow { row in
                let id = row.int(0), k = row.int(1)
                guard k >= 0, place(id) != nil, evaluated[id] else { return }
                let slot = r * criteria.count + k
                flagged[id * words + slot / 64] |= 1 << UInt64(slot % 64)
            }
        }
        for id in 0..<whoOf.count where whoOf[id] >= 0 && evaluated[id] {
            for slot in 0..<slots where flagged[id * words + slot / 64] & (1 << UInt64(slot % 64)) != 0 {
                table.add(whoOf[id], hourOf[id], Counts.problemsAt + slot, 1)
            }
        }

        // Reviews (their current revision) are few: one row per answer, and one per score.
        var answers = FastStatement(try db.makeStatement(sql: """
            SELECT r.conversation_id, CASE a.criterion \(position) ELSE -1 END, a.item_score = 0
            FROM current_reviews r JOIN review_answers a ON a.review_id = r.id WHERE a.item_score IS NOT NULL
            """))
        for (k, criterion) in criteria.enumerated() {
            answers.bind(criterion)
            answers.bind(k)
        }
        try answers.forEachRow { row in
            let k = row.int(1)
            guard k >= 0, let (w, h) = place(row.int(0)) else { return }
            table.add(w, h, answeredAt + k, 1)
            if row.int(2) != 0 { table.add(w, h, failedAt + k, 1) }
        }
        var scores = FastStatement(try db.makeStatement(sql: "SELECT conversation_id, score FROM current_reviews WHERE score IS NOT NULL"))
        try scores.forEachRow { row in
            guard let (w, h) = place(row.int(0)), let score = row.double(1) else { return }
            table.add(w, h, Counts.scoresAt, 1)
            table.add(w, h, Counts.scoreSumAt, score)
        }

        let (byWho, everyone) = table.series(hours: hours, whoCount: whoKeys.count)
        for (w, key) in whoKeys.enumerated() where w > 0 { activity.agents[key] = byWho[w] }
        activity.everyone = everyone
        return activity
    }
}

/// Counts per (who, hour) in one flat buffer of rows, as the scans add to them.
struct Buckets {
    let width: Int
    private var rowOf: [Int64: Int] = [:]
    private var values: [Double] = []

    init(width: Int) { self.width = width }

    mutating func add(_ who: Int32, _ hour: Int32, _ offset: Int, _ amount: Double) {
        let key = Int64(who) << 32 | Int64(hour)
        let start: Int
        if let known = rowOf[key] {
            start = known
        } else {
            start = values.count
            rowOf[key] = start
            values.append(contentsOf: repeatElement(0, count: width))
        }
        values[start + offset] += amount
    }

    /// Each who's hours as a series, and everyone's together.
    func series(hours: [String], whoCount: Int) -> (byWho: [HourlySeries], everyone: HourlySeries) {
        var perWho = [[String: Int]](repeating: [:], count: whoCount)
        var everyone = Rows()
        for (key, start) in rowOf {
            let who = Int(key >> 32), hour = hours[Int(key & 0xFFFF_FFFF)]
            perWho[who][hour] = start
            everyone.with(hour, width: width) { into, at in
                for i in 0..<width { into[at + i] += values[start + i] }
            }
        }
        return (perWho.map { HourlySeries(hours: $0, values: values, width: width) },
                HourlySeries(hours: everyone.hours, values: everyone.values, width: width))
    }
}

