import Foundation

/// `pitboss queue assign` on PostgreSQL. Named items are locked (`FOR UPDATE`) and checked by the rules SQLite applies;
/// a count takes the most urgent matching open items with `FOR UPDATE SKIP LOCKED`, so an assignment never waits for a
/// reviewer's claim and never hands out an item a reviewer is taking at that moment. The server's queue trigger lets
/// only supervisors write `assigned_by`.
extension PostgresReviewQueue: WorkAssigning {
    public func assign(items: [Int64], to reviewer: Reviewer, by actor: String, now: Date) throws(PitbossError) {
        try transaction("assign items to \(reviewer.name)") {
            try database.requireReviewerLogins([reviewer.name], for: "given work: nothing was assigned")
            try expireClaims(now: now)
            var seen = Set<Int64>()
            for id in items where seen.insert(id).inserted {
                _ = try connection.value("SELECT id FROM queue_items WHERE id = $1 FOR UPDATE", [String(id)])
                let item = try load(id)
                try item.mustBeAssignable(to: reviewer)
                if item.assignedTo == reviewer.name { continue }  // already theirs: nothing to do, nothing to log
                try hand(id, conversation: item.conversationID, to: reviewer, by: actor, from: item.assignedTo, now: now)
            }
        }
    }

    public func assign(to reviewer: Reviewer, count: Int, filter: ReviewQueue.ItemFilter, by actor: String, now: Date) throws(PitbossError) -> [Int64] {
        guard count > 0 else { throw .usage("the number of items to assign must be at least 1", remedy: .assignCount) }
        return try transaction("assign items to \(reviewer.name)") {
            try database.requireReviewerLogins([reviewer.name], for: "given work: nothing was assigned")
            try expireClaims(now: now)
            var parameters: [String?] = [PostgresText.array(reviewer.agentIDs)]
            var conditions = ["q.status = 'open'", "q.assigned_to IS NULL", "q.calibration_session_id IS NULL"]
            func any(_ column: String, _ values: [String]) {
                guard !values.isEmpty else { return }
                parameters.append(PostgresText.array(values))
                conditions.append("\(column) = ANY($\(parameters.count)::text[])")
            }
            any("q.reason", filter.reason.map { [$0.rawValue] } ?? [])
            any("c.agent_id", filter.agent.map { [$0] } ?? [])
            any("c.language", filter.languages)
            any("c.shift_id", filter.shifts)
            any("c.channel", filter.channels.map(\.rawValue))
            parameters.append(String(count))
            let rows = try connection.execute("""
                SELECT q.id, q.conversation_id FROM queue_items q JOIN conversations c ON c.id = q.conversation_id
                WHERE \(conditions.joined(separator: " AND "))
                  AND lower(c.agent_id) <> ALL($1::text[])
                  AND NOT EXISTS (SELECT 1 FROM turns t WHERE t.conversation_id = q.conversation_id AND lower(t.agent_id) = ANY($1::text[]))
                  AND NOT EXISTS (SELECT 1 FROM queue_items o WHERE o.conversation_id = q.conversation_id AND o.status = 'claimed'
                                  AND o.calibration_session_id IS NULL)
                ORDER BY q.priority DESC, q.id LIMIT $\(parameters.count)
                FOR UPDATE OF q SKIP LOCKED
                """, parameters).rows
            var assigned: [Int64] = []
            for row in rows {
                guard let id = row[0].flatMap({ Int64($0) }), let conversation = row[1].flatMap({ Int64($0) }) else { continue }
                try hand(id, conversation: conversation, to: reviewer, by: actor, from: nil, now: now)
                assigned.append(id)
            }
            return assigned
        }
    }

    private func hand(_ id: Int64, conversation: Int64, to reviewer: Reviewer, by actor: String, from holder: String?, now: Date) throws {
        let changed = try connection.execute("UPDATE queue_items SET assigned_to = $1, assigned_by = $2 WHERE id = $3", [reviewer.name, actor, String(id)])
        guard changed.affected == 1 else {
            throw PitbossError.refused("the server did not let \(database.loginName) assign item \(id): assigning work is for members of pitboss_supervisor")
        }
        try audit(at: now, actor: actor, action: .assign, item: id, conversation: conversation,
                  detail: ["to": reviewer.name].merging(holder.map { ["from": $0] } ?? [:]) { a, _ in a })
    }
}
