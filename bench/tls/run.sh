#!/usr/bin/env bash
# Handshakes per second and the master's CPU per handshake with each TLS provider (or each
# transport, with VARY=transport), side by side: starts `stead master start` with
# STEAD_TLS_PROVIDER=jdk, then native (STEAD_TRANSPORT=nio, then epoll), ROUNDS times
# alternating (so a change in the machine's load hits both alike), and runs
# dev.stead.bench.fleet.HandshakeBench against each: CONNECTIONS fresh mutual-TLS
# connections (after WARMUP_CONNECTIONS), PARALLEL at a time, one cheap call each.
#
# Uses the fleet simulator's data directory, code and enrolled identities in $WORK (run
# bench/fleet/run.sh once first). Environment: OUT, WORK, VARY (provider), RESOURCES (100),
# ROUNDS (3), CONNECTIONS (2000), WARMUP_CONNECTIONS (1000), PARALLEL (8), PORT (18150).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-/tmp/stead-tls}
WORK=${WORK:-/tmp/stead-fleet-work}
RESOURCES=${RESOURCES:-100}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-2000}
WARMUP_CONNECTIONS=${WARMUP_CONNECTIONS:-1000}
PARALLEL=${PARALLEL:-8}
PORT=${PORT:-18150}
VARY=${VARY:-provider}
case $VARY in
  provider) setting=STEAD_TLS_PROVIDER; choices="jdk native" ;;
  transport) setting=STEAD_TRANSPORT; choices="nio epoll" ;;
  *) echo "VARY=$VARY: use provider or transport" >&2; exit 2 ;;
esac
mkdir -p "$OUT"

if [ ! -f "$REPO/bench/target/classpath.txt" ] || [ -z "${STEAD_NO_REBUILD:-}" ]; then
  (cd "$REPO" && ./mvnw -B -q -pl bench -am package -DskipTests)
fi
CP="$REPO/bench/target/classes:$(cat "$REPO/bench/target/classpath.txt")"
IDS=$WORK/identities-$RESOURCES.tsv
[ -f "$IDS" ] || { echo "no $IDS: run bench/fleet/run.sh first" >&2; exit 1; }

log=$OUT/tls-$(date -u +%Y%m%dT%H%M%SZ)
master_pid=
stop_master() {
  [ -n "$master_pid" ] && kill "$master_pid" 2>/dev/null && wait "$master_pid" 2>/dev/null || true
  master_pid=
}
trap stop_master EXIT

for round in $(seq 1 "$ROUNDS"); do
  for provider in $choices; do
    env "$setting=$provider" STEAD_NO_REBUILD=1 "$REPO/stead" master start \
      --data "$WORK/data-$RESOURCES" --code "$WORK/code-$RESOURCES" \
      --listen "127.0.0.1:$PORT" --max-connections-per-address 19000 \
      >"$log.$provider.$round.master.log" 2>&1 &
    master_pid=$!
    for _ in $(seq 1 600); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
      kill -0 "$master_pid" 2>/dev/null || { tail -20 "$log.$provider.$round.master.log"; exit 1; }
      sleep 0.1
    done
    grep -h "served by" "$log.$provider.$round.master.log" >&2 || true
    java -Xmx512m -cp "$CP" dev.stead.bench.fleet.HandshakeBench "127.0.0.1:$PORT" "$IDS" \
      "$master_pid" "$CONNECTIONS" "$WARMUP_CONNECTIONS" "$PARALLEL" "$provider" \
      | tee -a "$log.jsonl"
    stop_master
  done
done
echo "raw output: $log.jsonl" >&2
