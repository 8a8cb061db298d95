#!/usr/bin/env bash
# Flag benchmark: `pitboss flag` over an imported corpus, end to end (reading conversations, evaluating
# the rubric, writing findings and the queue), against the regex floor of ../shared/bench/floor.sh with the
# same rubric's patterns, in the same run; time, peak memory, and the ratio flag / floor.
# usage: Benchmarks/flag.sh [SIZE...]      (default: 100000; corpora cached in Benchmarks/data/)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(100000)
kit=../shared/bench
[ -f "$kit/gen_corpus.py" ] || { echo "missing $kit (the shared benchmark kit)"; exit 66; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time"; exit 69; }
data=Benchmarks/data; mkdir -p "$data"
swift build -c release >/dev/null
bin=$PWD/.build/release/pitboss
rubric=Rubrics/casino-support.yaml
"$bin" rubric patterns "$rubric" > "$data/patterns.txt"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%Y-%m-%d); rubric: $rubric, $(wc -l < "$data/patterns.txt") patterns"
for n in "${sizes[@]}"; do
  corpus=$data/corpus-$n.jsonl
  [ -s "$corpus" ] || python3 "$kit/gen_corpus.py" "$n" "$corpus"
  db=$data/flag-$n.sqlite
  rm -f "$db" "$db-wal" "$db-shm"
  "$bin" import --db "$db" "$corpus" > /dev/null
  /usr/bin/time -o "$data/time.txt" -f '%e %P %M' "$bin" flag --db "$db" --rubric "$rubric" > "$data/flag.txt"
  read -r seconds cpu rss < "$data/time.txt"
  floor=$(bash "$kit/floor.sh" "$data/patterns.txt" "$corpus")
  floor_seconds=$(echo "$floor" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
  echo "== $n conversations: $(sed -n 2p "$data/flag.txt")"
  printf 'pitboss flag  %7.2f s  %5s CPU  %7.1f MB peak\n' "$seconds" "$cpu" "$(awk "BEGIN {print $rss / 1024}")"
  printf 'floor         %7.2f s  (%s)\n' "$floor_seconds" "$floor"
  printf 'ratio         %7.2f  (flag / floor; the aim is <= 1.0)\n' "$(awk "BEGIN {print $seconds / $floor_seconds}")"
  rm -f "$db" "$db-wal" "$db-shm"
done
rm -f "$data/time.txt" "$data/flag.txt"
