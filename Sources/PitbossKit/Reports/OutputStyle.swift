import Foundation

/// How output may look: colour only on a terminal and never when `NO_COLOR` is set.
public struct OutputStyle: Sendable {
    public var color: Bool
    public var isTerminal: Bool
    /// The terminal's columns, when output goes to one (long lines are wrapped to it); nil on a pipe.
    public var width: Int?
    /// The terminal's rows, when output goes to one: what fits on one screen (a longer transcript is paged).
    public var height: Int?

    public init(color: Bool, isTerminal: Bool, width: Int? = nil, height: Int? = nil) {
        self.color = color
        self.isTerminal = isTerminal
        self.width = width
        self.height = height
    }

    public static let plain = OutputStyle(color: false, isTerminal: false)

    /// The style for a file descriptor, following the `NO_COLOR` convention (no-color.org).
    public static func detect(fileDescriptor: Int32, environment: [String: String]) -> OutputStyle {
        let terminal = isatty(fileDescriptor) == 1
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        var width: Int?
        var height: Int?
        if terminal {
            var size = winsize()
            let measured = ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0
            if measured, size.ws_col > 0 { width = Int(size.ws_col) }
            else if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 { width = columns }
            if measured, size.ws_row > 0 { height = Int(size.ws_row) }
            else if let lines = environment["LINES"].flatMap(Int.init), lines > 0 { height = lines }
        }
        return OutputStyle(color: terminal && !noColor && environment["TERM"] != "dumb", isTerminal: terminal, width: width, height: height)
    }

    public enum Tone: String, Sendable {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", cyan = "36"
    }

    public func paint(_ text: String, _ tones: Tone...) -> String {
        paint(text, tones)
    }

    public func paint(_ text: String, _ tones: [Tone]) -> String {
        guard color, !tones.isEmpty else { return text }
        return "\u{1B}[" + tones.map(\.rawValue).joined(separator: ";") + "m" + text + "\u{1B}[0m"
    }
}

/// What a listing command prints: a table for people, JSON or CSV for programs.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, json, csv
}
