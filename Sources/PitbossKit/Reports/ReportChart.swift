/// A chart of a report section's numbers, described by its data; `SVGChart` draws it. Every chart has a title and
/// axis labels with units, and its numbers are also in the section's table.
public enum ReportChart: Sendable {
    /// Values over ordered categories (weeks), one line per series, with events marked on the axis.
    case lines(LineChart)
    /// A value per category, one bar per series side by side (an agent against the team).
    case bars(BarChart)
    /// Counts in bins of a measure, with a threshold line (first-response times against the SLA).
    case histogram(Histogram)
    /// Counts in a grid of two categories (shift × hour).
    case heatmap(Heatmap)
    /// An estimate with its interval per item (rule precision with Wilson's interval).
    case intervals(IntervalChart)

    public var title: String {
        switch self {
        case .lines(let c): c.title
        case .bars(let c): c.title
        case .histogram(let c): c.title
        case .heatmap(let c): c.title
        case .intervals(let c): c.title
        }
    }
}

public struct ChartSeries: Sendable {
    public var name: String
    public var values: [Double?]
    /// What the others are compared with (the team): drawn in grey, whatever it is called.
    public var isComparison: Bool
    public init(_ name: String, _ values: [Double?], isComparison: Bool = false) {
        self.name = name
        self.values = values
        self.isComparison = isComparison
    }

    /// The team's series.
    public static func team(_ values: [Double?]) -> ChartSeries { ChartSeries("team", values, isComparison: true) }
}

public struct LineChart: Sendable {
    /// A QA-score axis that shows differences: from a round ten below the lowest value to 100.
    public static func scoreDomain(_ values: [Double]) -> ClosedRange<Double> {
        guard let low = values.min() else { return 0...100 }
        return max(0, ((low - 5) / 10).rounded(.down) * 10)...100
    }

    public struct Marker: Sendable {
        /// One of the chart's categories.
        public var category: String
        public var label: String
        /// Drawn hollow (an assignment) or filled (a completion).
        public var filled: Bool
        public init(category: String, label: String, filled: Bool) {
            self.category = category
            self.label = label
            self.filled = filled
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var categories: [String]
    public var series: [ChartSeries]
    public var markers: [Marker]
    public var domain: ClosedRange<Double>

    public init(title: String, xLabel: String, yLabel: String, categories: [String], series: [ChartSeries], markers: [Marker] = [],
                domain: ClosedRange<Double>) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
        self.markers = markers
        self.domain = domain
    }
}

public struct BarChart: Sendable {
    public var title: String
    /// The value axis: what the bars measure, with its unit.
    public var valueLabel: String
    public var categoryLabel: String
    public var categories: [String]
    public var series: [ChartSeries]
    public init(title: String, valueLabel: String, categoryLabel: String, categories: [String], series: [ChartSeries]) {
        self.title = title
        self.valueLabel = valueLabel
        self.categoryLabel = categoryLabel
        self.categories = categories
        self.series = series
    }
}

public struct Histogram: Sendable {
    public struct Bin: Sendable {
        public var lower: Double
        /// nil: the open last bin, everything at or above `lower`.
        public var upper: Double?
        public var count: Int
        public init(lower: Double, upper: Double?, count: Int) {
            self.lower = lower
            self.upper = upper
            self.count = count
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var bins: [Bin]
    /// A vertical line at this measure, with its label ("SLA 5 m").
    public var threshold: (value: Double, label: String)?
    /// How a bin's bound reads on the axis ("5 m").
    public var boundLabel: @Sendable (Double) -> String

    public init(title: String, xLabel: String, yLabel: String, bins: [Bin], threshold: (value: Double, label: String)?,
                boundLabel: @escaping @Sendable (Double) -> String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.bins = bins
        self.threshold = threshold
        self.boundLabel = boundLabel
    }
}

public struct Heatmap: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var columns: [String]
    public var rows: [String]
    /// rows × columns.
    public var values: [[Int]]
    public init(title: String, xLabel: String, yLabel: String, columns: [String], rows: [String], values: [[Int]]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.columns = columns
        self.rows = rows
        self.values = values
    }
}

public struct IntervalChart: Sendable {
    public struct Item: Sendable {
        public var label: String
        public var estimate: Double
        public var low: Double
        public var high: Double
        public init(label: String, estimate: Double, low: Double, high: Double) {
            self.label = label
            self.estimate = estimate
            self.low = low
            self.high = high
        }
    }

    public var title: String
    /// The measure, a share 0…1 drawn as a percentage.
    public var xLabel: String
    public var items: [Item]
    public init(title: String, xLabel: String, items: [Item]) {
        self.title = title
        self.xLabel = xLabel
        self.items = items
    }
}
