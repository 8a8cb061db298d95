import Foundation

/// Where an import writes conversations: one implementation per backend (`ConversationStore` on SQLite,
/// `PostgresConversationStore`), with the same outcomes for the same input.
public protocol ConversationImportStore: Sendable {
    /// Files the store keeps beside itself (SQLite's database and journals), which an import must never read or overwrite.
    var ownFiles: [String] { get }

    /// Saves batches as they arrive from `next`, grouping consecutive batches into one transaction while more are
    /// already waiting, up to `limits`. `committed` hears each batch's outcomes once its transaction committed.
    func saveStream(replace: Bool, limits: ConversationStore.TransactionLimits, now: Date,
                    next: (_ wait: Bool) -> [ConversationStore.Prepared]?,
                    committed: ([ConversationStore.Prepared], [SaveOutcome]) -> Void) throws(PitbossError)
}

extension ConversationStore: ConversationImportStore {
    public var ownFiles: [String] { database.path.map { db in [db, db + "-wal", db + "-shm", db + "-journal"] } ?? [] }
}
