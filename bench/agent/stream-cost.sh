#!/usr/bin/env bash
# What the agent daemon's command stream to the master (runs on demand, `stead job run`)
# costs while nothing happens: the same daemon (`stead agent run`, real launcher flags, a real
# master serving the N-file workload) once holding the stream and once with --no-subscribe.
# After its first run each daemon idles IDLE seconds (the interval is an hour, so no run falls
# in the window); prints the daemon's own CPU time in that window (utime+stime from
# /proc/PID/stat) and its VmRSS/VmHWM at the end, plus its open TCP connections.
#
#   SHARED=path/to/shared/bench bench/agent/stream-cost.sh        (N=100, IDLE=60)
#   N=1000 IDLE=120 MODES="no-subscribe subscribe" bench/agent/stream-cost.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-$(cd "$REPO/../shared/bench" && pwd)}
OUT=${OUT:-/tmp/stead-stream-cost}
N=${N:-100}
IDLE=${IDLE:-60}
PY=/usr/bin/python3
stead=$REPO/stead
hz=$(getconf CLK_TCK)

trap 'kill ${master:-} ${agent:-} 2>/dev/null || true' EXIT
. "$HERE/master-setup.sh"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/VmRSS|VmHWM/ {printf "%s %s %s  ", $1, $2, $3}' "/proc/$1/status"; }
sockets() { find "/proc/$1/fd" -lname 'socket:*' 2>/dev/null | wc -l; }

for mode in ${MODES:-subscribe no-subscribe}; do
  flag=()
  [ "$mode" = no-subscribe ] && flag=(--no-subscribe)
  log=$OUT/agent-$mode.log
  "$stead" agent run --server "$address" --certname "bench-$mode.test" \
    --state "$OUT/state-$mode" --root / --ca-fingerprint "$fp" --interval 1h --no-splay \
    --no-watch "${flag[@]}" > /dev/null 2> "$log" &
  agent=$!
  for _ in $(seq 1200); do grep -q 'run 1 ended' "$log" 2>/dev/null && break; sleep 0.1; done
  sleep 5  # the run's garbage collected, the stream subscribed
  before=$(ticks $agent)
  sleep "$IDLE"
  after=$(ticks $agent)
  cpu_ms=$(( (after - before) * 1000 / hz ))
  printf '%-13s idle %ss: cpu %5d ms (%.2f%% of one core)  %s sockets %s  %s\n' "$mode" \
    "$IDLE" "$cpu_ms" "$($PY -c "print($cpu_ms / ($IDLE * 10))")" "$(rss $agent)" \
    "$(sockets $agent)" "$(grep -c 'subscribed to the master' "$log" || true) subscribed"
  kill $agent; wait $agent 2>/dev/null || true
done
