#!/usr/bin/env bash
# Reports benchmark: every `pitboss report` on the retraining benchmark's floor (the corpus spread over 90 days and
# 500 agents, flagged, one completed retraining per agent) with 20,000 reviews by 8 reviewers, release build; time
# and peak memory of each, as a table and as an HTML page.
# usage: Benchmarks/reports.sh [SIZE...]      (default: 400000; needs Benchmarks/retrain.sh SIZE to have run first)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(400000)
data=Benchmarks/data
. Benchmarks/measure.sh
export PITBOSS_USER=bench.supervisor PITBOSS_CONFIG=$PWD/pitboss.yaml
for n in "${sizes[@]}"; do
  source=$data/retrain-$n.sqlite db=$data/reports-$n.sqlite
  [ -s "$source" ] || { echo "missing $source: run Benchmarks/retrain.sh $n first"; exit 66; }
  if [ ! -s "$db" ]; then
    cp "$source" "$db"
    # Up to 20,000 reviews: the rest of the sampled conversations and then flagged ones, scored through pitboss score by
    # 8 reviewers, a varying share failing courtesy (so that leniency differs) and a tenth failing greeting. One process
    # per review, as reviewers work: this takes about an hour at 400,000.
    "$bin" sample --db "$db" --size 18000 --seed bench2 > /dev/null
    have=$(sqlite3 "$db" "SELECT COUNT(*) FROM reviews")
    { "$bin" queue list --db "$db" --reason sample --status open --format csv | tail -n +2 | cut -d, -f1
      "$bin" queue list --db "$db" --reason flagged --status open --format csv | tail -n +2 | cut -d, -f1; } \
      | head -n $((20000 - have)) > "$data/to-score.txt"
    i=0
    while read -r id; do
      i=$((i + 1)); r=rev$((i % 8 + 1))
      c=pass; [ $((RANDOM % (4 + i % 8))) = 0 ] && c=fail
      g=pass; [ $((RANDOM % 10)) = 0 ] && g=fail
      "$bin" score --db "$db" "$id" --as $r \
        --set greeting=$g,accuracy=pass,closing=pass,responsible-gambling=na,sla=na,verification=na,script=pass,courtesy=$c > /dev/null
    done < "$data/to-score.txt"
    rm -f "$data/to-score.txt"
  fi
  agent=$(sqlite3 "$db" "SELECT agent_id FROM conversations ORDER BY id LIMIT 1")
  shift_id=$(sqlite3 "$db" "SELECT shift_id FROM conversations ORDER BY started_at DESC LIMIT 1")
  "$bin" stats --db "$db" > /dev/null  # the first open of an older file migrates it (v7 measures every first response)
  echo "== $n conversations, $(sqlite3 "$db" "SELECT COUNT(*) FROM reviews") reviews, $(sqlite3 "$db" "SELECT COUNT(*) FROM findings") findings"
  for format in table html; do
    out=(); [ $format = html ] && out=(-o "$data/report.html")
    measure "report agents ($format)" "$bin" report agents --db "$db" --format $format "${out[@]}"
    measure "report agent $agent ($format)" "$bin" report agent "$agent" --db "$db" --format $format "${out[@]}"
    measure "report shifts ($format)" "$bin" report shifts --db "$db" --format $format "${out[@]}"
    measure "report shift $shift_id ($format)" "$bin" report shift "$shift_id" --db "$db" --format $format "${out[@]}"
    measure "report reviewers ($format)" "$bin" report reviewers --db "$db" --format $format "${out[@]}"
    measure "report rules ($format)" "$bin" report rules --db "$db" --format $format "${out[@]}"
    measure "report retraining ($format)" "$bin" report retraining --db "$db" --format $format "${out[@]}"
  done
done
rm -f "$data/time.txt" "$data/out.txt" "$data/report.html"
