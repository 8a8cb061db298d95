import Foundation
import GRDB

/// Calibration sessions in the store: creating one (its tasks queued, one per reviewer and conversation), its status,
/// closing it, and the calibration reviews, which `ReviewStore.submit` hands here for a calibration task. On either
/// backend: its SQL reads alike on both (`SQLSession`).
public struct CalibrationStore: Sendable {
    let backend: any SQLSessions

    /// Calibration tasks rank beside a major finding: the session is waiting on each reviewer.
    public static let priority = 300

    public init(queue: ReviewQueue) {
        backend = SQLiteSessions(reviews: ReviewStore(queue: queue))
    }

    init(sessions: any SQLSessions) {
        backend = sessions
    }

    /// Creates the session and queues its tasks, assigned to each scorer, in one transaction. A conversation a scorer was
    /// the agent in is refused when named, and left out of a sample.
    public func create(_ request: CalibrationRequest, scorers: [Reviewer], rubric: Rubric, by actor: String, now: Date = Date()) throws(PitbossError) -> CalibrationSession {
        let name = request.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw .usage("a calibration session needs a name") }
        let lowered = scorers.map { $0.name.lowercased() }
        if let twice = lowered.first(where: { name in lowered.filter { $0 == name }.count > 1 }) {
            throw .usage("\(twice) is named twice (reviewers and expert are compared without regard to case): each person scores once")
        }
        guard Set(lowered).count >= 2 else {
            throw .usage("calibration compares reviewers: it needs at least two (two reviewers, or one and an expert)")
        }
        let nowText = UTCTimestamp.format(now)
        let id: Int64 = try backend.transaction("create calibration session \(name)") { db in
            try db.takeTurns("calibration-session", 0)  // two sessions of one name at once: the second finds the first
            if try db.value(Bool.self, "SELECT EXISTS (SELECT 1 FROM calibration_sessions WHERE name = ?)", [name]) == true {
                throw PitbossError.refused("a calibration session named \(name) exists already; choose another name (its status shows it)")
            }
            let conversations: [(id: Int64, external: String)]
            switch request.conversations {
            case .named(let ids):
                guard !ids.isEmpty else { throw PitbossError.usage("a calibration session needs conversations: named, or drawn in a sample") }
                try KnownNames.check(ids, .conversation, in: db)
                var seen = Set<String>()
                conversations = try ids.filter { seen.insert($0).inserted }.map { external in
                    let rowID = try db.value(Int64.self, "SELECT id FROM conversations WHERE external_id = ?", [external]) ?? 0
                    for scorer in scorers where try db.wasAgent(scorer, in: rowID) {
                        throw PitbossError.refused("\(scorer.name) was the agent in \(external): nobody scores their own conversation, in calibration either; leave it out or leave them out")
                    }
                    return (rowID, external)
                }
            case .sample(let size, let seed, let population):
                guard size >= 1 else { throw PitbossError.usage("a calibration sample is of 1 conversation or more") }
                // Drawn only from conversations no scorer was the agent in, so that every scorer can score all of them.
                var draw = try Sampler.draw(try SampleStore.units(in: db, population).filter { unit in !scorers.contains { $0.isAgent(unit.agent) } },
                                            SampleRequest(size: .count(size), seed: seed))
                draw.plan.filters = population.described
                let chosen = try draw.chosen.map(\.unit).filter { unit in try !scorers.contains { try db.wasAgent($0, in: unit.rowID) } }
                guard !chosen.isEmpty else {
                    throw PitbossError.badInput("no conversation is in the population for the sample (its filters: \(draw.plan.filters.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))); nothing was created")
                }
                conversations = chosen.map { ($0.rowID, $0.id) }
            }
            let selection: [String: String] = switch request.conversations {
            case .named: ["conversations": "named"]
            case .sample(let size, let seed, let population): population.described.merging(["sample": String(size), "seed": seed]) { a, _ in a }
            }
            let session = try db.insertReturningID("""
                INSERT INTO calibration_sessions (name, created_by, created_at, expert, rubric_name, rubric_version, rubric_hash, rubric_path, selection)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [name, actor, nowText, request.expert, rubric.name, rubric.version, rubric.contentHash, rubric.path,
                      String(decoding: try JSONOutput.data(selection), as: UTF8.self)])
            for (position, scorer) in scorers.enumerated() {
                try db.execute("INSERT INTO calibration_reviewers (session_id, reviewer, position) VALUES (?, ?, ?)", [session, scorer.name, position])
            }
            for (position, conversation) in conversations.enumerated() {
                try db.execute("INSERT INTO calibration_conversations (session_id, conversation_id, position) VALUES (?, ?, ?)",
                               [session, conversation.id, position])
                for scorer in scorers {
                    let item = try db.insertReturningID("""
                        INSERT INTO queue_items (conversation_id, reason, priority, status, assigned_to, assigned_by, created_at, calibration_session_id)
                        VALUES (?, 'calibration', ?, 'open', ?, ?, ?, ?)
                        """, [conversation.id, Self.priority, scorer.name, actor, nowText, session])
                    try db.audit(at: now, actor: actor, action: .calibrate, item: item, conversation: conversation.id,
                                 detail: ["session": name, "step": "create", "reviewer": scorer.name])
                }
            }
            return session
        }
        return try session(id: id)
    }

    /// A session by name; an unknown name is an error naming the sessions there are.
    public func session(named name: String) throws(PitbossError) -> CalibrationSession {
        let id: Int64? = try read("read calibration session \(name)") { db in
            try db.value(Int64.self, "SELECT id FROM calibration_sessions WHERE name = ?", [name])
        }
        guard let id else {
            let names = try sessions().map(\.name)
            throw .badInput("there is no calibration session \(name); " + (names.isEmpty ? "none has been created" : "the sessions: \(names.joined(separator: ", "))"))
        }
        return try session(id: id)
    }

    func session(id: Int64) throws(PitbossError) -> CalibrationSession {
        try read("read calibration session \(id)") { db in
            guard let row = try db.row("SELECT * FROM calibration_sessions WHERE id = ?", [id]) else {
                throw PitbossError.internalFailure("calibration session \(id) vanished")
            }
            return CalibrationSession(
                id: id, name: row["name"], createdBy: row["created_by"], createdAt: row["created_at"], expert: row["expert"],
                rubric: row["rubric_name"], rubricVersion: row["rubric_version"], rubricHash: row["rubric_hash"], rubricPath: row["rubric_path"],
                reviewers: try db.values(String.self, "SELECT reviewer FROM calibration_reviewers WHERE session_id = ? ORDER BY position", [id]),
                conversations: try db.values(String.self, """
                    SELECT c.external_id FROM calibration_conversations s JOIN conversations c ON c.id = s.conversation_id
                    WHERE s.session_id = ? ORDER BY s.position
                    """, [id]),
                closedBy: row["closed_by"], closedAt: row["closed_at"])
        }
    }

    /// The session a queue item is a task of; nil for any other item.
    public func session(ofItem item: Int64) throws(PitbossError) -> CalibrationSession? {
        let id: Int64? = try read("read queue item \(item)") { db in try Self.sessionOf(item: item, db)?.id }
        return try id.map { id throws(PitbossError) in try session(id: id) }
    }

    /// Every session, oldest first.
    public func sessions() throws(PitbossError) -> [CalibrationSession] {
        let ids: [Int64] = try read("list calibration sessions") { db in try db.values(Int64.self, "SELECT id FROM calibration_sessions ORDER BY id") }
        var sessions: [CalibrationSession] = []
        for id in ids { sessions.append(try session(id: id)) }
        return sessions
    }

    /// Who has done what: counts per reviewer and each task's status, nothing of what anyone answered.
    public func status(_ session: CalibrationSession) throws(PitbossError) -> CalibrationStatus {
        let tasks: [CalibrationTask] = try read("read the calibration tasks of \(session.name)") { db in
            try db.rows("""
                SELECT q.id, q.assigned_to, c.external_id, q.status FROM queue_items q JOIN conversations c ON c.id = q.conversation_id
                WHERE q.calibration_session_id = ? ORDER BY q.assigned_to, q.id
                """, [session.id]).map {
                CalibrationTask(item: $0["id"], reviewer: $0["assigned_to"], conversation: $0["external_id"], status: QueueStatus(rawValue: $0["status"]) ?? .open)
            }
        }
        let progress = session.reviewers.map { reviewer in
            let mine = tasks.filter { $0.reviewer == reviewer }
            return CalibrationStatus.Progress(reviewer: reviewer, scored: mine.filter { $0.status == .scored }.count, open: mine.filter { $0.status == .open }.count,
                                              claimed: mine.filter { $0.status == .claimed }.count, skipped: mine.filter { $0.status == .skipped }.count)
        }
        return CalibrationStatus(session: session, progress: progress, tasks: tasks)
    }

    /// Ends the session: only its creator may. Tasks not scored stay unscored (skipped, their claims ended).
    public func close(_ name: String, by actor: String, now: Date = Date()) throws(PitbossError) -> (session: CalibrationSession, unfinished: Int) {
        let current = try session(named: name)
        let unfinished: Int = try backend.transaction("close calibration session \(name)") { db in
            try db.takeTurns("calibration-session", current.id)
            guard let row = try db.row("SELECT created_by, closed_at, closed_by FROM calibration_sessions WHERE id = ?", [current.id]) else {
                throw PitbossError.internalFailure("calibration session \(name) vanished")
            }
            if let closedAt: String = row["closed_at"] {
                throw PitbossError.refused("calibration session \(name) was closed already, by \(row["closed_by"] as String? ?? "?") at \(LocalTime.readable(closedAt))")
            }
            let creator: String = row["created_by"]
            guard creator.lowercased() == actor.lowercased() else {
                throw PitbossError.refused("calibration session \(name) was created by \(creator): only they close it")
            }
            let open = try db.rows("""
                SELECT id, conversation_id FROM queue_items WHERE calibration_session_id = ? AND status IN ('open', 'claimed')
                """, [current.id])
            for item in open {
                try db.execute("UPDATE queue_items SET status = 'skipped', claim_expires_at = NULL, skip_reason = ? WHERE id = ?",
                               ["calibration session \(name) closed", item["id"] as Int64])
                try db.audit(at: now, actor: actor, action: .skip, item: item["id"], conversation: item["conversation_id"],
                             detail: ["reason": "calibration session \(name) closed"])
            }
            try db.execute("UPDATE calibration_sessions SET closed_by = ?, closed_at = ? WHERE id = ?", [actor, UTCTimestamp.format(now), current.id])
            try db.audit(at: now, actor: actor, action: .calibrate, detail: ["session": name, "step": "close", "unfinished": String(open.count)])
            return open.count
        }
        return (try session(id: current.id), unfinished)
    }

    /// The session a calibration task belongs to; nil for another item.
    static func sessionOf(item: Int64, _ db: any SQLSession) throws -> (id: Int64, name: String, rubricHash: String, closed: Bool)? {
        guard let row = try db.row("""
            SELECT s.id, s.name, s.rubric_hash, s.closed_at FROM queue_items q JOIN calibration_sessions s ON s.id = q.calibration_session_id WHERE q.id = ?
            """, [item]) else { return nil }
        return (row["id"], row["name"], row["rubric_hash"], (row["closed_at"] as String?) != nil)
    }

    /// Stores a calibration review, inside `ReviewStore.submit`'s transaction: the answers and verdicts in the calibration
    /// tables, the task scored — and nothing else: no finding's verdict, no other item, no real review.
    static func store(_ s: ReviewSubmission, item: ReviewQueue.Item, _ db: any SQLSession, now: Date) throws -> Int64 {
        guard let session = try sessionOf(item: item.id, db) else { throw PitbossError.internalFailure("calibration item \(item.id) has no session") }
        if s.revisionReason != nil {
            throw PitbossError.refused("item \(item.id) is a calibration task of session \(session.name): calibration answers are given once, not revised")
        }
        if session.closed { throw PitbossError.refused("calibration session \(session.name) is closed: its tasks can no longer be scored") }
        guard s.rubric.contentHash == session.rubricHash else {
            throw PitbossError.refused("calibration session \(session.name) is scored with rubric \(s.rubric.name) as it was when the session was created (\(session.rubricHash.prefix(12))), not \(s.rubric.contentHash.prefix(12)): every reviewer fills in the same scorecard; score it with the session's rubric file")
        }
        try item.mustBeTakable(by: s.reviewer)
        if s.requiresClaim && !(item.status == .claimed && item.assignedTo == s.reviewer.name) {
            throw PitbossError.refused("your claim on item \(item.id) ended before the submit; nothing was stored")
        }
        var ruleOf: [Int64: String] = [:]
        for row in try db.rows("SELECT id, rule_id FROM findings WHERE conversation_id = ? AND status <> 'error'", [item.conversationID]) {
            ruleOf[row["id"]] = row["rule_id"]
        }
        for v in s.verdicts where ruleOf[v.finding] == nil {
            throw PitbossError.usage("F\(v.finding) is not a finding of \(item.conversation); nothing was stored")
        }
        let nowText = UTCTimestamp.format(now)
        let reviewID = try db.insertReturningID("""
            INSERT INTO calibration_reviews (session_id, queue_item_id, conversation_id, reviewer, created_at, rubric_name, rubric_version, rubric_hash,
                                             score, raw_score, auto_failed, comment)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [session.id, item.id, item.conversationID, s.reviewer.name, nowText, s.rubric.name, s.rubric.version, s.rubric.contentHash,
                  s.scorecard.score, s.scorecard.rawScore, s.scorecard.autoFailed, s.comment])
        for (position, a) in s.scorecard.answers.enumerated() {
            try db.execute("""
                INSERT INTO calibration_answers (review_id, criterion, position, answer, item_score, weight, critical) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [reviewID, a.criterion, position, a.answer, a.itemScore, a.weight, a.critical])
        }
        for v in s.verdicts {
            try db.execute("INSERT INTO calibration_verdicts (review_id, finding_id, rule_id, verdict, reason) VALUES (?, ?, ?, ?, ?)",
                           [reviewID, v.finding, ruleOf[v.finding], v.verdict.rawValue, v.reason])
        }
        try db.execute("UPDATE queue_items SET status = 'scored', claim_expires_at = NULL WHERE id = ?", [item.id])
        try db.audit(at: now, actor: s.reviewer.name, action: .score, item: item.id, conversation: item.conversationID,
                            detail: ["calibration": session.name, "calibration_review": String(reviewID)])
        return reviewID
    }

    /// A calibration review as `review`/`score` report it back after the submit.
    static func stored(_ id: Int64, _ db: any SQLSession) throws -> StoredReview? {
        guard let row = try db.row("""
            SELECT r.id, r.queue_item_id AS item, c.external_id AS conversation, r.reviewer, r.created_at, 1 AS revision, NULL AS revises,
                   NULL AS revision_reason, r.rubric_name AS rubric, r.rubric_version, r.rubric_hash, r.score, r.raw_score, r.auto_failed, r.comment,
                   s.name AS session
            FROM calibration_reviews r JOIN conversations c ON c.id = r.conversation_id JOIN calibration_sessions s ON s.id = r.session_id
            WHERE r.id = ?
            """, [id]) else { return nil }
        var review = StoredReview(row: row)
        review.calibrationSession = row["session"]
        review.answers = try db.rows("""
            SELECT criterion, answer, item_score, weight, critical FROM calibration_answers WHERE review_id = ? ORDER BY position
            """, [id]).map { try CriterionAnswer(row: $0) }
        review.verdicts = try db.rows("""
            SELECT finding_id AS finding, verdict, reason FROM calibration_verdicts WHERE review_id = ? ORDER BY finding_id
            """, [id]).map(FindingVerdict.init(row:))
        return review
    }

    /// Every calibration review of a session — for the report, which refuses while the session is open.
    public func reviews(_ session: CalibrationSession) throws(PitbossError) -> [StoredReview] {
        try read("read the calibration reviews of \(session.name)") { db in
            try db.values(Int64.self, "SELECT id FROM calibration_reviews WHERE session_id = ? ORDER BY id", [session.id])
                .compactMap { try Self.stored($0, db) }
        }
    }

    private func read<T>(_ action: String, _ body: (any SQLSession) throws -> T) throws(PitbossError) -> T {
        try backend.read(action, body)
    }
}
