import Foundation
import GRDB
import Testing
@testable import PitbossKit

@Suite("Migrations")
struct MigrationTests {
    @Test("v3 rebuilds the queue and the findings with AUTOINCREMENT, keeping every row; a deleted id is never reused")
    func v3KeepsRowsAndNeverReusesIDs() throws {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue, upTo: "v2 flag runs, findings and the review queue")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO conversations (id, external_id, source_file, source_record, source_format, channel, language, agent_id, shift_id,
                                           started_at, content_hash, turn_count, imported_at)
                VALUES (1, 'c-1', 'f', '1', 'jsonl', 'chat', 'en', 'en.a', 's', '2026-11-21T22:00:00.000Z', 'h', 0, 'now');
                INSERT INTO flag_runs (id, rubric_name, rubric_version, rubric_hash, rubric_path, selection, started_by, started_at)
                VALUES (1, 'r', '1', 'h', 'p', '{}', 'u', 'now');
                INSERT INTO findings (id, conversation_id, run_id, rubric_hash, rule_id, criterion, severity, status, message, verdict)
                VALUES (7, 1, 1, 'h', 'rude', 'courtesy', 'major', 'found', 'm', 'confirmed');
                INSERT INTO queue_items (id, conversation_id, reason, priority, created_at, run_id) VALUES (5, 1, 'flagged', 300, 'now', 1);
                """)
        }
        try Migrations.migrator.migrate(queue)
        try queue.write { db in
            #expect(try String.fetchOne(db, sql: "SELECT verdict FROM findings WHERE id = 7") == "confirmed")
            #expect(try Int.fetchOne(db, sql: "SELECT priority FROM queue_items WHERE id = 5") == 300)
            try db.execute(sql: "DELETE FROM queue_items WHERE id = 5")
            try db.execute(sql: "INSERT INTO queue_items (conversation_id, reason, priority, created_at) VALUES (1, 'flagged', 1, 'now')")
            #expect(db.lastInsertedRowID == 6)
            try db.execute(sql: "DELETE FROM findings WHERE id = 7")
            try db.execute(sql: "INSERT INTO findings (conversation_id, run_id, rubric_hash, rule_id, criterion, severity, status, message) VALUES (1, 1, 'h', 'x', 'c', 'minor', 'found', 'm')")
            #expect(db.lastInsertedRowID == 8)
        }
    }
}

@Suite("Migration v6")
struct MigrationV6Tests {
    @Test("v6 keeps every turn, accepts the role 'other', and names each finding's and evaluation's rubric from its run")
    func v6() throws {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue, upTo: "v5 retraining assignments and their events")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO conversations (id, external_id, source_file, source_record, source_format, channel, language, agent_id, shift_id,
                                           started_at, content_hash, turn_count, imported_at)
                VALUES (1, 'c-1', 'f', '1', 'jsonl', 'chat', 'en', 'en.a', 's', '2026-11-21T22:00:00.000Z', 'h', 2, 'now');
                INSERT INTO turns (conversation_id, idx, role, text) VALUES (1, 0, 'customer', 'hi'), (1, 1, 'agent', 'hello');
                INSERT INTO flag_runs (id, rubric_name, rubric_version, rubric_hash, rubric_path, selection, started_by, started_at)
                VALUES (1, 'casino', '1', 'h', 'p', '{}', 'u', 'now');
                INSERT INTO findings (conversation_id, run_id, rubric_hash, rule_id, criterion, severity, status, message)
                VALUES (1, 1, 'h', 'rude', 'courtesy', 'major', 'found', 'm');
                INSERT INTO evaluations (conversation_id, rubric_hash, content_hash, run_id, evaluated_at) VALUES (1, 'h', 'h', 1, 'now');
                """)
            #expect(throws: (any Error).self) { try db.execute(sql: "INSERT INTO turns (conversation_id, idx, role, text) VALUES (1, 2, 'other', 'x')") }
        }
        try Migrations.migrator.migrate(queue)
        try queue.write { db in
            #expect(try String.fetchAll(db, sql: "SELECT text FROM turns ORDER BY idx") == ["hi", "hello"])
            try db.execute(sql: "INSERT INTO turns (conversation_id, idx, role, text) VALUES (1, 2, 'other', 'his friend')")
            #expect(try String.fetchOne(db, sql: "SELECT rubric_name FROM findings") == "casino")
            #expect(try String.fetchOne(db, sql: "SELECT rubric_name FROM evaluations") == "casino")
            #expect(try Int.fetchOne(db, sql: "PRAGMA foreign_key_check") == nil)
        }
    }
}

@Suite("Migration v7")
struct MigrationV7Tests {
    @Test("v7 measures the first response of every conversation already stored, as import measures a new one")
    func v7() throws {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue, upTo: "v6 other participants, and findings per rubric")
        try queue.write { db in
            for (id, external) in [(1, "chat"), (2, "call"), (3, "unanswered"), (4, "untimed"), (5, "agent only"), (6, "mixed")] {
                try db.execute(sql: """
                    INSERT INTO conversations (id, external_id, source_file, source_record, source_format, channel, language, agent_id, shift_id,
                                               started_at, content_hash, turn_count, imported_at)
                    VALUES (?, ?, 'f', '1', 'jsonl', 'chat', 'en', 'en.a', 's', '2026-11-21T22:00:00.000Z', 'h', 2, 'now')
                    """, arguments: [id, external])
            }
            try db.execute(sql: """
                INSERT INTO turns (conversation_id, idx, role, at, start_seconds, text) VALUES
                    (1, 0, 'agent', '2026-11-21T21:59:00.000Z', NULL, 'hello'), (1, 1, 'customer', '2026-11-21T22:00:00.000Z', NULL, 'hi'),
                    (1, 2, 'bot', '2026-11-21T22:00:01.000Z', NULL, 'wait'), (1, 3, 'agent', '2026-11-21T22:01:30.000Z', NULL, 'sorry'),
                    (2, 0, 'customer', NULL, 0.5, 'hi'), (2, 1, 'agent', NULL, 4.25, 'hello'),
                    (3, 0, 'customer', '2026-11-21T22:00:00.000Z', NULL, 'hi'), (3, 1, 'bot', '2026-11-21T22:00:02.000Z', NULL, 'hold on'),
                    (4, 0, 'customer', NULL, NULL, 'hi'), (4, 1, 'agent', NULL, NULL, 'hello'),
                    (5, 0, 'agent', '2026-11-21T22:00:00.000Z', NULL, 'hello'),
                    (6, 0, 'customer', '2026-11-21T22:00:10.000Z', NULL, 'hi'), (6, 1, 'agent', NULL, 40.0, 'hello');
                """)
        }
        try Migrations.migrator.migrate(queue)
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT first_response_seconds, unanswered FROM conversations ORDER BY id")
            // The mixed one, as import reads it: the customer 10 s after the start, the agent at 40 s into the recording.
            #expect(rows.map { $0[0] as Double? } == [90, 3.75, nil, nil, nil, 30])
            #expect(rows.map { $0[1] as Int } == [0, 0, 1, 0, 0, 0])
        }
    }
}
