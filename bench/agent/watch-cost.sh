#!/usr/bin/env bash
# What the agent daemon's watch between runs costs while nothing changes: the same daemon
# (`stead agent run`, real launcher flags, a real master serving the N-file workload) once
# with the watch and once with --no-watch. After its first run each daemon idles IDLE seconds
# (the interval is an hour, so no run falls in the window); prints the daemon's own CPU time
# in that window (utime+stime from /proc/PID/stat, so other load on the machine does not
# count) and its VmRSS/VmHWM at the end, plus what the watch registered (from its log).
#
#   bench/agent/watch-cost.sh                 (N=1000, IDLE=60)
#   N=1000 IDLE=120 CHURN=1 MODES="no-watch watch" bench/agent/watch-cost.sh
# CHURN=1 also rewrites an unmanaged file beside the managed ones 100 times a second during
# the idle window: events the watch receives and drops.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-$(cd "$REPO/../shared/bench" && pwd)}
OUT=${OUT:-/tmp/stead-watch-cost}
N=${N:-1000}
IDLE=${IDLE:-60}
PY=/usr/bin/python3
stead=$REPO/stead
hz=$(getconf CLK_TCK)

trap 'kill ${master:-} ${agent:-} ${churn:-} 2>/dev/null || true' EXIT
. "$HERE/master-setup.sh"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/VmRSS|VmHWM/ {printf "%s %s %s  ", $1, $2, $3}' "/proc/$1/status"; }

for mode in ${MODES:-watch no-watch}; do
  flag=()
  [ "$mode" = no-watch ] && flag=(--no-watch)
  log=$OUT/agent-$mode.log
  "$stead" agent run --server "$address" --certname "bench-$mode.test" \
    --state "$OUT/state-$mode" --root / --ca-fingerprint "$fp" --interval 1h --no-splay \
    "${flag[@]}" > /dev/null 2> "$log" &
  agent=$!
  for _ in $(seq 1200); do grep -q 'run 1 ended' "$log" 2>/dev/null && break; sleep 0.1; done
  sleep 2  # the run's garbage collected, the watch registered
  if [ -n "${CHURN:-}" ]; then
    dir=$(dirname "$(find "$OUT/root" -type f | head -1)")
    (while :; do echo x > "$dir/unmanaged.log"; sleep 0.01; done) &
    churn=$!
  fi
  before=$(ticks $agent)
  sleep "$IDLE"
  after=$(ticks $agent)
  [ -n "${churn:-}" ] && { kill $churn; wait $churn 2>/dev/null || true; churn=; }
  cpu_ms=$(( (after - before) * 1000 / hz ))
  printf '%-9s idle %ss: cpu %5d ms (%.2f%% of one core)  %s %s\n' "$mode" "$IDLE" "$cpu_ms" \
    "$($PY -c "print($cpu_ms / ($IDLE * 10))")" "$(rss $agent)" \
    "$(grep -o 'watching the paths of .*' "$log" | tail -1)"
  echo "          watch checks during the window: $(grep -c 'watch check' "$log" || true)"
  kill $agent; wait $agent 2>/dev/null || true
done
