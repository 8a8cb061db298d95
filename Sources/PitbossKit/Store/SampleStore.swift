import Foundation
import GRDB

/// Which conversations a sample draws from. By default those not already in the review queue for any reason.
public struct SamplePopulation: Sendable, Equatable {
    public var shifts: [String]
    public var since: Date?
    public var until: Date?
    public var agents: [String]
    public var channels: [Channel]
    public var languages: [String]
    public var includeQueued: Bool

    public init(shifts: [String] = [], since: Date? = nil, until: Date? = nil, agents: [String] = [], channels: [Channel] = [],
                languages: [String] = [], includeQueued: Bool = false) {
        self.shifts = shifts
        self.since = since
        self.until = until
        self.agents = agents
        self.channels = channels
        self.languages = languages
        self.includeQueued = includeQueued
    }

    var conditions: (sql: String, arguments: [(any DatabaseValueConvertible)?]) {
        var sql: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        func any(_ column: String, _ values: [String]) {
            guard !values.isEmpty else { return }
            sql.append("\(column) IN (\(values.map { _ in "?" }.joined(separator: ", ")))")
            arguments += values
        }
        any("c.shift_id", shifts)
        any("c.agent_id", agents)
        any("c.channel", channels.map(\.rawValue))
        any("c.language", languages)
        if let since { sql.append("c.started_at >= ?"); arguments.append(UTCTimestamp.format(since)) }
        if let until { sql.append("c.started_at < ?"); arguments.append(UTCTimestamp.format(until)) }
        // Already queued for a sample, a conversation is never queued for one again (one item per reason). Calibration
        // tasks are not the queue: a conversation being calibrated is sampled like any other.
        sql.append(includeQueued
            ? "NOT EXISTS (SELECT 1 FROM queue_items q WHERE q.conversation_id = c.id AND q.reason = 'sample')"
            : "NOT EXISTS (SELECT 1 FROM queue_items q WHERE q.conversation_id = c.id AND q.calibration_session_id IS NULL)")
        return (sql.joined(separator: " AND "), arguments)
    }

    /// As stored in the plan.
    var described: [String: String] {
        var d: [String: String] = [:]
        if !shifts.isEmpty { d["shift"] = shifts.joined(separator: ",") }
        if let since { d["since"] = UTCTimestamp.format(since) }
        if let until { d["until"] = UTCTimestamp.format(until) }
        if !agents.isEmpty { d["agent"] = agents.joined(separator: ",") }
        if !channels.isEmpty { d["channel"] = channels.map(\.rawValue).joined(separator: ",") }
        if !languages.isEmpty { d["language"] = languages.joined(separator: ",") }
        d["queued"] = includeQueued ? "included (except those already sampled)" : "excluded"
        return d
    }
}

/// Drawing a sample and queueing it, in one transaction: one implementation per backend (`SampleStore`,
/// `PostgresSampleStore`); the draw itself is `Sampler`'s, the same on both.
public protocol SampleDrawing: Sendable {
    func sample(_ population: SamplePopulation, _ request: SampleRequest, by actor: String, dryRun: Bool, now: Date) throws(PitbossError) -> SampleStore.Outcome
}

extension SampleDraw {
    /// A sample of nothing would be stored, numbered and audited as if something had been drawn.
    func mustHaveAPopulation() throws(PitbossError) {
        guard population.isEmpty else { return }
        throw .badInput("no conversation is in the population (its filters: \(plan.filters.isEmpty ? "none" : plan.filters.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))); nothing was drawn or stored")
    }

    /// What a sample records: its row's values, in `samples`' column order after the id.
    func record(seed: String, by actor: String, now: Date) throws -> [(any DatabaseValueConvertible)?] {
        [seed, String(decoding: try JSONOutput.data(plan), as: UTF8.self), plan.population, plan.populationHash, plan.size, actor, UTCTimestamp.format(now)]
    }
}

/// Draws samples from the store and queues them.
public struct SampleStore: SampleDrawing {
    public let database: PitbossDatabase

    public init(database: PitbossDatabase) {
        self.database = database
    }

    /// What `pitboss sample` did: the draw, and for a real (not dry) run the stored sample's id and how many
    /// items entered the queue.
    public struct Outcome: Sendable {
        public var draw: SampleDraw
        public var sampleID: Int64?
        public var queued: Int
    }

    /// Reads the population, draws and (unless `dryRun`) records the sample, its members and their queue items in
    /// one transaction: what was drawn is exactly what was queued.
    public func sample(_ population: SamplePopulation, _ request: SampleRequest, by actor: String, dryRun: Bool = false,
                       now: Date = Date()) throws(PitbossError) -> Outcome {
        do {
            if dryRun {
                return try database.writer.read { db in
                    Outcome(draw: try draw(db, population, request), sampleID: nil, queued: 0)
                }
            }
            return try database.writer.write { db in
                let draw = try draw(db, population, request)
                try draw.mustHaveAPopulation()
                try db.execute(sql: """
                    INSERT INTO samples (seed, plan, population, population_hash, size, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: StatementArguments(try draw.record(seed: request.seed, by: actor, now: now)))
                let sampleID = db.lastInsertedRowID
                let member = try db.makeStatement(sql: "INSERT INTO sample_population (sample_id, conversation_id) VALUES (?, ?)")
                for unit in draw.population { try member.execute(arguments: [sampleID, unit.rowID]) }
                var queued = 0
                for (unit, stratum) in draw.chosen {
                    try db.execute(sql: "INSERT INTO sample_members (sample_id, conversation_id, stratum) VALUES (?, ?, ?)",
                                   arguments: [sampleID, unit.rowID, stratum])
                    try db.execute(sql: """
                        INSERT INTO queue_items (conversation_id, reason, priority, status, created_at, sample_id) VALUES (?, 'sample', ?, 'open', ?, ?)
                        ON CONFLICT (conversation_id, reason) WHERE calibration_session_id IS NULL DO NOTHING
                        """, arguments: [unit.rowID, QueuePriority.sample(vip: unit.isVIP, startedAt: unit.startedAt, now: now), UTCTimestamp.format(now), sampleID])
                    queued += db.changesCount
                }
                try AuditLog.append(db, at: now, actor: actor, action: .sample, detail: [
                    "sample": String(sampleID), "seed": request.seed, "size": String(draw.plan.size), "population": String(draw.plan.population),
                ])
                return Outcome(draw: draw, sampleID: sampleID, queued: queued)
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "draw the sample", busyTimeout: database.busyTimeout)
        }
    }

    /// `including`: which units may be drawn at all (calibration leaves out its scorers' own conversations).
    func draw(_ db: Database, _ population: SamplePopulation, _ request: SampleRequest, including: (SampleUnit) -> Bool = { _ in true }) throws -> SampleDraw {
        let (conditions, arguments) = population.conditions
        var units: [SampleUnit] = []
        // In id order (the unique index), so the sampler need not sort; agents, channels and languages repeat, so
        // each unit shares one copy of their text.
        let statement = try db.makeStatement(sql: """
            SELECT c.id, c.external_id, c.agent_id, c.channel, c.language, c.customer_vip, c.started_at FROM conversations c
            WHERE \(conditions) ORDER BY c.external_id
            """)
        var shared: [String: String] = [:]
        func interned(_ text: String) -> String {
            if let known = shared[text] { return known }
            shared[text] = text
            return text
        }
        let cursor = try Row.fetchCursor(statement, arguments: StatementArguments(arguments))
        while let row = try cursor.next() {
            units.append(SampleUnit(rowID: row[0], id: row[1], agent: interned(row[2]), channel: interned(row[3]), language: interned(row[4]),
                                    isVIP: row[5], startedAt: UTCTimestamp.parse(row[6] as String) ?? Date(timeIntervalSince1970: 0)))
        }
        var draw = try Sampler.draw(units.filter(including), request)
        draw.plan.filters = population.described
        return draw
    }

    /// The population's conversations through a session, on either backend, in byte order of their ids (SQLite's order,
    /// whatever the server's collation): for the small draws of calibration, where speed does not matter.
    static func units(in db: any SQLSession, _ population: SamplePopulation) throws -> [SampleUnit] {
        let (conditions, arguments) = population.conditions
        return try db.rows("""
            SELECT c.id, c.external_id, c.agent_id, c.channel, c.language, c.customer_vip, c.started_at FROM conversations c WHERE \(conditions)
            """, arguments).map { row in
            SampleUnit(rowID: row["id"], id: row["external_id"], agent: row["agent_id"], channel: row["channel"], language: row["language"],
                       isVIP: row["customer_vip"], startedAt: UTCTimestamp.parse(row["started_at"] as String) ?? Date(timeIntervalSince1970: 0))
        }.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
    }

    /// What re-deriving a stored sample found.
    public struct Verification: Sendable {
        public var sampleID: Int64
        public var plan: SamplePlan
        /// Conversations of the population that have been deleted since (their ids are gone with them).
        public var populationNow: Int
        public var stored: [String]
        public var rederived: [String]
        public var matches: Bool { Set(stored) == Set(rederived) && populationNow == plan.population }
    }

    /// Draws a stored sample again from its stored population with its seed and plan, for an auditor: the same
    /// conversations must come out.
    public func verify(_ id: Int64) throws(PitbossError) -> Verification {
        try Self.verify(id, in: SQLiteSessions(database: database))
    }

    /// A stored sample's plan, for an auditor.
    public func plan(_ id: Int64) throws(PitbossError) -> SamplePlan { try verify(id).plan }

    /// The same on either backend: the population and the members in byte order of their ids, as SQLite orders them.
    static func verify(_ id: Int64, in sessions: any SQLSessions) throws(PitbossError) -> Verification {
        try sessions.read("re-derive sample \(id)") { db in
            guard let json = try db.value(String.self, "SELECT plan FROM samples WHERE id = ?", [id]) else {
                throw PitbossError.missingFile("there is no sample \(id)")
            }
            let plan = try JSONDecoder().decode(SamplePlan.self, from: Data(json.utf8))
            let units = try db.rows("""
                SELECT c.id, c.external_id, c.agent_id, c.channel, c.language FROM sample_population p JOIN conversations c ON c.id = p.conversation_id
                WHERE p.sample_id = ?
                """, [id]).map { row in
                SampleUnit(rowID: row["id"], id: row["external_id"], agent: row["agent_id"], channel: row["channel"], language: row["language"])
            }.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
            let stored = try db.values(String.self, """
                SELECT c.external_id FROM sample_members m JOIN conversations c ON c.id = m.conversation_id WHERE m.sample_id = ?
                """, [id]).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let draw = try Sampler.draw(units, plan.request)
            return Verification(sampleID: id, plan: plan, populationNow: units.count, stored: stored,
                                rederived: draw.chosen.map(\.unit.id).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
    }
}
