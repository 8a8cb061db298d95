import Foundation

/// Conversations and their turns on PostgreSQL, written the way a server takes bulk data: the batch's existing ids are
/// looked up in one query, new conversations get their ids from the sequence in one call, and conversations and turns
/// go in with COPY. Imports take turns on a transaction-scoped advisory lock (two imports of the same file must not both
/// insert a conversation), which flag's writes share (a batch's findings are about the text it read); reviewers never
/// wait for an import, which locks no row they read or claim.
public struct PostgresConversationStore: ConversationImportStore, ConversationReading {
    public let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public var ownFiles: [String] { [] }

    private var connection: PostgresConnection { database.connection }

    public func saveStream(replace: Bool, limits: ConversationStore.TransactionLimits, now: Date,
                           next: (_ wait: Bool) -> [ConversationStore.Prepared]?,
                           committed: ([ConversationStore.Prepared], [SaveOutcome]) -> Void) throws(PitbossError) {
        let importedAt = UTCTimestamp.format(now)
        do {
            while let first = next(true) {
                var done: [([ConversationStore.Prepared], [SaveOutcome])] = []
                try connection.transaction {
                    try connection.execute("SELECT pg_advisory_xact_lock(hashtext('pitboss-import'))")
                    let started = Date()
                    var batch = first
                    var written = 0
                    while true {
                        done.append((batch, try save(batch, replace: replace, importedAt: importedAt)))
                        written += batch.count
                        guard written < limits.maxConversations, Date().timeIntervalSince(started) < limits.maxDuration,
                              let more = next(false) else { break }
                        batch = more
                    }
                }
                for (batch, outcomes) in done { committed(batch, outcomes) }
            }
            // The planner's statistics, brought up to date at once after a bulk load rather than by autovacuum a minute
            // later: the flag run that usually follows reads by them. (Only the tables' owner may; for others the server
            // skips it with a warning, and autovacuum does it.)
            try connection.execute("ANALYZE conversations, turns")
        } catch {
            throw PostgresDatabase.translate(error, doing: "save conversations")
        }
    }

    private struct Existing {
        var id: Int64
        var hash: String
        var source: ConversationSource
    }

    /// One batch, in order: what is new is written in bulk at the end; what is there already is compared, and replaced
    /// one by one when asked (rare).
    private func save(_ batch: [ConversationStore.Prepared], replace: Bool, importedAt: String) throws -> [SaveOutcome] {
        var existing: [String: Existing] = [:]
        for row in try connection.execute("""
            SELECT external_id, id, content_hash, source_file, source_record FROM conversations WHERE external_id = ANY($1::text[])
            """, [PostgresText.array(batch.map(\.conversation.externalID))]).rows {
            guard let key = row[0], let id = row[1].flatMap({ Int64($0) }) else { continue }
            existing[key] = Existing(id: id, hash: row[2] ?? "", source: ConversationSource(file: row[3] ?? "", record: row[4] ?? "", format: .jsonl))
        }
        var outcomes: [SaveOutcome] = []
        var fresh: [ConversationStore.Prepared] = []
        // A conversation new to the database but met earlier in this batch stands where the first one stands.
        var freshHere: [String: (hash: String, source: ConversationSource)] = [:]
        for item in batch {
            let conversation = item.conversation
            if let earlier = freshHere[conversation.externalID] {
                outcomes.append(earlier.hash == item.contentHash ? .unchanged : .conflict(existing: earlier.source.humanDescription))
                continue
            }
            guard let found = existing[conversation.externalID] else {
                fresh.append(item)
                freshHere[conversation.externalID] = (item.contentHash, conversation.source)
                outcomes.append(.imported)
                continue
            }
            outcomes.append(try compare(item, with: found, replace: replace, importedAt: importedAt))
        }
        try insert(fresh, importedAt: importedAt)
        return outcomes
    }

    private func compare(_ item: ConversationStore.Prepared, with existing: Existing, replace: Bool, importedAt: String) throws -> SaveOutcome {
        if existing.hash == item.contentHash { return .unchanged }
        let id = String(existing.id)
        if try connection.value("SELECT EXISTS (SELECT 1 FROM reviews WHERE conversation_id = $1)", [id]) == "t" {
            return .reviewed(existing: existing.source.humanDescription)
        }
        guard replace else { return .conflict(existing: existing.source.humanDescription) }
        if let reviewer = try connection.value("SELECT assigned_to FROM queue_items WHERE conversation_id = $1 AND status = 'claimed' LIMIT 1", [id]) {
            return .inReview(existing: existing.source.humanDescription, reviewer: reviewer)
        }
        // As on SQLite: the old text's findings and evaluations go with it, and its open flagged item; the next flag run
        // evaluates it afresh.
        try connection.execute("DELETE FROM findings WHERE conversation_id = $1", [id])
        try connection.execute("DELETE FROM evaluations WHERE conversation_id = $1", [id])
        try connection.execute("DELETE FROM queue_items WHERE conversation_id = $1 AND reason = 'flagged' AND status = 'open'", [id])
        try connection.execute("DELETE FROM turns WHERE conversation_id = $1", [id])
        try connection.execute("""
            UPDATE conversations SET external_id = $1, source_file = $2, source_record = $3, source_format = $4, channel = $5, language = $6,
                agent_id = $7, shift_id = $8, started_at = $9, customer_id = $10, customer_vip = $11, tags = $12, content_hash = $13,
                turn_count = $14, imported_at = $15, first_response_seconds = $16, unanswered = $17
            WHERE id = $18
            """, Self.conversationValues(item, importedAt: importedAt) + [id])
        try copyTurns([(existing.id, item)])
        return .replaced
    }

    /// New conversations: ids from the sequence, then COPY.
    private func insert(_ items: [ConversationStore.Prepared], importedAt: String) throws {
        guard !items.isEmpty else { return }
        let ids = try connection.execute("""
            SELECT nextval(pg_get_serial_sequence('conversations', 'id')) FROM generate_series(1, $1::int)
            """, [String(items.count)]).rows.compactMap { $0[0].flatMap { Int64($0) } }
        guard ids.count == items.count else { throw PitbossError.internalFailure("the conversations' id sequence gave \(ids.count) ids for \(items.count)") }
        try connection.copyIn("""
            COPY conversations (id, external_id, source_file, source_record, source_format, channel, language, agent_id, shift_id,
                started_at, customer_id, customer_vip, tags, content_hash, turn_count, imported_at, first_response_seconds, unanswered) FROM STDIN
            """) { send in
            for (id, item) in zip(ids, items) { try send([String(id)] + Self.conversationValues(item, importedAt: importedAt)) }
        }
        try copyTurns(Array(zip(ids, items)))
    }

    private func copyTurns(_ conversations: [(Int64, ConversationStore.Prepared)]) throws {
        try connection.copyIn("COPY turns (conversation_id, idx, role, speaker, agent_id, at, start_seconds, end_seconds, text) FROM STDIN") { send in
            for (id, item) in conversations {
                let turns = item.conversation.turns
                for i in turns.indices {
                    let turn = turns[i]
                    try send([String(id), String(turn.index), turn.role.rawValue, turn.speaker, turn.agentID, item.turnTimes[i],
                              turn.start.map { "\($0)" }, turn.end.map { "\($0)" }, turn.text])
                }
            }
        }
    }

    public func conversation(externalID: String) throws(PitbossError) -> Conversation? {
        do {
            guard let row = try connection.rows("SELECT * FROM conversations WHERE external_id = $1", [externalID]).first else { return nil }
            let turns = try connection.rows("SELECT * FROM turns WHERE conversation_id = $1 ORDER BY idx", [String(row["id"] as Int64)])
            return ConversationStore.conversation(row, turns: turns)
        } catch {
            throw PostgresDatabase.translate(error, doing: "read conversation \(externalID)")
        }
    }

    public func externalIDs(prefix: String, limit: Int) throws(PitbossError) -> [String] {
        do {
            // starts_with, not LIKE: the prefix is text, never a pattern.
            return try connection.execute("SELECT external_id FROM conversations WHERE starts_with(external_id, $1) ORDER BY external_id LIMIT $2",
                                          [prefix, String(limit)]).rows.compactMap { $0[0] }
        } catch {
            throw PostgresDatabase.translate(error, doing: "look up conversation ids")
        }
    }

    /// The conversation's columns after its id, in the order of the INSERT and the UPDATE above.
    private static func conversationValues(_ item: ConversationStore.Prepared, importedAt: String) -> [String?] {
        let c = item.conversation
        let firstResponse = item.firstResponse.stored
        return [c.externalID, c.source.file, c.source.record, c.source.format.rawValue, c.channel.rawValue, c.language, c.agentID, c.shiftID,
                item.startedAtText, c.customerID, c.isVIP ? "true" : "false", item.tagsJSON, item.contentHash, String(c.turns.count), importedAt,
                firstResponse.seconds.map { "\($0)" }, firstResponse.unanswered ? "true" : "false"]
    }
}
