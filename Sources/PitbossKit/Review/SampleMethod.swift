/// How a sample's size was decided. Stored in the sample's plan (JSON) by its raw text.
public enum SampleMethod: String, Sendable, Codable, CaseIterable {
    /// A number of conversations.
    case size
    /// A number of each agent's conversations.
    case perAgent = "per-agent"
    /// Cochran's size for a confidence level and a margin of error.
    case confidence
}
