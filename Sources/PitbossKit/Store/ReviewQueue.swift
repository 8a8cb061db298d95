import Foundation
import GRDB

/// The review queue that several reviewers' processes share.
///
/// Every change is one IMMEDIATE transaction (SQLite lets one writer in at a time), so two reviewers
/// asking for the next case at the same moment are served one after the other and never get the same item.
/// A claim is a lease: when it runs out the item returns to the queue, to its assignee if a supervisor
/// assigned it. Every change is written to the audit log in the same transaction.
public struct ReviewQueue: Sendable {
    public let database: PitbossDatabase
    /// How long a claim lasts.
    public var lease: TimeInterval

    public static let defaultLease: TimeInterval = 30 * 60

    public init(database: PitbossDatabase, lease: TimeInterval = defaultLease) {
        self.database = database
        self.lease = lease
    }

    /// A queue item that a reviewer now holds.
    public struct Claim: Sendable, Equatable, Codable {
        public var item: Int64
        public var conversation: String
        public var reason: QueueReason
        public var priority: Int
        public var reviewer: String
        public var expiresAt: String

        enum CodingKeys: String, CodingKey {
            case item, conversation, reason, priority, reviewer
            case expiresAt = "expires_at"
        }
    }

    /// The reviewer's next case: their own unexpired claim first (to resume it), then what a supervisor assigned
    /// them, then the open queue, highest priority (which grows with age) first; never a conversation they were the agent in.
    /// Nil when nothing is left for them.
    public func claimNext(for reviewer: Reviewer, reason: QueueReason? = nil, now: Date = Date()) throws(PitbossError) -> Claim? {
        try transaction("claim the next item") { db in
            try expireClaims(db, now: now)
            let mine = try SQLRequest<Int64>("""
                SELECT id FROM queue_items WHERE status = \(QueueStatus.claimed) AND assigned_to = \(reviewer.name)
                \(reason.map { "AND reason = \($0)" } ?? SQL(""))
                ORDER BY priority DESC, id LIMIT 1
                """).fetchOne(db)
            if let mine { return try take(db, mine, for: reviewer, now: now) }
            for holder in [reviewer.name, nil] {
                if let id = try candidates(db, heldBy: holder, filter: ItemFilter(reason: reason), for: reviewer, limit: 1).first {
                    return try take(db, id, for: reviewer, now: now)
                }
            }
            return nil
        }
    }

    /// Open items held by `holder` (nil: unassigned), most urgent first, then first queued (the order of the index on status and priority), that the reviewer may take.
    /// Walks the queue in order and stops at `limit`, so the cost does not grow with the queue's length.
    /// Which open items a supervisor hands out: by reason, and by the conversation's agent, languages, shifts, channels.
    public struct ItemFilter: Sendable {
        public var reason: QueueReason?
        public var agent: String?
        public var languages: [String] = []
        public var shifts: [String] = []
        public var channels: [Channel] = []

        public init(reason: QueueReason? = nil, agent: String? = nil, languages: [String] = [], shifts: [String] = [], channels: [Channel] = []) {
            self.reason = reason
            self.agent = agent
            self.languages = languages
            self.shifts = shifts
            self.channels = channels
        }
    }

    func candidates(_ db: Database, heldBy holder: String?, filter: ItemFilter, for reviewer: Reviewer, limit: Int) throws -> [Int64] {
        let filters = candidateFilters(heldBy: holder, filter)
        let cursor = try SQLRequest<Row>("""
            SELECT q.id, q.conversation_id FROM queue_items q JOIN conversations c ON c.id = q.conversation_id
            WHERE \(filters)
            ORDER BY q.priority DESC, q.id
            """).fetchCursor(db)
        var found: [(id: Int64, conversation: Int64)] = []
        // Read ahead a little more than needed: the agent check runs after the cursor is done.
        let readAhead = min(limit, 100_000) * 4 + 16
        while found.count < readAhead, let row = try cursor.next() { found.append((row["id"], row["conversation_id"])) }
        var result: [Int64] = []
        for (id, conversation) in found where result.count < limit {
            if try !wasAgent(db, reviewer, in: conversation) { result.append(id) }
        }
        if result.count < limit && found.count == readAhead {
            // Unusually many of the reviewer's own conversations at the front: take the slow, complete path.
            return try candidatesExhaustive(db, filters: filters, for: reviewer, limit: limit)
        }
        return result
    }

    /// Open items held by `holder` (nil: unassigned) that no one is reviewing under another of their items.
    private func candidateFilters(heldBy holder: String?, _ filter: ItemFilter) -> SQL {
        // Calibration tasks only ever go to their own reviewer, who finds them among what is assigned to them.
        var conditions: [SQL] = ["q.status = \(QueueStatus.open)", holder.map { "q.assigned_to = \($0)" } ?? "q.assigned_to IS NULL AND q.calibration_session_id IS NULL"]
        if let reason = filter.reason { conditions.append("q.reason = \(reason)") }
        if let agent = filter.agent { conditions.append("c.agent_id = \(agent)") }
        if !filter.languages.isEmpty { conditions.append("c.language IN \(filter.languages)") }
        if !filter.shifts.isEmpty { conditions.append("c.shift_id IN \(filter.shifts)") }
        if !filter.channels.isEmpty { conditions.append("c.channel IN \(filter.channels.map(\.rawValue))") }
        // One reviewer at a time per conversation, except in calibration, where several score it independently.
        conditions.append("""
            (q.calibration_session_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM queue_items o WHERE o.conversation_id = q.conversation_id
                                                                 AND o.status = \(QueueStatus.claimed) AND o.calibration_session_id IS NULL))
            """)
        return conditions.joined(separator: " AND ")
    }

    private func candidatesExhaustive(_ db: Database, filters: SQL, for reviewer: Reviewer, limit: Int) throws -> [Int64] {
        let ids = Array(reviewer.agentIDs)
        return try SQLRequest<Int64>("""
            SELECT q.id FROM queue_items q JOIN conversations c ON c.id = q.conversation_id
            WHERE \(filters)
              AND lower(c.agent_id) NOT IN \(ids)
              AND NOT EXISTS (SELECT 1 FROM turns t WHERE t.conversation_id = q.conversation_id AND lower(t.agent_id) IN \(ids))
            ORDER BY q.priority DESC, q.id
            LIMIT \(limit)
            """).fetchAll(db)
    }

    /// Whether the reviewer was the agent of the conversation, or of any of its turns (after a transfer).
    func wasAgent(_ db: Database, _ reviewer: Reviewer, in conversation: Int64) throws -> Bool {
        let agents = try SQLRequest<String>("""
            SELECT agent_id FROM conversations WHERE id = \(conversation)
            UNION SELECT agent_id FROM turns WHERE conversation_id = \(conversation) AND agent_id IS NOT NULL
            """).fetchAll(db)
        return agents.contains(where: reviewer.isAgent)
    }

    /// Claims one item by its id (or renews the reviewer's own claim on it).
    public func claim(_ id: Int64, for reviewer: Reviewer, now: Date = Date()) throws(PitbossError) -> Claim {
        try transaction("claim item \(id)") { db in
            try expireClaims(db, now: now)
            let item = try Item.load(db, id)
            try item.mustBeTakable(by: reviewer)
            return try take(db, id, for: reviewer, now: now)
        }
    }

    /// A supervisor hands up to `count` open, unassigned items to a reviewer (highest priority first), never one
    /// in which the reviewer was the agent. Returns the items' ids.
    public func assign(to reviewer: Reviewer, count: Int, agent: String? = nil, reason: QueueReason? = nil, by actor: String,
                       now: Date = Date()) throws(PitbossError) -> [Int64] {
        try assign(to: reviewer, count: count, filter: ItemFilter(reason: reason, agent: agent), by: actor, now: now)
    }

    public func assign(to reviewer: Reviewer, count: Int, filter: ItemFilter, by actor: String, now: Date = Date()) throws(PitbossError) -> [Int64] {
        guard count > 0 else { throw .usage("the number of items to assign must be at least 1", remedy: .assignCount) }
        return try transaction("assign items to \(reviewer.name)") { db in
            try expireClaims(db, now: now)
            let ids = try candidates(db, heldBy: nil, filter: filter, for: reviewer, limit: count)
            for id in ids {
                let conversation = try SQLRequest<Int64>("SELECT conversation_id FROM queue_items WHERE id = \(id)").fetchOne(db)
                try db.execute(literal: "UPDATE queue_items SET assigned_to = \(reviewer.name), assigned_by = \(actor) WHERE id = \(id)")
                try AuditLog.append(db, at: now, actor: actor, action: .assign, item: id, conversation: conversation, detail: ["to": reviewer.name])
            }
            return ids
        }
    }

    /// Hands these items to a reviewer, all or none: each must be open (an item assigned to someone else is reassigned),
    /// and none a conversation the reviewer was the agent in.
    public func assign(items: [Int64], to reviewer: Reviewer, by actor: String, now: Date = Date()) throws(PitbossError) {
        try transaction("assign items to \(reviewer.name)") { db in
            try expireClaims(db, now: now)
            var seen = Set<Int64>()
            for id in items where seen.insert(id).inserted {
                let item = try Item.load(db, id)
                try item.mustBeAssignable(to: reviewer)
                if item.assignedTo == reviewer.name { continue }  // already theirs: nothing to do, nothing to log
                try db.execute(literal: "UPDATE queue_items SET assigned_to = \(reviewer.name), assigned_by = \(actor) WHERE id = \(id)")
                try AuditLog.append(db, at: now, actor: actor, action: .assign, item: id, conversation: item.conversationID,
                                    detail: ["to": reviewer.name].merging(item.assignedTo.map { ["from": $0] } ?? [:]) { a, _ in a })
            }
        }
    }

    /// Gives an item back to the open queue: the holder's claim or assignment ends. Someone else's needs `force`
    /// (a supervisor taking work back). A skipped item is reopened.
    public func release(_ id: Int64, by actor: String, force: Bool = false, now: Date = Date()) throws(PitbossError) {
        try transaction("release item \(id)") { db in
            try expireClaims(db, now: now)
            let item = try Item.load(db, id)
            try item.mustBeReleasable(by: actor, force: force)
            if item.reason == .calibration {
                // A calibration task is its reviewer's: released, it is open again for them, never for anyone else.
                try db.execute(literal: """
                    UPDATE queue_items SET status = \(QueueStatus.open), claimed_at = NULL, claim_expires_at = NULL, skip_reason = NULL WHERE id = \(id)
                    """)
            } else {
                try db.execute(literal: """
                    UPDATE queue_items SET status = \(QueueStatus.open), assigned_to = NULL, assigned_by = NULL, claimed_at = NULL, claim_expires_at = NULL,
                        skip_reason = NULL WHERE id = \(id)
                    """)
            }
            try AuditLog.append(db, at: now, actor: actor, action: .release, item: id, conversation: item.conversationID,
                                detail: ["was": item.status.rawValue, "holder": item.assignedTo ?? ""])
        }
    }

    /// What ending a claim without a review did.
    public enum Abandoned: Sendable, Equatable {
        /// Back in the open queue, for anyone.
        case backInQueue
        /// A supervisor assigned it to the reviewer: it waits for them again.
        case stillAssigned
        /// There was no claim of theirs to end.
        case notHeld

        /// How a screen says it, after "nothing stored".
        public func said(item: Int64) -> String {
            switch self {
            case .backInQueue: "; item \(item) is back in the queue"
            case .stillAssigned: "; item \(item) stays assigned to you (a supervisor's assignment), for later"
            case .notHeld: ""
            }
        }
    }

    /// Ends the reviewer's own claim without a review (`abandon`, Ctrl-C, a closed terminal): the item returns to
    /// the queue, or to the reviewer's assigned work if a supervisor assigned it; `.notHeld` when there was no claim of
    /// theirs to end (the lease ran out and someone else took it, or the review was submitted).
    @discardableResult
    public func abandon(_ id: Int64, by reviewer: Reviewer, now: Date = Date()) throws(PitbossError) -> Abandoned {
        try transaction("release item \(id)") { db in
            let assigned = try SQLRequest<Bool>("SELECT assigned_by IS NOT NULL FROM queue_items WHERE id = \(id)").fetchOne(db) ?? false
            try db.execute(literal: """
                UPDATE queue_items SET status = \(QueueStatus.open), claimed_at = NULL, claim_expires_at = NULL,
                    assigned_to = CASE WHEN assigned_by IS NULL THEN NULL ELSE assigned_to END
                WHERE id = \(id) AND status = \(QueueStatus.claimed) AND assigned_to = \(reviewer.name)
                """)
            guard db.changesCount > 0 else { return .notHeld }
            let conversation = try SQLRequest<Int64>("SELECT conversation_id FROM queue_items WHERE id = \(id)").fetchOne(db)
            try AuditLog.append(db, at: now, actor: reviewer.name, action: .release, item: id, conversation: conversation, detail: ["was": "claimed", "how": "abandoned"])
            return assigned ? .stillAssigned : .backInQueue
        }
    }

    /// Takes an item out of review with a reason (not reviewable: a test chat, the wrong language…).
    public func skip(_ id: Int64, why: String, by reviewer: Reviewer, force: Bool = false, now: Date = Date()) throws(PitbossError) {
        let actor = reviewer.name
        let reason = why.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw .usage("an item is skipped for a reason, and none was given", remedy: .skipReason) }
        try transaction("skip item \(id)") { db in
            try expireClaims(db, now: now)
            let item = try Item.load(db, id)
            try item.mustBeSkippable(by: reviewer, force: force)
            try db.execute(literal: """
                UPDATE queue_items SET status = \(QueueStatus.skipped), skip_reason = \(reason), assigned_to = \(actor), claim_expires_at = NULL
                WHERE id = \(id)
                """)
            try AuditLog.append(db, at: now, actor: actor, action: .skip, item: id, conversation: item.conversationID, detail: ["why": reason])
        }
    }

    /// The external id of an item's conversation, nil when there is no such item.
    public func conversation(ofItem id: Int64) throws(PitbossError) -> String? {
        do {
            return try database.writer.read { db in
                try SQLRequest<String>("SELECT c.external_id FROM queue_items q JOIN conversations c ON c.id = q.conversation_id WHERE q.id = \(id)").fetchOne(db)
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read queue item \(id)", busyTimeout: database.busyTimeout)
        }
    }

    /// The queue item that `pitboss review`/`score` mean by TARGET: `#12` is item 12; otherwise a conversation id (its
    /// item that is claimed or open before one that is scored, the most urgent first), else a bare item number.
    /// A number that is both a queued conversation's id and an item's id is refused as ambiguous. By a conversation id, a
    /// calibration task is found only for the reviewer it is assigned to (`reviewer`): the others' are theirs alone; and of
    /// the waiting items, the reviewer's own (claimed or assigned) come first, as in `review next`.
    public func item(named target: String, for reviewer: String? = nil) throws(PitbossError) -> Int64 {
        if target.hasPrefix("#"), let id = Int64(target.dropFirst()) { return id }
        do {
            return try database.writer.read { db in
                let byConversation = try SQLRequest<Int64>("""
                    SELECT q.id FROM queue_items q JOIN conversations c ON c.id = q.conversation_id WHERE c.external_id = \(target)
                      AND (q.calibration_session_id IS NULL OR q.assigned_to = \(reviewer ?? ""))
                    ORDER BY CASE WHEN q.assigned_to = \(reviewer ?? "") AND q.status IN (\(QueueStatus.claimed), \(QueueStatus.open)) THEN 0
                                  WHEN q.status = \(QueueStatus.claimed) THEN 1 WHEN q.status = \(QueueStatus.open) THEN 2
                                  WHEN q.status = \(QueueStatus.scored) THEN 3 ELSE 4 END,
                        q.priority DESC, q.id
                    LIMIT 1
                    """).fetchOne(db)
                let byNumber = try Int64(target).flatMap { try SQLRequest<Int64>("SELECT id FROM queue_items WHERE id = \($0)").fetchOne(db) }
                return try Self.resolve(target, byConversation: byConversation, byNumber: byNumber)
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "find the queue item \(target)", busyTimeout: database.busyTimeout)
        }
    }

    /// What TARGET names, from the item found by conversation id and the item found by number (either backend's lookups).
    static func resolve(_ target: String, byConversation: Int64?, byNumber: Int64?) throws(PitbossError) -> Int64 {
        switch (byConversation, byNumber) {
        case let (conversationItem?, numberItem?) where conversationItem != numberItem:
            throw .usage("'\(target)' is both a queued conversation's id and queue item \(numberItem)'s; write #\(numberItem) for the item")
        case let (found?, _), let (nil, found?):
            return found
        case (nil, nil):
            if let number = Int64(target) {
                throw .missingFile("there is no queue item \(number) and no queued conversation '\(target)'", remedy: .listQueue)
            }
            throw .missingFile("'\(target)' is not a queued conversation (a conversation enters the queue when it is flagged or sampled)", remedy: .listQueue)
        }
    }

    // MARK: - Inside a transaction

    func transaction<T>(_ action: String, _ body: (Database) throws -> T) throws(PitbossError) -> T {
        do {
            return try database.writer.write(body)
        } catch {
            throw PitbossDatabase.translate(error, doing: action, busyTimeout: database.busyTimeout)
        }
    }

    /// Claims whose lease ran out go back to the queue (to their assignee, if a supervisor assigned them).
    func expireClaims(_ db: Database, now: Date) throws {
        let nowText = UTCTimestamp.format(now)
        let expired = try SQLRequest<Row>("""
            SELECT id, conversation_id, assigned_to, claim_expires_at FROM queue_items
            WHERE status = \(QueueStatus.claimed) AND claim_expires_at <= \(nowText)
            """).fetchAll(db)
        for row in expired {
            let id: Int64 = row["id"]
            try db.execute(literal: """
                UPDATE queue_items SET status = \(QueueStatus.open), claimed_at = NULL, claim_expires_at = NULL,
                    assigned_to = CASE WHEN assigned_by IS NULL THEN NULL ELSE assigned_to END
                WHERE id = \(id)
                """)
            try AuditLog.append(db, at: now, actor: "pitboss", action: .expire, item: id, conversation: row["conversation_id"],
                                detail: ["holder": row["assigned_to"] ?? "", "expired_at": row["claim_expires_at"] ?? ""])
        }
    }

    func take(_ db: Database, _ id: Int64, for reviewer: Reviewer, now: Date) throws -> Claim {
        let expires = UTCTimestamp.format(now.addingTimeInterval(lease))
        let item = try Item.load(db, id)
        let renewing = item.status == .claimed
        try db.execute(literal: """
            UPDATE queue_items SET status = \(QueueStatus.claimed), assigned_to = \(reviewer.name), claimed_at = COALESCE(claimed_at, \(UTCTimestamp.format(now))),
                claim_expires_at = \(expires) WHERE id = \(id)
            """)
        try AuditLog.append(db, at: now, actor: reviewer.name, action: renewing ? .renew : .claim, item: id, conversation: item.conversationID,
                            detail: ["expires_at": expires])
        return Claim(item: id, conversation: item.conversation, reason: item.reason, priority: item.priority, reviewer: reviewer.name, expiresAt: expires)
    }

    /// A queue item's state, read inside a transaction.
    struct Item: FetchableRecord {
        var id: Int64
        var conversationID: Int64
        var conversation: String
        var agentIDs: [String]
        var reason: QueueReason
        var priority: Int
        var status: QueueStatus
        var assignedTo: String?
        /// Who holds a claim on another item of the same conversation (flagged and sampled, say), if anyone.
        var otherClaimant: String?

        init(row: Row) {
            id = row["id"]
            conversationID = row["conversation_id"]
            conversation = row["external_id"]
            agentIDs = [row["agent_id"]]
            reason = row["reason"]
            priority = row["priority"]
            status = row["status"]
            assignedTo = row["assigned_to"]
        }

        static func load(_ db: Database, _ id: Int64) throws -> Item {
            guard var item = try SQLRequest<Item>("""
                SELECT q.id, q.conversation_id, c.external_id, c.agent_id, q.reason, q.priority, q.status, q.assigned_to
                FROM queue_items q JOIN conversations c ON c.id = q.conversation_id WHERE q.id = \(id)
                """).fetchOne(db) else {
                throw PitbossError.missingFile("there is no queue item \(id)", remedy: .listQueue)
            }
            item.agentIDs += try SQLRequest<String>("""
                SELECT DISTINCT agent_id FROM turns WHERE conversation_id = \(item.conversationID) AND agent_id IS NOT NULL
                """).fetchAll(db)
            // A calibration task is its reviewer's alone: others scoring the same conversation do not stand in its way.
            if item.reason != .calibration {
                item.otherClaimant = try SQLRequest<String>("""
                    SELECT assigned_to FROM queue_items WHERE conversation_id = \(item.conversationID) AND id != \(id) AND status = \(QueueStatus.claimed)
                      AND calibration_session_id IS NULL LIMIT 1
                    """).fetchOne(db)
            }
            return item
        }

        /// Whether a supervisor may hand it to `reviewer`: it is open (an item assigned to someone else is reassigned), not
        /// someone else's calibration task, and not a conversation the reviewer was the agent in.
        func mustBeAssignable(to reviewer: Reviewer) throws(PitbossError) {
            switch status {
            case .claimed: throw .refused("item \(id) (\(conversation)) is claimed by \(assignedTo ?? "someone"); nothing was assigned")
            case .scored: throw .refused("item \(id) (\(conversation)) is scored already; nothing was assigned")
            case .skipped: throw .refused("item \(id) (\(conversation)) was skipped; release it first; nothing was assigned", remedy: .releaseItem(id))
            case .open: break
            }
            if reason == .calibration && assignedTo != reviewer.name {
                throw .refused("item \(id) is \(assignedTo ?? "a reviewer")'s calibration task: it stays with them (a calibration session names its reviewers); nothing was assigned")
            }
            if agentIDs.contains(where: reviewer.isAgent) {
                throw .refused("\(reviewer.name) was the agent in \(conversation) (item \(id)): nobody reviews their own conversation; nothing was assigned")
            }
        }

        /// Whether `actor` may give it back to the open queue: it is held, and by them unless `force`.
        func mustBeReleasable(by actor: String, force: Bool) throws(PitbossError) {
            switch status {
            case .scored:
                throw .refused("item \(id) is scored (\(conversation)); a review is never withdrawn", remedy: .correctReview(String(id)))
            case .open where assignedTo == nil:
                throw .usage("item \(id) is open and held by nobody; nothing to release")
            default:
                break
            }
            if let holder = assignedTo, holder != actor, !force {
                throw .refused("item \(id) is \(status == .claimed ? "claimed by" : "assigned to") \(holder), not \(actor)", remedy: .supervisorForce)
            }
        }

        /// Whether the reviewer may take it out of review: it is waiting, it is not their own conversation (skipping
        /// takes a conversation out of review: not something its own agent may do), and they hold it unless `force`.
        func mustBeSkippable(by reviewer: Reviewer, force: Bool) throws(PitbossError) {
            guard status == .open || status == .claimed else { throw .refused("item \(id) is already \(status.rawValue)") }
            if let agent = agentIDs.first(where: reviewer.isAgent) {
                throw .refused("item \(id) is \(conversation), in which \(reviewer.name) was the agent\(reviewer.agentClause(agent)); leave the decision to skip it to someone else")
            }
            if let holder = assignedTo, holder != reviewer.name, !force {
                throw .refused("item \(id) is held by \(holder), not by \(reviewer.name)", remedy: .supervisorForce)
            }
        }

        /// Whether the reviewer may claim (or renew, or score) it now; expired claims have been returned already.
        func mustBeTakable(by reviewer: Reviewer) throws(PitbossError) {
            if let agent = agentIDs.first(where: reviewer.isAgent) {
                throw .refused("item \(id) is \(conversation), in which \(reviewer.name) was the agent\(reviewer.agentClause(agent)); nobody reviews their own conversation — leave it to another reviewer")
            }
            switch status {
            case .scored: throw .refused("item \(id) (\(conversation)) is already scored", remedy: .correctReview(conversation))
            case .skipped: throw .refused("item \(id) (\(conversation)) was skipped", remedy: .releaseItem(id))
            case .open, .claimed: break
            }
            if let holder = assignedTo, holder != reviewer.name {
                throw .refused("item \(id) is \(status == .claimed ? "claimed by" : "assigned to") \(holder) (a supervisor can take it back)", remedy: .reviewNext)
            }
            if let other = otherClaimant, other != reviewer.name {
                throw .refused("\(conversation) is being reviewed by \(other) (another of its queue items)", remedy: .reviewNext)
            }
        }
    }
}
