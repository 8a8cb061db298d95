import Foundation

/// Problems out of a number of conversations (or of reviewed answers) in one window.
public struct Tally: Sendable, Equatable, Codable {
    public var problems: Int
    public var total: Int

    public init(problems: Int = 0, total: Int = 0) {
        self.problems = problems
        self.total = total
    }

    /// problems / total; nil without conversations.
    public var rate: Double? { total > 0 ? Double(problems) / Double(total) : nil }

    public static func + (a: Tally, b: Tally) -> Tally { Tally(problems: a.problems + b.problems, total: a.total + b.total) }
    public static func - (a: Tally, b: Tally) -> Tally { Tally(problems: a.problems - b.problems, total: a.total - b.total) }

    enum CodingKeys: String, CodingKey { case problems, total, rate }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(problems, forKey: .problems)
        try c.encode(total, forKey: .total)
        try c.encode(rate, forKey: .rate)
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(problems: try c.decode(Int.self, forKey: .problems), total: try c.decode(Int.self, forKey: .total))
    }
}

/// One criterion's problem rate from one source (findings or reviews), before and after a retraining, for the agent
/// and for the rest of the team, and what it says.
///
/// The effect is the agent's change minus the team's change over the same windows (a difference in differences), so
/// that a quieter month or a new promotion that moved everyone is not credited to the training. Its 95 % interval
/// combines the two Newcombe intervals by MOVER; the verdict is
/// - **improved** when the whole interval is below zero, **worse** when it is wholly above;
/// - **no change** when it contains zero and both windows are large enough to have shown a halving of the agent's
///   baseline rate (two-sided α 0.05, power 0.8);
/// - **not enough data** otherwise, with how many more conversations each window needs for that.
public struct RateComparison: Sendable, Equatable, Codable {
    public enum Source: String, Sendable, Codable { case findings, reviews }

    public var source: Source
    public var baseline: Tally
    public var followUp: Tally
    public var teamBaseline: Tally
    public var teamFollowUp: Tally
    /// The agent's follow-up rate minus their baseline rate (negative: fewer problems), Newcombe's interval.
    public var change: ProportionDifference?
    /// The p-value of the agent's change, and the test that gave it.
    public var pValue: Double?
    public var test: String?
    public var teamChange: ProportionDifference?
    /// The agent's change minus the team's: the effect credited to the retraining.
    public var differenceInDifferences: ProportionDifference?
    public var verdict: OutcomeVerdict
    /// Conversations per window that would show a halving of the baseline rate.
    public var neededPerWindow: Int?
    /// How many more each window needs, when the verdict is "not enough data".
    public var moreNeededBaseline: Int?
    public var moreNeededFollowUp: Int?

    enum CodingKeys: String, CodingKey {
        case source, baseline, change, test, verdict
        case followUp = "follow_up", teamBaseline = "team_baseline", teamFollowUp = "team_follow_up", pValue = "p_value"
        case teamChange = "team_change", differenceInDifferences = "difference_in_differences", neededPerWindow = "needed_per_window"
        case moreNeededBaseline = "more_needed_baseline", moreNeededFollowUp = "more_needed_follow_up"
    }

    public init(source: Source, baseline: Tally, followUp: Tally, teamBaseline: Tally, teamFollowUp: Tally) {
        self.source = source
        self.baseline = baseline
        self.followUp = followUp
        self.teamBaseline = teamBaseline
        self.teamFollowUp = teamFollowUp
        self.verdict = .notEnoughData
        judge()
    }

    /// The interval the verdict is read from: the difference in differences, or the agent's own change when nobody
    /// else in the team has conversations in both windows.
    public var effect: ProportionDifference? { differenceInDifferences ?? change }

    /// The variance of the effect, for pooling assignments of one module.
    public var effectVariance: Double? {
        differenceInDifferences != nil
            ? PooledEstimate.differenceInDifferencesVariance([(baseline.problems, baseline.total), (followUp.problems, followUp.total),
                                                              (teamBaseline.problems, teamBaseline.total), (teamFollowUp.problems, teamFollowUp.total)])
            : PooledEstimate.differenceInDifferencesVariance([(baseline.problems, baseline.total), (followUp.problems, followUp.total)])
    }

    /// Conversations per window that make "no problem in either" a no change.
    public static let noProblemMinimum = 30

    private mutating func judge() {
        change = ProportionDifference.newcombe(followUp.problems, of: followUp.total, minus: baseline.problems, of: baseline.total)
        if let tested = ProportionTests.pValue(followUp.problems, of: followUp.total, baseline.problems, of: baseline.total) {
            pValue = tested.p
            test = tested.method
        }
        teamChange = ProportionDifference.newcombe(teamFollowUp.problems, of: teamFollowUp.total, minus: teamBaseline.problems, of: teamBaseline.total)
        if let change, let teamChange { differenceInDifferences = change.minus(teamChange) }

        // The rate a halving is measured from: the agent's baseline, else (they had no problem before) their
        // follow-up's, so that a problem that only appears later still asks for enough conversations. The team's rate
        // says nothing about how many of the agent's conversations show a change.
        let reference = [baseline.rate, followUp.rate].compactMap { $0 }.first { $0 > 0 }
        neededPerWindow = reference.flatMap { ProportionTests.sampleSizePerGroup($0, $0 / 2) }

        switch effect?.sign {
        case .minus?: verdict = .improved
        case .plus?: verdict = .worse
        case nil:
            if let needed = neededPerWindow {
                let moreBaseline = max(0, needed - baseline.total), moreFollowUp = max(0, needed - followUp.total)
                if moreBaseline == 0, moreFollowUp == 0, effect != nil {
                    verdict = .noChange
                } else {
                    verdict = .notEnoughData
                    moreNeededBaseline = moreBaseline
                    moreNeededFollowUp = moreFollowUp
                }
            } else {
                // The agent had the problem neither before nor after. With 30 conversations in each window that bounds the rate
                // under 10 % (the rule of three, 3/n, for a 95 % upper bound): no change; with fewer, nothing is known.
                let enough = Self.noProblemMinimum
                verdict = baseline.total >= enough && followUp.total >= enough ? .noChange : .notEnoughData
                if verdict == .notEnoughData {
                    moreNeededBaseline = max(0, enough - baseline.total)
                    moreNeededFollowUp = max(0, enough - followUp.total)
                }
            }
        }
    }
}
