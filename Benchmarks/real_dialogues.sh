#!/usr/bin/env bash
# How much of ../shared/real/conversations (431 real English support dialogues: tweets, IRC, crowd-written orders)
# a rubric flags, and with which rules: a rubric for casino support must not drown other support talk.
# usage: Benchmarks/real_dialogues.sh [RUBRIC]     (default: Rubrics/casino-support.yaml)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ../shared/real/conversations ] || { echo "missing ../shared/real/conversations"; exit 66; }
rubric=${1:-Rubrics/casino-support.yaml}
data=Benchmarks/data; mkdir -p "$data"
python3 Benchmarks/real_dialogues.py "$data/real.jsonl"
swift build >/dev/null
db=$data/real.sqlite; rm -f "$db" "$db-wal" "$db-shm"
.build/debug/pitboss import --db "$db" "$data/real.jsonl" > /dev/null
.build/debug/pitboss flag --db "$db" --rubric "$rubric" | sed -n '1,3p'
sqlite3 -header -column "$db" "SELECT rule_id AS rule, COUNT(*) AS findings, COUNT(DISTINCT conversation_id) AS conversations FROM findings GROUP BY 1 ORDER BY 2 DESC"
rm -f "$db" "$db-wal" "$db-shm"
