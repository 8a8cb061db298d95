import Foundation
import GRDB

/// `pitboss sample` on PostgreSQL: the population read, drawn by `Sampler` and recorded (the sample, its population,
/// its members and their queue items, with the audit entry) in one transaction, as `SampleStore` does on SQLite. The
/// population comes in byte order of the conversation ids (`COLLATE "C"`, SQLite's order), so the population hash and
/// the draw are the same on both backends whatever the database's collation.
public struct PostgresSampleStore: SampleDrawing {
    public let database: PostgresDatabase
    private var connection: PostgresConnection { database.connection }

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func sample(_ population: SamplePopulation, _ request: SampleRequest, by actor: String, dryRun: Bool,
                       now: Date) throws(PitbossError) -> SampleStore.Outcome {
        do {
            return try connection.transaction {
                // Samples take turns, as on SQLite: the second draws from what the first left unqueued.
                if !dryRun { try connection.execute("SELECT pg_advisory_xact_lock(hashtext('pitboss-sample'))") }
                let draw = try draw(population, request)
                if dryRun { return SampleStore.Outcome(draw: draw, sampleID: nil, queued: 0) }
                try draw.mustHaveAPopulation()
                guard let sampleID = try connection.value("""
                    INSERT INTO samples (seed, plan, population, population_hash, size, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
                    RETURNING id
                    """, PostgresText.parameters(try draw.record(seed: request.seed, by: actor, now: now))).flatMap({ Int64($0) }) else {
                    throw PitbossError.internalFailure("the server stored the sample but gave back no id")
                }
                let sample = String(sampleID)
                _ = try connection.copyIn("COPY sample_population (sample_id, conversation_id) FROM STDIN") { send in
                    for unit in draw.population { try send([sample, String(unit.rowID)]) }
                }
                var queued = 0
                for (unit, stratum) in draw.chosen {
                    try connection.execute("INSERT INTO sample_members (sample_id, conversation_id, stratum) VALUES ($1, $2, $3)",
                                           [sample, String(unit.rowID), stratum])
                    queued += try connection.execute("""
                        INSERT INTO queue_items (conversation_id, reason, priority, status, created_at, sample_id) VALUES ($1, 'sample', $2, 'open', $3, $4)
                        ON CONFLICT (conversation_id, reason) WHERE calibration_session_id IS NULL DO NOTHING
                        """, [String(unit.rowID), String(QueuePriority.sample(vip: unit.isVIP, startedAt: unit.startedAt, now: now)),
                              UTCTimestamp.format(now), sample]).affected
                }
                try connection.execute("""
                    INSERT INTO audit_log (at, actor, action, detail) VALUES ($1, $2, $3, $4)
                    """, [UTCTimestamp.format(now), actor, AuditAction.sample.rawValue, JSONOutput.string([
                        "sample": sample, "seed": request.seed, "size": String(draw.plan.size), "population": String(draw.plan.population),
                    ], pretty: false)])
                return SampleStore.Outcome(draw: draw, sampleID: sampleID, queued: queued)
            }
        } catch {
            throw PostgresDatabase.translate(error, doing: "draw the sample")
        }
    }

    private func draw(_ population: SamplePopulation, _ request: SampleRequest) throws -> SampleDraw {
        let (conditions, arguments) = population.conditions
        var units: [SampleUnit] = []
        var shared: [String: String] = [:]
        func interned(_ text: String) -> String {
            if let known = shared[text] { return known }
            shared[text] = text
            return text
        }
        let rows = try connection.execute("""
            SELECT c.id, c.external_id, c.agent_id, c.channel, c.language, c.customer_vip::int,
                   to_char(c.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            FROM conversations c WHERE \(PostgresText.numbered(conditions)) ORDER BY c.external_id COLLATE "C"
            """, PostgresText.parameters(arguments)).rows
        units.reserveCapacity(rows.count)
        for row in rows {
            guard let id = row[0].flatMap({ Int64($0) }), let external = row[1] else { continue }
            units.append(SampleUnit(rowID: id, id: external, agent: interned(row[2] ?? ""), channel: interned(row[3] ?? ""),
                                    language: interned(row[4] ?? ""), isVIP: row[5] == "1",
                                    startedAt: row[6].flatMap { UTCTimestamp.parse($0) } ?? Date(timeIntervalSince1970: 0)))
        }
        var draw = try Sampler.draw(units, request)
        draw.plan.filters = population.described
        return draw
    }
}
