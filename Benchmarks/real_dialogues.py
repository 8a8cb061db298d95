#!/usr/bin/env python3
"""Converts the real support dialogues in ../shared/real/conversations (their own normalised shape) into Pitboss's
canonical JSON Lines, for measuring how much of them a rubric flags. Reads from ../shared, writes to OUT (not into
the project's sources). usage: real_dialogues.py OUT.jsonl"""
import json, glob, sys, datetime as dt
out = open(sys.argv[1], 'w')
n = 0
for path in sorted(glob.glob('../shared/real/conversations/*/*.jsonl')):
    for line in open(path):
        c = json.loads(line)
        base = dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)
        turns = []
        for k, t in enumerate(c['turns']):
            role = t.get('role')
            if role not in ('agent', 'customer'): role = 'system' if role == 'system' else 'customer'
            text = (t.get('text') or '').strip()
            if not text: continue
            turn = {"speaker": role, "at": (base + dt.timedelta(seconds=30 * k)).strftime('%Y-%m-%dT%H:%M:%SZ'), "text": text}
            if role == 'agent': turn['agent'] = 'real.agent'
            turns.append(turn)
        if not turns: continue
        n += 1
        ch = c.get('channel') or 'chat'
        if ch not in ('chat', 'email', 'call', 'messenger'): ch = 'chat'
        out.write(json.dumps({"id": f"real-{n:04d}", "channel": ch, "language": "en", "agent": "real.agent",
                              "started_at": turns[0]['at'], "customer": {"id": f"c{n}", "vip": False}, "turns": turns}) + "\n")
print(n)
