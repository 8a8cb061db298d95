import Foundation

/// Tests of whether two proportions differ (x₁ of n₁ against x₂ of n₂), two-sided.
public enum ProportionTests {
    /// Fisher's exact test: the probability, under the hypothesis that both groups share one proportion and with the
    /// margins fixed, of a table at most as likely as the one seen. Exact for small counts; computed in logarithms so
    /// that large counts neither overflow nor trap.
    public static func fisherExact(_ x1: Int, of n1: Int, _ x2: Int, of n2: Int) -> Double? {
        guard n1 > 0, n2 > 0, (0...n1).contains(x1), (0...n2).contains(x2) else { return nil }
        let successes = x1 + x2, total = n1 + n2
        func logChoose(_ n: Int, _ k: Int) -> Double { lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1)) }
        let logDenominator = logChoose(total, successes)
        func probability(_ k: Int) -> Double { exp(logChoose(n1, k) + logChoose(n2, successes - k) - logDenominator) }
        let observed = probability(x1)
        var p = 0.0
        for k in max(0, successes - n2)...min(successes, n1) {
            let q = probability(k)
            if q <= observed * (1 + 1e-7) { p += q }  // the tolerance R and SciPy use for ties
        }
        return min(1, p)
    }

    /// The two-proportion z-test with the pooled proportion (the score test); nil when it is undefined (no trials, or
    /// every trial a success or every one a failure).
    public static func twoProportionZ(_ x1: Int, of n1: Int, _ x2: Int, of n2: Int) -> (z: Double, p: Double)? {
        guard n1 > 0, n2 > 0 else { return nil }
        let p1 = Double(x1) / Double(n1), p2 = Double(x2) / Double(n2)
        let pooled = Double(x1 + x2) / Double(n1 + n2)
        let se = (pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
        guard se > 0 else { return nil }
        let z = (p1 - p2) / se
        return (z, 2 * (1 - NormalDistribution.cdf(abs(z))))
    }

    /// Fisher's test while any expected count is under 5 (where the z-test's normal approximation is poor), the z-test
    /// otherwise: the rule of thumb Cochran gave.
    public static func pValue(_ x1: Int, of n1: Int, _ x2: Int, of n2: Int) -> (p: Double, method: String)? {
        guard n1 > 0, n2 > 0 else { return nil }
        let pooled = Double(x1 + x2) / Double(n1 + n2)
        let expected = [Double(n1) * pooled, Double(n1) * (1 - pooled), Double(n2) * pooled, Double(n2) * (1 - pooled)]
        if expected.contains(where: { $0 < 5 }) {
            return fisherExact(x1, of: n1, x2, of: n2).map { ($0, "Fisher's exact test") }
        }
        return twoProportionZ(x1, of: n1, x2, of: n2).map { ($0.p, "two-proportion z-test") }
    }

    /// How many per group a two-sided test at `alpha` needs to detect p₁ against p₂ with `power`: the normal
    /// approximation with the pooled variance under the null (Fleiss, Levin & Paik, "Statistical Methods for Rates and
    /// Proportions", 3rd ed., eq. 4.14, without continuity correction). Nil for equal or impossible proportions.
    public static func sampleSizePerGroup(_ p1: Double, _ p2: Double, alpha: Double = 0.05, power: Double = 0.8) -> Int? {
        guard p1 != p2, (0...1).contains(p1), (0...1).contains(p2), alpha > 0, alpha < 1, power > 0, power < 1 else { return nil }
        let za = NormalDistribution.quantile(1 - alpha / 2), zb = NormalDistribution.quantile(power)
        let mean = (p1 + p2) / 2
        let numerator = za * (2 * mean * (1 - mean)).squareRoot() + zb * (p1 * (1 - p1) + p2 * (1 - p2)).squareRoot()
        let n = numerator * numerator / ((p1 - p2) * (p1 - p2))
        return n.isFinite && n < 1e12 ? Int(n.rounded(.up)) : nil
    }
}
