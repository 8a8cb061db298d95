import Foundation

/// Decoding of input bytes that must be UTF-8, with the position of the first bad byte when not.
public enum UTF8Text {
    /// The text, or the 1-based column (in bytes) of the first byte that is not valid UTF-8.
    public static func decode(_ bytes: some Collection<UInt8>) -> Result<String, InvalidUTF8> {
        if let text = String(validating: bytes, as: UTF8.self) { return .success(text) }
        var column = 1
        var iterator = bytes.makeIterator()
        var decoder = Unicode.UTF8()
        var offset = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
            case .emptyInput:
                break loop
            case .error:
                column = offset + 1
                break loop
            }
        }
        return .failure(InvalidUTF8(byteColumn: column))
    }

    public struct InvalidUTF8: Error, Sendable {
        public var byteColumn: Int
        public var message: String {
            "invalid UTF-8 at byte \(byteColumn); re-export the file as UTF-8 (e.g. iconv -f WINDOWS-1251 -t UTF-8)"
        }
    }

    /// Whole-file decoding for the formats that are read at once: drops a BOM, turns CRLF and lone CR into
    /// LF, and names the line and column of the first invalid byte.
    public static func decodeFile(_ bytes: [UInt8], path: String) throws(RecordProblem) -> String {
        var slice = bytes[...]
        if slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
        switch decode(slice) {
        case .success(let text):
            guard text.contains("\r") else { return text }
            return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        case .failure(let bad):
            let badIndex = slice.startIndex + bad.byteColumn - 1
            let before = slice[..<badIndex]
            let line = before.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? slice.startIndex
            throw RecordProblem(SourceLocation(file: path, line: line, column: badIndex - lineStart + 1),
                                "invalid UTF-8; re-export the file as UTF-8 (e.g. iconv -f WINDOWS-1251 -t UTF-8)")
        }
    }
}
