import Foundation
import GRDB

/// The one SQLite database that every Pitboss step reads and writes.
///
/// A file is opened as a GRDB `DatabasePool` in WAL mode, so several reviewers' processes can read
/// while one writes; writers wait up to the busy timeout for each other. Tests use `inMemory()`.
public final class PitbossDatabase: Sendable {
    public let writer: any DatabaseWriter
    public let path: String?

    /// How long a writer waits for another process's write transaction before giving up (exit 75).
    public static let defaultBusyTimeout: TimeInterval = 10
    public let busyTimeout: TimeInterval

    /// `--db PATH`, else `PITBOSS_DB`, else `./pitboss.sqlite`.
    public static func location(explicitPath: String?, environment: [String: String]) -> String {
        explicitPath ?? environment["PITBOSS_DB"] ?? "pitboss.sqlite"
    }

    /// How much checking an open does before the database is used.
    public enum Check: Sendable {
        /// What SQLite checks as it reads: the header, the schema, each page it touches.
        case basic
        /// Also `PRAGMA quick_check` over the whole file, before a write that touches much of it (import, flag):
        /// a damaged database is refused before anything is written into it.
        case beforeBulkWrite
    }

    /// Opens (creating on first use, with mode 0600: transcripts hold personal data) and migrates.
    ///
    /// `readOnly` is for commands that only read (show, stats, findings, queue list): such a connection
    /// never needs the write lock, so it works while another process holds it, and in a folder the user may not
    /// write to. A database whose schema is behind is still opened for writing once, to migrate it. A database
    /// written by a newer Pitboss is refused, never written to.
    public init(path: String, busyTimeout: TimeInterval = defaultBusyTimeout, readOnly: Bool = false, check: Check = .basic) throws(PitbossError) {
        self.path = path
        self.busyTimeout = busyTimeout
        try Self.mustBeRegularFile(path)
        let directory = (path as NSString).deletingLastPathComponent
        // A reading command on a database an older Pitboss wrote has to upgrade it first, which writes.
        var needsUpgrade = false
        if readOnly {
            guard FileManager.default.fileExists(atPath: path) else {
                throw .missingFile("\(path): no database here yet", remedy: .importFirst)
            }
            let lock = FileLock(forDatabaseAt: path, exclusive: false)
            defer { lock.release() }
            do {
                let reader = try Self.openForReading(path, directory: directory, busyTimeout: busyTimeout)
                if try reader.read({ db in try Self.refuseNewerSchema(db, path: path); return try Migrations.migrator.hasCompletedMigrations(db) }) {
                    writer = reader
                    return
                }
                needsUpgrade = true
            } catch {
                throw Self.translate(error, doing: "open the database \(path)", busyTimeout: busyTimeout)
            }
        }
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            throw .missingFile("\(path): the folder \(directory) does not exist; create it or choose another database path")
        }
        if Self.hasContent(path) {
            // Looked at through a read-only connection first: a database that must not be written is refused before
            // a writing connection (which may checkpoint or recover its journal) ever touches it.
            let lock = FileLock(forDatabaseAt: path, exclusive: false)
            defer { lock.release() }
            do {
                let reader = try Self.openForReading(path, directory: directory, busyTimeout: busyTimeout)
                try reader.read { db in try Self.refuseNewerSchema(db, path: path) }
                if check == .beforeBulkWrite { try Self.quickCheck(reader, path: path) }
            } catch {
                throw Self.translate(error, doing: "open the database \(path)", busyTimeout: busyTimeout)
            }
        }
        try Self.createPrivately(path)
        if access(directory.isEmpty ? "." : directory, W_OK) != 0 {
            if needsUpgrade {
                throw .cannotWrite("\(path) was written by an older Pitboss and is upgraded once before anything reads it, which writes to it; the folder \(directory.isEmpty ? "." : directory) is read-only: copy the file to a folder you can write to and use the copy")
            }
            throw .cannotWrite("\(path): the folder \(directory.isEmpty ? "." : directory) is read-only, and SQLite writes its journal (\((path as NSString).lastPathComponent)-wal) beside the database; reading commands still work here, writing ones need a folder you can write to")
        }
        if needsUpgrade && access(path, W_OK) != 0 {
            throw .cannotWrite("\(path) was written by an older Pitboss and is upgraded once before anything reads it, which writes to it; the file is read-only: make it writable for one command, or copy it and use the copy")
        }
        var configuration = Self.configuration()
        configuration.busyMode = .timeout(busyTimeout)
        // Opening for writing switches a new file to WAL and migrates it: one process at a time.
        let lock = FileLock(forDatabaseAt: path, exclusive: true)
        defer { lock.release() }
        do {
            writer = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw Self.translate(error, doing: "open the database \(path)", busyTimeout: busyTimeout)
        }
        try migrate()
    }

    /// A database is a regular file: a folder, a device or a named pipe (which would block the open forever) is refused.
    static func mustBeRegularFile(_ path: String) throws(PitbossError) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }  // not there (yet): created, or named as missing, later
        guard info.st_mode & S_IFMT == S_IFREG else {
            let kind = switch info.st_mode & S_IFMT {
            case S_IFDIR: "a folder"
            case S_IFIFO: "a named pipe"
            case S_IFCHR, S_IFBLK: "a device"
            case S_IFSOCK: "a socket"
            default: "not a regular file"
            }
            throw .badInput("\(path) is \(kind), not a database file; name the database file itself")
        }
    }

    /// Whether the file (a link followed) exists and holds anything.
    private static func hasContent(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_size > 0
    }

    /// A reader for a read-only command. In a folder nobody can write to, with no write-ahead log beside the file
    /// that holds anything (so no writer can be at work), SQLite cannot create its shared-memory file: the database
    /// is then opened as immutable, which needs none.
    static func openForReading(_ path: String, directory: String, busyTimeout: TimeInterval) throws -> any DatabaseWriter {
        var configuration = configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        let folder = directory.isEmpty ? "." : directory
        if access(folder, W_OK) != 0 && !hasContent(path + "-wal") {
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            var allowed = CharacterSet.urlPathAllowed
            allowed.remove(charactersIn: "?#%")
            let encoded = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
            return try DatabaseQueue(path: "file:\(encoded)?immutable=1", configuration: configuration)
        }
        return try DatabasePool(path: path, configuration: configuration)
    }

    /// Creates the file with mode 0600 before SQLite does (SQLite gives its -wal and -shm files the same mode).
    /// A symbolic link is followed, so a link to a file not yet there creates that file privately too.
    private static func createPrivately(_ path: String) throws(PitbossError) {
        var target = path
        for _ in 0..<40 {  // as many links as the kernel follows (ELOOP)
            guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: target) else { break }
            target = destination.hasPrefix("/") ? destination : ((target as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
        }
        guard !FileManager.default.fileExists(atPath: target) else { return }
        let fd = open(target, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0o600)
        if fd < 0 && errno != EEXIST {
            let reason = String(cString: strerror(errno))
            if errno == EACCES || errno == EROFS || errno == EPERM {
                throw .cannotWrite("\(path): cannot create the database (\(reason)); choose a folder you can write to")
            }
            throw .missingFile("\(path): cannot create the database (\(reason))")
        }
        if fd >= 0 { close(fd) }
    }

    /// The migrations this build applies, with the schema versions their names start with (`v3 …` → 3).
    static func schemaVersion(_ identifier: String) -> Int? {
        guard identifier.hasPrefix("v") else { return nil }
        return Int(identifier.dropFirst().prefix { $0.isNumber })
    }

    /// A database that a newer Pitboss has migrated has tables and rules this build does not know: writing to it
    /// could break them, and reading it could mislead. Refused, naming both versions.
    static func refuseNewerSchema(_ db: Database, path: String) throws {
        let migrator = Migrations.migrator
        let unknown = try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
        let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        let known = migrator.migrations.compactMap(schemaVersion).max() ?? 0
        guard !unknown.isEmpty || userVersion > known else { return }
        let theirs = max(userVersion, unknown.compactMap(schemaVersion).max() ?? known + 1)
        throw PitbossError.refused("\(path): this database was written by a newer Pitboss (schema v\(theirs)\(unknown.isEmpty ? "" : ": " + unknown.sorted().joined(separator: ", "))); this build knows schema v\(known). Use the newer Pitboss for this database; nothing was changed")
    }

    /// `PRAGMA user_version` says the schema version to any tool, and to an older Pitboss that reads it.
    private static func stampSchemaVersion(_ writer: any DatabaseWriter) throws {
        let known = Migrations.migrator.migrations.compactMap(schemaVersion).max() ?? 0
        try writer.write { db in try db.execute(sql: "PRAGMA user_version = \(known)") }
    }

    /// `PRAGMA quick_check`: every page, every record's format, index order and constraints, without comparing each
    /// index with its table (that is `integrity_check`, which `pitboss doctor` runs).
    static func quickCheck(_ writer: any DatabaseWriter, path: String) throws {
        let problems = try writer.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(20)") }
        guard problems != ["ok"] else { return }
        throw PitbossError.badInput("\(path): the database is damaged (\(problems.prefix(3).joined(separator: "; "))); nothing was written into it. Restore it from a backup", remedy: .doctor)
    }

    /// A private database in memory, for tests.
    public static func inMemory() throws(PitbossError) -> PitbossDatabase {
        do {
            return try PitbossDatabase(writer: DatabaseQueue(configuration: configuration()))
        } catch {
            throw translate(error, doing: "open an in-memory database")
        }
    }

    private init(writer: any DatabaseWriter) throws(PitbossError) {
        self.writer = writer
        self.path = nil
        self.busyTimeout = 0
        try migrate()
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.label = "pitboss"
        configuration.prepareDatabase { db in
            // Takes effect only when the file is created: 8 KB pages suit rows of message text.
            try db.execute(sql: "PRAGMA page_size = 8192")
            // WAL with synchronous=NORMAL cannot corrupt the database and loses at most the last
            // transactions on power loss (SQLite's documented trade-off), not on a crash of pitboss.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A 64 MB page cache keeps the indexes of a large import in memory instead of re-reading them.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // Checkpoint every 64 MB of WAL rather than every 4 MB: index pages that a bulk import touches
            // again and again are copied into the database once per checkpoint, not once per batch.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        return configuration
    }

    private func migrate() throws(PitbossError) {
        do {
            // A read first: a database that is up to date needs no write lock, so `show` and `stats`
            // work while another process holds it.
            // GRDB's migrator reads which migrations are applied before it takes SQLite's write lock, so two
            // processes opening a new database at once could both run the first migration: a file's opener holds
            // the exclusive FileLock while it calls this.
            let migrator = Migrations.migrator
            if try writer.read({ try migrator.hasCompletedMigrations($0) }) { return }
            try migrator.migrate(writer)
            try Self.stampSchemaVersion(writer)
        } catch {
            throw Self.translate(error, doing: "migrate the database schema", busyTimeout: busyTimeout)
        }
    }

    /// Maps SQLite's errors to Pitboss's, in words that say what happened to the data and what to do.
    public static func translate(_ error: any Error, doing action: String, busyTimeout: TimeInterval = defaultBusyTimeout) -> PitbossError {
        if let pitboss = error as? PitbossError { return pitboss }
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return .temporary("the database is busy (another Pitboss process is writing) and stayed busy for \(busyTimeout.formatted()) s while trying to \(action); try again (a transaction that did not finish left nothing behind)")
            case .SQLITE_CANTOPEN:
                return .missingFile("cannot \(action): \(db.message ?? "\(db)")")
            case .SQLITE_PERM, .SQLITE_READONLY:
                return .cannotWrite("cannot \(action): the database file or its folder is read-only (\(db.message ?? "\(db)")); a command that writes needs write access to both")
            case .SQLITE_NOTADB:
                return .badInput("cannot \(action): the file is not a Pitboss database (\(db.message ?? "not a database"))", remedy: .doctor)
            case .SQLITE_CORRUPT:
                return .badInput("cannot \(action): the database is damaged (\(db.message ?? "malformed")); what was being written was rolled back. Restore it from a backup", remedy: .doctor)
            case .SQLITE_FULL:
                return .ioFailure("cannot \(action): the disk is full; the unfinished transaction was rolled back and everything stored before it is kept. Free some space and run the same command again: it carries on where it stopped")
            case .SQLITE_IOERR:
                return .ioFailure("cannot \(action): the disk reported an error (\(db.message ?? "I/O error")); the unfinished transaction was rolled back")
            case _ where db.message.map({ $0.contains("malformed") || $0.contains("unsupported file format") }) == true:
                // A damaged header or schema surfaces as a plain SQLITE_ERROR with these words.
                return .badInput("cannot \(action): the database is damaged (\(db.message ?? "malformed")); nothing was written. Restore it from a backup", remedy: .doctor)
            default:
                return .internalFailure("cannot \(action): \(db.message ?? "\(db)")")
            }
        }
        return .internalFailure("cannot \(action): \(error)")
    }
}
