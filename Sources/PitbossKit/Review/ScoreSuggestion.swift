/// What the findings suggest for each criterion of the scorecard, for the reviewer to accept or overrule:
/// a confirmed finding suggests the criterion's failing answer; findings that could not be verified (no times
/// for an SLA check) suggest N/A where the rubric allows it; otherwise full marks.
public struct ScoreSuggestion: Sendable, Equatable {
    public var answer: String
    /// Why, in a few words: "F12 confirmed", "no confirmed finding".
    public var because: String

    public static func suggestions(rubric: Rubric, findings: [StoredFinding], verdicts: [Int64: FindingVerdict.Verdict]) -> [String: ScoreSuggestion] {
        var result: [String: ScoreSuggestion] = [:]
        for criterion in rubric.criteria {
            let mine = findings.filter { $0.criterion == criterion.id && $0.status != .error }
            let top = criterion.scale.max { $0.score < $1.score }?.label ?? "pass"
            let failing = criterion.scale.min { $0.score < $1.score }?.label ?? "fail"
            let confirmed = mine.filter { verdicts[$0.id] == .confirmed }
            if !confirmed.isEmpty {
                result[criterion.id] = ScoreSuggestion(answer: failing, because: confirmed.map { "F\($0.id)" }.joined(separator: ", ") + " confirmed")
            } else if !mine.isEmpty, mine.allSatisfy({ $0.status == .unverifiable }), criterion.naAllowed {
                result[criterion.id] = ScoreSuggestion(answer: ScaleLevel.notApplicable, because: "could not be verified")
            } else if !mine.isEmpty, mine.allSatisfy({ verdicts[$0.id] == .dismissed }) {
                result[criterion.id] = ScoreSuggestion(answer: top, because: mine.map { "F\($0.id)" }.joined(separator: ", ") + " dismissed")
            } else if !mine.isEmpty {
                result[criterion.id] = ScoreSuggestion(answer: top, because: "no finding confirmed")
            } else {
                result[criterion.id] = ScoreSuggestion(answer: top, because: "no findings")
            }
        }
        return result
    }
}
