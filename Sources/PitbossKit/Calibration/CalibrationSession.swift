import Foundation

/// A calibration session: several reviewers score the same conversations, blind to each other, with one rubric; once it
/// is closed, their answers are compared (`CalibrationAnalysis`). Each reviewer's conversation is a queue item of reason
/// `calibration`, assigned to them, scored with the usual `review` or `score`; the answers are kept apart from real
/// reviews, so they never touch an agent's scores, a finding's verdict, rule precision or the queue.
public struct CalibrationSession: Sendable, Codable, Equatable {
    public var id: Int64
    public var name: String
    public var createdBy: String
    public var createdAt: String
    /// Whose answers are the reference, when one is named; else the majority's.
    public var expert: String?
    public var rubric: String
    public var rubricVersion: String
    public var rubricHash: String
    public var rubricPath: String
    public var reviewers: [String]
    /// The conversations, in the session's order.
    public var conversations: [String]
    public var closedBy: String?
    public var closedAt: String?

    public var isClosed: Bool { closedAt != nil }

    enum CodingKeys: String, CodingKey {
        case id, name, expert, rubric, reviewers, conversations
        case createdBy = "created_by", createdAt = "created_at", rubricVersion = "rubric_version", rubricHash = "rubric_hash",
             rubricPath = "rubric_path", closedBy = "closed_by", closedAt = "closed_at"
    }
}

/// One reviewer's conversation in a session: its queue item and how far it got.
public struct CalibrationTask: Sendable, Codable, Equatable {
    public var item: Int64
    public var reviewer: String
    public var conversation: String
    public var status: QueueStatus
}

/// What `calibrate create` is asked for: who scores, and which conversations (named, or drawn with a seed).
public struct CalibrationRequest: Sendable {
    public enum Conversations: Sendable {
        case named([String])
        case sample(size: Int, seed: String, population: SamplePopulation)
    }

    public var name: String
    public var reviewers: [String]
    public var expert: String?
    public var conversations: Conversations

    public init(name: String, reviewers: [String], expert: String? = nil, conversations: Conversations) {
        self.name = name
        self.reviewers = reviewers
        self.expert = expert
        self.conversations = conversations
    }

    /// Everyone who scores: the reviewers, and the expert when not among them.
    public var scorers: [String] {
        reviewers + (expert.map { expert in reviewers.contains { $0.lowercased() == expert.lowercased() } ? [] : [expert] } ?? [])
    }
}

/// A session's status for `calibrate status`: who has done what, never what they answered.
public struct CalibrationStatus: Sendable, Codable {
    public struct Progress: Sendable, Codable, Equatable {
        public var reviewer: String
        public var scored: Int
        public var open: Int
        public var claimed: Int
        public var skipped: Int
    }

    public var session: CalibrationSession
    public var progress: [Progress]
    public var tasks: [CalibrationTask]
}
