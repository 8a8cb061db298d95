import Foundation

/// The difference of two independent proportions, p₁ − p₂, with a confidence interval.
public struct ProportionDifference: Sendable, Equatable {
    public var difference: Double
    public var lower: Double
    public var upper: Double

    /// Newcombe's hybrid score interval (Newcombe 1998, "Interval estimation for the difference between independent
    /// proportions", method 10): built from the two Wilson intervals, so it behaves with small counts and at 0 or n.
    /// Nil when either group has no trials.
    public static func newcombe(_ x1: Int, of n1: Int, minus x2: Int, of n2: Int, confidence: Double = 0.95) -> ProportionDifference? {
        guard n1 > 0, n2 > 0 else { return nil }
        let a = ProportionInterval.wilson(successes: x1, trials: n1, confidence: confidence)
        let b = ProportionInterval.wilson(successes: x2, trials: n2, confidence: confidence)
        guard let p1 = a.estimate, let p2 = b.estimate else { return nil }
        let d = p1 - p2
        let lower = d - ((p1 - a.lower) * (p1 - a.lower) + (b.upper - p2) * (b.upper - p2)).squareRoot()
        let upper = d + ((a.upper - p1) * (a.upper - p1) + (p2 - b.lower) * (p2 - b.lower)).squareRoot()
        return ProportionDifference(difference: d, lower: lower, upper: upper)
    }
}
