import Foundation

/// An advisory lock (flock) held while a process opens a database: shared to look at it, exclusive to create, switch
/// to WAL or migrate it. Two processes opening a new database at once take turns instead of one seeing the other's
/// half-made file (SQLite answers a reader that meets a journal-mode switch with SQLITE_BUSY at once, without waiting).
///
/// The lock is taken on the database's folder, never on the database file: closing any descriptor of a file drops
/// every POSIX lock the process holds on it, and those are SQLite's own locks — closing one behind SQLite's back
/// would let two reviewers claim the same item.
struct FileLock {
    private let descriptor: Int32

    /// Blocks until the lock is held. A folder that cannot be opened is not locked: SQLite reports the real problem.
    init(forDatabaseAt path: String, exclusive: Bool) {
        let folder = (path as NSString).deletingLastPathComponent
        descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            while flock(descriptor, exclusive ? LOCK_EX : LOCK_SH) != 0 && errno == EINTR {}
        }
    }

    /// An exclusive lock on a lock file of its own (created, private, when missing): for work that must not run twice at
    /// once on one database but must not keep anyone else from opening it — flag runs that keep a queue limit.
    init(exclusiveOn lockFile: String) {
        descriptor = open(lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        }
    }

    func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
