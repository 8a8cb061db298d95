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

    /// Why `bytes` are not JSON, and where: line and column (1-based) of the offset that Foundation's
    /// parser reports ("Invalid value around character 23."). JSONDecoder on Linux reports no position,
    /// so this parses again with JSONSerialization; it runs only for records already known to be bad.
    static func diagnose(_ bytes: some Collection<UInt8>) -> (message: String, line: Int, column: Int)? {
        let data = Data(bytes)
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            let message = describe(error)
            guard let range = message.range(of: "character "),
                  let offset = Int(message[range.upperBound...].prefix { $0.isNumber })
            else { return (message, 1, 1) }
            let before = data.prefix(offset)
            let line = before.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? before.startIndex
            return (message, line, offset - (lineStart - data.startIndex) + 1)
        }
    }
}
