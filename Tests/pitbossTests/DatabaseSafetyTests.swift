import Foundation
import GRDB
import Testing

/// Databases that are not what they seem: written by a newer Pitboss, damaged, behind a dangling link, in a folder
/// that cannot be written.
@Suite("Database safety: newer schemas, damaged files, private modes, read-only folders")
struct DatabaseSafetyTests {
    let workspace = Workspace()
    var pitboss: Pitboss { Pitboss(directory: workspace.url, environment: ["PITBOSS_USER": "qa.lead"]) }

    func fileBytes(_ name: String) -> Data? { FileManager.default.contents(atPath: workspace.path(name)) }

    @Test("a database migrated by a newer Pitboss is refused by every command, naming both versions, and never written")
    func newerSchema() throws {
        _ = workspace.corpus("shift.jsonl", count: 3)
        #expect(try pitboss.run("import", "shift.jsonl").status == 0)
        try DatabaseQueue(path: workspace.path("pitboss.sqlite")).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9 something from the future')")
        }
        let before = fileBytes("pitboss.sqlite")
        for command in [["stats"], ["show", "c-1"], ["import", "shift.jsonl"], ["flag", "--rubric", Pitboss.packageRoot.appendingPathComponent("Rubrics/casino-support.yaml").path], ["queue", "list"], ["doctor"]] {
            let run = try pitboss.run(command)
            #expect(run.status == 77, "\(command): \(run.stderr)")
            #expect(run.stderr.contains("schema v9") && run.stderr.contains("this build knows schema v") || run.stdout.contains("v9"), "\(command): \(run.stderr)\(run.stdout)")
        }
        #expect(fileBytes("pitboss.sqlite") == before)
    }

    @Test("a higher user_version alone is refused the same way")
    func higherUserVersion() throws {
        _ = workspace.corpus("shift.jsonl", count: 1)
        #expect(try pitboss.run("import", "shift.jsonl").status == 0)
        try DatabaseQueue(path: workspace.path("pitboss.sqlite")).write { db in try db.execute(sql: "PRAGMA user_version = 99") }
        let run = try pitboss.run("stats")
        #expect(run.status == 77)
        #expect(run.stderr.contains("newer Pitboss (schema v99"), "\(run.stderr)")
    }

    @Test("a damaged database: import and flag refuse to write into it, doctor names the damage and exits 65")
    func damaged() throws {
        _ = workspace.corpus("shift.jsonl", count: 400)
        #expect(try pitboss.run("import", "shift.jsonl").status == 0)
        let path = workspace.path("pitboss.sqlite")
        #expect(try pitboss.run("doctor").status == 0)
        // Everything into the main file, so that the damage below hits stored pages.
        try DatabaseQueue(path: path).writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        // Overwrite one page in the middle of the file (8 KB pages) with noise, as a failing disk does.
        var bytes = try #require(fileBytes("pitboss.sqlite"))
        let pages = bytes.count / 8192
        #expect(pages > 6)
        var generator = SystemRandomNumberGenerator()
        for i in (pages / 2) * 8192 ..< (pages / 2 + 1) * 8192 { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
        try bytes.write(to: URL(fileURLWithPath: path))

        let doctor = try pitboss.run("doctor")
        #expect(doctor.status == 65, "\(doctor.stdout)")
        #expect(doctor.stdout.contains("integrity_check"))
        #expect(doctor.stdout.contains("Restore the database from a backup"))
        _ = workspace.corpus("more.jsonl", count: 5, prefix: "m")
        let before = fileBytes("pitboss.sqlite")
        let imported = try pitboss.run("import", "more.jsonl")
        #expect(imported.status == 65, "\(imported.stderr)")
        #expect(imported.stderr.contains("damaged") && imported.stderr.contains("pitboss doctor"), "\(imported.stderr)")
        #expect(fileBytes("pitboss.sqlite") == before)
    }

    @Test("--db through a dangling symbolic link creates the target with mode 0600")
    func danglingSymlink() throws {
        try FileManager.default.createSymbolicLink(atPath: workspace.path("link.sqlite"), withDestinationPath: "target.sqlite")
        _ = workspace.corpus("shift.jsonl", count: 1)
        #expect(try pitboss.run("import", "--db", "link.sqlite", "shift.jsonl").status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: workspace.path("target.sqlite"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    /// Runs as an unprivileged user when the tests run as root (as CI does), since root may write anywhere.
    func runUnprivileged(_ arguments: [String]) throws -> Pitboss.Run {
        guard getuid() == 0 else { return try pitboss.run(arguments) }
        return try pitboss.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", Pitboss.binary.path] + arguments,
                               executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
    }

    @Test("in a read-only folder reads work and writes are refused with 73 and a reason",
          .enabled(if: getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs setpriv to drop root"),
          .enabled(if: FileManager.default.isReadableFile(atPath: Pitboss.binary.path), "the binary is not readable"))
    func readOnlyFolder() throws {
        _ = workspace.corpus("shift.jsonl", count: 2)
        #expect(try pitboss.run("import", "shift.jsonl").status == 0)
        // The files belong to whoever runs the test; an unprivileged stand-in must be able to read them.
        for file in ["pitboss.sqlite", "pitboss.sqlite-wal", "pitboss.sqlite-shm"] where FileManager.default.fileExists(atPath: workspace.path(file)) {
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: workspace.path(file))
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: workspace.url.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: workspace.url.path) }
        let stats = try runUnprivileged(["stats"])
        guard !stats.stderr.contains("Permission denied") || stats.status == 0 else {
            // The binary's own folders are not open to the unprivileged user on this machine: nothing to learn here.
            return
        }
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout.hasPrefix("2 conversations"))
        #expect(try runUnprivileged(["show", "c-1"]).status == 0)
        let write = try runUnprivileged(["import", "shift.jsonl"])
        #expect(write.status == 73, "\(write.stderr)")
        #expect(write.stderr.contains("read-only"), "\(write.stderr)")
        let doctor = try runUnprivileged(["doctor"])
        #expect(doctor.status == 0, "\(doctor.stdout)\(doctor.stderr)")
    }

    @Test("a folder, a named pipe or a device named as the database is refused at once, by every command and by doctor")
    func notARegularFile() throws {
        try FileManager.default.createDirectory(atPath: workspace.path("folder.sqlite"), withIntermediateDirectories: true)
        #expect(mkfifo(workspace.path("pipe.sqlite"), 0o600) == 0)
        for (path, kind) in [("folder.sqlite", "a folder"), ("pipe.sqlite", "a named pipe"), ("/dev/null", "a device")] {
            for command in [["stats"], ["import", "x.jsonl"], ["doctor"]] {
                let run = try pitboss.run(command + ["--db", path])
                #expect(run.status == 65, "\(command) \(path): \(run.stderr)")
                #expect(run.stderr.contains("is \(kind), not a database file"), "\(command) \(path): \(run.stderr)")
            }
        }
    }
}
