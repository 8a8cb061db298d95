/// Agreement between raters who classify the same units: raw percent agreement, Cohen's kappa for a pair of raters and
/// Krippendorff's alpha for any number of them with missing values. Pure functions over category labels; an undefined
/// coefficient is nil with the reason, never NaN.
public enum Agreement {
    /// A coefficient, or why there is none.
    public enum Value: Sendable, Equatable {
        case value(Double)
        /// Not defined: every value in one category (expected disagreement 0), or too few pairable values.
        case undefined(String)

        public var number: Double? {
            if case .value(let v) = self { return v }
            return nil
        }
    }

    /// Levels of measurement Krippendorff's alpha distinguishes (the two calibration uses).
    public enum Level: String, Sendable, Codable {
        /// Categories without order: pass / fail / N/A.
        case nominal
        /// Ordered categories: a scale's labels, worst to best.
        case ordinal
    }

    /// The share of agreeing pairs among all pairs of raters who both rated a unit, over every unit; nil without a pair.
    /// `units[u][r]` is rater r's value for unit u, nil when missing.
    public static func percent(_ units: [[String?]]) -> Double? {
        var agreeing = 0, pairs = 0
        for unit in units {
            let values = unit.compactMap { $0 }
            for i in values.indices {
                for j in values.indices where j > i {
                    pairs += 1
                    if values[i] == values[j] { agreeing += 1 }
                }
            }
        }
        return pairs == 0 ? nil : Double(agreeing) / Double(pairs)
    }

    /// Cohen's kappa (Cohen 1960) for two raters over the units both rated: (pₒ − pₑ) / (1 − pₑ), with pₑ from each rater's
    /// own marginal distribution.
    public static func cohensKappa(_ a: [String?], _ b: [String?]) -> Value {
        let pairs = zip(a, b).compactMap { x, y in x.flatMap { x in y.map { (x, $0) } } }
        guard !pairs.isEmpty else { return .undefined("no unit both rated") }
        let n = Double(pairs.count)
        let observed = Double(pairs.filter { $0.0 == $0.1 }.count) / n
        var countsA: [String: Double] = [:], countsB: [String: Double] = [:]
        for (x, y) in pairs {
            countsA[x, default: 0] += 1
            countsB[y, default: 0] += 1
        }
        let expected = countsA.reduce(0.0) { sum, entry in sum + (entry.value / n) * ((countsB[entry.key] ?? 0) / n) }
        guard expected < 1 else { return .undefined("both gave one and the same answer throughout, so agreement by chance is certain") }
        return .value((observed - expected) / (1 - expected))
    }

    /// Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"): 1 − Dₒ/Dₑ from the
    /// coincidence matrix of all pairable values; units with fewer than two values are left out, as the method says.
    /// `order` gives the categories' order for the ordinal metric (worst to best); values not in it are left out.
    public static func krippendorffAlpha(_ units: [[String?]], level: Level, order: [String] = []) -> Value {
        // Categories: the given order, or (nominal) the values as they come.
        var categories = order
        if level == .nominal {
            for unit in units { for value in unit.compactMap({ $0 }) where !categories.contains(value) { categories.append(value) } }
        }
        let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        let k = categories.count
        var coincidences = Array(repeating: Array(repeating: 0.0, count: k), count: k)
        for unit in units {
            let values = unit.compactMap { $0.flatMap { index[$0] } }
            let m = values.count
            guard m >= 2 else { continue }
            for i in values.indices {
                for j in values.indices where j != i {
                    coincidences[values[i]][values[j]] += 1 / Double(m - 1)
                }
            }
        }
        let marginals = coincidences.map { $0.reduce(0, +) }
        let n = marginals.reduce(0, +)
        guard n > 1 else { return .undefined("fewer than two pairable values: no conversation has answers from two reviewers") }
        func distance(_ c: Int, _ d: Int) -> Double {
            switch level {
            case .nominal:
                return c == d ? 0 : 1
            case .ordinal:
                // The ordinal metric: the number of values between the two ranks, the ends counted half.
                let (low, high) = (min(c, d), max(c, d))
                let between = marginals[low...high].reduce(0, +) - (marginals[low] + marginals[high]) / 2
                return between * between
            }
        }
        var observed = 0.0, expected = 0.0
        for c in 0..<k {
            for d in 0..<k where d != c {
                let delta = distance(c, d)
                observed += coincidences[c][d] * delta
                expected += marginals[c] * marginals[d] * delta
            }
        }
        guard expected > 0 else { return .undefined("every answer is the same, so there is no disagreement to expect and alpha says nothing") }
        return .value(1 - (n - 1) * observed / expected)
    }
}
