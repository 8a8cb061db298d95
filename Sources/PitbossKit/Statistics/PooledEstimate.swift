import Foundation

/// Several independent estimates of one effect, pooled by inverse-variance weighting (the fixed-effect model:
/// Borenstein, Hedges, Higgins & Rothstein 2009, "Introduction to Meta-Analysis", ch. 11, eq. 11.3–11.5): each estimate
/// counts in proportion to its precision, so an assignment measured on 400 conversations outweighs one measured on 20.
public struct PooledEstimate: Sendable, Equatable, Codable {
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    public var standardError: Double
    /// How many estimates were pooled.
    public var count: Int

    enum CodingKeys: String, CodingKey { case estimate, lower, upper, count; case standardError = "standard_error" }

    /// Nil when no estimate has a positive, finite variance.
    public static func fixedEffect(_ estimates: [(value: Double, variance: Double)], confidence: Double = 0.95) -> PooledEstimate? {
        let usable = estimates.filter { $0.variance > 0 && $0.variance.isFinite && $0.value.isFinite }
        guard !usable.isEmpty else { return nil }
        let weights = usable.map { 1 / $0.variance }
        let total = weights.reduce(0, +)
        let mean = zip(usable, weights).map { $0.value * $1 }.reduce(0, +) / total
        let se = (1 / total).squareRoot()
        let z = NormalDistribution.twoSidedCritical(confidence: confidence)
        return PooledEstimate(estimate: mean, lower: mean - z * se, upper: mean + z * se, standardError: se, count: usable.count)
    }

    /// The variance of a difference in differences of four independent proportions, (x₂/n₂ − x₁/n₁) − (y₂/m₂ − y₁/m₁),
    /// each binomial; every proportion is taken as (x + ½)/(n + 1) so that a rate of 0 or 1 does not claim certainty
    /// (the adjustment Agresti & Caffo 2000 use for the same reason). Nil when a group is empty.
    public static func differenceInDifferencesVariance(_ groups: [(x: Int, n: Int)]) -> Double? {
        guard groups.allSatisfy({ $0.n > 0 }) else { return nil }
        return groups.map { g in
            let p = (Double(g.x) + 0.5) / (Double(g.n) + 1)
            return p * (1 - p) / Double(g.n)
        }.reduce(0, +)
    }
}
