import Foundation

/// A throwaway PostgreSQL cluster for the tests: `initdb` in a temporary folder (as the unprivileged `postgres` or
/// `nobody` user when the tests run as root, since initdb refuses root), started on a free loopback port with durability
/// off, and stopped (`pg_ctl -m immediate`) and removed when the test process exits, whether the tests passed or not (a
/// watchdog does it when the process dies without exiting: a crash).
/// One per test process, started the first time a test asks. Nil when PostgreSQL is not installed or does not start:
/// the tests that need it are then skipped with a note saying so.
public final class PostgresCluster: Sendable {
    public let port: Int
    let folder: String
    let binaries: String
    let user: String?

    /// `postgresql://postgres@127.0.0.1:PORT/postgres`: trust authentication on loopback, for tests only.
    public var url: String { url(database: "postgres") }

    /// A database of the cluster, as the superuser `postgres` or another login.
    public func url(database: String, user: String = "postgres") -> String { "postgresql://\(user)@127.0.0.1:\(port)/\(database)" }

    /// A new, empty database of its own for one test, so tests running in parallel never see each other's rows.
    public func freshDatabase() -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        psql("CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// Runs SQL as the superuser through psql (for set-up the library does not do: databases, logins).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") -> Bool {
        run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-c", sql], asClusterUser: false)
    }

    public static let shared: PostgresCluster? = start()
    public static var available: Bool { shared != nil }

    private init(port: Int, folder: String, binaries: String, user: String?) {
        self.port = port
        self.folder = folder
        self.binaries = binaries
        self.user = user
    }

    /// The newest installed server's binaries, e.g. /usr/lib/postgresql/15/bin.
    public static func binaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        return versions.reversed().map { "\(root)/\($0)/bin" }.first { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") }
    }

    private static func start() -> PostgresCluster? {
        guard let bin = binaries() else { return nil }
        // As root, an unprivileged user runs the server; otherwise the tests' own user does.
        var user: String?
        var uid = getuid(), gid = getgid()
        if uid == 0 {
            for name in ["postgres", "nobody"] {
                if let entry = getpwnam(name) {
                    user = name
                    uid = entry.pointee.pw_uid
                    gid = entry.pointee.pw_gid
                    break
                }
            }
            guard user != nil, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return nil }
        }
        let folder = NSTemporaryDirectory() + "pitboss-pg-\(UUID().uuidString)"
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false,
                                                        attributes: [.posixPermissions: 0o700])) != nil,
              chown(folder, uid, gid) == 0 || getuid() != 0 else { return nil }
        guard let port = freePort() else { return nil }
        let cluster = PostgresCluster(port: port, folder: folder, binaries: bin, user: user)
        guard cluster.run("initdb", ["-D", "\(folder)/data", "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]),
              cluster.run("pg_ctl", ["-D", "\(folder)/data", "-l", "\(folder)/log", "-w", "-t", "60", "-o",
                                     "-c listen_addresses=127.0.0.1 -p \(port) -k \(folder) -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                                     "start"]) else {
            cluster.stop()
            return nil
        }
        running = cluster
        atexit { PostgresCluster.running?.stop() }
        cluster.watchOver(getpid())
        return cluster
    }

    /// A watchdog for a test process that dies without running atexit (a crash, SIGKILL): a shell that waits for it to be
    /// gone, then stops the cluster and removes its folder. After a normal exit it finds the folder gone and does nothing.
    private func watchOver(_ pid: pid_t) {
        let stop = (user.map { "/usr/bin/setpriv --reuid=\($0) --regid=\($0) --init-groups " } ?? "")
            + "'\(binaries)/pg_ctl' -D '\(folder)/data' -m immediate -w stop"
        let script = "while kill -0 \(pid) 2>/dev/null; do sleep 1; done; if [ -d '\(folder)/data' ]; then \(stop); rm -rf '\(folder)'; fi"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        let POSIX_SPAWN_SETSID: Int32 = 0x80  // <spawn.h>, glibc; not imported into Swift
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSID))  // not in the test's process group: a Ctrl-C there reaches the tests, not it
        let words: [String] = ["/bin/sh", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var watchdog: pid_t = 0
        _ = posix_spawn(&watchdog, "/bin/sh", &actions, &attributes, argv, environ)
    }

    /// The cluster to stop when the process exits (atexit cannot capture it).
    nonisolated(unsafe) private static var running: PostgresCluster?

    func stop() {
        _ = run("pg_ctl", ["-D", "\(folder)/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs one of the server's programs as the cluster's user; true when it exited 0. Spawned and waited for directly:
    /// `pg_ctl start` leaves the server running with the descriptors it was given, and Foundation's Process then never
    /// saw pg_ctl end.
    @discardableResult
    func run(_ program: String, _ arguments: [String], asClusterUser: Bool = true) -> Bool {
        let words = (user.flatMap { asClusterUser ? $0 : nil }.map { ["/usr/bin/setpriv", "--reuid=\($0)", "--regid=\($0)", "--init-groups"] } ?? []) + ["\(binaries)/\(program)"] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, words[0], &actions, nil, argv, environ) == 0 else { return false }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status == 0
    }

    /// A loopback port nobody listens on now.
    private static func freePort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard named == 0 else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
