import Foundation

/// Draws a `ReportChart` as inline SVG: no script, no font or image from anywhere, every label escaped. Each data
/// point carries its numbers in `data-` attributes (`data-series`, `data-x`, `data-value`), so that a test — or a
/// person with the inspector — can check a chart against the report's JSON.
enum SVGChart {
    static let width = 680.0
    /// Series colours, told apart in print too; the team (the comparison) is always grey.
    static let palette = ["#1f5fae", "#c2571a", "#2e8540", "#7b3fa0", "#b8860b", "#00838f", "#c2185b", "#5d4037"]
    static let teamColour = "#9aa3ad"

    /// Each series' colour, in order: grey for the team, the palette for the others.
    static func colours(_ series: [ChartSeries]) -> [String] {
        var next = 0
        return series.map { series in
            if series.isComparison { return teamColour }
            defer { next += 1 }
            return palette[next % palette.count]
        }
    }
    static let ink = "#1d2329", faint = "#d8dde3", bad = "#b3261e", good = "#2e7d32"

    static func render(_ chart: ReportChart, id: String) -> String {
        switch chart {
        case .lines(let c): lines(c, id: id)
        case .bars(let c): bars(c, id: id)
        case .histogram(let c): histogram(c, id: id)
        case .heatmap(let c): heatmap(c, id: id)
        case .intervals(let c): intervals(c, id: id)
        }
    }

    // MARK: pieces

    private static func f(_ x: Double) -> String { String(format: "%.1f", x) }
    private static func e(_ text: String) -> String { HTML.escape(text) }
    private static func value(_ x: Double) -> String { ReportNumber.plain(x) }

    private static func open(_ id: String, title: String, height: Double) -> String {
        """
        <svg class="chart" viewBox="0 0 \(f(width)) \(f(height))" width="\(f(width))" height="\(f(height))" role="img" aria-labelledby="\(id)-title">\
        <title id="\(id)-title">\(e(title))</title>\
        <text class="chart-title" x="0" y="16">\(e(title))</text>
        """
    }

    private static func text(_ s: String, x: Double, y: Double, anchor: String = "start", cls: String = "label", rotate: Bool = false) -> String {
        let transform = rotate ? " transform=\"rotate(-90 \(f(x)) \(f(y)))\"" : ""
        return "<text class=\"\(cls)\" x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\"\(transform)>\(e(s))</text>"
    }

    private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = faint, width: Double = 1,
                             dash: Bool = false) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\"\(dash ? " stroke-dasharray=\"5 3\"" : "")/>"
    }

    /// A legend of the series names under the title, in as many lines as it takes; how tall it is.
    private static func legend(_ series: [ChartSeries], top: Double = 24) -> (svg: String, height: Double) {
        guard !series.isEmpty else { return ("", 0) }
        var out = "", x = 0.0, y = top + 10
        for (name, colour) in zip(series.map(\.name), colours(series)) {
            let w = Double(TerminalWidth.of(name)) * 6.2 + 26
            if x > 0, x + w > width { x = 0; y += 15 }
            out += "<rect x=\"\(f(x))\" y=\"\(f(y - 9))\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>"
            out += text(name, x: x + 14, y: y)
            x += w
        }
        return (out, y - top + 8)
    }

    /// Round tick values across a range.
    static func ticks(_ domain: ClosedRange<Double>, count: Int = 5) -> [Double] {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0 else { return [domain.lowerBound] }
        let raw = span / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [Double] = []
        var t = ceil(domain.lowerBound / step) * step
        while t <= domain.upperBound + step * 1e-9 {
            ticks.append(t)
            t += step
        }
        return ticks
    }

    // MARK: charts

    static func lines(_ c: LineChart, id: String) -> String {
        let key = legend(c.series)
        let left = 56.0, right = 24.0, top = 34.0 + key.height, plotHeight = 200.0, bottom = c.markers.isEmpty ? 64.0 : 80.0
        let height = top + plotHeight + bottom
        let plotWidth = width - left - right
        let n = max(1, c.categories.count)
        let lo = c.domain.lowerBound, hi = c.domain.upperBound
        func x(_ i: Int) -> Double { left + (n == 1 ? plotWidth / 2 : plotWidth * Double(i) / Double(n - 1)) }
        func y(_ v: Double) -> Double { top + plotHeight * (1 - (min(hi, max(lo, v)) - lo) / max(hi - lo, 1e-9)) }
        var out = open(id, title: c.title, height: height) + key.svg
        for t in ticks(c.domain) {
            out += line(left, y(t), width - right, y(t))
            out += text(ReportNumber.plain(t), x: left - 6, y: y(t) + 4, anchor: "end")
        }
        out += line(left, top + plotHeight, width - right, top + plotHeight, stroke: ink)
        let every = max(1, Int((Double(n) / 12).rounded(.up)))
        let shown = shortened(c.categories)
        for (i, category) in shown.enumerated() where i % every == 0 || i == n - 1 {
            out += text(category, x: x(i), y: top + plotHeight + 16, anchor: n > 1 && i == n - 1 ? "end" : i == 0 && n > 1 ? "start" : "middle")
        }
        for marker in c.markers {
            guard let i = c.categories.firstIndex(of: marker.category) else { continue }
            let colour = marker.filled ? good : palette[1]
            out += line(x(i), top, x(i), top + plotHeight, stroke: colour, dash: true)
            // ▽ an assignment (hollow, pointing down), ▲ a completion (filled, pointing up), under the week.
            let shape = marker.filled ? "M\(f(x(i))) \(f(top + plotHeight + 22)) l-5 9 h10 z" : "M\(f(x(i) - 5)) \(f(top + plotHeight + 22)) h10 l-5 9 z"
            out += "<path class=\"marker\" data-x=\"\(e(marker.category))\" data-label=\"\(e(marker.label))\" d=\"\(shape)\" fill=\"\(marker.filled ? colour : "white")\" stroke=\"\(colour)\"><title>\(e(marker.label))</title></path>"
        }
        for (series, colour) in zip(c.series, colours(c.series)) {
            // A gap where a week has no value: the line breaks instead of bridging it.
            var path = "", pen = false
            for (i, v) in series.values.enumerated() {
                guard let v else { pen = false; continue }
                path += (pen ? " L" : "M") + "\(f(x(i))) \(f(y(v)))"
                pen = true
            }
            if !path.isEmpty { out += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>" }
            for (i, v) in series.values.enumerated() {
                guard let v, i < c.categories.count else { continue }
                out += "<circle class=\"point\" data-series=\"\(e(series.name))\" data-x=\"\(e(c.categories[i]))\" data-value=\"\(value(v))\" cx=\"\(f(x(i)))\" cy=\"\(f(y(v)))\" r=\"3.5\" fill=\"\(colour)\"><title>\(e(series.name)), \(e(c.categories[i])): \(e(String(format: "%.1f", v)))</title></circle>"
            }
        }
        out += text(c.yLabel, x: 14, y: top + plotHeight / 2, anchor: "middle", cls: "axis", rotate: true)
        out += text(c.xLabel, x: left + plotWidth / 2, y: top + plotHeight + 52, anchor: "middle", cls: "axis")
        if !c.markers.isEmpty {
            let y = height - 6
            out += "<path d=\"M\(f(left - 5)) \(f(y - 9)) h10 l-5 9 z\" fill=\"white\" stroke=\"\(palette[1])\"/>" + text("retraining assigned", x: left + 10, y: y)
            out += "<path d=\"M\(f(left + 160)) \(f(y - 9)) l-5 9 h10 z\" fill=\"\(good)\" stroke=\"\(good)\"/>" + text("retraining completed", x: left + 170, y: y)
        }
        return out + "</svg>"
    }

    static func bars(_ c: BarChart, id: String) -> String {
        let key = legend(c.series)
        let left = 150.0, right = 56.0, top = 40.0 + key.height, bottom = 40.0
        let barHeight = 11.0, gap = 8.0
        let groupHeight = Double(c.series.count) * barHeight + gap
        let plotHeight = max(groupHeight, Double(c.categories.count) * groupHeight)
        let height = top + plotHeight + bottom
        let plotWidth = width - left - right
        // From zero both ways: a negative value (a stricter reviewer) is a bar to the left of the zero line.
        let values = c.series.flatMap { $0.values.compactMap { $0 } }
        let whole = values.allSatisfy { $0 == $0.rounded() }
        let low = min(0, values.min() ?? 0), high = max(values.max() ?? 0, low == 0 ? 1e-9 : 0)
        let marks = ticks(low...high).filter { !whole || $0 == $0.rounded() }
        // Room beyond the longest bar on each side for its value's label.
        let span = max(high - low, 1e-9), room = low < 0 ? span * 0.12 : 0
        let domain = min(low - room, marks.first ?? low)...max(high, marks.last ?? high, whole ? 1 : 1e-9)
        func x(_ v: Double) -> Double { left + plotWidth * (v - domain.lowerBound) / max(domain.upperBound - domain.lowerBound, 1e-9) }
        func label(_ v: Double) -> String { whole ? String(Int(v)) : String(format: "%.1f", v) }
        var out = open(id, title: c.title, height: height) + key.svg
        let seriesColours = colours(c.series)
        for t in marks {
            out += line(x(t), top, x(t), top + plotHeight)
            out += text(ReportNumber.plain(t), x: x(t), y: top + plotHeight + 14, anchor: "middle")
        }
        for (k, category) in c.categories.enumerated() {
            let groupTop = top + Double(k) * groupHeight + gap / 2
            out += text(clipped(category, to: 22), x: left - 8, y: groupTop + groupHeight / 2, anchor: "end")
            for (s, series) in c.series.enumerated() {
                guard k < series.values.count, let v = series.values[k] else { continue }
                let y = groupTop + Double(s) * barHeight
                let from = min(x(0), x(v)), to = max(x(0), x(v))
                out += "<rect class=\"bar\" data-series=\"\(e(series.name))\" data-x=\"\(e(category))\" data-value=\"\(value(v))\" x=\"\(f(from))\" y=\"\(f(y))\" width=\"\(f(max(0.5, to - from)))\" height=\"\(f(barHeight - 1))\" fill=\"\(seriesColours[s])\"><title>\(e(series.name)), \(e(category)): \(e(label(v)))</title></rect>"
                // Zero needs no label beside a bar that is not there.
                if v != 0 { out += text(label(v), x: v < 0 ? from - 4 : to + 4, y: y + barHeight - 2, anchor: v < 0 ? "end" : "start", cls: "value") }
            }
        }
        out += line(x(0), top, x(0), top + plotHeight, stroke: ink)
        out += text(c.valueLabel, x: left + plotWidth / 2, y: height - 6, anchor: "middle", cls: "axis")
        out += text(c.categoryLabel, x: 4, y: top - 6, cls: "axis")
        return out + "</svg>"
    }

    static func histogram(_ c: Histogram, id: String) -> String {
        let left = 56.0, right = 16.0, top = 34.0, plotHeight = 160.0, bottom = 50.0
        let height = top + plotHeight + bottom
        let plotWidth = width - left - right
        let n = max(1, c.bins.count)
        let maxCount = max(1, c.bins.map(\.count).max() ?? 1)
        let domain = 0...Double(ticks(0...Double(maxCount)).last.map { max(Int($0), maxCount) } ?? maxCount)
        let binWidth = plotWidth / Double(n)
        func y(_ v: Double) -> Double { top + plotHeight * (1 - v / domain.upperBound) }
        var out = open(id, title: c.title, height: height)
        for t in ticks(domain) where t == t.rounded() {
            out += line(left, y(t), width - right, y(t))
            out += text(ReportNumber.plain(t), x: left - 6, y: y(t) + 4, anchor: "end")
        }
        let every = max(1, Int((Double(n) / 10).rounded(.up)))
        for (i, bin) in c.bins.enumerated() {
            let x = left + Double(i) * binWidth
            let upper = bin.upper.map(value) ?? ""
            let over = c.threshold.map { bin.lower >= $0.value } ?? false
            out += "<rect class=\"bin\" data-lower=\"\(value(bin.lower))\" data-upper=\"\(upper)\" data-value=\"\(bin.count)\" x=\"\(f(x + 1))\" y=\"\(f(y(Double(bin.count))))\" width=\"\(f(binWidth - 2))\" height=\"\(f(plotHeight - (y(Double(bin.count)) - top)))\" fill=\"\(over ? bad : palette[0])\"><title>\(e(c.boundLabel(bin.lower)))\(bin.upper.map { "–" + e(c.boundLabel($0)) } ?? " or more"): \(bin.count)</title></rect>"
            if i % every == 0 { out += text(c.boundLabel(bin.lower), x: x, y: top + plotHeight + 14, anchor: "middle") }
        }
        if let last = c.bins.last { out += text(last.upper.map(c.boundLabel) ?? "+", x: left + plotWidth, y: top + plotHeight + 14, anchor: "middle") }
        out += line(left, top + plotHeight, width - right, top + plotHeight, stroke: ink)
        if let threshold = c.threshold, let first = c.bins.first {
            // Bins are equal in width except the open last one: the line's place from the first bin's width.
            let step = (first.upper ?? (first.lower + 1)) - first.lower
            let x = left + binWidth * (threshold.value - first.lower) / step
            out += line(x, top - 4, x, top + plotHeight, stroke: bad, width: 2, dash: true)
            out += "<text class=\"threshold\" data-value=\"\(value(threshold.value))\" x=\"\(f(x + 4))\" y=\"\(f(top + 6))\">\(e(threshold.label))</text>"
        }
        out += text(c.yLabel, x: 14, y: top + plotHeight / 2, anchor: "middle", cls: "axis", rotate: true)
        out += text(c.xLabel, x: left + plotWidth / 2, y: height - 6, anchor: "middle", cls: "axis")
        return out + "</svg>"
    }

    static func heatmap(_ c: Heatmap, id: String) -> String {
        let left = 150.0, right = 16.0, top = 34.0, rowHeight = 18.0, bottom = 46.0
        let plotHeight = Double(max(1, c.rows.count)) * rowHeight
        let height = top + plotHeight + bottom
        let cellWidth = (width - left - right) / Double(max(1, c.columns.count))
        let maxValue = max(1, c.values.flatMap { $0 }.max() ?? 1)
        var out = open(id, title: c.title, height: height)
        for (r, row) in c.rows.enumerated() {
            let y = top + Double(r) * rowHeight
            out += text(clipped(row, to: 22), x: left - 8, y: y + rowHeight - 5, anchor: "end")
            for (k, column) in c.columns.enumerated() {
                let count = r < c.values.count && k < c.values[r].count ? c.values[r][k] : 0
                // Light to dark blue by the cell's share of the busiest cell; an empty cell stays white.
                let share = Double(count) / Double(maxValue)
                let fill = count == 0 ? "#ffffff" : String(format: "rgb(%d,%d,%d)", Int(232 - 201 * share), Int(240 - 145 * share), Int(250 - 76 * share))
                out += "<rect class=\"cell\" data-row=\"\(e(row))\" data-x=\"\(e(column))\" data-value=\"\(count)\" x=\"\(f(left + Double(k) * cellWidth))\" y=\"\(f(y))\" width=\"\(f(cellWidth - 1))\" height=\"\(f(rowHeight - 1))\" fill=\"\(fill)\" stroke=\"\(faint)\"><title>\(e(row)), \(e(column)): \(count)</title></rect>"
                if count > 0 {
                    let shown = count < 1000 ? String(count) : count < 10_000 ? String(format: "%.1fk", Double(count) / 1000) : "\(count / 1000)k"
                    out += "<text class=\"count\" x=\"\(f(left + (Double(k) + 0.5) * cellWidth))\" y=\"\(f(y + rowHeight - 5))\" text-anchor=\"middle\" fill=\"\(share > 0.55 ? "white" : ink)\">\(shown)</text>"
                }
            }
        }
        for (k, column) in c.columns.enumerated() where k % 2 == 0 {
            out += text(column, x: left + (Double(k) + 0.5) * cellWidth, y: top + plotHeight + 14, anchor: "middle")
        }
        out += text(c.xLabel, x: left + (width - left - right) / 2, y: height - 8, anchor: "middle", cls: "axis")
        out += text(c.yLabel, x: 4, y: top - 6, cls: "axis")
        out += text("darker: more; the darkest \(maxValue)", x: width - right, y: top - 6, anchor: "end")
        return out + "</svg>"
    }

    static func intervals(_ c: IntervalChart, id: String) -> String {
        let left = 220.0, right = 24.0, top = 34.0, rowHeight = 18.0, bottom = 42.0
        let plotHeight = Double(max(1, c.items.count)) * rowHeight
        let height = top + plotHeight + bottom
        let plotWidth = width - left - right
        func x(_ v: Double) -> Double { left + plotWidth * min(1, max(0, v)) }
        var out = open(id, title: c.title, height: height)
        for t in stride(from: 0.0, through: 1.0, by: 0.25) {
            out += line(x(t), top, x(t), top + plotHeight)
            out += text(String(format: "%.0f %%", t * 100), x: x(t), y: top + plotHeight + 14, anchor: "middle")
        }
        for (i, item) in c.items.enumerated() {
            let y = top + (Double(i) + 0.5) * rowHeight
            out += text(clipped(item.label, to: 36), x: left - 8, y: y + 4, anchor: "end")
            out += "<g class=\"interval\" data-x=\"\(e(item.label))\" data-value=\"\(value(item.estimate))\" data-low=\"\(value(item.low))\" data-high=\"\(value(item.high))\"><title>\(e(item.label)): \(e(ReportNumber.percent(item.estimate))) (\(e(ReportNumber.percent(item.low)))–\(e(ReportNumber.percent(item.high))))</title>"
                + line(x(item.low), y, x(item.high), y, stroke: palette[0], width: 2)
                + line(x(item.low), y - 4, x(item.low), y + 4, stroke: palette[0], width: 2)
                + line(x(item.high), y - 4, x(item.high), y + 4, stroke: palette[0], width: 2)
                + "<circle cx=\"\(f(x(item.estimate)))\" cy=\"\(f(y))\" r=\"4\" fill=\"\(ink)\"/></g>"
        }
        out += text(c.xLabel, x: left + plotWidth / 2, y: height - 6, anchor: "middle", cls: "axis")
        return out + "</svg>"
    }

    /// Axis labels without what they all share up to a dash ("2026-W36", "2026-W37" → "W36", "W37"); the axis title says it.
    static func shortened(_ labels: [String]) -> [String] {
        guard let first = labels.first, labels.count > 1 else { return labels }
        var common = first[...]
        for label in labels.dropFirst() { while !label.hasPrefix(common) { common = common.dropLast() } }
        guard let dash = common.lastIndex(of: "-") else { return labels }
        let cut = first.distance(from: first.startIndex, to: dash) + 1
        return labels.map { String($0.dropFirst(cut)) }
    }

    /// A trend small enough for a table cell: a line through the values (a gap where there is none), a dot on the last.
    static func sparkline(_ values: [Double?], domain: ClosedRange<Double>) -> String {
        let w = 64.0, h = 16.0, n = max(1, values.count - 1)
        func x(_ i: Int) -> Double { values.count == 1 ? w / 2 : 2 + (w - 4) * Double(i) / Double(n) }
        func y(_ v: Double) -> Double { 2 + (h - 4) * (1 - (min(domain.upperBound, max(domain.lowerBound, v)) - domain.lowerBound) / max(domain.upperBound - domain.lowerBound, 1e-9)) }
        var path = "", pen = false, dots = ""
        for (i, v) in values.enumerated() {
            guard let v else { pen = false; continue }
            path += (pen ? " L" : "M") + "\(f(x(i))) \(f(y(v)))"
            pen = true
            dots += "<circle cx=\"\(f(x(i)))\" cy=\"\(f(y(v)))\" r=\"1.5\" fill=\"\(palette[0])\"/>"
        }
        let said = values.map { $0.map { String(format: "%.1f", $0) } ?? "–" }.joined(separator: ", ")
        return "<svg class=\"spark\" data-values=\"\(values.map { $0.map(value) ?? "" }.joined(separator: " "))\" viewBox=\"0 0 \(f(w)) \(f(h))\" width=\"\(f(w))\" height=\"\(f(h))\" role=\"img\" aria-label=\"by week: \(said)\"><title>by week: \(said)</title>"
            + (path.isEmpty ? "" : "<path d=\"\(path)\" fill=\"none\" stroke=\"\(palette[0])\" stroke-width=\"1.5\"/>") + dots + "</svg>"
    }

    /// A label cut to fit beside a chart, with an ellipsis (the full text is in the table).
    static func clipped(_ label: String, to characters: Int) -> String {
        label.count <= characters ? label : String(label.prefix(characters - 1)) + "…"
    }
}
