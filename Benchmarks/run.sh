#!/usr/bin/env bash
# Import benchmark: `pitboss import` of generated corpora, time and peak memory, with a plain
# Python json + sqlite3 import of the same file as the yardstick, in the same run.
# usage: Benchmarks/run.sh [SIZE...]      (default: 25000 100000; corpora cached in Benchmarks/data/)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(25000 100000)
gen=../shared/bench/gen_corpus.py
[ -f "$gen" ] || { echo "missing $gen (the shared benchmark kit)"; exit 66; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time"; exit 69; }
data=Benchmarks/data; mkdir -p "$data"
swift build -c release >/dev/null
bin=.build/release/pitboss

measure() {  # label, command...: prints wall seconds, CPU use and peak RSS
  local out=$data/time.txt
  /usr/bin/time -o "$out" -f '%e %P %M' "${@:2}" >/dev/null 2>&1 || true
  read -r seconds cpu rss < "$out"
  printf '%-26s %7.2f s  %5s CPU  %7.1f MB peak\n' "$1" "$seconds" "$cpu" "$(awk "BEGIN {print $rss / 1024}")"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%Y-%m-%d)"
for n in "${sizes[@]}"; do
  corpus=$data/corpus-$n.jsonl
  [ -s "$corpus" ] || python3 "$gen" "$n" "$corpus"
  echo "== $n conversations, $(du -m "$corpus" | cut -f1) MB"
  rm -f "$data"/bench.sqlite*
  measure "pitboss import" "$bin" import --db "$data/bench.sqlite" "$corpus"
  measure "pitboss import (again)" "$bin" import --db "$data/bench.sqlite" "$corpus"
  rm -f "$data"/baseline.sqlite*
  measure "python json+sqlite3" python3 Benchmarks/baseline_import.py "$corpus" "$data/baseline.sqlite"
done
rm -f "$data"/bench.sqlite* "$data"/baseline.sqlite* "$data/time.txt"
