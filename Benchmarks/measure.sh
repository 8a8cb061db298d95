# Shared by the benchmark scripts (sourced, after `data` is set): the release build, a line per measured command with
# its wall time and peak memory (GNU time), and a line naming the machine.
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time"; exit 69; }
mkdir -p "$data"
swift build -c release >/dev/null
bin=$PWD/.build/release/pitboss

measure() {  # label, command...: one line of seconds and peak RSS; the command's output goes to $data/out.txt
  local label=$1; shift
  /usr/bin/time -o "$data/time.txt" -f '%e %M' "$@" > "$data/out.txt"
  read -r seconds rss < "$data/time.txt"
  printf '%-44s %7.2f s  %7.1f MB peak\n' "$label" "$seconds" "$(awk "BEGIN {print $rss / 1024}")"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%Y-%m-%d)"
