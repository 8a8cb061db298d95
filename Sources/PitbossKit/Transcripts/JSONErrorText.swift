import Foundation

/// Turns Foundation's JSON errors into one short line that keeps the position it reports.
enum JSONErrorText {
    static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            if let underlying = context.underlyingError { return describe(underlying) }
            return context.debugDescription
        }
        let nsError = error as NSError
        if let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return "\(error)"
    }

    /// The 1-based column that a Foundation JSON error names ("… around line 1, column 57."), if any.
    static func column(in message: String) -> Int? {
        guard let range = message.range(of: "column ") else { return nil }
        return Int(message[range.upperBound...].prefix { $0.isNumber })
    }
}
