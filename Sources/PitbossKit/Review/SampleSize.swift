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
        z = Self.normalQuantile(1 - (1 - confidence) / 2)
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

    /// The standard normal quantile Φ⁻¹(p), by Acklam's rational approximation refined with one Halley step
    /// (relative error below 1e-15 in double precision).
    public static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1)
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }
}
