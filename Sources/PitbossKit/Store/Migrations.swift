import GRDB

/// The schema, as named migrations that run once each, in order. Never edit a migration that has
/// shipped: add a new one.
public enum Migrations {
    /// The schema version this build writes (the highest `vN` of its migrations), on every backend.
    public static var schemaVersion: Int { migrator.migrations.compactMap(PitbossDatabase.schemaVersion).max() ?? 0 }

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
        // Batch flagging: a run record, which conversations each rubric version has evaluated, the
        // findings (each traceable to its run and the rubric's hash), and the review queue.
        migrator.registerMigration("v2 flag runs, findings and the review queue") { db in
            try db.execute(sql: """
                CREATE TABLE flag_runs (
                    id INTEGER PRIMARY KEY,
                    rubric_name TEXT NOT NULL,
                    rubric_version TEXT NOT NULL,
                    rubric_hash TEXT NOT NULL,
                    rubric_path TEXT NOT NULL,
                    selection TEXT NOT NULL,           -- JSON: the filters the run was given
                    started_by TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,                  -- NULL: still running, or killed
                    scanned INTEGER NOT NULL DEFAULT 0,
                    evaluated INTEGER NOT NULL DEFAULT 0,
                    flagged INTEGER NOT NULL DEFAULT 0,
                    findings INTEGER NOT NULL DEFAULT 0,
                    errors INTEGER NOT NULL DEFAULT 0
                );

                -- One row per conversation and rubric version (and conversation content) evaluated:
                -- what makes flag idempotent and lets a killed run be completed.
                CREATE TABLE evaluations (
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    rubric_hash TEXT NOT NULL,
                    content_hash TEXT NOT NULL,
                    run_id INTEGER NOT NULL REFERENCES flag_runs(id),
                    evaluated_at TEXT NOT NULL,
                    PRIMARY KEY (conversation_id, rubric_hash)
                ) WITHOUT ROWID;

                CREATE TABLE findings (
                    id INTEGER PRIMARY KEY,
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    run_id INTEGER NOT NULL REFERENCES flag_runs(id),
                    rubric_hash TEXT NOT NULL,
                    rule_id TEXT NOT NULL,
                    criterion TEXT NOT NULL,
                    severity TEXT NOT NULL CHECK (severity IN ('info', 'minor', 'major', 'critical')),
                    status TEXT NOT NULL,
                    agent_id TEXT,
                    turn INTEGER,
                    start INTEGER,                     -- code points within the turn's text
                    "end" INTEGER,
                    text TEXT,
                    message TEXT NOT NULL,
                    verdict TEXT CHECK (verdict IN ('confirmed', 'dismissed')),   -- a reviewer's; never overwritten by flag
                    verdict_by TEXT,
                    verdict_at TEXT,
                    verdict_reason TEXT
                );
                CREATE INDEX findings_by_conversation ON findings(conversation_id);
                CREATE INDEX findings_by_run ON findings(run_id);
                CREATE INDEX findings_by_rule ON findings(rule_id, severity);
                CREATE INDEX findings_by_agent ON findings(agent_id);

                CREATE TABLE queue_items (
                    id INTEGER PRIMARY KEY,
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    reason TEXT NOT NULL CHECK (reason IN ('flagged', 'sample', 'calibration', 'dispute')),
                    priority INTEGER NOT NULL,
                    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'scored', 'skipped')),
                    assigned_to TEXT,
                    claim_expires_at TEXT,
                    created_at TEXT NOT NULL,
                    run_id INTEGER REFERENCES flag_runs(id),
                    UNIQUE (conversation_id, reason)   -- never queued twice for the same reason
                );
                CREATE INDEX queue_by_status ON queue_items(status, priority DESC);
                """)
        }
        // The reviewer's workbench: seeded samples, claims with leases, immutable reviews with revisions, the
        // per-criterion answers and finding verdicts of each review, and an append-only audit log. Reviews,
        // answers, verdicts and the audit log refuse UPDATE and DELETE in the database itself.
        migrator.registerMigration("v3 samples, claims, reviews and the audit log") { db in
            try db.execute(sql: """
                CREATE TABLE samples (
                    id INTEGER PRIMARY KEY,
                    seed TEXT NOT NULL,
                    plan TEXT NOT NULL,                -- JSON: population filters, size method and inputs, strata, boosts
                    population INTEGER NOT NULL,
                    population_hash TEXT NOT NULL,     -- SHA-256 of the population's sorted conversation ids
                    size INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                -- The population a sample was drawn from, so that an auditor can re-derive the draw exactly later,
                -- when the queue no longer looks as it did.
                CREATE TABLE sample_population (
                    sample_id INTEGER NOT NULL REFERENCES samples(id),
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    PRIMARY KEY (sample_id, conversation_id)
                ) WITHOUT ROWID;
                CREATE TABLE sample_members (
                    sample_id INTEGER NOT NULL REFERENCES samples(id),
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    stratum TEXT NOT NULL,
                    PRIMARY KEY (sample_id, conversation_id)
                ) WITHOUT ROWID;

                -- Queue items and findings are named by their ids in reviews, verdicts and the audit log, and flag deletes
                -- some of them: AUTOINCREMENT so that a deleted id is never given to another item or finding. SQLite
                -- cannot add it to a table, so both are rebuilt (same columns, in the same order, plus the new ones).
                CREATE TABLE queue_items_v3 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    reason TEXT NOT NULL CHECK (reason IN ('flagged', 'sample', 'calibration', 'dispute')),
                    priority INTEGER NOT NULL,
                    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'scored', 'skipped')),
                    assigned_to TEXT,
                    claim_expires_at TEXT,
                    created_at TEXT NOT NULL,
                    run_id INTEGER REFERENCES flag_runs(id),
                    sample_id INTEGER REFERENCES samples(id),
                    assigned_by TEXT,                  -- a supervisor's assignment outlives a claim
                    claimed_at TEXT,
                    skip_reason TEXT,
                    UNIQUE (conversation_id, reason)   -- never queued twice for the same reason
                );
                INSERT INTO queue_items_v3 (id, conversation_id, reason, priority, status, assigned_to, claim_expires_at, created_at, run_id)
                    SELECT id, conversation_id, reason, priority, status, assigned_to, claim_expires_at, created_at, run_id FROM queue_items;
                DROP TABLE queue_items;
                ALTER TABLE queue_items_v3 RENAME TO queue_items;
                CREATE INDEX queue_by_status ON queue_items(status, priority DESC);

                CREATE TABLE findings_v3 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    run_id INTEGER NOT NULL REFERENCES flag_runs(id),
                    rubric_hash TEXT NOT NULL,
                    rule_id TEXT NOT NULL,
                    criterion TEXT NOT NULL,
                    severity TEXT NOT NULL CHECK (severity IN ('info', 'minor', 'major', 'critical')),
                    status TEXT NOT NULL,
                    agent_id TEXT,
                    turn INTEGER,
                    start INTEGER,
                    "end" INTEGER,
                    text TEXT,
                    message TEXT NOT NULL,
                    verdict TEXT CHECK (verdict IN ('confirmed', 'dismissed')),
                    verdict_by TEXT,
                    verdict_at TEXT,
                    verdict_reason TEXT
                );
                INSERT INTO findings_v3 SELECT * FROM findings;
                DROP TABLE findings;
                ALTER TABLE findings_v3 RENAME TO findings;
                CREATE INDEX findings_by_conversation ON findings(conversation_id);
                CREATE INDEX findings_by_run ON findings(run_id);
                CREATE INDEX findings_by_rule ON findings(rule_id, severity);
                CREATE INDEX findings_by_agent ON findings(agent_id);
                CREATE INDEX queue_by_assignee ON queue_items(assigned_to, status);
                CREATE INDEX queue_by_conversation ON queue_items(conversation_id);

                ALTER TABLE reviews ADD COLUMN queue_item_id INTEGER;
                ALTER TABLE reviews ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE reviews ADD COLUMN revises INTEGER REFERENCES reviews(id);
                ALTER TABLE reviews ADD COLUMN revision_reason TEXT;
                ALTER TABLE reviews ADD COLUMN rubric_name TEXT NOT NULL DEFAULT '';
                ALTER TABLE reviews ADD COLUMN rubric_version TEXT NOT NULL DEFAULT '';
                ALTER TABLE reviews ADD COLUMN rubric_hash TEXT NOT NULL DEFAULT '';
                ALTER TABLE reviews ADD COLUMN score REAL;                 -- 0–100 after auto-fail
                ALTER TABLE reviews ADD COLUMN raw_score REAL;             -- before auto-fail
                ALTER TABLE reviews ADD COLUMN auto_failed INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE reviews ADD COLUMN comment TEXT;
                CREATE UNIQUE INDEX reviews_one_successor ON reviews(revises) WHERE revises IS NOT NULL;

                CREATE TABLE review_answers (
                    review_id INTEGER NOT NULL REFERENCES reviews(id),
                    criterion TEXT NOT NULL,
                    position INTEGER NOT NULL,         -- the criterion's place on the scorecard
                    answer TEXT NOT NULL,              -- pass, fail, na, or a label of the criterion's scale
                    item_score REAL,                   -- 0…1; NULL for na
                    weight REAL NOT NULL,
                    critical INTEGER NOT NULL,
                    PRIMARY KEY (review_id, criterion)
                ) WITHOUT ROWID;

                CREATE TABLE review_verdicts (
                    review_id INTEGER NOT NULL REFERENCES reviews(id),
                    finding_id INTEGER NOT NULL,       -- no foreign key: the finding may be replaced later, the verdict stays
                    rule_id TEXT NOT NULL,
                    verdict TEXT NOT NULL CHECK (verdict IN ('confirmed', 'dismissed')),
                    reason TEXT,
                    PRIMARY KEY (review_id, finding_id)
                ) WITHOUT ROWID;
                CREATE INDEX review_verdicts_by_rule ON review_verdicts(rule_id);

                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    queue_item_id INTEGER,
                    conversation_id INTEGER,
                    review_id INTEGER,
                    detail TEXT NOT NULL DEFAULT '{}'  -- JSON
                );
                CREATE INDEX audit_by_item ON audit_log(queue_item_id);
                CREATE INDEX audit_by_conversation ON audit_log(conversation_id);
                """)
            for table in ["reviews", "review_answers", "review_verdicts", "audit_log"] {
                let what = table == "audit_log" ? "the audit log is append-only" : "a submitted review is immutable; revise it instead"
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table) BEGIN SELECT RAISE(ABORT, '\(what)'); END;
                    CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table) BEGIN SELECT RAISE(ABORT, '\(what)'); END;
                    """)
            }
        }

        // Reports, calibration and disputes all ask for "the review as it stands now": one definition, in the
        // database, that every query shares. A review is current when no later revision corrects it (found through
        // the unique index on `revises`).
        migrator.registerMigration("v4 the current revision of each review") { db in
            try db.execute(sql: """
                CREATE VIEW current_reviews AS
                    SELECT r.* FROM reviews r WHERE NOT EXISTS (SELECT 1 FROM reviews n WHERE n.revises = r.id);
                """)
        }

        // Retraining: what was assigned stays as it was assigned; each change of state is an event appended after it.
        migrator.registerMigration("v5 retraining assignments and their events") { db in
            try db.execute(sql: """
                CREATE TABLE retraining_assignments (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    agent_id TEXT NOT NULL,
                    module TEXT NOT NULL,
                    criteria TEXT NOT NULL,            -- JSON array of the rubric's criterion ids
                    evidence TEXT NOT NULL DEFAULT '[]', -- JSON array of conversation ids and review numbers
                    note TEXT,
                    due_on TEXT NOT NULL,              -- a date, YYYY-MM-DD, in the workspace's zone
                    repeat_of INTEGER REFERENCES retraining_assignments(id),
                    assigned_by TEXT NOT NULL,
                    assigned_at TEXT NOT NULL,         -- when it happened (--on), UTC
                    recorded_at TEXT NOT NULL          -- when Pitboss was told
                );
                CREATE INDEX retraining_by_agent ON retraining_assignments(agent_id, assigned_at);
                CREATE TABLE retraining_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    assignment_id INTEGER NOT NULL REFERENCES retraining_assignments(id),
                    state TEXT NOT NULL CHECK (state IN ('assigned', 'started', 'completed', 'cancelled')),
                    actor TEXT NOT NULL,
                    at TEXT NOT NULL,                  -- when it happened (--on), UTC
                    recorded_at TEXT NOT NULL,
                    reason TEXT
                );
                CREATE INDEX retraining_events_by_assignment ON retraining_events(assignment_id, id);
                CREATE VIEW retraining_current AS
                    SELECT a.*, e.state, e.at AS state_at, e.reason AS state_reason
                    FROM retraining_assignments a
                    JOIN retraining_events e ON e.id = (SELECT MAX(id) FROM retraining_events WHERE assignment_id = a.id);
                """)
            for table in ["retraining_assignments", "retraining_events"] {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table) BEGIN SELECT RAISE(ABORT, 'retraining history is append-only'); END;
                    CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table) BEGIN SELECT RAISE(ABORT, 'retraining history is append-only'); END;
                    """)
            }
        }

        // Participants who are neither agent nor customer (a friend on the call, an interpreter): role 'other', so that a
        // rule listening to the agent never hears them. Rubrics per conversation: each finding and evaluation names its
        // rubric, so that flagging with one rubric replaces only that rubric's earlier findings.
        migrator.registerMigration("v6 other participants, and findings per rubric") { db in
            try db.execute(sql: """
                CREATE TABLE turns_v6 (
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    idx INTEGER NOT NULL CHECK (idx >= 0),
                    role TEXT NOT NULL CHECK (role IN ('agent', 'customer', 'bot', 'system', 'other')),
                    speaker TEXT,
                    agent_id TEXT,
                    at TEXT,
                    start_seconds REAL,
                    end_seconds REAL,
                    text TEXT NOT NULL,
                    PRIMARY KEY (conversation_id, idx)
                ) WITHOUT ROWID;
                INSERT INTO turns_v6 SELECT * FROM turns;
                DROP TABLE turns;
                ALTER TABLE turns_v6 RENAME TO turns;

                ALTER TABLE findings ADD COLUMN rubric_name TEXT NOT NULL DEFAULT '';
                UPDATE findings SET rubric_name = (SELECT rubric_name FROM flag_runs WHERE flag_runs.id = findings.run_id);
                ALTER TABLE evaluations ADD COLUMN rubric_name TEXT NOT NULL DEFAULT '';
                UPDATE evaluations SET rubric_name = (SELECT rubric_name FROM flag_runs WHERE flag_runs.id = evaluations.run_id);
                CREATE INDEX findings_by_conversation_rubric ON findings(conversation_id, rubric_name);
                """)
        }
        // The shift report's first-response times, over every conversation of a quarter: read from a column, not from
        // every turn's time. Measured at import (`FirstResponse`); conversations imported before are measured here, once.
        migrator.registerMigration("v7 first-response time per conversation") { db in
            try db.execute(sql: """
                ALTER TABLE conversations ADD COLUMN first_response_seconds REAL;   -- NULL: unanswered or not measurable
                ALTER TABLE conversations ADD COLUMN unanswered INTEGER NOT NULL DEFAULT 0 CHECK (unanswered IN (0, 1));
                """)
            try FirstResponseBackfill.run(db)
        }
        // `pitboss flag show RUN` prints a past run's summary again, per rule and agent and what the queue cap left out:
        // only counts were kept before, and the findings of a run are replaced by later runs.
        // The column holds the FlagSummary the run printed, as JSON; NULL for runs before v8 and for a killed run.
        migrator.registerMigration("v8 each flag run's summary") { db in
            try db.execute(sql: "ALTER TABLE flag_runs ADD COLUMN summary TEXT")
        }
        // Calibration (several reviewers score the same conversations blind) and disputes (a score contested, decided
        // by someone else). A calibration task is a queue item of its own, one per session, conversation and reviewer:
        // "once per conversation and reason" now holds for the other reasons only, and one reviewer at a time per
        // conversation holds for them too, so a conversation can be calibrated and reviewed for real at once.
        // Calibration reviews are kept in tables of their own: no score, verdict, precision or report query can see
        // them by mistake. Disputes point at the review they contest; an accepted one adds a revision to it.
        migrator.registerMigration("v9 calibration sessions and disputes") { db in
            // The rebuilt queue keeps AUTOINCREMENT's promise: dropping the table drops its counter, and a deleted item's id
            // (flag withdraws items) would be handed out again, inheriting the old item's audit trail.
            let queueSequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'queue_items'")
            try db.execute(sql: """
                CREATE TABLE calibration_sessions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    created_by TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expert TEXT,
                    rubric_name TEXT NOT NULL,
                    rubric_version TEXT NOT NULL,
                    rubric_hash TEXT NOT NULL,
                    rubric_path TEXT NOT NULL,
                    selection TEXT NOT NULL DEFAULT '{}',
                    closed_by TEXT,
                    closed_at TEXT
                );
                CREATE TABLE calibration_reviewers (
                    session_id INTEGER NOT NULL REFERENCES calibration_sessions(id),
                    reviewer TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    PRIMARY KEY (session_id, reviewer)
                ) WITHOUT ROWID;
                CREATE TABLE calibration_conversations (
                    session_id INTEGER NOT NULL REFERENCES calibration_sessions(id),
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
                    position INTEGER NOT NULL,
                    PRIMARY KEY (session_id, conversation_id)
                ) WITHOUT ROWID;

                CREATE TABLE queue_items_v9 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    reason TEXT NOT NULL CHECK (reason IN ('flagged', 'sample', 'calibration', 'dispute')),
                    priority INTEGER NOT NULL,
                    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'scored', 'skipped')),
                    assigned_to TEXT,
                    claim_expires_at TEXT,
                    created_at TEXT NOT NULL,
                    run_id INTEGER REFERENCES flag_runs(id),
                    sample_id INTEGER REFERENCES samples(id),
                    assigned_by TEXT,
                    claimed_at TEXT,
                    skip_reason TEXT,
                    calibration_session_id INTEGER REFERENCES calibration_sessions(id),
                    CHECK ((reason = 'calibration') = (calibration_session_id IS NOT NULL))
                );
                INSERT INTO queue_items_v9 (id, conversation_id, reason, priority, status, assigned_to, claim_expires_at, created_at, run_id,
                                            sample_id, assigned_by, claimed_at, skip_reason)
                    SELECT id, conversation_id, reason, priority, status, assigned_to, claim_expires_at, created_at, run_id,
                           sample_id, assigned_by, claimed_at, skip_reason FROM queue_items;
                DROP TABLE queue_items;
                ALTER TABLE queue_items_v9 RENAME TO queue_items;
                CREATE UNIQUE INDEX queue_once_per_reason ON queue_items(conversation_id, reason) WHERE calibration_session_id IS NULL;
                CREATE UNIQUE INDEX queue_calibration_tasks ON queue_items(calibration_session_id, conversation_id, assigned_to)
                    WHERE calibration_session_id IS NOT NULL;
                CREATE INDEX queue_by_status ON queue_items(status, priority DESC);
                CREATE INDEX queue_by_assignee ON queue_items(assigned_to, status);
                CREATE INDEX queue_by_conversation ON queue_items(conversation_id);

                CREATE TABLE calibration_reviews (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_id INTEGER NOT NULL REFERENCES calibration_sessions(id),
                    queue_item_id INTEGER NOT NULL,
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
                    reviewer TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    rubric_name TEXT NOT NULL,
                    rubric_version TEXT NOT NULL,
                    rubric_hash TEXT NOT NULL,
                    score REAL NOT NULL,
                    raw_score REAL NOT NULL,
                    auto_failed INTEGER NOT NULL,
                    comment TEXT,
                    UNIQUE (session_id, conversation_id, reviewer)
                );
                CREATE TABLE calibration_answers (
                    review_id INTEGER NOT NULL REFERENCES calibration_reviews(id),
                    criterion TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    answer TEXT NOT NULL,
                    item_score REAL,
                    weight REAL NOT NULL,
                    critical INTEGER NOT NULL,
                    PRIMARY KEY (review_id, criterion)
                ) WITHOUT ROWID;
                CREATE TABLE calibration_verdicts (
                    review_id INTEGER NOT NULL REFERENCES calibration_reviews(id),
                    finding_id INTEGER NOT NULL,
                    rule_id TEXT NOT NULL,
                    verdict TEXT NOT NULL CHECK (verdict IN ('confirmed', 'dismissed')),
                    reason TEXT,
                    PRIMARY KEY (review_id, finding_id)
                ) WITHOUT ROWID;

                CREATE TABLE disputes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    review_id INTEGER NOT NULL REFERENCES reviews(id),
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
                    criteria TEXT NOT NULL,            -- JSON array of the contested criteria
                    reason TEXT NOT NULL,
                    opened_by TEXT NOT NULL,
                    opened_at TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected', 'withdrawn')),
                    decided_by TEXT,
                    decided_at TEXT,
                    decision_reason TEXT,
                    revision_id INTEGER REFERENCES reviews(id)   -- the revision an accepted dispute stored
                );
                CREATE UNIQUE INDEX disputes_one_open_per_review ON disputes(review_id) WHERE status = 'open';
                CREATE INDEX disputes_by_conversation ON disputes(conversation_id);
                """)
            if let queueSequence {
                try db.execute(sql: "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'queue_items'", arguments: [queueSequence])
                if db.changesCount == 0 { try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('queue_items', ?)", arguments: [queueSequence]) }
            }
            for table in ["calibration_reviews", "calibration_answers", "calibration_verdicts"] {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table) BEGIN SELECT RAISE(ABORT, 'a submitted calibration review is immutable'); END;
                    CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table) BEGIN SELECT RAISE(ABORT, 'a submitted calibration review is immutable'); END;
                    """)
            }
        }
        return migrator
    }
}
