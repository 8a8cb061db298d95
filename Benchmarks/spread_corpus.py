#!/usr/bin/env python3
"""Turns a corpus of ../shared/bench/gen_corpus.py (one night shift, 320 agents) into a floor's quarter: the same
conversations spread over 90 days and over 500 agents (125 per language), the turn times moved with them. Streams
line by line: constant memory. Deterministic: the same input gives the same output.

usage: spread_corpus.py IN.jsonl OUT.jsonl"""
import datetime as dt, json, random, sys

def main():
    source, target = sys.argv[1], sys.argv[2]
    rng = random.Random(500)
    first = dt.datetime(2026, 8, 1, tzinfo=dt.timezone.utc)
    with open(source, encoding="utf-8") as f, open(target, "w", encoding="utf-8") as out:
        for line in f:
            c = json.loads(line)
            c["agent"] = f"{c['language']}.agent{rng.randrange(125):03d}"
            start = dt.datetime.strptime(c["started_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
            moved = first + dt.timedelta(days=rng.randrange(90), hours=rng.randrange(24), minutes=rng.randrange(60))
            shift = moved - start
            for t in c["turns"]:
                t["at"] = (dt.datetime.strptime(t["at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc) + shift).strftime("%Y-%m-%dT%H:%M:%SZ")
            c["started_at"] = c["turns"][0]["at"]
            c.pop("shift", None)  # derived from the time by the workspace's schedule
            out.write(json.dumps(c, ensure_ascii=False) + "\n")

if __name__ == "__main__":
    main()
