import GRDB

/// The schema, as named migrations that run once each, in order. Never edit a migration that has
/// shipped: add a new one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1 conversations and turns") { db in
            try db.execute(sql: """
                CREATE TABLE conversations (
                    id INTEGER PRIMARY KEY,
                    external_id TEXT NOT NULL UNIQUE,
                    source_file TEXT NOT NULL,
                    source_record TEXT NOT NULL,
                    source_format TEXT NOT NULL,
                    channel TEXT NOT NULL CHECK (channel IN ('chat', 'email', 'call', 'messenger')),
                    language TEXT NOT NULL CHECK (length(language) = 2),
                    agent_id TEXT NOT NULL,
                    shift_id TEXT NOT NULL,
                    started_at TEXT NOT NULL,          -- UTC, 2026-11-21T22:04:00.000Z: text order is time order
                    customer_id TEXT,
                    customer_vip INTEGER NOT NULL DEFAULT 0 CHECK (customer_vip IN (0, 1)),
                    tags TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
                    content_hash TEXT NOT NULL,
                    turn_count INTEGER NOT NULL,
                    imported_at TEXT NOT NULL
                );
                CREATE INDEX conversations_by_agent ON conversations(agent_id, started_at);
                CREATE INDEX conversations_by_shift ON conversations(shift_id);
                CREATE INDEX conversations_by_started_at ON conversations(started_at);
                CREATE INDEX conversations_by_channel ON conversations(channel, started_at);
                CREATE INDEX conversations_by_language ON conversations(language, started_at);

                -- A turn is addressed by (conversation, idx): later findings point at spans inside it.
                CREATE TABLE turns (
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    idx INTEGER NOT NULL CHECK (idx >= 0),
                    role TEXT NOT NULL CHECK (role IN ('agent', 'customer', 'bot', 'system')),
                    speaker TEXT,
                    agent_id TEXT,                     -- who spoke an agent turn; differs after a transfer
                    at TEXT,                           -- UTC instant, chat / e-mail / messenger
                    start_seconds REAL,                -- offsets into the recording, calls
                    end_seconds REAL,
                    text TEXT NOT NULL,
                    PRIMARY KEY (conversation_id, idx)
                ) WITHOUT ROWID;
                """)
        }

        // Reviews arrive with the review workbench; the table exists from the start so that import
        // can refuse to replace a conversation that a person has already reviewed.
        migrator.registerMigration("v1 reviews") { db in
            try db.execute(sql: """
                CREATE TABLE reviews (
                    id INTEGER PRIMARY KEY,
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE RESTRICT,
                    reviewer TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE INDEX reviews_by_conversation ON reviews(conversation_id);
                """)
        }
        return migrator
    }
}
