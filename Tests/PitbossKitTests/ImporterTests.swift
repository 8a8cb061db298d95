import Foundation
import GRDB
import Testing
@testable import PitbossKit

@Suite("Importing")
struct ImporterTests {
    let scratch = Scratch()

    func importer(_ database: PitbossDatabase, _ options: ImportOptions = ImportOptions()) -> TranscriptImporter {
        TranscriptImporter(store: ConversationStore(database: database), schedule: .standard, options: options)
    }

    func count(_ database: PitbossDatabase, _ sql: String) throws -> Int {
        try database.writer.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    @Test("the good records of a file are imported, each bad one is named, and the summary counts both")
    func keepsTheGoodOnes() throws {
        let database = try PitbossDatabase.inMemory()
        let path = scratch.write("shift.jsonl", [
            Fixture.canonicalLine(id: "a"), "{not json", Fixture.canonicalLine(id: "b"), Fixture.canonicalLine(id: "c", turns: "[]"),
        ].joined(separator: "\n") + "\n")
        let summary = try importer(database).run(paths: [path])
        #expect(summary.imported == 2)
        #expect(summary.rejected == 2)
        #expect(summary.hasProblems)
        #expect(summary.problems.map(\.location.line) == [2, 4])
        #expect(summary.line == "imported 2, unchanged 0, rejected 2, conflicts 0, replaced 0 (from 1 file)")
        #expect(try count(database, "SELECT COUNT(*) FROM turns") == 4)
    }

    @Test("progress counts the records inside one large file, batch by batch, not only the files")
    func progressInsideAFile() throws {
        let database = try PitbossDatabase.inMemory()
        let path = scratch.write("big.jsonl", (0..<2_500).map { Fixture.canonicalLine(id: "c-\($0)") }.joined(separator: "\n") + "\n")
        var options = ImportOptions()
        options.batchSize = 500
        var seen: [(Int, Int)] = []
        _ = try importer(database, options).run(paths: [path]) { seen.append(($0.filesDone, $0.records)) }
        let withinTheFile = seen.filter { $0.0 == 0 }.map(\.1)
        #expect(withinTheFile == [0, 500, 1_000, 1_500, 2_000, 2_500])
        #expect(seen.last.map { $0.0 == 1 && $0.1 == 2_500 } == true)
    }

    @Test("importing the same file twice changes nothing the second time")
    func idempotent() throws {
        let database = try PitbossDatabase.inMemory()
        let path = scratch.write("a.jsonl", Fixture.canonicalLine(id: "a") + "\n" + Fixture.canonicalLine(id: "b") + "\n")
        _ = try importer(database).run(paths: [path])
        let again = try importer(database).run(paths: [path])
        #expect(again.imported == 0)
        #expect(again.unchanged == 2)
        #expect(!again.hasProblems)
        #expect(try count(database, "SELECT COUNT(*) FROM conversations") == 2)
    }

    @Test("the same id with other content is a conflict left as it was, unless --replace")
    func conflictsAndReplace() throws {
        let database = try PitbossDatabase.inMemory()
        _ = try importer(database).run(paths: [scratch.write("v1.jsonl", Fixture.canonicalLine(id: "a") + "\n")])
        let v2 = scratch.write("v2.jsonl", Fixture.canonicalLine(id: "a", agent: "en.boris") + "\n")
        let conflict = try importer(database).run(paths: [v2])
        #expect(conflict.conflicts == 1)
        #expect(conflict.problems.first?.reason.contains("from \(scratch.path("v1.jsonl")) (line 1)") == true)
        #expect(try ConversationStore(database: database).conversation(externalID: "a")?.agentID == "en.anna")

        let replaced = try importer(database, ImportOptions(replace: true)).run(paths: [v2])
        #expect(replaced.replaced == 1)
        let stored = try #require(try ConversationStore(database: database).conversation(externalID: "a"))
        #expect(stored.agentID == "en.boris")
        #expect(stored.turns.count == 2)
        #expect(try count(database, "SELECT COUNT(*) FROM turns") == 2)
    }

    @Test("a conversation that has reviews is never replaced, even with --replace")
    func reviewedIsNeverReplaced() throws {
        let database = try PitbossDatabase.inMemory()
        _ = try importer(database).run(paths: [scratch.write("v1.jsonl", Fixture.canonicalLine(id: "a") + "\n")])
        try database.writer.write { db in
            try db.execute(sql: "INSERT INTO reviews (conversation_id, reviewer, created_at) SELECT id, 'qa.maria', '2026-11-22T09:00:00.000Z' FROM conversations")
        }
        let summary = try importer(database, ImportOptions(replace: true))
            .run(paths: [scratch.write("v2.jsonl", Fixture.canonicalLine(id: "a", agent: "en.boris") + "\n")])
        #expect(summary.conflicts == 1)
        #expect(summary.replaced == 0)
        #expect(summary.problems.first?.reason.contains("has reviews and is never replaced") == true)
        #expect(try ConversationStore(database: database).conversation(externalID: "a")?.agentID == "en.anna")
    }

    @Test("--rejects writes each rejected record with its reason and original text")
    func rejectsFile() throws {
        let database = try PitbossDatabase.inMemory()
        let rejects = scratch.path("rejects.jsonl")
        let bad = Fixture.canonicalLine(id: "bad", turns: #"[{"speaker":"dealer","text":"hi"}]"#)
        _ = try importer(database, ImportOptions(rejectsPath: rejects))
            .run(paths: [scratch.write("in.jsonl", Fixture.canonicalLine(id: "ok") + "\n" + bad + "\n")])
        let lines = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["line"] as? Int == 2)
        #expect(object["field"] as? String == "turns[0].speaker")
        #expect(object["conversation"] as? String == "bad")
        #expect(object["record"] as? String == bad)
        #expect(object["kind"] as? String == "rejected")
    }

    @Test("folders are read recursively; sidecars fill what a file lacks; flags fill what both lack")
    func foldersSidecarsAndFlags() throws {
        let database = try PitbossDatabase.inMemory()
        scratch.write("in/calls/c1.srt", "1\n00:00:01,000 --> 00:00:02,000\nAGENT: hello\n\n2\n00:00:02,500 --> 00:00:04,000\nCUSTOMER: hi\n")
        scratch.write("in/calls/c1.meta.json", #"{"agent":"tr.ayse","language":"tr","started_at":"2026-11-21T08:30:00Z","tags":["vip-line"]}"#)
        scratch.write("in/calls/c2.srt", "1\n00:00:01,000 --> 00:00:02,000\nAGENT: hello\n")
        scratch.write("in/chats/a.jsonl", Fixture.canonicalLine(id: "j1") + "\n")
        scratch.write("in/README.md", "# not a transcript\n")
        let options = ImportOptions(defaults: ConversationMetadata(channel: "call", language: "en", agent: "en.default",
                                                                   startedAt: UTCTimestamp.parse("2026-11-21T12:00:00Z")))
        let summary = try importer(database, options).run(paths: [scratch.path("in")])
        #expect(summary.imported == 3)
        #expect(summary.files == 3)
        #expect(summary.skipped == ["\(scratch.path("in/README.md")): not a transcript format Pitboss reads"])
        let store = ConversationStore(database: database)
        let c1 = try #require(try store.conversation(externalID: "c1"))
        #expect(c1.agentID == "tr.ayse")
        #expect(c1.language == "tr")
        #expect(c1.channel == .call)
        #expect(c1.tags == ["vip-line"])
        #expect(c1.shiftID == "2026-11-21-day")
        #expect(try store.conversation(externalID: "c2")?.agentID == "en.default")
    }

    @Test("a broken sidecar rejects its transcript with the sidecar's name, line and column")
    func brokenSidecar() throws {
        let database = try PitbossDatabase.inMemory()
        let path = scratch.write("c.srt", "1\n00:00:01,000 --> 00:00:02,000\nAGENT: hello\n")
        scratch.write("c.meta.json", #"{"agnet":"x"}"#)
        let summary = try importer(database).run(paths: [path])
        #expect(summary.rejected == 1)
        #expect(summary.problems.first?.description == "\(scratch.path("c.meta.json")):1:2: agnet: unknown key; a sidecar may hold id, channel, language, agent, shift, started_at, customer, tags, roles")
    }

    @Test("a path that does not exist stops the import before anything is written")
    func missingPath() throws {
        let database = try PitbossDatabase.inMemory()
        #expect { try importer(database).run(paths: [scratch.path("nope")]) } throws: { error in
            (error as? PitbossError)?.code == .missingFile
        }
    }

    @Test("--id names one file's conversation and is refused for several files")
    func idForSeveralFiles() throws {
        let database = try PitbossDatabase.inMemory()
        scratch.write("d/a.srt", "1\n00:00:01,000 --> 00:00:02,000\nAGENT: hello\n")
        scratch.write("d/b.srt", "1\n00:00:01,000 --> 00:00:02,000\nAGENT: hello\n")
        let options = ImportOptions(defaults: ConversationMetadata(id: "x"))
        #expect { try importer(database, options).run(paths: [scratch.path("d")]) } throws: { error in
            (error as? PitbossError)?.code == .usage
        }
    }

    @Test("batches larger than one transaction import completely and in order")
    func manyBatches() throws {
        let database = try PitbossDatabase.inMemory()
        let lines = (0..<250).map { Fixture.canonicalLine(id: "c-\($0)") }
        let path = scratch.write("many.jsonl", lines.joined(separator: "\n") + "\n")
        var options = ImportOptions()
        options.batchSize = 16
        let summary = try importer(database, options).run(paths: [path])
        #expect(summary.imported == 250)
        #expect(try count(database, "SELECT COUNT(*) FROM conversations") == 250)
        #expect(try count(database, "SELECT COUNT(*) FROM conversations WHERE turn_count != (SELECT COUNT(*) FROM turns WHERE conversation_id = conversations.id)") == 0)
    }
}

@Suite("The database file")
struct DatabaseTests {
    @Test("created with mode 0600, in WAL mode, migrated, and reopened without migrating again")
    func createsPrivateWALFile() throws {
        let scratch = Scratch()
        let path = scratch.path("p.sqlite")
        do {
            let database = try PitbossDatabase(path: path)
            #expect(try database.writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
            #expect(try database.writer.read { try Int.fetchOne($0, sql: "PRAGMA foreign_keys") } == 1)
        }
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o600)
        let reopened = try PitbossDatabase(path: path)
        #expect(try reopened.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM grdb_migrations") } == Migrations.migrator.migrations.count)
        #expect(try reopened.writer.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == Migrations.migrator.migrations.compactMap(PitbossDatabase.schemaVersion).max())  // the schema version, for any tool
    }

    @Test("--db wins over PITBOSS_DB, which wins over ./pitboss.sqlite")
    func location() {
        #expect(PitbossDatabase.location(explicitPath: "a.sqlite", environment: ["PITBOSS_DB": "b.sqlite"]) == "a.sqlite")
        #expect(PitbossDatabase.location(explicitPath: nil, environment: ["PITBOSS_DB": "b.sqlite"]) == "b.sqlite")
        #expect(PitbossDatabase.location(explicitPath: nil, environment: [:]) == "pitboss.sqlite")
    }

    @Test("a file that is not a database is bad input, a missing folder a missing file")
    func badLocations() throws {
        let scratch = Scratch()
        let text = scratch.write("notes.sqlite", String(repeating: "not a database\n", count: 200))
        #expect { try PitbossDatabase(path: text) } throws: { ($0 as? PitbossError)?.code == .badInput }
        #expect { try PitbossDatabase(path: scratch.path("no/such/dir/p.sqlite")) } throws: { ($0 as? PitbossError)?.code == .missingFile }
    }
}
