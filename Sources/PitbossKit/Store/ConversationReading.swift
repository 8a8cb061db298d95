import Foundation

/// Reading stored conversations: one implementation per backend (`ConversationStore`, `PostgresConversationStore`).
public protocol ConversationReading: Sendable {
    /// The stored conversation with this external id, with its turns, or nil.
    func conversation(externalID: String) throws(PitbossError) -> Conversation?
    /// Ids of stored conversations that start with `prefix`, for "did you mean" answers.
    func externalIDs(prefix: String, limit: Int) throws(PitbossError) -> [String]
}

extension ConversationStore: ConversationReading {}
