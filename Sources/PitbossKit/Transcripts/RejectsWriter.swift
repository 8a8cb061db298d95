import Foundation

/// `--rejects FILE`: every record that was not imported, one JSON object per line, with the
/// original text so that it can be fixed and imported again.
final class RejectsWriter {
    private let handle: FileHandle
    private let path: String

    init(path: String) throws(PitbossError) {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path)
        else { throw .missingFile("\(path): cannot create the rejects file") }
        self.handle = handle
        self.path = path
    }

    func write(_ problem: RecordProblem, kind: String) {
        var object: [String: Any] = ["kind": kind, "file": problem.location.file, "reason": problem.reason]
        if let line = problem.location.line { object["line"] = line }
        if let column = problem.location.column { object["column"] = column }
        if let field = problem.field { object["field"] = field }
        if let id = problem.conversationID { object["conversation"] = id }
        if let raw = problem.rawRecord { object["record"] = raw }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        data.append(0x0A)
        handle.write(data)
    }

    func close() throws(PitbossError) {
        do { try handle.close() } catch { throw .missingFile("\(path): cannot finish writing the rejects file: \(error)") }
    }
}
