import GRDB
import Foundation

/// A reviewer's answer to one criterion, with what it is worth.
public struct CriterionAnswer: Sendable, Equatable, Codable, FetchableRecord {
    public var criterion: String
    /// A label of the criterion's scale (`pass`, `fail`, …) or `na`.
    public var answer: String
    /// 0…1; nil when not applicable.
    public var itemScore: Double?
    public var weight: Double
    public var critical: Bool

    enum CodingKeys: String, CodingKey {
        case criterion, answer
        case itemScore = "item_score"
        case weight, critical
    }

    public var isApplicable: Bool { itemScore != nil }
    /// A critical criterion answered with a level worth 0 fails the whole review.
    public var failsCritically: Bool { critical && itemScore == 0 }
}

/// A filled-in scorecard and its score:
/// Σ(weight × item score) / Σ(weights of applicable items) × 100, where not-applicable items leave both sums,
/// and any failed critical criterion makes the score 0 (auto-fail).
public struct Scorecard: Sendable, Equatable {
    public var answers: [CriterionAnswer]
    /// The score before auto-fail, 0…100.
    public var rawScore: Double
    public var autoFailed: Bool
    public var score: Double { autoFailed ? 0 : rawScore }
    public var failedCritical: [String] { answers.filter(\.failsCritically).map(\.criterion) }

    /// Checks every answer against the rubric's scorecard: all problems are reported together, and a
    /// scorecard with any problem is not made (so nothing of it can be stored).
    public init(rubric: Rubric, answers given: [String: String]) throws(PitbossError) {
        var problems: [String] = []
        let known = rubric.criteria.map(\.id)
        for id in given.keys.sorted() where rubric.criterion(id) == nil {
            problems.append("unknown criterion '\(id)' (the scorecard of \(rubric.name) has: \(known.joined(separator: ", ")))")
        }
        var answers: [CriterionAnswer] = []
        for criterion in rubric.criteria {
            guard let raw = given[criterion.id] else {
                problems.append("criterion '\(criterion.id)' has no answer")
                continue
            }
            let label = Scorecard.normalized(raw)
            if label == ScaleLevel.notApplicable {
                if criterion.naAllowed {
                    answers.append(CriterionAnswer(criterion: criterion.id, answer: label, itemScore: nil, weight: criterion.weight, critical: criterion.critical))
                } else {
                    problems.append("criterion '\(criterion.id)' cannot be N/A (the rubric does not allow it); answer \(Scorecard.choices(criterion, na: false))")
                }
            } else if let level = criterion.level(label) {
                answers.append(CriterionAnswer(criterion: criterion.id, answer: level.label, itemScore: level.score, weight: criterion.weight, critical: criterion.critical))
            } else {
                problems.append("criterion '\(criterion.id)': '\(raw)' is not an answer; answer \(Scorecard.choices(criterion, na: criterion.naAllowed))")
            }
        }
        guard problems.isEmpty else {
            throw .usage(problems.joined(separator: "\n") + "\nnothing was stored")
        }
        let applicable = answers.filter(\.isApplicable)
        guard !applicable.isEmpty else {
            throw .usage("every criterion is N/A, so there is nothing to score; answer at least one\nnothing was stored")
        }
        let weights = applicable.map(\.weight).reduce(0, +)
        let earned = applicable.map { $0.weight * ($0.itemScore ?? 0) }.reduce(0, +)
        self.answers = answers
        self.rawScore = earned / weights * 100
        self.autoFailed = answers.contains(where: \.failsCritically)
    }

    /// `pass`, `p`, `Pass` → `pass`; `n/a`, `N/A`, `n` → `na` (only where no scale label starts with it).
    static func normalized(_ raw: String) -> String {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        return ["n/a", "n.a.", "not applicable", "na"].contains(text) ? ScaleLevel.notApplicable : text
    }

    /// "pass or fail", "good, partial, poor or na".
    public static func choices(_ criterion: Criterion, na: Bool) -> String {
        let labels = criterion.scale.map(\.label) + (na ? [ScaleLevel.notApplicable] : [])
        return labels.dropLast().joined(separator: ", ") + (labels.count > 1 ? " or " : "") + (labels.last ?? "")
    }
}
