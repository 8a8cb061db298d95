import Foundation
import GRDB

/// What flagging reads and writes, on PostgreSQL. The rules are `FlagStore`'s; the shape is a server's: each batch is
/// read and written with a handful of set-based statements (arrays bound as parameters, findings by COPY) instead of a
/// few statements per conversation, since every statement is a round trip to the server.
public struct PostgresFlagStore: FlagRunStore {
    public let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    private var connection: PostgresConnection { database.connection }

    @discardableResult
    private func run<T>(_ action: String, _ body: () throws -> T) throws(PitbossError) -> T {
        do { return try body() } catch { throw PostgresDatabase.translate(error, doing: action) }
    }

    public func startRun(rubric: Rubric, selection: FlagSelection, by user: String, now: Date) throws(PitbossError) -> Int64 {
        try run("record the flag run") {
            let id = try connection.value("""
                INSERT INTO flag_runs (rubric_name, rubric_version, rubric_hash, rubric_path, selection, started_by, started_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                """, [rubric.name, rubric.version, rubric.contentHash, rubric.path, selection.json, user, UTCTimestamp.format(now)])
            guard let id = id.flatMap({ Int64($0) }) else { throw PitbossError.internalFailure("the new flag run has no id") }
            return id
        }
    }

    public func finishRun(_ id: Int64, summary: FlagSummary, now: Date) throws(PitbossError) {
        let counts = summary.counts
        try run("finish the flag run") {
            try connection.execute("""
                UPDATE flag_runs SET finished_at = $1, scanned = $2, evaluated = $3, flagged = $4, findings = $5, errors = $6, summary = $7 WHERE id = $8
                """, [UTCTimestamp.format(now), String(counts.scanned), String(counts.evaluated), String(counts.flagged), String(counts.findings),
                      String(counts.errors), JSONOutput.string(summary, pretty: false), String(id)])
        }
    }

    public func flaggedQueue(shift: String) throws(PitbossError) -> [QueueCap.Item] {
        try run("read the flagged queue of \(shift)") { try loadFlaggedQueue(shift: shift) }
    }

    private func loadFlaggedQueue(shift: String) throws -> [QueueCap.Item] {
        try connection.execute("""
            SELECT c.external_id, q.priority, q.status = 'open' AND q.assigned_to IS NULL FROM queue_items q
            JOIN conversations c ON c.id = q.conversation_id WHERE c.shift_id = $1 AND q.reason = 'flagged' AND q.status <> 'skipped' ORDER BY q.id
            """, [shift]).rows.map { QueueCap.Item(conversation: $0[0] ?? "", priority: $0[1].flatMap { Int($0) } ?? 0, displaceable: $0[2] == "t") }
    }

    /// The selection's conditions on `conversations c`, numbered from `$first`.
    private func conditions(_ selection: FlagSelection, from first: Int) -> (sql: [String], parameters: [String?]) {
        var sql: [String] = []
        var parameters: [String?] = []
        func add(_ condition: (String) -> String, _ value: String) {
            parameters.append(value)
            sql.append(condition("$\(first + parameters.count - 1)"))
        }
        if let shift = selection.shift { add({ "c.shift_id = \($0)" }, shift) }
        if let since = selection.since { add({ "c.started_at >= \($0)" }, UTCTimestamp.format(since)) }
        if let until = selection.until { add({ "c.started_at < \($0)" }, UTCTimestamp.format(until)) }
        if let agent = selection.agent { add({ "c.agent_id = \($0)" }, agent) }
        if let channel = selection.channel { add({ "c.channel = \($0)" }, channel.rawValue) }
        if let channels = selection.channels { add({ "c.channel = ANY(\($0)::text[])" }, PostgresText.array(channels.map(\.rawValue))) }
        if let languages = selection.languages { add({ "c.language = ANY(\($0)::text[])" }, PostgresText.array(languages)) }
        if let tags = selection.tags {
            add({ "EXISTS (SELECT 1 FROM json_array_elements_text(c.tags::json) t WHERE t = ANY(\($0)::text[]))" }, PostgresText.array(tags))
        }
        return (sql, parameters)
    }

    public func countPending(selection: FlagSelection, rubricHash: String) throws(PitbossError) -> Int {
        let (sql, parameters) = conditions(selection, from: 2)
        return try run("count conversations to flag") {
            Int(try connection.value("""
                SELECT count(*) FROM conversations c WHERE true\(sql.map { " AND " + $0 }.joined())
                  AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.conversation_id = c.id AND e.rubric_hash = $1 AND e.content_hash = c.content_hash)
                """, [rubricHash] + parameters) ?? "0") ?? 0
        }
    }

    public func pending(after afterRowID: Int64, limit: Int, selection: FlagSelection, rubricHash: String) throws(PitbossError) -> [FlagStore.Pending] {
        let (sql, parameters) = conditions(selection, from: 4)
        // `OFFSET 0` keeps the NOT EXISTS a probe of the evaluations' primary key for each conversation in id order, which
        // stops at the batch's size; as a join, the planner hashed every evaluation for every batch (55 ms against 0.8 ms
        // at 100,000, and growing with the run).
        return try run("read conversations to flag") {
            // Its own session: the runner reads the next batch while the last one is being written.
            let connection = try database.readerConnection()
            let heads = try connection.rows("""
                SELECT c.id, c.content_hash, c.external_id, c.channel, c.language, c.agent_id, c.shift_id, c.started_at,
                       c.customer_id, c.customer_vip, c.source_file, c.source_record, c.source_format
                FROM conversations c
                WHERE c.id > $1\(sql.map { " AND " + $0 }.joined())
                  AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.conversation_id = c.id AND e.rubric_hash = $2 AND e.content_hash = c.content_hash
                                  OFFSET 0)
                ORDER BY c.id LIMIT $3
                """, [String(afterRowID), rubricHash, String(limit)] + parameters)
            guard !heads.isEmpty else { return [] }
            var turnsByID: [Int64: [Turn]] = [:]
            let ids = heads.map { $0["id"] as Int64 }
            try connection.copyOut("""
                COPY (SELECT conversation_id, idx, role, speaker, agent_id, at, start_seconds, end_seconds, text
                      FROM turns WHERE conversation_id = ANY('\(PostgresText.array(ids))'::bigint[]) ORDER BY conversation_id, idx) TO STDOUT
                """) { row in
                guard let id = row[0].flatMap({ Int64($0) }) else { return }
                turnsByID[id, default: []].append(Turn(
                    index: row[1].flatMap { Int($0) } ?? 0, role: SpeakerRole(rawValue: row[2] ?? "") ?? .system, speaker: row[3],
                    agentID: row[4], at: row[5].flatMap(PostgresText.date),
                    start: row[6].flatMap { Double($0) }, end: row[7].flatMap { Double($0) }, text: row[8] ?? ""))
            }
            return heads.map { row in
                let id: Int64 = row["id"]
                let conversation = Conversation(
                    externalID: row["external_id"],
                    source: ConversationSource(file: row["source_file"], record: row["source_record"],
                                               format: TranscriptFormat(rawValue: row["source_format"]) ?? .jsonl),
                    channel: Channel(rawValue: row["channel"]) ?? .chat, language: row["language"], agentID: row["agent_id"],
                    shiftID: row["shift_id"], startedAt: UTCTimestamp.parse(row["started_at"] as String) ?? Date(timeIntervalSince1970: 0),
                    customerID: row["customer_id"], isVIP: (row["customer_vip"] as Int64) != 0, tags: [], turns: turnsByID[id] ?? [])
                return FlagStore.Pending(rowID: id, contentHash: row["content_hash"], conversation: conversation)
            }
        }
    }

    /// One batch in one transaction, with `FlagStore.save`'s rules: a reviewer's confirmed or dismissed findings stay and
    /// are not duplicated; only this rubric's findings are replaced; the queue entry is made, re-prioritised or withdrawn,
    /// as the cap admits.
    public func save(_ batch: [FlagStore.Evaluated], run runID: Int64, rubricName: String, rubricHash: String, minSeverity: Severity,
                     cap: QueueCap?, now: Date) throws(PitbossError) -> [FlagStore.Written] {
        guard !batch.isEmpty else { return [] }
        let nowText = UTCTimestamp.format(now)
        return try run("save findings") {
            try connection.transaction {
                // Every statement of a batch reaches the batch's rows by key. Findings and evaluations grow from nothing
                // during a first run, faster than autovacuum refreshes their statistics, and by the stale ones the
                // planner scanned the whole table for each batch (56 ms a statement at 100,000 conversations, growing).
                // For this transaction only, it is told to prefer the indexes.
                try connection.execute("SET LOCAL enable_seqscan = off")
                try connection.execute("SET LOCAL enable_hashjoin = off")
                let ids = PostgresText.array(batch.map(\.pending.rowID))
                // An import replacing a conversation's text runs between batches, not within one (it holds this lock
                // exclusively): what is read here stays true until this batch commits, without locking each row.
                try connection.execute("SELECT pg_advisory_xact_lock_shared(hashtext('pitboss-import'))")
                var current: [Int64: String] = [:]
                for row in try connection.execute("SELECT id, content_hash FROM conversations WHERE id = ANY($1::bigint[])", [ids]).rows {
                    if let id = row[0].flatMap({ Int64($0) }) { current[id] = row[1] }
                }
                let unchanged = batch.filter { current[$0.pending.rowID] == $0.pending.contentHash }
                // The evaluation is recorded first, and decides who writes the findings: of two runs evaluating the same
                // conversation at once, the second waits on the first's row in the unique index, then finds it evaluated
                // in this content and writes nothing. (Read first and written last, both runs wrote their findings.)
                let owned = unchanged.isEmpty ? [] : Set(try connection.execute("""
                    INSERT INTO evaluations (conversation_id, rubric_name, rubric_hash, content_hash, run_id, evaluated_at)
                    SELECT b.id, $3, $4, b.hash, $5, $6 FROM unnest($1::bigint[], $2::text[]) AS b(id, hash) ORDER BY b.id
                    ON CONFLICT (conversation_id, rubric_hash) DO UPDATE SET content_hash = excluded.content_hash,
                        run_id = excluded.run_id, evaluated_at = excluded.evaluated_at
                    WHERE evaluations.content_hash IS DISTINCT FROM excluded.content_hash
                    RETURNING conversation_id
                    """, [PostgresText.array(unchanged.map(\.pending.rowID)), PostgresText.array(unchanged.map(\.pending.contentHash)), rubricName,
                          rubricHash, String(runID), nowText]).rows.compactMap { $0[0].flatMap { Int64($0) } })
                var outcomes: [FlagStore.Written?] = batch.map { item in
                    let id = item.pending.rowID
                    if current[id] != item.pending.contentHash { return .changedMeanwhile }
                    return owned.contains(id) ? nil : .alreadyEvaluated
                }
                let writing = batch.indices.filter { outcomes[$0] == nil }
                guard !writing.isEmpty else { return outcomes.map { $0! } }
                let writingIDs = PostgresText.array(writing.map { batch[$0].pending.rowID })

                try connection.execute("DELETE FROM evaluations WHERE conversation_id = ANY($1::bigint[]) AND rubric_name = $2 AND rubric_hash <> $3",
                                       [writingIDs, rubricName, rubricHash])
                try connection.execute("DELETE FROM findings WHERE conversation_id = ANY($1::bigint[]) AND rubric_name = $2 AND verdict IS NULL",
                                       [writingIDs, rubricName])
                var judged: [Int64: JudgedFindings] = [:]
                for row in try connection.execute("""
                    SELECT conversation_id, rule_id, status, COALESCE(turn, -1), COALESCE(start, -1), COALESCE("end", -1), message FROM findings
                    WHERE conversation_id = ANY($1::bigint[]) AND rubric_name = $2 AND verdict IS NOT NULL
                    """, [writingIDs, rubricName]).rows {
                    guard let id = row[0].flatMap({ Int64($0) }) else { continue }
                    judged[id, default: JudgedFindings()].add(rule: row[1] ?? "", status: row[2] ?? "", turn: row[3].flatMap { Int($0) } ?? -1,
                                                              start: row[4].flatMap { Int($0) } ?? -1, end: row[5].flatMap { Int($0) } ?? -1,
                                                              message: row[6] ?? "")
                }
                var otherWorst: [Int64: Severity] = [:]
                for row in try connection.execute("""
                    SELECT conversation_id, severity FROM findings WHERE conversation_id = ANY($1::bigint[]) AND rubric_name <> $2 AND status <> 'error'
                      AND (verdict IS NULL OR verdict = 'confirmed')
                    """, [writingIDs, rubricName]).rows {
                    guard let id = row[0].flatMap({ Int64($0) }), let severity = Severity(rawValue: row[1] ?? "") else { continue }
                    if severity > (otherWorst[id] ?? .info) || otherWorst[id] == nil { otherWorst[id] = severity }
                }
                let skippedItems = cap == nil ? [] : Set(try connection.execute("""
                    SELECT conversation_id FROM queue_items WHERE conversation_id = ANY($1::bigint[]) AND reason = 'flagged'
                      AND calibration_session_id IS NULL AND status = 'skipped'
                    """, [writingIDs]).rows.compactMap { $0[0].flatMap { Int64($0) } })

                var findingRows: [[String?]] = []
                var enqueue: [(id: Int64, priority: Int)] = []
                var withdraw: [Int64] = []
                for index in writing {
                    let item = batch[index]
                    let id = item.pending.rowID
                    var standing = Set<Int>()
                    var judgedHere = judged[id] ?? JudgedFindings()
                    for (position, f) in item.findings.enumerated() {
                        if judgedHere.standsFor(f) {
                            standing.insert(position)
                            continue
                        }
                        findingRows.append([String(id), String(runID), rubricName, rubricHash, f.rule, f.criterion, f.severity.rawValue, f.status.rawValue,
                                            f.agent, f.turn.map(String.init), f.start.map(String.init), f.end.map(String.init), f.text, f.message])
                    }
                    var worst = item.findings.filter { $0.status != .error && $0.severity >= minSeverity }.map(\.severity).max()
                    if let other = otherWorst[id], other > (worst ?? .info) || worst == nil { worst = other }
                    guard let worst else {
                        if cap != nil {
                            // With a cap, a freed place counts for the conversations after this one: withdrawn at once.
                            let gone = try connection.execute("""
                                DELETE FROM queue_items WHERE conversation_id = $1 AND reason = 'flagged' AND status = 'open' AND assigned_to IS NULL
                                """, [String(id)])
                            if gone.affected > 0 { cap?.withdrawn(item.pending.conversation.externalID, shift: item.pending.conversation.shiftID) }
                        } else {
                            withdraw.append(id)
                        }
                        outcomes[index] = .evaluated(queued: false, standing: standing)
                        continue
                    }
                    let c = item.pending.conversation
                    let priority = QueuePriority.of(worst: worst, hasCritical: worst == .critical, vip: c.isVIP, startedAt: c.startedAt, now: now)
                    let admission = skippedItems.contains(id) ? nil
                        : try cap?.admit(conversation: c.externalID, shift: c.shiftID, priority: priority, load: { try loadFlaggedQueue(shift: $0) })
                    switch admission {
                    case .notQueued?:
                        outcomes[index] = .evaluated(queued: false, standing: standing)
                        continue
                    case .displacing(let weakest)?:
                        let taken = try connection.execute("""
                            DELETE FROM queue_items q USING conversations c WHERE c.id = q.conversation_id AND c.external_id = $1
                              AND q.reason = 'flagged' AND q.status = 'open' AND q.assigned_to IS NULL RETURNING q.id, q.conversation_id
                            """, [weakest.conversation]).rows.first
                        if let taken {
                            try connection.execute("""
                                INSERT INTO audit_log (at, actor, action, queue_item_id, conversation_id, detail) VALUES ($1, 'pitboss', 'skip', $2, $3, $4)
                                """, [nowText, taken[0], taken[1],
                                      JSONOutput.string(["why": "queue limit of the shift: its place went to \(c.externalID), a more severe conversation",
                                                         "run": String(runID)], pretty: false)])
                        } else {
                            cap?.keep(weakest, shift: c.shiftID)  // claimed or assigned since it was read
                        }
                    case .queued?, .alreadyQueued?, nil:
                        break
                    }
                    enqueue.append((id, priority))
                    outcomes[index] = .evaluated(queued: true, standing: standing)
                }

                // One INSERT of the batch's findings as arrays, a column each: COPY into findings is refused to every login
                // but the owner (PostgreSQL allows no COPY FROM into a table with row-level security), and staging the
                // batch in a temporary table first cost a fifth more than this on the 100k corpus.
                if !findingRows.isEmpty {
                    let columns = (0..<14).map { column in PostgresText.array(findingRows.map { $0[column] }) }
                    try connection.execute("""
                        INSERT INTO findings (conversation_id, run_id, rubric_name, rubric_hash, rule_id, criterion, severity, status, agent_id,
                                              turn, start, "end", text, message)
                        SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                                             $9::text[], $10::int[], $11::int[], $12::int[], $13::text[], $14::text[])
                        """, columns)
                }
                if !enqueue.isEmpty {
                    try connection.execute("""
                        INSERT INTO queue_items (conversation_id, reason, priority, status, created_at, run_id)
                        SELECT b.id, 'flagged', b.priority, 'open', $3, $4 FROM unnest($1::bigint[], $2::int[]) WITH ORDINALITY AS b(id, priority, position)
                        ORDER BY b.position
                        ON CONFLICT (conversation_id, reason) WHERE calibration_session_id IS NULL DO UPDATE SET priority = excluded.priority
                        WHERE queue_items.status = 'open' AND queue_items.assigned_to IS NULL
                        """, [PostgresText.array(enqueue.map(\.id)), "{" + enqueue.map { String($0.priority) }.joined(separator: ",") + "}", nowText, String(runID)])
                }
                if !withdraw.isEmpty {
                    try connection.execute("""
                        DELETE FROM queue_items WHERE conversation_id = ANY($1::bigint[]) AND reason = 'flagged' AND status = 'open' AND assigned_to IS NULL
                        """, [PostgresText.array(withdraw)])
                }
                return outcomes.map { $0! }
            }
        }
    }

    public func takeTurnForCappedRun() throws(PitbossError) -> () -> Void {
        // A session-level advisory lock: held for the run, released at its end (or when the connection closes).
        // As long as the other run takes: this wait alone has no lock timeout.
        try run("wait for another capped flag run") {
            try connection.execute("SET lock_timeout = 0")
            try connection.lockForSession("pitboss-capped-flag-run")
            try connection.execute("SET lock_timeout = '\(Int(database.lockTimeout * 1000))ms'")
        }
        return { connection.unlockForSession("pitboss-capped-flag-run") }
    }
}
