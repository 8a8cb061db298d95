#!/usr/bin/env bash
# Queue-limit and precision benchmark: `pitboss flag` over the 100k corpus without a limit, with a limit that binds
# (200 per shift) and with one that never binds (10,000,000), each on a fresh copy of the same imported database; and
# `rubric precision` (split by version and language) on the reports benchmark's database when it is there.
# usage: Benchmarks/queue-limit.sh [SIZE]      (default 100000; corpus cached in Benchmarks/data/ by flag.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
data=Benchmarks/data
source Benchmarks/measure.sh
corpus=$data/corpus-$n.jsonl
[ -s "$corpus" ] || python3 ../shared/bench/gen_corpus.py "$n" "$corpus"
base=$data/queue-limit-$n.sqlite
rm -f "$base" "$base-wal" "$base-shm"
"$bin" import --db "$base" "$corpus" > /dev/null
for limit in none 200 10000000; do
  db=$data/queue-limit-$n-run.sqlite
  rm -f "$db" "$db-wal" "$db-shm" "$db-flag.lock"
  cp "$base" "$db"
  if [ "$limit" = none ]; then
    measure "flag, $n conversations, no limit" "$bin" flag --db "$db"
  else
    measure "flag, $n conversations, --queue-limit $limit" "$bin" flag --db "$db" --queue-limit "$limit"
  fi
  echo "    queued $(sqlite3 "$db" "SELECT COUNT(*) FROM queue_items WHERE reason = 'flagged'"), $(sed -n 's/^queue limit .*: \([0-9]*\) flagged conversations* not queued.*/\1 not queued/p' "$data/out.txt")"
done
rm -f "$db" "$db-wal" "$db-shm" "$db-flag.lock"
reports=$data/reports-400000.sqlite
if [ -s "$reports" ]; then
  measure "rubric precision, 400,000 conversations" "$bin" rubric precision --db "$reports"
  measure "rubric precision --by rule, 400,000" "$bin" rubric precision --db "$reports" --by rule
else
  echo "(no $reports: run Benchmarks/reports.sh 400000 first to measure rubric precision there)"
fi
