import Foundation

/// A proportion with its confidence interval.
public struct ProportionInterval: Sendable, Equatable {
    public var successes: Int
    public var trials: Int
    public var lower: Double
    public var upper: Double
    /// successes / trials; nil when there are no trials.
    public var estimate: Double? { trials > 0 ? Double(successes) / Double(trials) : nil }

    /// Wilson's score interval (Wilson 1927), the interval Newcombe (1998) recommends for a single proportion: it
    /// stays inside [0, 1] and behaves at 0 and n successes, where the textbook Wald interval fails. With no trials
    /// the interval is [0, 1]: nothing is known.
    public static func wilson(successes: Int, trials: Int, confidence: Double = 0.95) -> ProportionInterval {
        guard trials > 0 else { return ProportionInterval(successes: 0, trials: 0, lower: 0, upper: 1) }
        let x = Double(min(max(successes, 0), trials)), n = Double(trials)
        let z = NormalDistribution.twoSidedCritical(confidence: confidence)
        let p = x / n
        let centre = p + z * z / (2 * n)
        let spread = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()
        let denominator = 1 + z * z / n
        // At 0 and at n the bound is exactly 0 (or 1); in floating point it would come out a hair beside it.
        return ProportionInterval(successes: Int(x), trials: trials,
                                  lower: x == 0 ? 0 : max(0, (centre - spread) / denominator),
                                  upper: x == n ? 1 : min(1, (centre + spread) / denominator))
    }
}
