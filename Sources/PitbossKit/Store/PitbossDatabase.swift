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

    /// Opens (creating on first use, with mode 0600: transcripts hold personal data) and migrates.
    ///
    /// `readOnly` is for commands that only read (show, stats, findings, queue list): such a connection
    /// never needs the write lock, so it works while another process holds it. A database whose schema is
    /// behind is still opened for writing once, to migrate it.
    public init(path: String, busyTimeout: TimeInterval = defaultBusyTimeout, readOnly: Bool = false) throws(PitbossError) {
        self.path = path
        self.busyTimeout = busyTimeout
        if readOnly {
            guard FileManager.default.fileExists(atPath: path) else {
                throw .missingFile("\(path): no database here yet; import transcripts first (pitboss import PATH), or name one with --db")
            }
            var configuration = Self.configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(busyTimeout)
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                if try pool.read({ try Migrations.migrator.hasCompletedMigrations($0) }) {
                    writer = pool
                    return
                }
            } catch {
                throw Self.translate(error, doing: "open the database \(path)", busyTimeout: busyTimeout)
            }
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            throw .missingFile("\(path): the folder \(directory) does not exist; create it or choose another --db")
        }
        if !FileManager.default.fileExists(atPath: path) {
            // SQLite gives the -wal and -shm files the same mode as the database file.
            let fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
            if fd < 0 && errno != EEXIST {
                throw .missingFile("\(path): cannot create the database (\(String(cString: strerror(errno))))")
            }
            if fd >= 0 { close(fd) }
        }
        var configuration = Self.configuration()
        configuration.busyMode = .timeout(busyTimeout)
        do {
            writer = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw Self.translate(error, doing: "open the database \(path)", busyTimeout: busyTimeout)
        }
        try migrate()
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
            let migrator = Migrations.migrator
            if try writer.read({ try migrator.hasCompletedMigrations($0) }) { return }
            // GRDB's migrator reads which migrations are applied before it takes SQLite's write lock, so two
            // processes opening a new database at once could both run the first migration. An exclusive
            // flock on the file (independent of SQLite's fcntl locks) makes them take turns.
            guard let path else {
                try migrator.migrate(writer)
                return
            }
            let fd = open(path, O_RDONLY)
            if fd >= 0 {
                flock(fd, LOCK_EX)
            }
            defer {
                if fd >= 0 {
                    flock(fd, LOCK_UN)
                    close(fd)
                }
            }
            if try writer.read({ try migrator.hasCompletedMigrations($0) }) { return }
            try migrator.migrate(writer)
        } catch {
            throw Self.translate(error, doing: "migrate the database schema", busyTimeout: busyTimeout)
        }
    }

    /// Maps SQLite's errors to Pitboss's: a busy database is temporary (75), everything else internal (70).
    public static func translate(_ error: any Error, doing action: String, busyTimeout: TimeInterval = defaultBusyTimeout) -> PitbossError {
        if let pitboss = error as? PitbossError { return pitboss }
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return .temporary("the database is busy (another pitboss is writing) and stayed busy for \(busyTimeout.formatted()) s while trying to \(action); try again (a transaction that did not finish left nothing behind)")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
                return .missingFile("cannot \(action): \(db.message ?? "\(db)")")
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return .badInput("cannot \(action): the file is not a Pitboss database (\(db.message ?? "not a database"))")
            default:
                return .internalFailure("cannot \(action): \(db.message ?? "\(db)")")
            }
        }
        return .internalFailure("cannot \(action): \(error)")
    }
}
