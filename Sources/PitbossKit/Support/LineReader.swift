import Foundation

/// Streams a file line by line with a fixed buffer, so a file of any size is read in constant memory.
///
/// Lines are handed out as byte slices without their `\n` (and `\r\n`); a UTF-8 byte order mark at the
/// start of the file is dropped. `endsWithNewline` is false only for a last line that the file ends in
/// the middle of, the mark of a truncated file.
public final class LineReader {
    public struct Line {
        public var number: Int
        public var bytes: ArraySlice<UInt8>
        public var endsWithNewline: Bool
    }

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    /// Where the search for the next line feed resumes: the bytes before it (from `position`) hold none. Without
    /// it, a line longer than a chunk was searched from its start after every chunk: quadratic in its length.
    private var searched = 0
    private var atEOF = false
    private var lineNumber = 0
    private let chunkSize: Int

    public init(path: String, chunkSize: Int = 1 << 20) throws(PitbossError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .missingFile("\(path): cannot open for reading; check that it exists and is readable")
        }
        self.handle = handle
        self.chunkSize = chunkSize
    }

    deinit { try? handle.close() }

    public func next() throws(PitbossError) -> Line? {
        while true {
            if let newline = buffer[max(position, searched)...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > position, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = emit(buffer[position..<end], endsWithNewline: true)
                position = newline + 1
                searched = position
                return line
            }
            searched = buffer.count
            if atEOF {
                guard position < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = emit(buffer[position..<end], endsWithNewline: false)
                position = buffer.count
                return line
            }
            try fill()
        }
    }

    private func emit(_ bytes: ArraySlice<UInt8>, endsWithNewline: Bool) -> Line {
        lineNumber += 1
        var slice = bytes
        if lineNumber == 1, slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
        return Line(number: lineNumber, bytes: slice, endsWithNewline: endsWithNewline)
    }

    private func fill() throws(PitbossError) {
        // Keep the unread tail, drop what was handed out, then append the next chunk.
        if position > 0 {
            buffer.removeSubrange(0..<position)
            searched -= position
            position = 0
        }
        let chunk: Data?
        do { chunk = try handle.read(upToCount: chunkSize) } catch {
            throw .missingFile("cannot read: \(error.localizedDescription)")
        }
        guard let chunk, !chunk.isEmpty else {
            atEOF = true
            return
        }
        buffer.append(contentsOf: chunk)
    }
}
