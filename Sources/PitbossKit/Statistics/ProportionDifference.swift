import Foundation

/// The difference of two independent proportions, p₁ − p₂, with a confidence interval.
public struct ProportionDifference: Sendable, Equatable, Codable {
    public var difference: Double
    public var lower: Double
    public var upper: Double

    public init(difference: Double, lower: Double, upper: Double) {
        self.difference = difference
        self.lower = lower
        self.upper = upper
    }

    /// Newcombe's hybrid score interval (Newcombe 1998, "Interval estimation for the difference between independent
    /// proportions", method 10): built from the two Wilson intervals, so it behaves with small counts and at 0 or n.
    /// Nil when either group has no trials.
    public static func newcombe(_ x1: Int, of n1: Int, minus x2: Int, of n2: Int, confidence: Double = 0.95) -> ProportionDifference? {
        guard n1 > 0, n2 > 0 else { return nil }
        let a = ProportionInterval.wilson(successes: x1, trials: n1, confidence: confidence)
        let b = ProportionInterval.wilson(successes: x2, trials: n2, confidence: confidence)
        guard let p1 = a.estimate, let p2 = b.estimate else { return nil }
        return mover(p1, a.lower, a.upper, minus: p2, b.lower, b.upper)
    }

    /// The difference θ₁ − θ₂ of two independent estimates, each with its own interval, by the "method of variance
    /// estimates recovery" (MOVER: Zou & Donner 2008, "Construction of confidence limits about effect measures: a
    /// general approach", Statistics in Medicine 27, 1693–1702, eq. 7–8). Newcombe's method 10 is this method applied
    /// to two Wilson intervals; applied to two Newcombe intervals it gives a difference in differences.
    public static func mover(_ theta1: Double, _ l1: Double, _ u1: Double, minus theta2: Double, _ l2: Double, _ u2: Double) -> ProportionDifference {
        let d = theta1 - theta2
        let lower = d - ((theta1 - l1) * (theta1 - l1) + (u2 - theta2) * (u2 - theta2)).squareRoot()
        let upper = d + ((u1 - theta1) * (u1 - theta1) + (theta2 - l2) * (theta2 - l2)).squareRoot()
        return ProportionDifference(difference: d, lower: lower, upper: upper)
    }

    /// This difference minus another (both with their intervals): a difference in differences, by MOVER.
    public func minus(_ other: ProportionDifference) -> ProportionDifference {
        Self.mover(difference, lower, upper, minus: other.difference, other.lower, other.upper)
    }

    /// Whether the interval lies wholly below zero, wholly above it, or contains it.
    public var sign: FloatingPointSign? {
        if upper < 0 { return .minus }
        if lower > 0 { return .plus }
        return nil
    }
}
