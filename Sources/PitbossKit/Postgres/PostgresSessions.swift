import Foundation
import GRDB

/// Sessions on a PostgreSQL workspace (see `SQLSession`): `?` placeholders numbered for the server, values sent as text,
/// an INSERT's id through `RETURNING id`, reviews stored as `PostgresReviewStore` stores them.
struct PostgresSessions: SQLSessions {
    let reviews: PostgresReviewStore

    init(reviews: PostgresReviewStore) { self.reviews = reviews }

    init(database: PostgresDatabase, lease: TimeInterval = ReviewQueue.defaultLease) {
        reviews = PostgresReviewStore(queue: PostgresReviewQueue(database: database, lease: lease))
    }

    struct Session: SQLSession {
        let reviews: PostgresReviewStore
        private var connection: PostgresConnection { reviews.queue.database.connection }

        init(reviews: PostgresReviewStore) { self.reviews = reviews }

        func rows(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> [Row] {
            try connection.rows(PostgresText.numbered(sql), PostgresText.parameters(arguments))
        }

        func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> Int {
            try connection.execute(PostgresText.numbered(sql), PostgresText.parameters(arguments)).affected
        }

        func insertReturningID(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> Int64 {
            guard let id = try connection.value(PostgresText.numbered(sql) + " RETURNING id", PostgresText.parameters(arguments)).flatMap({ Int64($0) }) else {
                throw PitbossError.internalFailure("the server stored a row but gave back no id")
            }
            return id
        }

        func insertReview(_ s: ReviewSubmission, now: Date) throws -> Int64 { try reviews.insert(s, now: now).id }

        func takeTurns(_ kind: String, _ id: Int64) throws {
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext($1), $2::int)", ["pitboss-" + kind, String(Int32(truncatingIfNeeded: id))])
        }
    }

    func transaction<T>(_ action: String, _ body: (any SQLSession) throws -> T) throws(PitbossError) -> T {
        do { return try reviews.queue.database.connection.transaction { try body(Session(reviews: reviews)) } } catch {
            throw PostgresDatabase.translate(error, doing: action)
        }
    }

    func read<T>(_ action: String, _ body: (any SQLSession) throws -> T) throws(PitbossError) -> T {
        do { return try body(Session(reviews: reviews)) } catch {
            throw PostgresDatabase.translate(error, doing: action)
        }
    }
}
