#!/usr/bin/env bash
# Review-workbench benchmark: over an imported corpus (of ../shared/bench/gen_corpus.py), the cost of
#   - pitboss sample: a statistical, agent-stratified sample of the whole corpus (reads every conversation's
#     keys, hashes each id with the seed, ranks, stores the sample and queues it), dry and real;
#   - pitboss sample --size N/10: a large sample, to see how queueing grows with its size;
#   - pitboss queue claim: the next item from a queue of N/10 + n items, one process at a time, and then 8
#     processes at once (claims per second across processes);
#   - pitboss score: one review stored, with the queue that size.
# Time and peak memory with GNU time. usage: Benchmarks/review.sh [SIZE...]  (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(100000)
kit=../shared/bench
[ -f "$kit/gen_corpus.py" ] || { echo "missing $kit (the shared benchmark kit)"; exit 66; }
data=Benchmarks/data
. Benchmarks/measure.sh
for n in "${sizes[@]}"; do
  corpus=$data/corpus-$n.jsonl
  [ -s "$corpus" ] || python3 "$kit/gen_corpus.py" "$n" "$corpus"
  db=$data/review-$n.sqlite
  rm -f "$db" "$db-wal" "$db-shm"
  "$bin" import --db "$db" "$corpus" > /dev/null
  echo "== $n conversations"
  measure "sample --confidence .99 --margin .01 --dry-run" "$bin" sample --db "$db" --confidence 0.99 --margin 0.01 --stratify agent --seed b --dry-run --format csv
  measure "sample --confidence .99 --margin .01 (queued)" "$bin" sample --db "$db" --confidence 0.99 --margin 0.01 --stratify agent --seed b --as bench
  measure "sample --size $((n / 10)) --stratify channel" "$bin" sample --db "$db" --size $((n / 10)) --stratify channel --seed c --as bench
  queued=$("$bin" queue list --db "$db" --status open --format csv | tail -n +2 | wc -l)
  start=$(date +%s.%N)
  for i in $(seq 1 50); do "$bin" queue claim --db "$db" --as "solo-$i" > /dev/null; done
  end=$(date +%s.%N)
  printf '%-44s %7.2f ms per claim (queue of %d)\n' "queue claim, 50 in a row" "$(awk "BEGIN {print ($end - $start) * 1000 / 50}")" "$queued"
  start=$(date +%s.%N)
  for p in $(seq 1 8); do
    ( for i in $(seq 1 25); do "$bin" queue claim --db "$db" --as "p$p-$i" > /dev/null; done ) &
  done
  wait
  end=$(date +%s.%N)
  printf '%-44s %7.1f claims/s (8 processes x 25)\n' "queue claim, 8 processes at once" "$(awk "BEGIN {print 200 / ($end - $start)}")"
  item=$("$bin" queue claim --db "$db" --as scorer | cut -f1)
  measure "score (one review)" "$bin" score "$item" --db "$db" --as scorer --set greeting=pass,courtesy=pass,accuracy=pass,closing=pass,responsible-gambling=na,sla=pass,verification=na,script=pass
  rm -f "$db" "$db-wal" "$db-shm"
done
rm -f "$data/time.txt" "$data/out.txt"
