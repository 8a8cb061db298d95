/// Quantiles of a sample by linear interpolation between order statistics (Hyndman and Fan's type 7, the default of
/// R's `quantile` and NumPy's `percentile`): for p in 0…1 over n sorted values, the value at rank (n − 1)·p.
public enum Quantile {
    /// nil for an empty sample; `sorted` must be in ascending order.
    public static func of(sorted values: [Double], _ p: Double) -> Double? {
        guard let first = values.first else { return nil }
        guard values.count > 1 else { return first }
        let rank = Double(values.count - 1) * min(1, max(0, p))
        let low = Int(rank.rounded(.down))
        let high = min(low + 1, values.count - 1)
        return values[low] + (values[high] - values[low]) * (rank - Double(low))
    }
}
