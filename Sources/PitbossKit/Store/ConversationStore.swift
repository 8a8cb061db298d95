import Foundation
import GRDB

/// What saving one conversation did.
public enum SaveOutcome: Sendable, Equatable {
    case imported
    /// The same id with the same content was already there.
    case unchanged
    /// The same id with other content was there and `--replace` replaced it.
    case replaced
    /// The same id with other content is there and was left as it was.
    case conflict(existing: String)
    /// The same id with other content is there, has reviews, and is never replaced.
    case reviewed(existing: String)
}

/// Conversations and their turns in the database.
public struct ConversationStore: Sendable {
    public let database: PitbossDatabase

    public init(database: PitbossDatabase) {
        self.database = database
    }

    /// A conversation and its content hash, ready to write.
    public struct Prepared: Sendable {
        public var conversation: Conversation
        public var contentHash: String

        public init(_ conversation: Conversation) {
            self.conversation = conversation
            self.contentHash = conversation.contentHash
        }
    }

    /// Saves a batch in one short write transaction: every conversation whole, or none of them.
    public func save(_ batch: [Prepared], replace: Bool, now: Date = Date()) throws(PitbossError) -> [SaveOutcome] {
        guard !batch.isEmpty else { return [] }
        let importedAt = UTCTimestamp.format(now)
        do {
            return try database.writer.write { db in
                try batch.map { try save($0, replace: replace, importedAt: importedAt, in: db) }
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "save \(batch.count) conversations")
        }
    }

    private func save(_ item: Prepared, replace: Bool, importedAt: String, in db: Database) throws -> SaveOutcome {
        let conversation = item.conversation
        let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, content_hash, source_file, source_record FROM conversations WHERE external_id = ?"),
            arguments: [conversation.externalID])
        guard let existing else {
            try db.cachedStatement(sql: """
                INSERT INTO conversations (external_id, source_file, source_record, source_format, channel, language,
                    agent_id, shift_id, started_at, customer_id, customer_vip, tags, content_hash, turn_count, imported_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: conversationArguments(item, importedAt: importedAt))
            try insertTurns(conversation.turns, conversationID: db.lastInsertedRowID, in: db)
            return .imported
        }
        let rowID: Int64 = existing["id"]
        if existing["content_hash"] == item.contentHash { return .unchanged }
        let source = ConversationSource(file: existing["source_file"], record: existing["source_record"], format: .jsonl).humanDescription
        let hasReviews = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM reviews WHERE conversation_id = ?)"),
                                           arguments: [rowID]) ?? false
        if hasReviews { return .reviewed(existing: source) }
        guard replace else { return .conflict(existing: source) }
        try db.cachedStatement(sql: """
            UPDATE conversations SET external_id = ?, source_file = ?, source_record = ?, source_format = ?, channel = ?,
                language = ?, agent_id = ?, shift_id = ?, started_at = ?, customer_id = ?, customer_vip = ?, tags = ?,
                content_hash = ?, turn_count = ?, imported_at = ?
            WHERE id = ?
            """).execute(arguments: conversationArguments(item, importedAt: importedAt) + [rowID])
        try db.cachedStatement(sql: "DELETE FROM turns WHERE conversation_id = ?").execute(arguments: [rowID])
        try insertTurns(conversation.turns, conversationID: rowID, in: db)
        return .replaced
    }

    private func conversationArguments(_ item: Prepared, importedAt: String) -> StatementArguments {
        let c = item.conversation
        let tags = String(decoding: (try? JSONEncoder().encode(c.tags)) ?? Data("[]".utf8), as: UTF8.self)
        return [c.externalID, c.source.file, c.source.record, c.source.format.rawValue, c.channel.rawValue, c.language,
                c.agentID, c.shiftID, UTCTimestamp.format(c.startedAt), c.customerID, c.isVIP, tags, item.contentHash,
                c.turns.count, importedAt]
    }

    private func insertTurns(_ turns: [Turn], conversationID: Int64, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO turns (conversation_id, idx, role, speaker, agent_id, at, start_seconds, end_seconds, text)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for turn in turns {
            try statement.execute(arguments: [conversationID, turn.index, turn.role.rawValue, turn.speaker, turn.agentID,
                                              turn.at.map(UTCTimestamp.format), turn.start, turn.end, turn.text])
        }
    }

    /// The stored conversation with this external id, or nil.
    public func conversation(externalID: String) throws(PitbossError) -> Conversation? {
        do {
            return try database.writer.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM conversations WHERE external_id = ?", arguments: [externalID])
                else { return nil }
                let turns = try Row.fetchAll(db, sql: "SELECT * FROM turns WHERE conversation_id = ? ORDER BY idx",
                                             arguments: [row["id"] as Int64]).map { turn in
                    Turn(index: turn["idx"], role: SpeakerRole(rawValue: turn["role"]) ?? .system, speaker: turn["speaker"],
                         agentID: turn["agent_id"], at: (turn["at"] as String?).flatMap { UTCTimestamp.parse($0) },
                         start: turn["start_seconds"], end: turn["end_seconds"], text: turn["text"])
                }
                let tagsJSON: String = row["tags"]
                return Conversation(
                    externalID: row["external_id"],
                    source: ConversationSource(file: row["source_file"], record: row["source_record"],
                                               format: TranscriptFormat(rawValue: row["source_format"]) ?? .jsonl),
                    channel: Channel(rawValue: row["channel"]) ?? .chat, language: row["language"], agentID: row["agent_id"],
                    shiftID: row["shift_id"], startedAt: UTCTimestamp.parse(row["started_at"] as String) ?? Date(timeIntervalSince1970: 0),
                    customerID: row["customer_id"], isVIP: row["customer_vip"],
                    tags: (try? JSONDecoder().decode([String].self, from: Data(tagsJSON.utf8))) ?? [], turns: turns)
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read conversation \(externalID)")
        }
    }

    /// Ids of stored conversations that start with `prefix`, for "did you mean" answers.
    public func externalIDs(prefix: String, limit: Int = 5) throws(PitbossError) -> [String] {
        do {
            return try database.writer.read { db in
                try String.fetchAll(db, sql: "SELECT external_id FROM conversations WHERE external_id LIKE ? ESCAPE '\\' ORDER BY external_id LIMIT ?",
                                    arguments: [prefix.replacingOccurrences(of: "\\", with: "\\\\")
                                        .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%", limit])
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "look up conversation ids")
        }
    }
}
