import Foundation

/// How many conversations a sample needs to estimate a proportion (say, the share of conversations that fail a
/// criterion) within a margin of error at a confidence level: Cochran's formula with the finite-population
/// correction,
///
///     n₀ = z² · p(1 − p) / e²        n = ⌈ n₀ / (1 + (n₀ − 1) / N) ⌉
///
/// where z is the two-sided normal quantile of the confidence, p the expected proportion (0.5 when unknown,
/// the most conservative), e the margin and N the population.
public struct SampleSize: Sendable, Equatable, Codable {
    public var confidence: Double
    public var margin: Double
    public var proportion: Double
    public var population: Int
    public var z: Double
    public var n0: Double
    public var n: Int

    public init(confidence: Double, margin: Double, proportion: Double = 0.5, population: Int) throws(PitbossError) {
        guard confidence > 0, confidence < 1 else { throw .usage("the confidence level must be between 0 and 1, e.g. 0.95 (got \(confidence))") }
        guard margin > 0, margin < 1 else { throw .usage("the margin of error must be between 0 and 1, e.g. 0.05 for ±5 points (got \(margin))") }
        guard proportion > 0, proportion < 1 else { throw .usage("the expected proportion must be between 0 and 1 (got \(proportion)); 0.5 when unknown") }
        self.confidence = confidence
        self.margin = margin
        self.proportion = proportion
        self.population = population
        z = NormalDistribution.twoSidedCritical(confidence: confidence)
        n0 = z * z * proportion * (1 - proportion) / (margin * margin)
        let corrected = population == 0 ? 0 : n0 / (1 + (n0 - 1) / Double(population))
        // A hair of tolerance so that 384.0000000001 (floating-point noise) is not rounded up to 385.
        let wanted = (corrected - 1e-9).rounded(.up)
        n = wanted.isFinite && wanted < Double(population) ? max(0, Int(wanted)) : population  // a margin of 1e-300 asks for all
    }

    /// "n = ⌈384.15 / (1 + 383.15 / 1200)⌉ = 292 (z = 1.9600 for 95 % confidence, p = 0.5, e = 0.05, N = 1200)"
    public var explanation: String {
        func f(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }
        return "n₀ = z²·p(1−p)/e² = \(f(z, 4))² × \(f(proportion)) × \(f(1 - proportion)) / \(f(margin, 3))² = \(f(n0)); "
            + "n = ⌈n₀ / (1 + (n₀ − 1)/N)⌉ = ⌈\(f(n0)) / (1 + \(f(n0 - 1))/\(population))⌉ = \(n)  "
            + "(confidence \(f(confidence * 100, 1)) %, margin ±\(f(margin * 100, 1)) points, p = \(f(proportion)), N = \(population))"
    }
}
