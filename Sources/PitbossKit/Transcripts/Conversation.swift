import Foundation

/// One turn of a conversation: a message in a chat, an e-mail in a thread, an utterance in a call.
public struct Turn: Sendable, Equatable {
    /// Position in the conversation, from 0 (how the code and the database address it; see `number`).
    public var index: Int

    /// The number people read for the turn at `index`: turns are counted from 1 wherever they are shown — on a screen,
    /// in JSON and CSV, in a finding's message — and addressed from 0 inside.
    public static func number(_ index: Int) -> Int { index + 1 }
    public var role: SpeakerRole
    /// The speaker's name as the source wrote it ("Anna", "spk_0"), if it had one.
    public var speaker: String?
    /// The agent who spoke it; turns of one conversation can belong to different agents after a transfer.
    public var agentID: String?
    /// Absolute time, for chat, e-mail and messenger.
    public var at: Date?
    /// Seconds from the start of the recording, for calls.
    public var start: Double?
    public var end: Double?
    public var text: String

    public init(index: Int, role: SpeakerRole, speaker: String? = nil, agentID: String? = nil,
                at: Date? = nil, start: Double? = nil, end: Double? = nil, text: String) {
        self.index = index
        self.role = role
        self.speaker = speaker
        self.agentID = agentID
        self.at = at
        self.start = start
        self.end = end
        self.text = text
    }
}

/// Where a conversation was read from, so every stored record can be traced to its file.
public struct ConversationSource: Sendable, Equatable {
    public var file: String
    /// The record inside the file: "line 12", "rows 4-9", or "" when the file is the record.
    public var record: String
    public var format: TranscriptFormat

    public init(file: String, record: String, format: TranscriptFormat) {
        self.file = file
        self.record = record
        self.format = format
    }

    public var humanDescription: String { record.isEmpty ? file : "\(file) (\(record))" }
}

/// A conversation as Pitboss stores it: validated, complete, with its shift resolved.
public struct Conversation: Sendable, Equatable {
    public var externalID: String
    public var source: ConversationSource
    public var channel: Channel
    /// ISO 639-1 code, lower case.
    public var language: String
    /// The agent who owns the conversation (the first agent, before any transfer).
    public var agentID: String
    public var shiftID: String
    public var startedAt: Date
    public var customerID: String?
    public var isVIP: Bool
    public var tags: [String]
    public var turns: [Turn]

    public init(externalID: String, source: ConversationSource, channel: Channel, language: String,
                agentID: String, shiftID: String, startedAt: Date, customerID: String?, isVIP: Bool,
                tags: [String], turns: [Turn]) {
        self.externalID = externalID
        self.source = source
        self.channel = channel
        self.language = language
        self.agentID = agentID
        self.shiftID = shiftID
        self.startedAt = startedAt
        self.customerID = customerID
        self.isVIP = isVIP
        self.tags = tags
        self.turns = turns
    }

    /// The agents who spoke in this conversation, in order of first appearance.
    public var agentsWhoSpoke: [String] {
        var seen = Set<String>()
        return turns.compactMap { turn in
            guard turn.role == .agent, let id = turn.agentID, seen.insert(id).inserted else { return nil }
            return id
        }
    }
}
