#!/usr/bin/env bash
# PostgreSQL next to SQLite, in the same run: import and flag of the corpus, then 8 reviewers claiming at once (each
# claims an item, skips it, and claims the next, as a loop of `pitboss queue claim` and `pitboss queue skip` processes).
# The server is a throwaway cluster on a loopback port with PostgreSQL's defaults except synchronous_commit=off, which
# is SQLite's WAL + synchronous=NORMAL trade-off (a power cut may lose the last commits, never corrupts).
# usage: Benchmarks/postgres.sh [SIZE] [CLAIMS]      (defaults 100000 and 400; needs PostgreSQL installed: make deps)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
claims=${2:-400}
data=Benchmarks/data
source Benchmarks/measure.sh
corpus=$data/corpus-$n.jsonl
[ -s "$corpus" ] || python3 ../shared/bench/gen_corpus.py "$n" "$corpus"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || { echo "needs PostgreSQL: make deps"; exit 69; }

# The cluster: as an unprivileged user when run as root (initdb refuses root), stopped however the script ends.
cluster=$(mktemp -d /tmp/pitboss-bench-pg.XXXXXX)
as=()
if [ "$(id -u)" = 0 ]; then chown postgres "$cluster"; as=(setpriv --reuid=postgres --regid=postgres --init-groups); fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as[@]}" "$pgbin/initdb" -D "$cluster/data" -U postgres --auth=trust -E UTF8 --locale=C > /dev/null
"${as[@]}" "$pgbin/pg_ctl" -D "$cluster/data" -l "$cluster/log" -w -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c synchronous_commit=off" start > /dev/null
trap '"${as[@]}" "$pgbin/pg_ctl" -D "$cluster/data" -m fast -w stop > /dev/null; rm -rf "$cluster"' EXIT
server="postgresql://postgres@127.0.0.1:$port"
psql() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"; }
echo "postgresql: $("$pgbin/postgres" --version | awk '{print $3}'), shared_buffers $(psql -At -c 'SHOW shared_buffers'), synchronous_commit off"

sqlite=$data/postgres-bench.sqlite
rm -f "$sqlite" "$sqlite-wal" "$sqlite-shm"
psql -c "CREATE DATABASE bench"
"$bin" init --db "$server/bench" > /dev/null
measure "sqlite: import $n conversations" "$bin" import --db "$sqlite" "$corpus"
measure "postgres: import $n conversations" "$bin" import --db "$server/bench" "$corpus"
measure "sqlite: flag $n conversations" "$bin" flag --db "$sqlite"
measure "postgres: flag $n conversations" "$bin" flag --db "$server/bench"
echo "    findings: sqlite $(sqlite3 "$sqlite" 'SELECT COUNT(*) FROM findings'), postgres $(psql -At -d bench -c 'SELECT count(*) FROM findings')"

# Reading, on the flagged workspace: `queue list` reads the server; the others run on a reading copy there (one
# snapshot of the server copied into memory, then the same report code as on SQLite).
for command in "queue list" "stats" "report agents" "rubric precision" "report rules"; do
  measure "sqlite: $command" "$bin" $command --db "$sqlite"
  measure "postgres: $command" "$bin" $command --db "$server/bench"
done

# Claims: the same fresh queue of $claims sampled conversations on each backend, 8 reviewers at once, each taking an
# item and skipping it until the queue is empty. On PostgreSQL each reviewer is a login of pitboss_reviewer.
# First as people work: one `pitboss queue claim` and one `pitboss queue skip` process per item (process start-up
# dominates); then the queue alone, 5 × CLAIMS items: claim-race, 8 threads in one process, each with its own connection.
queue=$data/postgres-bench-queue.sqlite
for r in 0 1 2 3 4 5 6 7; do psql -c "CREATE ROLE bench_r$r LOGIN IN ROLE pitboss_reviewer" 2> /dev/null || true; done
fresh() {  # name size: a queue of `size` sampled conversations as $sqlite, and the same in the PostgreSQL database `name`
  rm -f "$queue" "$queue-wal" "$queue-shm" "$sqlite" "$sqlite-wal" "$sqlite-shm"
  "$bin" import --db "$queue" "$corpus" > /dev/null
  "$bin" sample --db "$queue" --size "$2" --seed bench --as bench > /dev/null
  sqlite3 "$queue" ".backup '$sqlite'"
  psql -c "CREATE DATABASE $1"
  "$bin" migrate --from "$queue" --to "$server/$1" > /dev/null
}
reviewers() {  # backend database: 8 loops at once; prints the claims per second
  local backend=$1 database=${2:-} started finished
  started=$(date +%s.%N)
  for r in 0 1 2 3 4 5 6 7; do
    if [ "$backend" = sqlite ]; then db=(--db "$sqlite" --as "bench_r$r"); else db=(--db "postgresql://bench_r$r@127.0.0.1:$port/$database"); fi
    ( while id=$("$bin" queue claim "${db[@]}" --format json 2> /dev/null | sed -n 's/.*"item" : \([0-9]*\).*/\1/p') && [ -n "$id" ]; do
        "$bin" queue skip "#$id" "${db[@]}" --why bench > /dev/null
      done ) &
  done
  wait
  finished=$(date +%s.%N)
  awk -v n="$claims" -v s="$started" -v f="$finished" -v b="$backend" 'BEGIN { printf "%-44s %7.2f s  %7.1f claims/s (each with its skip)\n", b ": 8 reviewer processes, " n " claims", f - s, n / (f - s) }'
}
once() {  # backend database: how many items were claimed, and how many claims there were
  if [ "$1" = sqlite ]; then sqlite3 "$sqlite" "SELECT COUNT(DISTINCT queue_item_id) || '/' || COUNT(*) FROM audit_log WHERE action = 'claim'"
  else psql -At -d "$2" -c "SELECT count(DISTINCT queue_item_id) || '/' || count(*) FROM audit_log WHERE action = 'claim'"; fi
}
fresh claims_cli "$claims"
reviewers sqlite
echo "    items claimed / claims: $(once sqlite)"
reviewers postgres claims_cli
echo "    items claimed / claims: $(once postgres claims_cli)"
swift build -c release --product claim-race > /dev/null
race=$((claims * 5))
fresh claims_race "$race"
printf '%-44s %s\n' "sqlite: claim-race, 8 threads" "$(.build/release/claim-race "$sqlite" 8)"
echo "    items claimed / claims: $(once sqlite)"
printf '%-44s %s\n' "postgres: claim-race, 8 threads" "$(.build/release/claim-race "postgresql://bench_r{r}@127.0.0.1:$port/claims_race" 8)"
echo "    items claimed / claims: $(once postgres claims_race)"
rm -f "$sqlite" "$sqlite-wal" "$sqlite-shm" "$queue" "$queue-wal" "$queue-shm"
