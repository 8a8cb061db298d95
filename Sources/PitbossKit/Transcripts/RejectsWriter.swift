import Foundation

/// `--rejects FILE`: every record that was not imported, one JSON object per line, with the
/// original text so that it can be fixed and imported again.
///
/// The file is opened in place (a link is followed, never replaced) and is never one of the files being
/// imported or the database: writing it must not destroy what it reports on.
final class RejectsWriter {
    private let descriptor: Int32
    private let path: String
    /// The first write that failed (a full disk): reported when the import closes the file.
    private var failure: String?

    /// The JSON keys of each line, every one always present (null when it does not apply).
    struct Line: Encodable {
        var kind: String
        var file: String
        var line: Int?
        var column: Int?
        var field: String?
        var conversation: String?
        var reason: String
        var record: String?

        enum CodingKeys: String, CodingKey { case kind, file, line, column, field, conversation, reason, record }
    }

    /// `protected`: the inputs and the database, which the rejects file must not be.
    init(path: String, protected: [String]) throws(PitbossError) {
        let target = Self.resolved(path)
        let identity = Self.identity(path)
        // The same file by path, or by device and inode (a hard link has another path).
        if let clash = protected.first(where: { Self.resolved($0) == target || (identity != nil && Self.identity($0) == identity) }) {
            throw .usage("\(path): the rejects file would overwrite \(clash), which this import reads or writes; name another file")
        }
        var info = stat()
        if stat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFREG {
            throw .usage("\(path): the rejects file must be a regular file (this is a folder, a device or a pipe); name another file")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .missingFile("\(path): cannot create the rejects file (\(String(cString: strerror(errno))))")
        }
        descriptor = fd
        self.path = path
    }

    deinit { close(descriptor) }

    func write(_ problem: RecordProblem, kind: String) {
        guard failure == nil else { return }
        let line = Line(kind: kind, file: problem.location.file, line: problem.location.line, column: problem.location.column,
                        field: problem.field, conversation: problem.conversationID, reason: problem.reason, record: problem.rawRecord)
        var bytes = Array(JSONOutput.string(line, pretty: false).utf8)[...]
        bytes.append(0x0A)
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Ends the file; a write that failed is reported now, once the good records are stored.
    func finish() throws(PitbossError) {
        if let failure {
            throw .ioFailure("\(path): cannot write the rejects file (\(failure)); the import itself finished and its summary stands, but this file is incomplete")
        }
        guard fsync(descriptor) == 0 || errno == EINVAL else {
            throw .ioFailure("\(path): cannot finish writing the rejects file (\(String(cString: strerror(errno))))")
        }
    }

    /// Device and inode of an existing file (links followed), nil when there is none.
    static func identity(_ path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }

    /// The path with links and `.`/`..` resolved; for a file not yet there, its folder resolved.
    static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: path) { return url.resolvingSymlinksInPath().path }
        return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
    }
}
