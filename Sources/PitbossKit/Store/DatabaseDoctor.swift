import Foundation
import GRDB

/// `pitboss doctor`: a full examination of a database file, for when something says it is damaged or a backup is
/// to be trusted. Reads only; the file is opened read-only and never migrated.
public enum DatabaseDoctor {
    /// What the examination concluded, worst first.
    public enum Condition: String, Sendable, Codable {
        /// A check of the file's contents failed: restore it.
        case damaged
        /// Written by a newer Pitboss: use that one.
        case newerSchema = "newer_schema"
        /// Sound, but something is worth fixing (the file's mode).
        case attention
        case healthy
    }

    public struct Report: Sendable, Codable, Equatable {
        public var path: String
        public var condition: Condition
        /// Schema version of the file and of this build.
        public var schemaVersion: Int?
        public var knownSchemaVersion: Int
        /// Each check by name: "ok", or what it found.
        public var checks: [Check]
        /// What to do next, when something is wrong.
        public var advice: String?

        enum CodingKeys: String, CodingKey {
            case path, condition, checks, advice
            case schemaVersion = "schema_version", knownSchemaVersion = "known_schema_version"
        }
    }

    public struct Check: Sendable, Codable, Equatable {
        public var name: String
        public var ok: Bool
        public var detail: String
    }

    public static func examine(path: String) throws(PitbossError) -> Report {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .missingFile("\(path): there is no database at this path")
        }
        try PitbossDatabase.mustBeRegularFile(path)
        let known = Migrations.migrator.migrations.compactMap(PitbossDatabase.schemaVersion).max() ?? 0
        var report = Report(path: path, condition: .healthy, schemaVersion: nil, knownSchemaVersion: known, checks: [], advice: nil)
        func record(_ name: String, _ ok: Bool, _ detail: String) {
            report.checks.append(Check(name: name, ok: ok, detail: detail))
        }
        var attributes: [FileAttributeKey: Any] = [:]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {}
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue {
            let privateMode = mode & 0o077 == 0
            record("file mode", privateMode, String(format: "%04o", mode) + (privateMode ? "" : ": others can read transcripts with personal data; chmod 600 it"))
        }
        let queue: any DatabaseWriter
        do {
            // As a reading command opens it: read-only, immutable in a folder nobody may write to.
            queue = try PitbossDatabase.openForReading(path, directory: (path as NSString).deletingLastPathComponent,
                                                       busyTimeout: PitbossDatabase.defaultBusyTimeout)
        } catch {
            record("open", false, Self.describe(error))
            report.condition = .damaged
            report.advice = "The file cannot be opened as a database. Restore it from a backup."
            return report
        }
        // Each check on its own: damage that stops one (a broken schema page) must not hide what the others find.
        func run(_ name: String, _ body: (Database) throws -> (Bool, String)) {
            do {
                let (ok, detail) = try queue.read(body)
                record(name, ok, detail)
            } catch {
                record(name, false, Self.describe(error))
            }
        }
        run("schema") { db in
            let applied = try Migrations.migrator.appliedIdentifiers(db)
            let version = applied.compactMap(PitbossDatabase.schemaVersion).max()
            report.schemaVersion = version
            let unknown = applied.subtracting(Migrations.migrator.migrations)
            let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            if !unknown.isEmpty || userVersion > known {
                let named = unknown.isEmpty ? "schema v\(userVersion)" : unknown.sorted().joined(separator: ", ")
                return (false, "written by a newer Pitboss (\(named)); this build knows schema v\(known)")
            }
            return (true, version.map { "v\($0)" + ($0 < known ? " (this build migrates it to v\(known) the next time a command opens it where it can write)" : "") } ?? "empty")
        }
        run("integrity_check") { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check(50)")
            return (integrity == ["ok"], integrity.joined(separator: "; "))
        }
        run("foreign_key_check") { db in
            let orphans = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            return (orphans.isEmpty, orphans.isEmpty ? "ok" : "\(orphans.count) row(s) point at rows that are gone")
        }
        // From the file's header (bytes 18 and 19 are 2 in WAL mode): an immutable, read-only open reports "delete".
        run("journal_mode") { _ in
            let header = FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 20) } ?? Data()
            return (true, header.count == 20 && header[18] == 2 && header[19] == 2 ? "wal" : "delete (rollback journal)")
        }
        // Damage decides over a schema that looks newer: a damaged page can make the migration table read as garbage.
        let failed = Set(report.checks.filter { !$0.ok }.map(\.name))
        if !failed.subtracting(["schema", "file mode"]).isEmpty {
            report.condition = .damaged
            report.advice = "Restore the database from a backup. To salvage what is readable: sqlite3 \(path) .recover | sqlite3 recovered.sqlite, then examine the result the same way."
        } else if failed.contains("schema") {
            report.condition = .newerSchema
            report.advice = "Use the newer Pitboss for this database; this build does not write to it."
        } else if failed.contains("file mode") {
            report.condition = .attention
            report.advice = "chmod 600 \(path)"
        }
        return report
    }

    private static func describe(_ error: any Error) -> String {
        (error as? DatabaseError).map { $0.message ?? "\($0.resultCode)" } ?? "\(error)"
    }
}
