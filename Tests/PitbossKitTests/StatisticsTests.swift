import Testing
@testable import PitbossKit

/// The statistics retraining outcomes, reports and calibration rest on, checked against published worked examples.
@Suite("Statistics: intervals and tests for proportions, against published values")
struct StatisticsTests {
    func close(_ a: Double?, _ b: Double, _ tolerance: Double = 5e-5) -> Bool { a.map { abs($0 - b) < tolerance } ?? false }

    /// Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion: comparison of seven methods.
    /// Statistics in Medicine 17, 857–872, Table I, method 3 (Wilson's score interval).
    @Test("Wilson's interval: Newcombe (1998a), Table I", arguments: [
        (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
    ])
    func wilson(x: Int, n: Int, lower: Double, upper: Double) {
        let interval = ProportionInterval.wilson(successes: x, trials: n)
        #expect(close(interval.lower, lower) && close(interval.upper, upper), "\(interval)")
    }

    @Test("with no trials nothing is known: [0, 1], and no estimate")
    func noTrials() {
        let interval = ProportionInterval.wilson(successes: 0, trials: 0)
        #expect(interval.lower == 0 && interval.upper == 1 && interval.estimate == nil)
        #expect(ProportionDifference.newcombe(1, of: 0, minus: 1, of: 3) == nil)
    }

    /// Newcombe, R. G. (1998). Interval estimation for the difference between independent proportions: comparison of
    /// eleven methods. Statistics in Medicine 17, 873–890, Table II, method 10.
    @Test("Newcombe's interval for a difference: Newcombe (1998b), Table II", arguments: [
        (56, 70, 48, 80, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090), (6, 7, 2, 7, 0.0582, 0.8062), (5, 56, 0, 29, -0.0381, 0.1926),
    ])
    func newcombe(x1: Int, n1: Int, x2: Int, n2: Int, lower: Double, upper: Double) {
        let d = ProportionDifference.newcombe(x1, of: n1, minus: x2, of: n2)
        #expect(close(d?.lower, lower) && close(d?.upper, upper), "\(String(describing: d))")
    }

    /// Fisher, R. A. (1935). The Design of Experiments, ch. II: the lady tasting tea, 3 of 4 cups right each way:
    /// two-sided p = 34/70 = 0.4857.
    @Test("Fisher's exact test: the lady tasting tea, and a table where it matters")
    func fisher() {
        #expect(close(ProportionTests.fisherExact(3, of: 4, 1, of: 4), 34.0 / 70.0, 1e-9))
        // 1 of 10 against 11 of 14: SciPy's fisher_exact gives 0.0027595.
        #expect(close(ProportionTests.fisherExact(1, of: 10, 11, of: 14), 0.0027595, 1e-6))
        // Expected counts under 5 (2 in each cell of the tea table): Fisher's test is the one used.
        #expect(ProportionTests.pValue(3, of: 4, 1, of: 4)?.method == "Fisher's exact test")
        // Large counts in logarithms: no overflow, the same answer as SciPy's fisher_exact (0.024206).
        #expect(close(ProportionTests.fisherExact(120, of: 500, 90, of: 500), 0.0242064, 1e-6))
    }

    @Test("the two-proportion z-test with the pooled proportion; undefined when every trial has one outcome")
    func zTest() throws {
        let result = try #require(ProportionTests.twoProportionZ(120, of: 500, 90, of: 500))
        #expect(close(result.z, 2.32915, 1e-5) && close(result.p, 0.019851, 1e-6))
        #expect(ProportionTests.pValue(120, of: 500, 90, of: 500)?.method == "two-proportion z-test")
        #expect(ProportionTests.twoProportionZ(0, of: 30, 0, of: 40) == nil)
    }

    /// The formula of Fleiss, Levin & Paik (2003), Statistical Methods for Rates and Proportions, 3rd ed., §4.2, without
    /// the continuity correction: 0.20 against 0.10 at α = 0.05 (two-sided) and power 0.80 gives 198.97, so 199 per group.
    @Test("the sample size to detect a difference: Fleiss, Levin & Paik, §4.2")
    func sampleSize() {
        #expect(ProportionTests.sampleSizePerGroup(0.2, 0.1) == 199)
        #expect(ProportionTests.sampleSizePerGroup(0.2, 0.2) == nil)
    }

    @Test("the normal quantile at its edges answers infinity instead of trapping")
    func quantileEdges() {
        #expect(NormalDistribution.quantile(0) == -.infinity && NormalDistribution.quantile(1) == .infinity)
        #expect(close(NormalDistribution.cdf(1.959963984540054), 0.975, 1e-12))
    }

    /// Zou & Donner (2008), eq. 7–8 (MOVER), applied to two of Newcombe's (1998b, Table II) published intervals:
    /// 56/70 − 48/80 = 0.2 (0.0524 to 0.3339) and 9/10 − 3/10 = 0.6 (0.1705 to 0.8090). Their difference, −0.4, has
    /// the limits −0.4 ∓ √((0.2 − 0.0524)² + (0.8090 − 0.6)²) and −0.4 + √((0.3339 − 0.2)² + (0.6 − 0.1705)²).
    @Test("a difference in differences by MOVER, from two published Newcombe intervals")
    func differenceInDifferences() throws {
        let a = try #require(ProportionDifference.newcombe(56, of: 70, minus: 48, of: 80))
        let b = try #require(ProportionDifference.newcombe(9, of: 10, minus: 3, of: 10))
        let did = a.minus(b)
        let lower = -0.4 - ((0.2 - 0.0524) * (0.2 - 0.0524) + (0.8090 - 0.6) * (0.8090 - 0.6)).squareRoot()
        let upper = -0.4 + ((0.3339 - 0.2) * (0.3339 - 0.2) + (0.6 - 0.1705) * (0.6 - 0.1705)).squareRoot()
        #expect(close(did.difference, -0.4, 1e-9) && close(did.lower, lower, 2e-4) && close(did.upper, upper, 2e-4), "\(did)")
        #expect(did.sign == nil && a.sign == .plus)
        // Taking away a certain zero changes nothing.
        #expect(a.minus(ProportionDifference(difference: 0, lower: 0, upper: 0)) == a)
    }

    /// The six studies of Borenstein, Hedges, Higgins & Rothstein (2009), "Introduction to Meta-Analysis", ch. 14
    /// (effects and variances to three places); the fixed-effect summary statsmodels 0.14 (`combine_effects`) gives for
    /// them is 0.40926, standard error 0.06452, 95 % interval 0.28280 to 0.53572.
    @Test("pooling by inverse variance: the fixed-effect summary of a published example")
    func pooled() throws {
        let studies = [(0.095, 0.033), (0.277, 0.031), (0.367, 0.050), (0.664, 0.011), (0.462, 0.043), (0.185, 0.023)]
        let p = try #require(PooledEstimate.fixedEffect(studies.map { (value: $0.0, variance: $0.1) }))
        #expect(close(p.estimate, 0.40926) && close(p.standardError, 0.06452) && close(p.lower, 0.28280) && close(p.upper, 0.53572))
        #expect(p.count == 6)
        #expect(PooledEstimate.fixedEffect([(value: 1, variance: 0)]) == nil)  // no precision to weigh by: no pooled value
    }
}
