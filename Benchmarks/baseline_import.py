#!/usr/bin/env python3
"""The yardstick for `pitboss import`: the plainest Python importer that stores the same thing —
json + sqlite3, Pitboss's tables and indexes, WAL, one transaction per 1,000 conversations — but
validates nothing beyond json.loads, hashes nothing and derives nothing.
usage: baseline_import.py CORPUS.jsonl DB"""
import json, sqlite3, sys

db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = NORMAL")
db.executescript("""
CREATE TABLE conversations (id INTEGER PRIMARY KEY, external_id TEXT NOT NULL UNIQUE, source_file TEXT, source_record TEXT,
  channel TEXT, language TEXT, agent_id TEXT, shift_id TEXT, started_at TEXT, customer_id TEXT, customer_vip INTEGER,
  tags TEXT, turn_count INTEGER);
CREATE INDEX conversations_by_agent ON conversations(agent_id, started_at);
CREATE INDEX conversations_by_shift ON conversations(shift_id);
CREATE INDEX conversations_by_started_at ON conversations(started_at);
CREATE INDEX conversations_by_channel ON conversations(channel, started_at);
CREATE INDEX conversations_by_language ON conversations(language, started_at);
CREATE TABLE turns (conversation_id INTEGER NOT NULL, idx INTEGER NOT NULL, role TEXT, speaker TEXT, agent_id TEXT, at TEXT,
  start_seconds REAL, end_seconds REAL, text TEXT, PRIMARY KEY (conversation_id, idx)) WITHOUT ROWID;
""")
with open(sys.argv[1], encoding="utf-8") as f:
    db.execute("BEGIN")
    for n, line in enumerate(f, 1):
        c = json.loads(line)
        cur = db.execute("INSERT INTO conversations (external_id, source_file, source_record, channel, language, agent_id, shift_id,"
                         " started_at, customer_id, customer_vip, tags, turn_count) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                         (c["id"], sys.argv[1], f"line {n}", c["channel"], c["language"], c["agent"], c.get("shift"), c["started_at"],
                          c["customer"]["id"], c["customer"]["vip"], json.dumps(c.get("tags", [])), len(c["turns"])))
        db.executemany("INSERT INTO turns VALUES (?,?,?,?,?,?,?,?,?)",
                       [(cur.lastrowid, i, t["speaker"], t.get("name"), t.get("agent"), t.get("at"), t.get("start"), t.get("end"), t["text"])
                        for i, t in enumerate(c["turns"])])
        if n % 1000 == 0:
            db.execute("COMMIT")
            db.execute("BEGIN")
    db.execute("COMMIT")
