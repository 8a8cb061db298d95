/// What a supervisor can act on: the retraining worked, did nothing, made things worse, cannot be told yet, or cannot
/// be told from the conversations there are.
public enum OutcomeVerdict: String, Sendable, Codable, CaseIterable {
    case improved
    case noChange = "no_change"
    case worse
    case tooEarly = "too_early"
    case notEnoughData = "not_enough_data"

    public var words: String {
        switch self {
        case .improved: "improved"
        case .noChange: "no change"
        case .worse: "worse"
        case .tooEarly: "too early"
        case .notEnoughData: "not enough data"
        }
    }

    /// Improved, no change and worse are answers; too early and not enough data are not (yet).
    public var isDecisive: Bool { self == .improved || self == .noChange || self == .worse }
}
