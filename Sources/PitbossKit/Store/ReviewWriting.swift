import Foundation
import GRDB

/// The writes and reads that storing a review is made of, inside one transaction, one implementation per backend
/// (`SQLiteReviewWriting`, `PostgresReviewWriting`). The rules that decide what is written are `ReviewRules`, once.
protocol ReviewWriting {
    func expireClaims(now: Date) throws
    func loadItem(_ id: Int64) throws -> ReviewQueue.Item
    /// The conversation's current review (the last of its corrections), if it has one.
    func latestReview(conversation: Int64) throws -> (id: Int64, revision: Int, reviewer: String, item: Int64?)?
    /// The accepted dispute whose decision stored this review, if any.
    func acceptedDispute(storing review: Int64) throws -> Int64?
    /// The conversation's findings (not rule errors), by id, with their rules.
    func findingRules(conversation: Int64) throws -> [Int64: String]
    func insertReview(_ s: ReviewSubmission, conversation: Int64, item: Int64, revision: Int, revises: Int64?, now: String) throws -> Int64
    func insertAnswer(review: Int64, position: Int, _ answer: CriterionAnswer) throws
    /// The verdict with the review, and on the finding as its latest.
    func insertVerdict(review: Int64, _ verdict: FindingVerdict, rule: String?, by reviewer: String, now: String) throws
    func markScored(item: Int64, by reviewer: String) throws
    /// The conversation's other open flagged and sample items.
    func openSiblings(conversation: Int64, except item: Int64) throws -> [Int64]
    func markSiblingScored(item: Int64, by reviewer: String) throws
    func audit(at now: Date, actor: String, action: AuditAction, item: Int64?, conversation: Int64?, review: Int64?, detail: [String: String]) throws
}

/// What storing a review decides, whatever the backend: a first review needs the item to be the reviewer's to take; a
/// correction starts from the conversation's current review (and is refused when another was stored meanwhile, or when
/// that one is a dispute's decision); verdicts name the conversation's findings, once each; a first review scores the
/// item and the conversation's other waiting items; every change is audited.
enum ReviewRules {
    static func insert(_ s: ReviewSubmission, item: ReviewQueue.Item, into w: some ReviewWriting, now: Date) throws -> Int64 {
        let nowText = UTCTimestamp.format(now)
        var revision = 1
        var revises: Int64?
        // The item the review is recorded against: for a correction, the corrected review's, whatever item was
        // named — a correction never touches the queue (another item of the conversation may be someone's claim).
        var reviewedItem = s.item
        if let reason = s.revisionReason {
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw PitbossError.usage("a correction needs a reason") }
            if let agent = item.agentIDs.first(where: s.reviewer.isAgent) {
                throw PitbossError.refused("item \(s.item) is \(item.conversation), in which \(s.reviewer.name) was the agent\(s.reviewer.agentClause(agent)); nobody reviews their own conversation")
            }
            // The current review of the conversation, whichever of its items it was submitted through.
            guard let latest = try w.latestReview(conversation: item.conversationID) else {
                throw PitbossError.usage("\(item.conversation) has no submitted review to correct; score it as a first review")
            }
            if !s.decidesDispute, let dispute = try w.acceptedDispute(storing: latest.id) {
                throw PitbossError.refused("review #\(latest.id) is the decision of dispute #\(dispute): it changes only through another dispute, decided by someone else; nothing was stored")
            }
            if let basedOn = s.basedOn, basedOn != latest.id {
                throw PitbossError.refused("\(item.conversation) was revised meanwhile by \(latest.reviewer) (review #\(latest.id)); nothing was stored: read it and revise again", remedy: .history(item.conversation))
            }
            revises = latest.id
            revision = latest.revision + 1
            reviewedItem = latest.item ?? s.item
        } else {
            try item.mustBeTakable(by: s.reviewer)
            if s.requiresClaim && !(item.status == .claimed && item.assignedTo == s.reviewer.name) {
                throw PitbossError.refused("your claim on item \(s.item) ended before the submit (a supervisor took it back, or it ran out); nothing was stored")
            }
        }

        let ruleOf = try w.findingRules(conversation: item.conversationID)
        for v in s.verdicts {
            guard let rule = ruleOf[v.finding] else {
                let known = ruleOf.keys.sorted().map { "F\($0)" }.joined(separator: ", ")
                throw PitbossError.usage("F\(v.finding) is not a finding of \(item.conversation) (its findings: \(known.isEmpty ? "none" : known)); nothing was stored")
            }
            if let seen = v.rule, seen != rule {
                throw PitbossError.refused("F\(v.finding) is now a finding of rule \(rule), not \(seen): the conversation was flagged again meanwhile; review it again; nothing was stored")
            }
        }
        if Set(s.verdicts.map(\.finding)).count != s.verdicts.count {
            throw PitbossError.usage("a finding is given more than one verdict; nothing was stored")
        }

        let reviewID = try w.insertReview(s, conversation: item.conversationID, item: reviewedItem, revision: revision, revises: revises, now: nowText)
        for (position, answer) in s.scorecard.answers.enumerated() { try w.insertAnswer(review: reviewID, position: position, answer) }
        for v in s.verdicts { try w.insertVerdict(review: reviewID, v, rule: ruleOf[v.finding], by: s.reviewer.name, now: nowText) }
        if revision == 1 { try w.markScored(item: s.item, by: s.reviewer.name) }
        let detail = ["score": ReviewStore.formatScore(s.scorecard.score), "auto_failed": s.scorecard.autoFailed ? "true" : "false",
                      "revision": String(revision), "rubric_hash": s.rubric.contentHash]
        try w.audit(at: now, actor: s.reviewer.name, action: revision == 1 ? .score : .revise, item: reviewedItem,
                    conversation: item.conversationID, review: reviewID,
                    detail: detail.merging(s.revisionReason.map { ["reason": $0] } ?? [:]) { a, _ in a })
        if revision == 1 {
            // The conversation has been reviewed: its other waiting items (open, assigned or not) would only ask for
            // the same review again.
            for sibling in try w.openSiblings(conversation: item.conversationID, except: s.item) {
                try w.markSiblingScored(item: sibling, by: s.reviewer.name)
                try w.audit(at: now, actor: s.reviewer.name, action: .score, item: sibling, conversation: item.conversationID,
                            review: reviewID, detail: ["via_item": String(s.item)])
            }
        }
        return reviewID
    }
}

/// Storing a review on SQLite, inside the caller's write transaction.
struct SQLiteReviewWriting: ReviewWriting {
    let db: Database
    let queue: ReviewQueue

    func expireClaims(now: Date) throws { try queue.expireClaims(db, now: now) }

    func loadItem(_ id: Int64) throws -> ReviewQueue.Item { try ReviewQueue.Item.load(db, id) }

    func latestReview(conversation: Int64) throws -> (id: Int64, revision: Int, reviewer: String, item: Int64?)? {
        try SQLRequest<Row>("""
            SELECT id, revision, reviewer, queue_item_id FROM current_reviews WHERE conversation_id = \(conversation) ORDER BY id DESC LIMIT 1
            """).fetchOne(db).map { ($0["id"], $0["revision"], $0["reviewer"], $0["queue_item_id"]) }
    }

    func acceptedDispute(storing review: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM disputes WHERE revision_id = ? AND status = 'accepted'", arguments: [review])
    }

    func findingRules(conversation: Int64) throws -> [Int64: String] {
        var rules: [Int64: String] = [:]
        for row in try SQLRequest<Row>("""
            SELECT id, rule_id FROM findings WHERE conversation_id = \(conversation) AND status != \(FindingStatus.error) ORDER BY id
            """).fetchAll(db) { rules[row["id"]] = row["rule_id"] }
        return rules
    }

    func insertReview(_ s: ReviewSubmission, conversation: Int64, item: Int64, revision: Int, revises: Int64?, now: String) throws -> Int64 {
        try db.execute(literal: """
            INSERT INTO reviews (conversation_id, reviewer, created_at, queue_item_id, revision, revises, revision_reason,
                                 rubric_name, rubric_version, rubric_hash, score, raw_score, auto_failed, comment)
            VALUES (\(conversation), \(s.reviewer.name), \(now), \(item), \(revision), \(revises), \(s.revisionReason),
                    \(s.rubric.name), \(s.rubric.version), \(s.rubric.contentHash), \(s.scorecard.score), \(s.scorecard.rawScore),
                    \(s.scorecard.autoFailed), \(s.comment))
            """)
        return db.lastInsertedRowID
    }

    func insertAnswer(review: Int64, position: Int, _ a: CriterionAnswer) throws {
        try db.execute(literal: """
            INSERT INTO review_answers (review_id, criterion, position, answer, item_score, weight, critical)
            VALUES (\(review), \(a.criterion), \(position), \(a.answer), \(a.itemScore), \(a.weight), \(a.critical))
            """)
    }

    func insertVerdict(review: Int64, _ v: FindingVerdict, rule: String?, by reviewer: String, now: String) throws {
        try db.execute(literal: """
            INSERT INTO review_verdicts (review_id, finding_id, rule_id, verdict, reason) VALUES (\(review), \(v.finding), \(rule), \(v.verdict), \(v.reason))
            """)
        // The finding carries its latest verdict, for flag (which never replaces a judged finding) and precision.
        try db.execute(literal: """
            UPDATE findings SET verdict = \(v.verdict), verdict_by = \(reviewer), verdict_at = \(now), verdict_reason = \(v.reason) WHERE id = \(v.finding)
            """)
    }

    func markScored(item: Int64, by reviewer: String) throws {
        try db.execute(literal: "UPDATE queue_items SET status = \(QueueStatus.scored), assigned_to = \(reviewer), claim_expires_at = NULL WHERE id = \(item)")
    }

    func openSiblings(conversation: Int64, except item: Int64) throws -> [Int64] {
        try SQLRequest<Int64>("""
            SELECT id FROM queue_items WHERE conversation_id = \(conversation) AND id != \(item) AND status = \(QueueStatus.open)
              AND reason IN \([QueueReason.flagged, .sample]) ORDER BY id
            """).fetchAll(db)
    }

    func markSiblingScored(item: Int64, by reviewer: String) throws {
        try db.execute(literal: "UPDATE queue_items SET status = \(QueueStatus.scored), assigned_to = \(reviewer) WHERE id = \(item)")
    }

    func audit(at now: Date, actor: String, action: AuditAction, item: Int64?, conversation: Int64?, review: Int64?, detail: [String: String]) throws {
        try AuditLog.append(db, at: now, actor: actor, action: action, item: item, conversation: conversation, review: review, detail: detail)
    }
}
