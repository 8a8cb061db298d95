import Foundation
import GRDB

/// The review queue on PostgreSQL: the same rules as `ReviewQueue`, with the server's row locks instead of SQLite's
/// one writer. A reviewer taking the next item locks it with `FOR UPDATE SKIP LOCKED`, so eight reviewers asking at once
/// each get a different item without waiting for each other. "One reviewer per conversation" holds across a
/// conversation's items (flagged and sampled) through a transaction-scoped advisory lock on the conversation, taken
/// before the check that no one else is reviewing it. Every change is written to the audit log in the same transaction.
public struct PostgresReviewQueue: ClaimQueue {
    public let database: PostgresDatabase
    public var lease: TimeInterval

    public init(database: PostgresDatabase, lease: TimeInterval = ReviewQueue.defaultLease) {
        self.database = database
        self.lease = lease
    }

    var connection: PostgresConnection { database.connection }

    public func claimNext(for reviewer: Reviewer, reason: QueueReason?, now: Date) throws(PitbossError) -> ReviewQueue.Claim? {
        try transaction("claim the next item") {
            try expireClaims(now: now)
            var sql = "SELECT id FROM queue_items WHERE status = 'claimed' AND assigned_to = $1"
            var parameters: [String?] = [reviewer.name]
            if let reason { sql += " AND reason = $2"; parameters.append(reason.rawValue) }
            if let mine = try connection.value(sql + " ORDER BY priority DESC, id LIMIT 1 FOR UPDATE", parameters).flatMap({ Int64($0) }) {
                return try take(mine, for: reviewer, now: now)
            }
            for holder in [reviewer.name, nil] {
                if let id = try lockNextCandidate(heldBy: holder, reason: reason, for: reviewer) {
                    return try take(id, for: reviewer, now: now)
                }
            }
            return nil
        }
    }

    /// Walks the open items in queue order, a page at a time, and locks the first one the reviewer may take that no
    /// other session holds. Candidates are read without locks; each is then locked with SKIP LOCKED and re-checked.
    private func lockNextCandidate(heldBy holder: String?, reason: QueueReason?, for reviewer: Reviewer) throws -> Int64? {
        var after: (priority: Int64, id: Int64)?
        let page = 64
        while true {
            var conditions = ["q.status = 'open'", holder == nil ? "q.assigned_to IS NULL AND q.calibration_session_id IS NULL" : "q.assigned_to = $1"]
            var parameters: [String?] = holder.map { [$0] } ?? []
            if let reason { parameters.append(reason.rawValue); conditions.append("q.reason = $\(parameters.count)") }
            if let after {
                parameters.append(String(after.priority)); parameters.append(String(after.id))
                conditions.append("(q.priority < $\(parameters.count - 1) OR (q.priority = $\(parameters.count - 1) AND q.id > $\(parameters.count)))")
            }
            conditions.append("""
                (q.calibration_session_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM queue_items o WHERE o.conversation_id = q.conversation_id
                                                                     AND o.status = 'claimed' AND o.calibration_session_id IS NULL))
                """)
            let candidates = try connection.execute("""
                SELECT q.id, q.conversation_id, q.priority FROM queue_items q
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY q.priority DESC, q.id LIMIT \(page)
                """, parameters).rows.compactMap { row -> (id: Int64, conversation: Int64, priority: Int64)? in
                guard let id = row[0].flatMap({ Int64($0) }), let conversation = row[1].flatMap({ Int64($0) }), let priority = row[2].flatMap({ Int64($0) }) else { return nil }
                return (id, conversation, priority)
            }
            let agents = try agentsOf(Set(candidates.map(\.conversation)))
            for candidate in candidates where !(agents[candidate.conversation] ?? []).contains(where: reviewer.isAgent) {
                let stillOpen = holder == nil ? "assigned_to IS NULL" : "assigned_to = $2"
                let locked = try connection.value("SELECT id FROM queue_items WHERE id = $1 AND status = 'open' AND \(stillOpen) FOR UPDATE SKIP LOCKED",
                                                  holder == nil ? [String(candidate.id)] : [String(candidate.id), holder])
                guard locked != nil else { continue }
                if try someoneElseReviews(conversation: candidate.conversation, item: candidate.id, reviewer: reviewer.name) { continue }
                return candidate.id
            }
            guard candidates.count == page, let last = candidates.last else { return nil }
            after = (last.priority, last.id)
        }
    }

    /// The agents of each conversation: its own and any turn's (after a transfer).
    private func agentsOf(_ conversations: Set<Int64>) throws -> [Int64: [String]] {
        guard !conversations.isEmpty else { return [:] }
        let ids = PostgresText.array(conversations)
        var agents: [Int64: [String]] = [:]
        for row in try connection.execute("""
            SELECT id, agent_id FROM conversations WHERE id = ANY($1::bigint[])
            UNION SELECT conversation_id, agent_id FROM turns WHERE conversation_id = ANY($1::bigint[]) AND agent_id IS NOT NULL
            """, [ids]).rows {
            if let id = row[0].flatMap({ Int64($0) }), let agent = row[1] { agents[id, default: []].append(agent) }
        }
        return agents
    }

    /// Whether another of the conversation's items is claimed by someone else, checked under the conversation's lock so
    /// that two sessions claiming two of its items at once see each other (the second waits for the first to commit).
    private func someoneElseReviews(conversation: Int64, item: Int64, reviewer: String) throws -> Bool {
        try connection.execute("SELECT pg_advisory_xact_lock($1::bigint)", [String(conversation)])
        let other = try connection.value("""
            SELECT assigned_to FROM queue_items WHERE conversation_id = $1 AND id <> $2 AND status = 'claimed' AND calibration_session_id IS NULL
              AND (SELECT calibration_session_id FROM queue_items WHERE id = $2) IS NULL LIMIT 1
            """, [String(conversation), String(item)])
        return other != nil && other != reviewer
    }

    public func claim(_ id: Int64, for reviewer: Reviewer, now: Date) throws(PitbossError) -> ReviewQueue.Claim {
        try transaction("claim item \(id)") {
            try expireClaims(now: now)
            _ = try connection.value("SELECT id FROM queue_items WHERE id = $1 FOR UPDATE", [String(id)])
            var item = try load(id)
            if item.reason != .calibration {
                try connection.execute("SELECT pg_advisory_xact_lock($1::bigint)", [String(item.conversationID)])
                item = try load(id)
            }
            try item.mustBeTakable(by: reviewer)
            return try take(id, for: reviewer, now: now)
        }
    }

    public func release(_ id: Int64, by actor: String, force: Bool, now: Date) throws(PitbossError) {
        try transaction("release item \(id)") {
            try expireClaims(now: now)
            _ = try connection.value("SELECT id FROM queue_items WHERE id = $1 FOR UPDATE", [String(id)])
            let item = try load(id)
            try item.mustBeReleasable(by: actor, force: force)
            let cleared = item.reason == .calibration ? "" : ", assigned_to = NULL, assigned_by = NULL"
            let changed = try connection.execute("""
                UPDATE queue_items SET status = 'open', claimed_at = NULL, claim_expires_at = NULL, skip_reason = NULL\(cleared) WHERE id = $1
                """, [String(id)])
            guard changed.affected == 1 else { throw refusedByServer("release item \(id), held by \(item.assignedTo ?? "nobody")") }
            try audit(at: now, actor: actor, action: .release, item: id, conversation: item.conversationID,
                      detail: ["was": item.status.rawValue, "holder": item.assignedTo ?? ""])
        }
    }

    public func abandon(_ id: Int64, by reviewer: Reviewer, now: Date) throws(PitbossError) -> ReviewQueue.Abandoned {
        try transaction("release item \(id)") {
            guard let row = try connection.rows("""
                UPDATE queue_items SET status = 'open', claimed_at = NULL, claim_expires_at = NULL,
                    assigned_to = CASE WHEN assigned_by IS NULL THEN NULL ELSE assigned_to END
                WHERE id = $1 AND status = 'claimed' AND assigned_to = $2
                RETURNING conversation_id, assigned_by IS NOT NULL AS assigned
                """, [String(id), reviewer.name]).first else { return .notHeld }
            try audit(at: now, actor: reviewer.name, action: .release, item: id, conversation: row["conversation_id"],
                      detail: ["was": "claimed", "how": "abandoned"])
            return row["assigned"] as Bool ? .stillAssigned : .backInQueue
        }
    }

    public func skip(_ id: Int64, why: String, by reviewer: Reviewer, force: Bool, now: Date) throws(PitbossError) {
        let actor = reviewer.name
        let reason = why.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw .usage("an item is skipped for a reason, and none was given", remedy: .skipReason) }
        try transaction("skip item \(id)") {
            try expireClaims(now: now)
            _ = try connection.value("SELECT id FROM queue_items WHERE id = $1 FOR UPDATE", [String(id)])
            let item = try load(id)
            try item.mustBeSkippable(by: reviewer, force: force)
            let changed = try connection.execute("""
                UPDATE queue_items SET status = 'skipped', skip_reason = $1, assigned_to = $2, claim_expires_at = NULL WHERE id = $3
                """, [reason, actor, String(id)])
            guard changed.affected == 1 else { throw refusedByServer("skip item \(id)") }
            try audit(at: now, actor: actor, action: .skip, item: id, conversation: item.conversationID, detail: ["why": reason])
        }
    }

    public func item(named target: String, for reviewer: String?) throws(PitbossError) -> Int64 {
        if target.hasPrefix("#"), let id = Int64(target.dropFirst()) { return id }
        do {
            let byConversation = try connection.value("""
                SELECT q.id FROM queue_items q JOIN conversations c ON c.id = q.conversation_id WHERE c.external_id = $1
                  AND (q.calibration_session_id IS NULL OR q.assigned_to = $2)
                ORDER BY CASE WHEN q.assigned_to = $2 AND q.status IN ('claimed', 'open') THEN 0
                              WHEN q.status = 'claimed' THEN 1 WHEN q.status = 'open' THEN 2
                              WHEN q.status = 'scored' THEN 3 ELSE 4 END,
                    q.priority DESC, q.id
                LIMIT 1
                """, [target, reviewer ?? ""]).flatMap { Int64($0) }
            let byNumber = try Int64(target).flatMap { try connection.value("SELECT id FROM queue_items WHERE id = $1", [String($0)]) }.flatMap { Int64($0) }
            return try ReviewQueue.resolve(target, byConversation: byConversation, byNumber: byNumber)
        } catch {
            throw PostgresDatabase.translate(error, doing: "find the queue item \(target)")
        }
    }

    public func conversation(ofItem id: Int64) throws(PitbossError) -> String? {
        do {
            return try connection.value("SELECT c.external_id FROM queue_items q JOIN conversations c ON c.id = q.conversation_id WHERE q.id = $1", [String(id)])
        } catch {
            throw PostgresDatabase.translate(error, doing: "read queue item \(id)")
        }
    }

    // MARK: - Inside a transaction

    func transaction<T>(_ action: String, _ body: () throws -> T) throws(PitbossError) -> T {
        do {
            return try connection.transaction(body)
        } catch {
            throw PostgresDatabase.translate(error, doing: action)
        }
    }

    /// Claims whose lease ran out go back to the queue (to their assignee, if a supervisor assigned them). Rows another
    /// session is changing are left to it.
    func expireClaims(now: Date) throws {
        let expired = try connection.rows("""
            SELECT id, conversation_id, assigned_to, claim_expires_at FROM queue_items
            WHERE status = 'claimed' AND claim_expires_at <= $1 FOR UPDATE SKIP LOCKED
            """, [UTCTimestamp.format(now)])
        for row in expired {
            let id: Int64 = row["id"]
            try connection.execute("""
                UPDATE queue_items SET status = 'open', claimed_at = NULL, claim_expires_at = NULL,
                    assigned_to = CASE WHEN assigned_by IS NULL THEN NULL ELSE assigned_to END
                WHERE id = $1
                """, [String(id)])
            try audit(at: now, actor: "pitboss", action: .expire, item: id, conversation: row["conversation_id"],
                      detail: ["holder": row["assigned_to"] ?? "", "expired_at": row["claim_expires_at"] ?? ""])
        }
    }

    private func take(_ id: Int64, for reviewer: Reviewer, now: Date) throws -> ReviewQueue.Claim {
        let expires = UTCTimestamp.format(now.addingTimeInterval(lease))
        let item = try load(id)
        let renewing = item.status == .claimed
        // The claim and its audit entry in one statement: the entry is written only when the row was changed.
        let changed = try connection.execute("""
            WITH taken AS (
                UPDATE queue_items SET status = 'claimed', assigned_to = $1, claimed_at = COALESCE(claimed_at, $2), claim_expires_at = $3
                WHERE id = $4 RETURNING id, conversation_id)
            INSERT INTO audit_log (at, actor, action, queue_item_id, conversation_id, detail) SELECT $2, $1, $5, id, conversation_id, $6 FROM taken
            """, [reviewer.name, UTCTimestamp.format(now), expires, String(id), (renewing ? AuditAction.renew : .claim).rawValue,
                  JSONOutput.string(["expires_at": expires], pretty: false)])
        guard changed.affected == 1 else { throw refusedByServer("claim item \(id) for \(reviewer.name)") }
        return ReviewQueue.Claim(item: id, conversation: item.conversation, reason: item.reason, priority: item.priority, reviewer: reviewer.name, expiresAt: expires)
    }

    /// An item's state, read as the SQLite queue reads it, so both backends apply the same rules (`mustBeTakable`); in one
    /// round trip: the agents of its turns and whoever claims another of its items come with it.
    func load(_ id: Int64) throws -> ReviewQueue.Item {
        guard let row = try connection.rows("""
            SELECT q.id, q.conversation_id, c.external_id, c.agent_id, q.reason, q.priority, q.status, q.assigned_to,
                   (SELECT json_agg(DISTINCT t.agent_id)::text FROM turns t WHERE t.conversation_id = q.conversation_id AND t.agent_id IS NOT NULL)
                       AS turn_agents,
                   CASE WHEN q.reason <> 'calibration' THEN
                       (SELECT o.assigned_to FROM queue_items o WHERE o.conversation_id = q.conversation_id AND o.id <> q.id AND o.status = 'claimed'
                          AND o.calibration_session_id IS NULL LIMIT 1) END AS other_claimant
            FROM queue_items q JOIN conversations c ON c.id = q.conversation_id WHERE q.id = $1
            """, [String(id)]).first else {
            throw PitbossError.missingFile("there is no queue item \(id)", remedy: .listQueue)
        }
        var item = ReviewQueue.Item(row: row)
        if let agents = row["turn_agents"] as String? {
            item.agentIDs += (try? JSONDecoder().decode([String].self, from: Data(agents.utf8))) ?? []
        }
        item.otherClaimant = row["other_claimant"]
        return item
    }

    func audit(at now: Date, actor: String, action: AuditAction, item: Int64?, conversation: Int64?, review: Int64? = nil,
                       detail: [String: String]) throws {
        try connection.execute("""
            INSERT INTO audit_log (at, actor, action, queue_item_id, conversation_id, review_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [UTCTimestamp.format(now), actor, action.rawValue, item.map(String.init), conversation.map(String.init), review.map(String.init),
                  JSONOutput.string(detail, pretty: false)])
    }

    /// A change the server's row policy did not let through (the row was not this login's to change).
    private func refusedByServer(_ what: String) -> PitbossError {
        .refused("the server did not let \(database.loginName) \(what): the item is not theirs to change; ask a supervisor")
    }
}
