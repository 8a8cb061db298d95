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
    /// The same id with other content is there and a reviewer holds it now: replacing it would change the text
    /// under their eyes.
    case inReview(existing: String, reviewer: String)
}

/// Conversations and their turns in the database.
public struct ConversationStore: Sendable {
    public let database: PitbossDatabase

    public init(database: PitbossDatabase) {
        self.database = database
    }

    /// A conversation with everything that writing it needs computed in advance (its hash, its
    /// times as text), so that this work runs on all cores and the single writer only writes.
    public struct Prepared: Sendable {
        public var conversation: Conversation
        public var contentHash: String
        let startedAtText: String
        let tagsJSON: String
        let turnTimes: [String?]
        let firstResponse: FirstResponse

        public init(_ conversation: Conversation) {
            self.conversation = conversation
            self.contentHash = conversation.contentHash
            startedAtText = UTCTimestamp.format(conversation.startedAt)
            tagsJSON = conversation.tags.isEmpty ? "[]"
                : JSONOutput.string(conversation.tags, pretty: false)
            turnTimes = conversation.turns.map { $0.at.map(UTCTimestamp.format) }
            firstResponse = FirstResponse.measure(conversation)
        }
    }

    /// How long one transaction of a streamed save may grow. Readers are never blocked in WAL mode;
    /// another writer (a reviewer claiming a case) waits at most about this long.
    public struct TransactionLimits: Sendable {
        public var maxDuration: TimeInterval = 0.25
        public var maxConversations = 20_000
        public init() {}
    }

    /// Saves batches as they arrive from `next`, grouping consecutive batches into one transaction while
    /// more are already waiting (so a fast producer gets few, larger commits, and a slow one prompt
    /// commits), up to `limits`. `committed` hears each batch's outcomes once its transaction committed.
    ///
    /// `next(wait)` returns the next batch, blocking only when `wait` is true; nil when there is none
    /// (or, with `wait`, when the stream has ended).
    public func saveStream(replace: Bool, limits: TransactionLimits = TransactionLimits(), now: Date = Date(),
                           next: (_ wait: Bool) -> [Prepared]?,
                           committed: ([Prepared], [SaveOutcome]) -> Void) throws(PitbossError) {
        let importedAt = UTCTimestamp.format(now)
        do {
            try database.writer.writeWithoutTransaction { db in
                while let first = next(true) {
                    var done: [([Prepared], [SaveOutcome])] = []
                    try db.inTransaction(.immediate) {
                        var writer = try BatchWriter(db, importedAt: importedAt)
                        let started = Date()
                        var batch = first
                        var written = 0
                        while true {
                            done.append((batch, try batch.map { try writer.save($0, replace: replace) }))
                            written += batch.count
                            guard written < limits.maxConversations, Date().timeIntervalSince(started) < limits.maxDuration,
                                  let more = next(false) else { break }
                            batch = more
                        }
                        return .commit
                    }
                    for (batch, outcomes) in done { committed(batch, outcomes) }
                }
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "save conversations", busyTimeout: database.busyTimeout)
        }
    }

    /// The statements of one write transaction, prepared once and bound directly: this is the import's
    /// hot path, run once per conversation and once per turn.
    private struct BatchWriter {
        let db: Database
        let importedAt: String
        var lookup: FastStatement
        var insertConversation: FastStatement
        var insertTurn: FastStatement

        init(_ db: Database, importedAt: String) throws {
            self.db = db
            self.importedAt = importedAt
            lookup = FastStatement(try db.cachedStatement(sql: """
                SELECT id, content_hash, source_file, source_record FROM conversations WHERE external_id = ?
                """))
            insertConversation = FastStatement(try db.cachedStatement(sql: """
                INSERT INTO conversations (external_id, source_file, source_record, source_format, channel, language,
                    agent_id, shift_id, started_at, customer_id, customer_vip, tags, content_hash, turn_count, imported_at,
                    first_response_seconds, unanswered)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """))
            insertTurn = FastStatement(try db.cachedStatement(sql: """
                INSERT INTO turns (conversation_id, idx, role, speaker, agent_id, at, start_seconds, end_seconds, text)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """))
        }

        mutating func save(_ item: Prepared, replace: Bool) throws -> SaveOutcome {
            let conversation = item.conversation
            lookup.bind(conversation.externalID)
            let existing = try lookup.queryOne { row in
                (id: row.int64(0), hash: row.string(1), source: ConversationSource(file: row.string(2), record: row.string(3), format: .jsonl))
            }
            guard let existing else {
                bindConversation(item, to: &insertConversation)
                try insertConversation.execute()
                try insertTurns(item, conversationID: db.lastInsertedRowID)
                return .imported
            }
            if existing.hash == item.contentHash { return .unchanged }
            let hasReviews = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM reviews WHERE conversation_id = ?)",
                                               arguments: [existing.id]) ?? false
            if hasReviews { return .reviewed(existing: existing.source.humanDescription) }
            guard replace else { return .conflict(existing: existing.source.humanDescription) }
            if let reviewer = try SQLRequest<String>("""
                SELECT assigned_to FROM queue_items WHERE conversation_id = \(existing.id) AND status = \(QueueStatus.claimed) LIMIT 1
                """).fetchOne(db) {
                return .inReview(existing: existing.source.humanDescription, reviewer: reviewer)
            }
            // What the rubric found in the old text points at its words: gone with it. The conversation is evaluated
            // afresh by the next flag run, which queues it again if it is still worth a look.
            try db.execute(literal: "DELETE FROM findings WHERE conversation_id = \(existing.id)")
            try db.execute(literal: "DELETE FROM evaluations WHERE conversation_id = \(existing.id)")
            try db.execute(literal: """
                DELETE FROM queue_items WHERE conversation_id = \(existing.id) AND reason = \(QueueReason.flagged) AND status = \(QueueStatus.open)
                """)
            try db.execute(sql: "DELETE FROM turns WHERE conversation_id = ?", arguments: [existing.id])
            var update = FastStatement(try db.cachedStatement(sql: """
                UPDATE conversations SET external_id = ?, source_file = ?, source_record = ?, source_format = ?, channel = ?,
                    language = ?, agent_id = ?, shift_id = ?, started_at = ?, customer_id = ?, customer_vip = ?, tags = ?,
                    content_hash = ?, turn_count = ?, imported_at = ?, first_response_seconds = ?, unanswered = ?
                WHERE id = ?
                """))
            bindConversation(item, to: &update)
            update.bind(existing.id)
            try update.execute()
            try insertTurns(item, conversationID: existing.id)
            return .replaced
        }

        private func bindConversation(_ item: Prepared, to statement: inout FastStatement) {
            let c = item.conversation
            for text in [c.externalID, c.source.file, c.source.record, c.source.format.rawValue, c.channel.rawValue, c.language,
                         c.agentID, c.shiftID, item.startedAtText, c.customerID] { statement.bind(text) }
            statement.bind(c.isVIP)
            statement.bind(item.tagsJSON)
            statement.bind(item.contentHash)
            statement.bind(c.turns.count)
            statement.bind(importedAt)
            let firstResponse = item.firstResponse.stored
            statement.bind(firstResponse.seconds)
            statement.bind(firstResponse.unanswered)
        }

        private mutating func insertTurns(_ item: Prepared, conversationID: Int64) throws {
            let turns = item.conversation.turns
            for i in turns.indices {
                let turn = turns[i]
                insertTurn.bind(conversationID)
                insertTurn.bind(turn.index)
                insertTurn.bind(turn.role.rawValue)
                insertTurn.bind(turn.speaker)
                insertTurn.bind(turn.agentID)
                insertTurn.bind(item.turnTimes[i])
                insertTurn.bind(turn.start)
                insertTurn.bind(turn.end)
                insertTurn.bind(turn.text)
                try insertTurn.execute()
            }
        }
    }

    /// The stored conversation with this external id, or nil.
    public func conversation(externalID: String) throws(PitbossError) -> Conversation? {
        do {
            return try database.writer.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM conversations WHERE external_id = ?", arguments: [externalID])
                else { return nil }
                let turns = try Row.fetchAll(db, sql: "SELECT * FROM turns WHERE conversation_id = ? ORDER BY idx", arguments: [row["id"] as Int64])
                return Self.conversation(row, turns: turns)
            }
        } catch {
            throw PitbossDatabase.translate(error, doing: "read conversation \(externalID)")
        }
    }

    /// A stored conversation from its row and its turns' rows (`SELECT *`), as either backend reads them.
    static func conversation(_ row: Row, turns: [Row]) -> Conversation {
        let tagsJSON: String = row["tags"]
        return Conversation(
            externalID: row["external_id"],
            source: ConversationSource(file: row["source_file"], record: row["source_record"],
                                       format: TranscriptFormat(rawValue: row["source_format"]) ?? .jsonl),
            channel: Channel(rawValue: row["channel"]) ?? .chat, language: row["language"], agentID: row["agent_id"],
            shiftID: row["shift_id"], startedAt: UTCTimestamp.parse(row["started_at"] as String) ?? Date(timeIntervalSince1970: 0),
            customerID: row["customer_id"], isVIP: (row["customer_vip"] as Int64) != 0,
            tags: (try? JSONDecoder().decode([String].self, from: Data(tagsJSON.utf8))) ?? [],
            turns: turns.map { turn in
                Turn(index: turn["idx"], role: SpeakerRole(rawValue: turn["role"]) ?? .system, speaker: turn["speaker"],
                     agentID: turn["agent_id"], at: (turn["at"] as String?).flatMap { UTCTimestamp.parse($0) },
                     start: turn["start_seconds"], end: turn["end_seconds"], text: turn["text"])
            })
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
