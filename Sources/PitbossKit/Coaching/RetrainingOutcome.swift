import Foundation

/// Whether a retraining worked: the agent's problem rates on the criteria it addressed, in the baseline window before
/// it was assigned and the follow-up window after it was completed, against the rest of the team over the same
/// windows, each from findings and from reviews; and the verdict a supervisor acts on.
public struct RetrainingOutcome: Sendable, Codable, Equatable {
    /// A stretch of time on whole UTC hours, as stored timestamps: from ≤ t < until.
    public struct Window: Sendable, Codable, Equatable {
        public var from: String
        public var until: String
        enum CodingKeys: String, CodingKey { case from, until }
    }

    /// The rubric whose findings were counted: one rubric for both windows, the agent's and the team's. Conversations
    /// it has not evaluated (not flagged yet, or flagged with another version of the rubric) are left out and counted
    /// here, so that a reader knows what re-evaluating would add.
    public struct RubricUsed: Sendable, Codable, Equatable {
        public var name: String
        public var version: String
        public var hash: String
        /// The agent's conversations in each window that it has not evaluated.
        public var notEvaluatedBaseline: Int
        public var notEvaluatedFollowUp: Int
        /// The rest of the team's, in the same windows.
        public var teamNotEvaluatedBaseline: Int
        public var teamNotEvaluatedFollowUp: Int
        enum CodingKeys: String, CodingKey {
            case name, version, hash
            case notEvaluatedBaseline = "not_evaluated_baseline", notEvaluatedFollowUp = "not_evaluated_follow_up"
            case teamNotEvaluatedBaseline = "team_not_evaluated_baseline", teamNotEvaluatedFollowUp = "team_not_evaluated_follow_up"
        }

        /// Conversations in the windows, the agent's or the team's, that a re-evaluation would add.
        public var notEvaluated: Int { notEvaluatedBaseline + notEvaluatedFollowUp + teamNotEvaluatedBaseline + teamNotEvaluatedFollowUp }
    }

    /// The mean QA score of current reviews in a window.
    public struct ScoreMean: Sendable, Codable, Equatable {
        public var mean: Double?
        public var reviews: Int
        public init(sum: Double, count: Int) {
            mean = count > 0 ? sum / Double(count) : nil
            reviews = count
        }
    }

    public struct Scores: Sendable, Codable, Equatable {
        public var baseline: ScoreMean
        public var followUp: ScoreMean
        public var teamBaseline: ScoreMean
        public var teamFollowUp: ScoreMean
        enum CodingKeys: String, CodingKey {
            case baseline, followUp = "follow_up", teamBaseline = "team_baseline", teamFollowUp = "team_follow_up"
        }
    }

    /// One targeted criterion: both sources, and the verdict taken from the reviews when they can decide (human
    /// judgement), else from the findings.
    public struct CriterionOutcome: Sendable, Codable, Equatable {
        public var criterion: String
        public var verdict: OutcomeVerdict
        public var decidedBy: RateComparison.Source?
        public var findings: RateComparison
        public var reviews: RateComparison
        /// Agents retrained on this criterion meanwhile, left out of the team compared with.
        public var leftOutOfTeam: [String]
        /// The module's rules the findings were counted from; empty: every rule of the criterion.
        public var rules: [String]
        /// Whether the rubric has this criterion: when it does not (renamed or removed since the assignment), its
        /// findings say nothing and only reviews can decide.
        public var inRubric: Bool
        enum CodingKeys: String, CodingKey {
            case criterion, verdict, findings, reviews, rules
            case decidedBy = "decided_by", leftOutOfTeam = "left_out_of_team", inRubric = "in_rubric"
        }

        public init(criterion: String, findings: RateComparison, reviews: RateComparison, leftOutOfTeam: [String] = [], rules: [String] = [],
                    inRubric: Bool = true) {
            self.criterion = criterion
            self.rules = rules
            self.inRubric = inRubric
            self.leftOutOfTeam = leftOutOfTeam
            self.findings = findings
            self.reviews = reviews
            if reviews.verdict.isDecisive {
                verdict = reviews.verdict
                decidedBy = .reviews
            } else if inRubric, findings.verdict.isDecisive {
                verdict = findings.verdict
                decidedBy = .findings
            } else {
                verdict = .notEnoughData
                decidedBy = nil
            }
        }
    }

    public var assignment: RetrainingAssignment
    public var verdict: OutcomeVerdict
    /// Why it is too early, or what is missing; nil when the verdict speaks for itself.
    public var reason: String?
    public var baseline: Window
    /// Nil until the assignment is completed.
    public var followUp: Window?
    /// Whether the follow-up window has ended (else it was judged on what it holds so far, or not at all).
    public var followUpEnded: Bool
    public var rubric: RubricUsed
    public var criteria: [CriterionOutcome]
    public var scores: Scores

    enum CodingKeys: String, CodingKey {
        case assignment, verdict, reason, baseline, rubric, criteria, scores
        case followUp = "follow_up", followUpEnded = "follow_up_ended"
    }

    /// The assignment's verdict from its criteria's: worse if any is worse (a supervisor must see that first),
    /// improved if any improved, no change if all show none, else not enough data.
    public static func combine(_ verdicts: [OutcomeVerdict]) -> OutcomeVerdict {
        if verdicts.contains(.worse) { return .worse }
        if verdicts.contains(.improved) { return .improved }
        if !verdicts.isEmpty, verdicts.allSatisfy({ $0 == .noChange }) { return .noChange }
        return .notEnoughData
    }
}

/// Per module: how its assignments turned out, and its effect pooled over them, so a floor learns which modules work.
public struct ModuleOutcomeSummary: Sendable, Codable, Equatable {
    public var module: String
    public var assignments: Int
    public var verdicts: [String: Int]
    /// The difference in differences pooled over the module's judged assignments and criteria (negative: fewer
    /// problems after the training than the team's change would explain), per source.
    public var pooledFindings: PooledEstimate?
    public var pooledReviews: PooledEstimate?

    enum CodingKeys: String, CodingKey { case module, assignments, verdicts; case pooledFindings = "pooled_findings", pooledReviews = "pooled_reviews" }

    public static func summarize(_ outcomes: [RetrainingOutcome]) -> [ModuleOutcomeSummary] {
        Dictionary(grouping: outcomes, by: \.assignment.module).map { module, list in
            var verdicts = Dictionary(uniqueKeysWithValues: OutcomeVerdict.allCases.map { ($0.rawValue, 0) })
            for outcome in list { verdicts[outcome.verdict.rawValue, default: 0] += 1 }
            // Pooled: each judged comparison (improved, no change or worse) that has a team to be compared with.
            let judged = list.filter { $0.verdict != .tooEarly }.flatMap(\.criteria)
            func pooled(_ pick: (RetrainingOutcome.CriterionOutcome) -> RateComparison) -> PooledEstimate? {
                PooledEstimate.fixedEffect(judged.filter { pick($0).source == .reviews || $0.inRubric }.map(pick).compactMap { c in
                    guard c.verdict.isDecisive, let did = c.differenceInDifferences, let variance = c.effectVariance else { return nil }
                    return (did.difference, variance)
                })
            }
            return ModuleOutcomeSummary(module: module, assignments: list.count, verdicts: verdicts,
                                        pooledFindings: pooled(\.findings), pooledReviews: pooled(\.reviews))
        }.sorted { $0.module < $1.module }
    }
}
