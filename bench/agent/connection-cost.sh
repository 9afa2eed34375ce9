#!/usr/bin/env bash
# What a daemon's run costs in connections and CPU when the master has closed the run's idle
# connection since the last run (as it does between runs minutes apart: its idle limit is a
# minute; here `--connection-idle 2s` and a run every 5 s). The same daemon (real launcher
# flags, a real master serving the N-file workload) holding its command stream and with
# --no-subscribe. Counted from run 2 (the first run enrols and converges) over RUNS runs: the
# daemon's and the master's CPU (utime+stime from /proc) per run, and the connections the master
# accepted (its stead_connections_accepted_total; "n/a" on a build without it).
#
#   bench/agent/connection-cost.sh                      (N=100, RUNS=20)
#   STEAD=/other/checkout/stead MODES=subscribe bench/agent/connection-cost.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-$(cd "$REPO/../shared/bench" && pwd)}
OUT=${OUT:-/tmp/stead-connection-cost}
N=${N:-100}
RUNS=${RUNS:-20}
PY=/usr/bin/python3
stead=${STEAD:-$REPO/stead}
hz=$(getconf CLK_TCK)
metrics_port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MASTER_ARGS="--connection-idle 2s --metrics-listen 127.0.0.1:$metrics_port"

trap 'kill ${master:-} ${agent:-} 2>/dev/null || true' EXIT
. "$HERE/master-setup.sh"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
accepted() {
  curl -s "http://127.0.0.1:$metrics_port/metrics" \
    | awk '/^stead_connections_accepted_total / {print $2; found=1} END {if (!found) print "n/a"}'
}
ended() { grep -c ' ended (exit' "$1" 2>/dev/null || true; }

for mode in ${MODES:-subscribe no-subscribe}; do
  flag=()
  [ "$mode" = no-subscribe ] && flag=(--no-subscribe)
  log=$OUT/agent-$mode.log
  "$stead" agent run --server "$address" --certname "bench-$mode.test" \
    --state "$OUT/state-$mode" --root / --ca-fingerprint "$fp" --interval 5s --no-splay \
    --no-watch "${flag[@]}" > /dev/null 2> "$log" &
  agent=$!
  until [ "$(ended "$log")" -ge 2 ]; do sleep 0.1; done
  a0=$(ticks $agent); m0=$(ticks $master); c0=$(accepted)
  until [ "$(ended "$log")" -ge $((RUNS + 2)) ]; do sleep 0.1; done
  a1=$(ticks $agent); m1=$(ticks $master); c1=$(accepted)
  failed=$(grep -c ' ended (exit [^02])' "$log" || true)  # 2: the run changed something
  conns="n/a"
  [ "$c0" != n/a ] && conns=$($PY -c "print(round(($c1 - $c0) / $RUNS, 2))")
  printf '%-13s %d runs: agent %.1f ms CPU a run, master %.1f ms, %s connections a run, %s failed runs\n' \
    "$mode" "$RUNS" "$($PY -c "print((${a1} - ${a0}) * 1000 / $hz / $RUNS)")" \
    "$($PY -c "print((${m1} - ${m0}) * 1000 / $hz / $RUNS)")" "$conns" "$failed"
  kill $agent; wait $agent 2>/dev/null || true
done
