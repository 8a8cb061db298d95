import Foundation
import GRDB

/// One transaction's SQL on either backend, for a use case whose SQL both backends read alike: `?` placeholders, GRDB
/// rows back (PostgreSQL's values as SQLite would give them, see `PostgresRows`). Its rules are then written once; SQL
/// that differs stays in each backend's own store.
protocol SQLSession {
    func rows(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> [Row]
    /// Runs a statement that returns no rows; how many rows it changed.
    @discardableResult func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> Int
    /// Runs an INSERT into a table whose ids come from a counter; the new row's id.
    func insertReturningID(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> Int64
    /// Stores a review by `ReviewRules`, in this transaction.
    func insertReview(_ s: ReviewSubmission, now: Date) throws -> Int64
    /// Makes changes of one thing (`kind` number `id`) take turns until this transaction ends: nothing to do on SQLite,
    /// whose writers take turns anyway; an advisory lock on PostgreSQL (a row lock would need UPDATE on append-only tables).
    func takeTurns(_ kind: String, _ id: Int64) throws
}

extension SQLSession {
    func row(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws -> Row? { try rows(sql, arguments).first }

    /// The first column of the first row, when there is one and it is not NULL.
    func value<T: DatabaseValueConvertible>(_ type: T.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws -> T? {
        guard let row = try row(sql, arguments), let value = row.databaseValues.first, !value.isNull else { return nil }
        return T.fromDatabaseValue(value)
    }

    func values<T: DatabaseValueConvertible>(_ type: T.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws -> [T] {
        try rows(sql, arguments).compactMap { $0.databaseValues.first.flatMap(T.fromDatabaseValue) }
    }

    func audit(at now: Date, actor: String, action: AuditAction, item: Int64? = nil, conversation: Int64? = nil, review: Int64? = nil,
               detail: [String: String] = [:]) throws {
        try execute("""
            INSERT INTO audit_log (at, actor, action, queue_item_id, conversation_id, review_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [UTCTimestamp.format(now), actor, action.rawValue, item, conversation, review, JSONOutput.string(detail, pretty: false)])
    }

    /// Whether `reviewer` was the agent of the conversation, or of any of its turns (after a transfer).
    func wasAgent(_ reviewer: Reviewer, in conversation: Int64) throws -> Bool {
        try values(String.self, """
            SELECT agent_id FROM conversations WHERE id = ? UNION SELECT agent_id FROM turns WHERE conversation_id = ? AND agent_id IS NOT NULL
            """, [conversation, conversation]).contains(where: reviewer.isAgent)
    }
}

/// Where a use case's sessions come from: a transaction that writes, or a read.
protocol SQLSessions: Sendable {
    func transaction<T>(_ action: String, _ body: (any SQLSession) throws -> T) throws(PitbossError) -> T
    func read<T>(_ action: String, _ body: (any SQLSession) throws -> T) throws(PitbossError) -> T
}

/// Sessions on a SQLite workspace, through its review store (one writer at a time, as every SQLite write).
struct SQLiteSessions: SQLSessions {
    let reviews: ReviewStore

    init(reviews: ReviewStore) { self.reviews = reviews }

    init(database: PitbossDatabase) { reviews = ReviewStore(queue: ReviewQueue(database: database)) }

    struct Session: SQLSession {
        let db: Database
        /// Where reviews are stored; nil in a read.
        let reviews: ReviewStore?

        func rows(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> [Row] {
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
        }

        func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> Int {
            try db.execute(sql: sql, arguments: StatementArguments(arguments))
            return db.changesCount
        }

        func insertReturningID(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> Int64 {
            try db.execute(sql: sql, arguments: StatementArguments(arguments))
            return db.lastInsertedRowID
        }

        func takeTurns(_ kind: String, _ id: Int64) throws {}

        func insertReview(_ s: ReviewSubmission, now: Date) throws -> Int64 {
            guard let reviews else { throw PitbossError.internalFailure("a review was stored in a read") }
            return try reviews.insert(s, db, now: now).id
        }
    }

    func transaction<T>(_ action: String, _ body: (any SQLSession) throws -> T) throws(PitbossError) -> T {
        try reviews.queue.transaction(action) { db in try body(Session(db: db, reviews: reviews)) }
    }

    func read<T>(_ action: String, _ body: (any SQLSession) throws -> T) throws(PitbossError) -> T {
        let database = reviews.database
        do { return try database.writer.read { db in try body(Session(db: db, reviews: nil)) } } catch {
            throw PitbossDatabase.translate(error, doing: action, busyTimeout: database.busyTimeout)
        }
    }
}
