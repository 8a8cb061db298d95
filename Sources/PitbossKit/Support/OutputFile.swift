import Foundation

/// Writes a command's output to a file the user named (`-o FILE`), in place: an existing file keeps its mode and
/// owner, a new one is private (0600), a symbolic link is followed to its target, and a FIFO or a device gets the
/// bytes — where writing a temporary file and renaming it over the path would replace any of them with a new file.
public enum OutputFile {
    public static func write(_ text: String, to path: String) throws(PitbossError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .cannotWrite("cannot write \(path): it is a folder; name a file in it")
        }
        // A new file is private (0600), as the database is: reports name agents and score them.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            let folder = (path as NSString).deletingLastPathComponent
            if code == ENOENT { throw .cannotWrite("cannot write \(path): the folder \(folder.isEmpty ? "." : folder) does not exist") }
            throw .cannotWrite("cannot write \(path): \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        var failure: Int32 = 0
        Array(text.utf8).withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure != 0 {
            throw .ioFailure("cannot write \(path): \(String(cString: strerror(failure)))\(failure == ENOSPC ? " (the disk is full)" : ""); the file is incomplete")
        }
    }
}
