import Foundation

/// Reading the vendors' JSON outputs, whose shapes are documented but not versioned in the file:
/// small accessors that say which field was wrong when the shape is not what the vendor documents.
struct JSONObject {
    let values: [String: Any]
    let path: String
    let file: String

    init(_ any: Any, path: String, file: String) throws(RecordProblem) {
        guard let values = any as? [String: Any] else {
            throw RecordProblem(SourceLocation(file: file), field: path.isEmpty ? nil : path, "expected a JSON object")
        }
        self.values = values
        self.path = path
        self.file = file
    }

    private func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func problem(_ key: String, _ reason: String) -> RecordProblem {
        RecordProblem(SourceLocation(file: file), field: fieldPath(key), reason)
    }

    func string(_ key: String) -> String? { values[key] as? String }

    func number(_ key: String) -> Double? {
        if let n = values[key] as? NSNumber { return n.doubleValue }
        if let s = values[key] as? String { return Double(s) }
        return nil
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
