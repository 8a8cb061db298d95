#!/usr/bin/env bash
# Retraining benchmark: `pitboss retrain suggest` and `pitboss retrain outcomes` on a flagged corpus spread over 90 days
# and 500 agents, with one completed assignment per agent and reviews, in a release build; time and peak memory.
# usage: Benchmarks/retrain.sh [SIZE...]      (default: 400000; corpora cached in Benchmarks/data/)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(400000)
kit=../shared/bench
[ -f "$kit/gen_corpus.py" ] || { echo "missing $kit (the shared benchmark kit)"; exit 66; }
data=Benchmarks/data
. Benchmarks/measure.sh
export PITBOSS_USER=bench.supervisor PITBOSS_CONFIG=$PWD/pitboss.yaml
for n in "${sizes[@]}"; do
  corpus=$data/corpus-$n.jsonl spread=$data/quarter-$n.jsonl db=$data/retrain-$n.sqlite
  [ -s "$corpus" ] || python3 "$kit/gen_corpus.py" "$n" "$corpus"
  [ -s "$spread" ] || python3 Benchmarks/spread_corpus.py "$corpus" "$spread"
  if [ ! -s "$db" ]; then
    "$bin" import --db "$db" "$spread" > /dev/null
    "$bin" flag --db "$db" > /dev/null
    # 2,000 reviews: a sample scored with the default answers.
    "$bin" sample --db "$db" --size 2000 --seed bench > /dev/null
    "$bin" queue list --db "$db" --reason sample --format csv | tail -n +2 | cut -d, -f1 > "$data/sampled.txt"
    answers=greeting=pass,accuracy=pass,closing=pass,responsible-gambling=na,sla=na,verification=na,script=pass
    while read -r id; do
      "$bin" score --db "$db" "$id" --set "$answers,courtesy=$([ $((RANDOM % 4)) = 0 ] && echo fail || echo pass)" > /dev/null
    done < "$data/sampled.txt"
    # One assignment per agent: assigned on 1 September or 1 October, completed three days later.
    i=0
    sqlite3 "$db" "SELECT DISTINCT agent_id FROM conversations ORDER BY 1" | while read -r agent; do
      month=$(printf %02d $(( i % 2 == 0 ? 9 : 10 ))); i=$((i + 1))
      id=$("$bin" retrain assign "$agent" --db "$db" --module de-escalation --due "2026-$month-20" --on "2026-$month-01T12:00" | sed -n 's/^Assigned retraining #\([0-9]*\).*/\1/p')
      "$bin" retrain complete "$id" --db "$db" --on "2026-$month-04T12:00" > /dev/null
    done
  fi
  # Outcomes count findings of the current rubric only: after a rubric change the cached database is flagged again
  # (flag skips what the rubric has already evaluated, so this costs nothing otherwise).
  "$bin" flag --db "$db" > /dev/null
  echo "== $n conversations, $("$bin" retrain list --db "$db" --format csv | tail -n +2 | wc -l) assignments"
  measure "retrain suggest" "$bin" retrain suggest --db "$db"
  measure "retrain suggest --criterion courtesy" "$bin" retrain suggest --db "$db" --criterion courtesy
  measure "retrain outcomes (every assignment)" "$bin" retrain outcomes --db "$db"
  measure "retrain outcome 1" "$bin" retrain outcome 1 --db "$db"
done
rm -f "$data/time.txt" "$data/out.txt" "$data/sampled.txt"
