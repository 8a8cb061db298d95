import Foundation

/// Reading the vendors' JSON outputs, whose shapes are documented but not versioned in the file:
/// small accessors that say which field was wrong when the shape is not what the vendor documents.
struct JSONObject {
    let values: [String: Any]
    let path: String
    let file: String
    /// Where each key is in the file, when known (the keys of a file's outermost object).
    var locations: [String: SourceLocation] = [:]

    init(_ any: Any, path: String, file: String, locations: [String: SourceLocation] = [:]) throws(RecordProblem) {
        guard let values = any as? [String: Any] else {
            throw RecordProblem(SourceLocation(file: file), field: path.isEmpty ? nil : path, "expected a JSON object")
        }
        self.values = values
        self.path = path
        self.file = file
        self.locations = locations
    }

    private func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func problem(_ key: String, _ reason: String) -> RecordProblem {
        RecordProblem(locations[key] ?? SourceLocation(file: file), field: fieldPath(key), reason)
    }

    func string(_ key: String) -> String? { values[key] as? String }

    /// A number, given as a JSON number or as text ("0.64", as Transcribe writes times); nil when absent or
    /// null. Anything else, and NaN or an infinity written as text, is a problem with the field.
    func number(_ key: String) throws(RecordProblem) -> Double? {
        guard let value = values[key], !(value is NSNull) else { return nil }
        let number: Double? = if let s = value as? String { Double(s.trimmingCharacters(in: .whitespaces)) } else { (value as? NSNumber)?.doubleValue }
        guard let number, number.isFinite else {
            throw problem(key, "must be a number, not \(value is String ? "'\(value)'" : "\(value)")")
        }
        return number
    }

    func object(_ key: String) throws(RecordProblem) -> JSONObject? {
        guard let value = values[key], !(value is NSNull) else { return nil }
        return try JSONObject(value, path: fieldPath(key), file: file)
    }

    func objects(_ key: String) throws(RecordProblem) -> [JSONObject]? {
        guard let value = values[key], !(value is NSNull) else { return nil }
        guard let list = value as? [Any] else { throw problem(key, "expected a list") }
        var result: [JSONObject] = []
        for (i, element) in list.enumerated() { result.append(try JSONObject(element, path: "\(fieldPath(key))[\(i)]", file: file)) }
        return result
    }
}

/// Keys that a JSON object gives twice. Foundation's parsers keep one of the two values and say nothing, so
/// a record that says two things would import as one of them; Pitboss names it instead, as it does for a
/// YAML key given twice. Keys are compared as Swift strings — escapes decoded, canonically equivalent
/// spellings equal — which is how the parsed dictionaries key them.
enum JSONDuplicateKeys {
    struct Duplicate: Equatable {
        /// The key's path: `customer.id`, `turns[1].text`.
        var path: String
        var key: String
        /// Byte offset of the second occurrence's opening quote.
        var offset: Int
    }

    /// The first key given twice in one object, scanning `bytes` (meant for text that already parsed as JSON;
    /// any bytes are safe).
    static func first(in bytes: some Collection<UInt8>) -> Duplicate? {
        let array = Array(bytes)
        return array.withUnsafeBufferPointer { scan($0, topLevelKey: nil) }
    }

    /// The byte offset of each key of the outermost object (the first occurrence of a key given twice).
    static func topLevelKeys(in bytes: some Collection<UInt8>) -> [String: Int] {
        var keys: [String: Int] = [:]
        let array = Array(bytes)
        _ = array.withUnsafeBufferPointer { scan($0) { key, offset in if keys[key] == nil { keys[key] = offset } } }
        return keys
    }

    /// The first key given twice, as a problem at its second occurrence: `file:line:column`, the key's path.
    /// `line` is the line of the first byte when `bytes` are one line of a larger file.
    static func problem(in bytes: some Collection<UInt8>, file: String, line: Int = 1) -> RecordProblem? {
        guard let duplicate = first(in: bytes) else { return nil }
        let (lineInBytes, column) = position(of: duplicate.offset, in: bytes)
        return RecordProblem(SourceLocation(file: file, line: line + lineInBytes - 1, column: column), field: duplicate.path,
                             "the key '\(duplicate.key)' is given twice in one object; each key may appear once (a JSON reader would keep one of the two values and lose the other)")
    }

    /// Where each key of the outermost object is: `file:line:column`, found in one pass over the bytes.
    static func topLevelKeyLocations(in bytes: some Collection<UInt8>, file: String) -> [String: SourceLocation] {
        let offsets = topLevelKeys(in: bytes)
        let wanted = offsets.values.sorted()
        var positions: [Int: SourceLocation] = [:]
        var next = 0
        var line = 1
        var lineStart = 0
        for (index, byte) in bytes.enumerated() {
            while next < wanted.count, wanted[next] == index {
                positions[index] = SourceLocation(file: file, line: line, column: index - lineStart + 1)
                next += 1
            }
            if next == wanted.count { break }
            if byte == 0x0A {
                line += 1
                lineStart = index + 1
            }
        }
        return offsets.compactMapValues { positions[$0] }
    }

    /// The line and column (1-based, column in bytes) of a byte offset.
    static func position(of offset: Int, in bytes: some Collection<UInt8>) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for (index, byte) in bytes.prefix(offset).enumerated() where byte == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, offset - lineStart + 1)
    }

    /// An object or array being scanned: where its keys start in the shared list of keys (a set once an
    /// object has many), the key whose value comes next, or the index of an array's element.
    private struct Frame {
        var isObject: Bool
        var firstKey: Int
        var keySet: Set<String>?
        var currentKey: String?
        var index = 0
        var expectingKey = true
    }

    private static func scan(_ b: UnsafeBufferPointer<UInt8>, topLevelKey: ((String, Int) -> Void)?) -> Duplicate? {
        var stack: [Frame] = []
        // The keys of every open object, innermost last: one list, so that an object costs no allocation.
        var keys: [String] = []
        var i = 0
        while i < b.count {
            let byte = b[i]
            switch byte {
            case UInt8(ascii: "{"):
                stack.append(Frame(isObject: true, firstKey: keys.count))
            case UInt8(ascii: "["):
                stack.append(Frame(isObject: false, firstKey: keys.count))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if let frame = stack.popLast() { keys.removeSubrange(frame.firstKey...) }
            case UInt8(ascii: ","):
                if let last = stack.indices.last {
                    if stack[last].isObject { stack[last].expectingKey = true } else { stack[last].index += 1 }
                }
            case UInt8(ascii: ":"):
                if let last = stack.indices.last { stack[last].expectingKey = false }
            case UInt8(ascii: "\""):
                let start = i
                var hasEscape = false
                i += 1
                while i < b.count, b[i] != UInt8(ascii: "\"") {
                    if b[i] == UInt8(ascii: "\\") { hasEscape = true; i += 1 }
                    i += 1
                }
                guard let last = stack.indices.last, stack[last].isObject, stack[last].expectingKey else { break }
                let raw = UnsafeBufferPointer(rebasing: b[(start + 1)..<min(i, b.count)])
                let key = hasEscape ? decodeEscapes(raw) : String(decoding: raw, as: UTF8.self)
                let own = stack[last].firstKey..<keys.count
                if stack[last].keySet == nil, own.count >= 16 { stack[last].keySet = Set(keys[own]) }
                if stack[last].keySet.map({ $0.contains(key) }) ?? keys[own].contains(key) {
                    return Duplicate(path: path(stack.dropLast(), key: key), key: key, offset: start)
                }
                if stack.count == 1 { topLevelKey?(key, start) }
                keys.append(key)
                stack[last].keySet?.insert(key)
                stack[last].currentKey = key
                stack[last].expectingKey = false
            default:
                break
            }
            i += 1
        }
        return nil
    }

    private static func path(_ frames: ArraySlice<Frame>, key: String) -> String {
        var text = ""
        for frame in frames {
            if frame.isObject {
                let name = frame.currentKey ?? ""
                text += text.isEmpty ? name : "." + name
            } else {
                text += "[\(frame.index)]"
            }
        }
        return text.isEmpty ? key : text + "." + key
    }

    /// A JSON string's content with its escapes decoded; a malformed escape is kept as written.
    private static func decodeEscapes(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var units: [UTF16.CodeUnit] = []
        var i = 0
        func hex(_ at: Int) -> UInt16? {
            guard at + 4 <= raw.count else { return nil }
            var value: UInt16 = 0
            for k in at..<(at + 4) {
                let c = raw[k]
                let digit: UInt16
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt16(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt16(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt16(c - UInt8(ascii: "A") + 10)
                default: return nil
                }
                value = value << 4 | digit
            }
            return value
        }
        var plain: [UInt8] = []
        func flushPlain() {
            guard !plain.isEmpty else { return }
            units.append(contentsOf: String(decoding: plain, as: UTF8.self).utf16)
            plain.removeAll()
        }
        while i < raw.count {
            guard raw[i] == UInt8(ascii: "\\"), i + 1 < raw.count else {
                plain.append(raw[i])
                i += 1
                continue
            }
            let escaped = raw[i + 1]
            let simple: UInt8? = switch escaped {
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "t"): 0x09
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "u"): nil
            default: escaped  // \" \\ \/ and anything else, as written
            }
            if let simple {
                plain.append(simple)
                i += 2
            } else if let unit = hex(i + 2) {
                flushPlain()
                units.append(unit)
                i += 6
            } else {
                plain.append(contentsOf: [raw[i], raw[i + 1]])
                i += 2
            }
        }
        flushPlain()
        return String(decoding: units, as: UTF16.self)
    }
}
