import Foundation
import GRDB

/// What flagging reads and writes: runs, the conversations still to evaluate, findings and the queue.
public struct FlagStore: Sendable {
    public let database: PitbossDatabase

    public init(database: PitbossDatabase) {
        self.database = database
    }

    /// A conversation loaded for evaluation, with the keys that writing its results needs.
    public struct Pending: Sendable {
        public var rowID: Int64
        public var contentHash: String
        public var conversation: Conversation
    }

    /// A conversation's findings, ready to write.
    public struct Evaluated: Sendable {
        public var pending: Pending
        public var findings: [Finding]
    }

    /// What writing one conversation's results did.
    public enum Written: Sendable, Equatable {
        /// Findings replaced (unreviewed ones), queued or not; `standing` are the indices of findings not
        /// stored because a reviewer's confirmed or dismissed finding already says the same.
        case evaluated(queued: Bool, standing: Set<Int>)
        /// Another flag process evaluated it with this rubric first.
        case alreadyEvaluated
        /// Its content was replaced by an import while the run read it; the next run evaluates it.
        case changedMeanwhile
    }

    public struct RunCounts: Sendable, Equatable, Codable {
        public var scanned = 0
        public var evaluated = 0
        public var flagged = 0
        public var findings = 0
        public var errors = 0
        public init() {}
    }

    func translate(_ error: any Error, _ action: String) -> PitbossError {
        PitbossDatabase.translate(error, doing: action, busyTimeout: database.busyTimeout)
    }

    /// Whether any rubric has evaluated the conversation (in its current content): "no findings" means something
    /// only then.
    public func isEvaluated(conversation externalID: String) throws(PitbossError) -> Bool {
        do {
            return try database.writer.read { db in
                try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM evaluations e JOIN conversations c ON c.id = e.conversation_id
                                   WHERE c.external_id = ? AND e.content_hash = c.content_hash)
                    """, arguments: [externalID]) ?? false
            }
        } catch { throw translate(error, "read whether \(externalID) was flagged") }
    }

    public func startRun(rubric: Rubric, selection: FlagSelection, by user: String, now: Date = Date()) throws(PitbossError) -> Int64 {
        do {
            return try database.writer.write { db in
                try db.execute(sql: """
                    INSERT INTO flag_runs (rubric_name, rubric_version, rubric_hash, rubric_path, selection, started_by, started_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [rubric.name, rubric.version, rubric.contentHash, rubric.path, selection.json, user, UTCTimestamp.format(now)])
                return db.lastInsertedRowID
            }
        } catch { throw translate(error, "record the flag run") }
    }

    /// Records the run's end and its whole summary, which `pitboss flag show RUN` prints again.
    public func finishRun(_ id: Int64, summary: FlagSummary, now: Date = Date()) throws(PitbossError) {
        let counts = summary.counts
        do {
            try database.writer.write { db in
                try db.execute(sql: """
                    UPDATE flag_runs SET finished_at = ?, scanned = ?, evaluated = ?, flagged = ?, findings = ?, errors = ?, summary = ? WHERE id = ?
                    """, arguments: [UTCTimestamp.format(now), counts.scanned, counts.evaluated, counts.flagged, counts.findings, counts.errors,
                                     JSONOutput.string(summary, pretty: false), id])
            }
        } catch { throw translate(error, "finish the flag run") }
    }

    /// A shift's flagged queue items, oldest first, for the queue cap: a dry run reads them here.
    public func flaggedQueue(shift: String) throws(PitbossError) -> [QueueCap.Item] {
        do { return try database.writer.read { db in try Self.flaggedQueue(shift: shift, db) } } catch {
            throw translate(error, "read the flagged queue of \(shift)")
        }
    }

    static func flaggedQueue(shift: String, _ db: Database) throws -> [QueueCap.Item] {
        try Row.fetchAll(db, sql: """
            SELECT c.external_id, q.priority, q.status = 'open' AND q.assigned_to IS NULL FROM queue_items q
            JOIN conversations c ON c.id = q.conversation_id WHERE c.shift_id = ? AND q.reason = 'flagged' AND q.status != 'skipped' ORDER BY q.id
            """, arguments: [shift]).map { QueueCap.Item(conversation: $0[0], priority: $0[1], displaceable: $0[2]) }
    }

    /// How many conversations the selection takes that this rubric has still to evaluate (for progress).
    public func countPending(selection: FlagSelection, rubricHash: String) throws(PitbossError) -> Int {
        let (conditions, arguments) = selection.conditions
        do {
            return try database.writer.read { db in
                try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM conversations c WHERE 1\(conditions.map { " AND " + $0 }.joined())
                      AND NOT EXISTS (SELECT 1 FROM evaluations e
                                      WHERE e.conversation_id = c.id AND e.rubric_hash = ? AND e.content_hash = c.content_hash)
                    """, arguments: StatementArguments(arguments + [rubricHash])) ?? 0
            }
        } catch { throw translate(error, "count conversations to flag") }
    }

    /// The next conversations after `afterRowID` that the selection takes and that this rubric has not
    /// evaluated in their current content, in row order, with their turns.
    public func pending(after afterRowID: Int64, limit: Int, selection: FlagSelection, rubricHash: String) throws(PitbossError) -> [Pending] {
        let (conditions, filterArguments) = selection.conditions
        let sql = """
            SELECT c.id, c.content_hash, c.external_id, c.channel, c.language, c.agent_id, c.shift_id, c.started_at,
                   c.customer_id, c.customer_vip, c.source_file, c.source_record, c.source_format
            FROM conversations c
            WHERE c.id > ?\(conditions.map { " AND " + $0 }.joined())
              AND NOT EXISTS (SELECT 1 FROM evaluations e
                              WHERE e.conversation_id = c.id AND e.rubric_hash = ? AND e.content_hash = c.content_hash)
            ORDER BY c.id LIMIT ?
            """
        do {
            return try database.writer.read { db in
                var heads: [(Int64, String, Conversation)] = []
                var statement = FastStatement(try db.cachedStatement(sql: sql))
                statement.bind(afterRowID)
                for argument in filterArguments { statement.bind(argument as? String) }
                statement.bind(rubricHash)
                statement.bind(limit)
                try statement.forEachRow { row in
                    let conversation = Conversation(
                        externalID: row.string(2),
                        source: ConversationSource(file: row.string(10), record: row.string(11), format: TranscriptFormat(rawValue: row.string(12)) ?? .jsonl),
                        channel: Channel(rawValue: row.string(3)) ?? .chat, language: row.string(4), agentID: row.string(5),
                        shiftID: row.string(6), startedAt: UTCTimestamp.parse(row.string(7)) ?? Date(timeIntervalSince1970: 0),
                        customerID: row.optionalString(8), isVIP: row.int64(9) != 0, tags: [], turns: [])
                    heads.append((row.int64(0), row.string(1), conversation))
                }
                guard let first = heads.first, let last = heads.last else { return [] }
                // The turns of the whole id range in one ordered scan of the turns' primary key.
                var turnsByID: [Int64: [Turn]] = [:]
                var turns = FastStatement(try db.cachedStatement(sql: """
                    SELECT conversation_id, idx, role, speaker, agent_id, at, start_seconds, end_seconds, text
                    FROM turns WHERE conversation_id BETWEEN ? AND ? ORDER BY conversation_id, idx
                    """))
                turns.bind(first.0)
                turns.bind(last.0)
                let wanted = Set(heads.map(\.0))
                try turns.forEachRow { row in
                    let id = row.int64(0)
                    guard wanted.contains(id) else { return }
                    turnsByID[id, default: []].append(Turn(
                        index: row.int(1), role: SpeakerRole(rawValue: row.string(2)) ?? .system, speaker: row.optionalString(3),
                        agentID: row.optionalString(4), at: row.optionalString(5).flatMap { UTCTimestamp.parse($0) },
                        start: row.double(6), end: row.double(7), text: row.string(8)))
                }
                return heads.map { id, hash, conversation in
                    var c = conversation
                    c.turns = turnsByID[id] ?? []
                    return Pending(rowID: id, contentHash: hash, conversation: c)
                }
            }
        } catch { throw translate(error, "read conversations to flag") }
    }

    /// Writes a batch's results in one short transaction, each conversation whole: its unreviewed findings
    /// replaced (a reviewer's confirmed or dismissed findings are kept as they were, and not duplicated),
    /// its evaluation recorded, and its queue entry made, re-prioritised or withdrawn.
    ///
    /// Only this rubric's findings are replaced: a conversation that other rubrics also evaluate (rubrics per
    /// conversation, see `RubricRoutes`) keeps theirs, and stays queued while any rubric's finding would queue it.
    ///
    /// With a `cap`, a conversation not yet queued enters only as the cap admits it (see `QueueCap`).
    public func save(_ batch: [Evaluated], run: Int64, rubricName: String, rubricHash: String, minSeverity: Severity,
                     cap: QueueCap? = nil, now: Date = Date()) throws(PitbossError) -> [Written] {
        guard !batch.isEmpty else { return [] }
        let nowText = UTCTimestamp.format(now)
        do {
            return try database.writer.write { db in
                var evaluated = FastStatement(try db.cachedStatement(sql: """
                    SELECT 1 FROM evaluations WHERE conversation_id = ? AND rubric_hash = ? AND content_hash = ?
                    """))
                var currentContent = FastStatement(try db.cachedStatement(sql: "SELECT content_hash FROM conversations WHERE id = ?"))
                // This rubric's unreviewed findings are about to be replaced: its other versions' evaluations stand no more.
                var forgetOtherVersions = FastStatement(try db.cachedStatement(sql: """
                    DELETE FROM evaluations WHERE conversation_id = ? AND rubric_name = ? AND rubric_hash != ?
                    """))
                var deleteUnreviewed = FastStatement(try db.cachedStatement(sql: """
                    DELETE FROM findings WHERE conversation_id = ? AND rubric_name = ? AND verdict IS NULL
                    """))
                var reviewed = FastStatement(try db.cachedStatement(sql: """
                    SELECT rule_id, status, COALESCE(turn, -1), COALESCE(start, -1), COALESCE("end", -1), message FROM findings
                    WHERE conversation_id = ? AND rubric_name = ? AND verdict IS NOT NULL
                    """))
                // Other rubrics' standing findings, which keep the conversation queued whatever this rubric says.
                var otherRubricsWorst = FastStatement(try db.cachedStatement(sql: """
                    SELECT severity FROM findings WHERE conversation_id = ? AND rubric_name != ? AND status != 'error'
                        AND (verdict IS NULL OR verdict = 'confirmed')
                    """))
                var insertFinding = FastStatement(try db.cachedStatement(sql: """
                    INSERT INTO findings (conversation_id, run_id, rubric_name, rubric_hash, rule_id, criterion, severity, status, agent_id,
                                          turn, start, "end", text, message)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """))
                var recordEvaluation = FastStatement(try db.cachedStatement(sql: """
                    INSERT INTO evaluations (conversation_id, rubric_name, rubric_hash, content_hash, run_id, evaluated_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (conversation_id, rubric_hash) DO UPDATE SET content_hash = excluded.content_hash,
                        run_id = excluded.run_id, evaluated_at = excluded.evaluated_at
                    """))
                var enqueue = FastStatement(try db.cachedStatement(sql: """
                    INSERT INTO queue_items (conversation_id, reason, priority, status, created_at, run_id) VALUES (?, 'flagged', ?, 'open', ?, ?)
                    ON CONFLICT (conversation_id, reason) WHERE calibration_session_id IS NULL DO UPDATE SET priority = excluded.priority
                    WHERE queue_items.status = 'open' AND queue_items.assigned_to IS NULL
                    """))
                var withdraw = FastStatement(try db.cachedStatement(sql: """
                    DELETE FROM queue_items WHERE conversation_id = ? AND reason = 'flagged' AND status = 'open' AND assigned_to IS NULL
                    """))
                // A conversation whose flagged item a reviewer skipped stays skipped: the cap neither counts it nor makes room for it.
                var skippedItem = FastStatement(try db.cachedStatement(sql: """
                    SELECT 1 FROM queue_items WHERE conversation_id = ? AND reason = 'flagged' AND calibration_session_id IS NULL AND status = 'skipped'
                    """))
                // The cap's least urgent untouched item, giving its place; still untouched when it is deleted, or it stays.
                var displace = FastStatement(try db.cachedStatement(sql: """
                    DELETE FROM queue_items WHERE reason = 'flagged' AND status = 'open' AND assigned_to IS NULL
                        AND conversation_id = (SELECT id FROM conversations WHERE external_id = ?)
                    """))

                return try batch.map { item -> Written in
                    let id = item.pending.rowID
                    evaluated.bind(id)
                    evaluated.bind(rubricHash)
                    evaluated.bind(item.pending.contentHash)
                    if try evaluated.queryOne({ _ in true }) == true { return .alreadyEvaluated }
                    // Re-imported (--replace) since it was read: these findings are about other words. The
                    // next run evaluates the new content.
                    currentContent.bind(id)
                    guard try currentContent.queryOne({ $0.string(0) }) == item.pending.contentHash else { return .changedMeanwhile }
                    forgetOtherVersions.bind(id)
                    forgetOtherVersions.bind(rubricName)
                    forgetOtherVersions.bind(rubricHash)
                    try forgetOtherVersions.execute()

                    deleteUnreviewed.bind(id)
                    deleteUnreviewed.bind(rubricName)
                    try deleteUnreviewed.execute()
                    // Each reviewed finding stands in for one new finding that says the same (same rule, status,
                    // place and message: absences have no place, so the message tells them apart).
                    var judged = JudgedFindings()
                    reviewed.bind(id)
                    reviewed.bind(rubricName)
                    try reviewed.forEachRow { row in
                        judged.add(rule: row.string(0), status: row.string(1), turn: row.int(2), start: row.int(3), end: row.int(4), message: row.string(5))
                    }
                    var standing = Set<Int>()
                    for (index, f) in item.findings.enumerated() {
                        if judged.standsFor(f) {
                            standing.insert(index)
                            continue
                        }
                        insertFinding.bind(id)
                        insertFinding.bind(run)
                        insertFinding.bind(rubricName)
                        insertFinding.bind(rubricHash)
                        insertFinding.bind(f.rule)
                        insertFinding.bind(f.criterion)
                        insertFinding.bind(f.severity.rawValue)
                        insertFinding.bind(f.status.rawValue)
                        insertFinding.bind(f.agent)
                        insertFinding.bind(f.turn.map(Int64.init))
                        insertFinding.bind(f.start.map(Int64.init))
                        insertFinding.bind(f.end.map(Int64.init))
                        insertFinding.bind(f.text)
                        insertFinding.bind(f.message)
                        try insertFinding.execute()
                    }
                    recordEvaluation.bind(id)
                    recordEvaluation.bind(rubricName)
                    recordEvaluation.bind(rubricHash)
                    recordEvaluation.bind(item.pending.contentHash)
                    recordEvaluation.bind(run)
                    recordEvaluation.bind(nowText)
                    try recordEvaluation.execute()

                    var worst = item.findings.filter { $0.status != .error && $0.severity >= minSeverity }.map(\.severity).max()
                    otherRubricsWorst.bind(id)
                    otherRubricsWorst.bind(rubricName)
                    try otherRubricsWorst.forEachRow { row in
                        // Another rubric's standing finding keeps the item whatever threshold this run was given: its own run
                        // queued it at its own threshold, and this run cannot know which that was.
                        if let severity = Severity(rawValue: row.string(0)), severity > (worst ?? .info) || worst == nil {
                            worst = severity
                        }
                    }
                    if let worst {
                        let c = item.pending.conversation
                        let priority = QueuePriority.of(worst: worst, hasCritical: worst == .critical, vip: c.isVIP, startedAt: c.startedAt, now: now)
                        var skipped = false
                        if cap != nil {
                            skippedItem.bind(id)
                            skipped = try skippedItem.queryOne { _ in true } == true
                        }
                        switch skipped ? nil : try cap?.admit(conversation: c.externalID, shift: c.shiftID, priority: priority, load: { try Self.flaggedQueue(shift: $0, db) }) {
                        case .notQueued?:
                            return .evaluated(queued: false, standing: standing)
                        case .displacing(let weakest)?:
                            let taken = try Row.fetchOne(db, sql: """
                                SELECT q.id, q.conversation_id FROM queue_items q JOIN conversations c ON c.id = q.conversation_id
                                WHERE c.external_id = ? AND q.reason = 'flagged' AND q.status = 'open' AND q.assigned_to IS NULL
                                """, arguments: [weakest.conversation])
                            displace.bind(weakest.conversation)
                            try displace.execute()
                            if db.changesCount == 0 {
                                cap?.keep(weakest, shift: c.shiftID)  // claimed or assigned since it was read
                            } else if let taken {
                                try AuditLog.append(db, at: now, actor: "pitboss", action: .skip, item: taken[0], conversation: taken[1],
                                                    detail: ["why": "queue limit of the shift: its place went to \(c.externalID), a more severe conversation", "run": String(run)])
                            }
                        case .queued?, .alreadyQueued?, nil:
                            break
                        }
                        enqueue.bind(id)
                        enqueue.bind(priority)
                        enqueue.bind(nowText)
                        enqueue.bind(run)
                        try enqueue.execute()
                        return .evaluated(queued: true, standing: standing)
                    }
                    withdraw.bind(id)
                    try withdraw.execute()
                    if db.changesCount > 0 { cap?.withdrawn(item.pending.conversation.externalID, shift: item.pending.conversation.shiftID) }
                    return .evaluated(queued: false, standing: standing)
                }
            }
        } catch { throw translate(error, "save findings") }
    }
}
