import Testing
@testable import PitbossKit

/// The agreement statistics of calibration, on published worked examples and on the edge cases where a coefficient is
/// not defined.
@Suite("Agreement between reviewers: percent, Cohen's kappa, Krippendorff's alpha")
struct AgreementTests {
    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers, twelve units, values
    /// 1–5 with missing data — the same data as the example of R's irr::kripp.alpha. Published: α nominal = 0.743,
    /// ordinal = 0.815 (interval 0.849, which calibration does not use).
    static let krippendorffC: [[String?]] = [
        ["1", "1", nil, "1"], ["2", "2", "3", "2"], ["3", "3", "3", "3"], ["3", "3", "3", "3"], ["2", "2", "2", "2"], ["1", "2", "3", "4"],
        ["4", "4", "4", "4"], ["1", "1", "2", "1"], ["2", "2", "2", "2"], [nil, "5", "5", "5"], [nil, nil, "1", "1"], [nil, nil, "3", nil],
    ]

    @Test("Krippendorff's worked example with missing values: nominal 0.743, ordinal 0.815")
    func krippendorffWorkedExample() throws {
        let nominal = try #require(Agreement.krippendorffAlpha(Self.krippendorffC, level: .nominal).number)
        #expect(abs(nominal - 0.743) < 0.0005)
        let ordinal = try #require(Agreement.krippendorffAlpha(Self.krippendorffC, level: .ordinal, order: ["1", "2", "3", "4", "5"]).number)
        #expect(abs(ordinal - 0.815) < 0.0005)
    }

    /// The example of Wikipedia's "Cohen's kappa" article: 50 applications read by two readers; both yes 20, both no 15,
    /// A yes and B no 5, A no and B yes 10: pₒ = 0.7, pₑ = 0.5, κ = 0.4.
    @Test("Cohen's kappa on the grant-proposal example: 0.4")
    func cohensKappaWorkedExample() throws {
        let a = Array(repeating: "yes", count: 25) + Array(repeating: "no", count: 25)
        let b = Array(repeating: "yes", count: 20) + Array(repeating: "no", count: 5) + Array(repeating: "yes", count: 10) + Array(repeating: "no", count: 15)
        let kappa = try #require(Agreement.cohensKappa(a, b).number)
        #expect(abs(kappa - 0.4) < 1e-12)
        // Units one of them did not rate are left out, not counted as disagreement.
        #expect(Agreement.cohensKappa(a + ["yes", nil], b + [nil, "no"]) == .value(kappa))
    }

    @Test("one category throughout: kappa and alpha are undefined and say why; no unit rated twice: undefined too")
    func undefined() {
        let pass: [String?] = ["pass", "pass", "pass"]
        guard case .undefined(let why) = Agreement.cohensKappa(pass, pass) else { Issue.record("kappa of one category is defined"); return }
        #expect(why.contains("one and the same answer"))
        guard case .undefined(let alphaWhy) = Agreement.krippendorffAlpha([pass, pass], level: .nominal) else { Issue.record("alpha of one category is defined"); return }
        #expect(alphaWhy.contains("every answer is the same"))
        #expect(Agreement.krippendorffAlpha([["pass", nil], [nil, "fail"]], level: .nominal) != .value(0))
        #expect(Agreement.cohensKappa([nil, "pass"], ["fail", nil]) == .undefined("no unit both rated"))
        #expect(Agreement.percent([["pass", nil]]) == nil)
    }

    @Test("percent agreement counts agreeing pairs of every unit: 3 raters, 2 agree → 1 of 3 pairs")
    func percent() {
        #expect(Agreement.percent([["pass", "pass", "fail"]]) == 1.0 / 3.0)
        #expect(Agreement.percent([["pass", "pass"], ["fail", "pass"], ["na", nil]]) == 0.5)
        // Perfect agreement with two categories in use: alpha is 1.
        #expect(Agreement.krippendorffAlpha([["pass", "pass"], ["fail", "fail"]], level: .nominal) == .value(1))
    }
}
