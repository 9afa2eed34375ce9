#!/usr/bin/env bash
# The fleet simulator against a real master: starts `stead master start` (the launcher's JVM
# options, autosign for the run) on generated code, runs dev.stead.bench.fleet.FleetSimulator
# in its own JVM, and keeps the raw JSON lines and the master's log.
#
#   bench/fleet/run.sh SCENARIO
#
#   a  1,000-resource catalogs, facts changing every run: AGENTS at INTERVAL (10,000 / 300 s);
#      the agents keep the digests they hold in $WORK/held-a-RESOURCES.tsv between runs
#   b  unchanged catalogs: AGENTS check in every B_INTERVAL (10,000 / 30 s = 333/s); the
#      agents keep what they hold in $WORK/held-RESOURCES.tsv from one run to the next
#   (a and b: with RESTART_AT=SECONDS the master is stopped and started again that long
#      after the start)
#   c  STREAMS open command streams held by the master (10,000); fds and RSS
#   d  cold start to the first catalog with the existing data directory (the client is
#      started CLIENT_HEAD_START seconds before the master, 3 by default); with D_HOLDING=1
#      the client holds its catalog's digest, as a running agent does
#   e  report ingestion: quiet reports at REPORT_RATE per second (open loop)
#
# The master's data directory, code and the agents' identities live in $WORK and are reused
# (enrolment happens once; d needs a run before it). Environment: OUT (raw output), WORK,
# RESOURCES (1000), AGENTS (10000), INTERVAL (300), B_INTERVAL (30), WARMUP (60),
# DURATION (600), PERIOD (30), STREAMS (10000), REPORT_RATE (3000), STORE (rocksdb or
# postgresql://HOST:PORT/DB; credentials as for the master), PORT (18140),
# MASTER_JAVA_OPTS (added to the launcher's), SIM_ARGS (more simulator options), SIM_JAVA_OPTS
# (added to the simulator's JVM options, e.g. to profile it).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SCENARIO=${1:?usage: run.sh a|b|c|d|e}
OUT=${OUT:-/tmp/stead-fleet}
WORK=${WORK:-/tmp/stead-fleet-work}
RESOURCES=${RESOURCES:-1000}
AGENTS=${AGENTS:-10000}
INTERVAL=${INTERVAL:-300}
B_INTERVAL=${B_INTERVAL:-30}
WARMUP=${WARMUP:-60}
DURATION=${DURATION:-600}
PERIOD=${PERIOD:-30}
STREAMS=${STREAMS:-10000}
REPORT_RATE=${REPORT_RATE:-3000}
STORE=${STORE:-rocksdb}
PORT=${PORT:-18140}
mkdir -p "$OUT" "$WORK"

# Build once: the launcher (cli) and the simulator (bench, with target/classpath.txt).
if [ ! -f "$REPO/bench/target/classpath.txt" ] || [ -z "${STEAD_NO_REBUILD:-}" ]; then
  (cd "$REPO" && ./mvnw -B -q -pl bench -am package -DskipTests)
fi
"$REPO/stead" --version >/dev/null
CP="$REPO/bench/target/classes:$(cat "$REPO/bench/target/classpath.txt")"

CODE=$WORK/code-$RESOURCES
DATA=$WORK/data-$RESOURCES
IDS=$WORK/identities-$RESOURCES.tsv
[ -d "$CODE" ] || java -cp "$CP" dev.stead.bench.ReferenceCode "$CODE" "$RESOURCES"

run_id=$SCENARIO-$(date -u +%Y%m%dT%H%M%SZ)
log=$OUT/$run_id
master_pid=
start_master() {
  # $1: what the master's log and GC log are called after the run's name (restarts: .restarted)
  local name=$log${1:-}
  started_ms=$(date +%s%3N)
  # shellcheck disable=SC2086 # options are words on purpose
  STEAD_NO_REBUILD=1 STEAD_JAVA_OPTS="-Xlog:gc:file=$name.gc.log ${MASTER_JAVA_OPTS:-}" \
    "$REPO/stead" master start \
    --data "$DATA" --code "$CODE" --store "$STORE" --listen "127.0.0.1:$PORT" \
    --autosign '*' --max-connections-per-address 19000 >"$name.master.log" 2>&1 &
  master_pid=$!
  echo "$master_pid" >"$log.pid"
}
wait_master() {
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then return 0; fi
    kill -0 "$master_pid" 2>/dev/null || { tail -20 "$log.master.log"; exit 1; }
    sleep 0.1
  done
  echo "the master did not listen within 60 s" >&2; exit 1
}
stop_master() {
  [ -n "$master_pid" ] && kill "$master_pid" 2>/dev/null && wait "$master_pid" 2>/dev/null || true
  master_pid=
}
trap stop_master EXIT
# Milliseconds from the master's start to the first line of its log that has $2, or '-'.
since_start() {
  local at
  at=$(grep -m1 -F -- "$2" "$1" | cut -d' ' -f1)
  if [ -n "$at" ]; then echo $(( $(date -d "$at" +%s%3N) - started_ms )); else echo -; fi
}

# With RESTART_AT: the master stopped and started again under the running fleet, that many
# seconds after the simulator started (its agents keep the digests they hold, and the
# simulator already runs warm): what the first interval after a restart costs.
restart_under_fleet() {
  [ -n "${RESTART_AT:-}" ] || return 0
  sleep "$RESTART_AT"
  echo "# $(date -u +%FT%TZ) restarting the master" | tee -a "$log.jsonl"
  stop_master
  start_master .restarted
}

sim() {
  # The client's JVM: a heap for 10,000 TLS contexts and connections; it is not measured, but
  # its pauses count in the latencies it measures: G1 keeps them short (the parallel
  # collector's young pauses reached 0.4-0.9 s copying the agents' long-lived state), and
  # its GC log is kept beside the master's.
  # shellcheck disable=SC2086 # options are words on purpose
  java -Xms1g -Xmx3g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Xlog:gc:file="$log.sim.gc.log" \
    ${SIM_JAVA_OPTS:-} -cp "$CP" dev.stead.bench.fleet.FleetSimulator \
    --master "127.0.0.1:$PORT" --identities "$IDS" --master-pid "${master_pid:-0}" \
    --master-data "$DATA" --master-pid-file "$log.pid" --period "$PERIOD" "$@" ${SIM_ARGS:-}
}

{
  echo "# $(date -u +%FT%TZ) scenario $SCENARIO: $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# resources=$RESOURCES agents=$AGENTS store=$STORE master opts: launcher + ${MASTER_JAVA_OPTS:-}"
  java -version 2>&1 | head -1 | sed 's/^/# /'
} | tee "$log.jsonl"

case "$SCENARIO" in
  a) start_master; wait_master
     # Agents keep the digests they hold from one run to the next, as after a master restart
     # under a running fleet: each asks with its digest and new facts, and gets a compile.
     sim --agents "$AGENTS" --interval "$INTERVAL" --facts churn --warmup "$WARMUP" \
       --duration "$DURATION" --held-file "$WORK/held-a-$RESOURCES.tsv" \
       | tee -a "$log.jsonl" &
     sim_pid=$!
     restart_under_fleet
     wait "$sim_pid" ;;
  b) start_master; wait_master
     # Agents keep the catalogs they hold from one run to the next, as real agents do.
     sim --agents "$AGENTS" --interval "$B_INTERVAL" --facts stable --warmup "$WARMUP" \
       --duration "$DURATION" --held-file "$WORK/held-$RESOURCES.tsv" | tee -a "$log.jsonl" &
     sim_pid=$!
     restart_under_fleet
     wait "$sim_pid" ;;
  c) start_master; wait_master
     sim --agents "$STREAMS" --streams "$STREAMS" --rate 0 --warmup 0 \
       --duration "$DURATION" | tee -a "$log.jsonl" ;;
  d) [ -f "$IDS" ] || { echo "scenario d needs an enrolled fleet: run a first" >&2; exit 2; }
     holding=()
     if [ -n "${D_HOLDING:-}" ]; then
       # The agent holds its catalog, as every running agent does when its master restarts:
       # one unmeasured start first, if needed, gives it one (and the master its memo).
       digest_file=$WORK/first-digest-$RESOURCES
       holding=(--known-digest-file "$digest_file")
       if [ ! -s "$digest_file" ]; then
         start_master; wait_master
         sim --mode first --agents 1 --since-epoch-ms "$started_ms" "${holding[@]}" >/dev/null
         stop_master
       fi
     fi
     # The client is up first (its JVM, its TLS context, polling the port), as a running
     # agent is when its master restarts: what is measured is the master's start.
     sim --mode first --agents 1 --since-file "$log.started" "${holding[@]}" >"$log.first" &
     sim_pid=$!
     sleep "${CLIENT_HEAD_START:-3}"
     start_master
     echo "$started_ms" >"$log.started"
     wait "$sim_pid"
     tee -a "$log.jsonl" <"$log.first"
     # Where the start's time goes: compare builds or options by these, run after run.
     listening=$(since_start "$log.master.log" ' listening on ')
     loaded=$(since_start "$log.master.log" ' code loaded ahead of')
     served=$(since_start "$log.master.log" ' catalog served ')
     echo "# master phases, ms from its start: listening $listening code_loaded $loaded" \
       "first_catalog_served $served" | tee -a "$log.jsonl"
     du -sb "$DATA" | sed 's/^/# data directory bytes: /' | tee -a "$log.jsonl" ;;
  e) start_master; wait_master
     sim --mode reports --agents "$AGENTS" --rate "$REPORT_RATE" --warmup "$WARMUP" \
       --duration "$DURATION" | tee -a "$log.jsonl" ;;
  *) echo "unknown scenario '$SCENARIO': a, b, c, d or e" >&2; exit 2 ;;
esac
# What the master did with the catalog requests, from its log (one line per catalog served).
served=$(grep -c 'catalog served' "$log.master.log" || true)
hits=$(grep 'catalog served' "$log.master.log" | grep -c 'cache=hit' || true)
unchanged=$(grep 'catalog served' "$log.master.log" | grep -c 'answer=unchanged' || true)
pauses=$(awk '/Pause/ && $NF ~ /ms$/ {sub(/ms$/, "", $NF); print $NF}' "$log.gc.log" 2>/dev/null \
  | sort -n | awk '{a[NR]=$1} END {if (NR) printf "%d, p50 %.1f ms, p99 %.1f ms, max %.1f ms",
    NR, a[int(NR*0.5)+1], a[int(NR*0.99)+1], a[NR]}')
echo "# master: catalogs served $served, from the compile cache $hits, answered unchanged" \
  "$unchanged; GC pauses ${pauses:-none}" | tee -a "$log.jsonl"
if [ -f "$log.restarted.master.log" ]; then
  r=$log.restarted.master.log
  echo "# restarted master: catalogs served $(grep -c 'catalog served' "$r" || true)," \
    "compiled $(grep 'catalog served' "$r" | grep -c 'compile_ms=' || true), answered" \
    "unchanged without a compile $(grep 'catalog served' "$r" | grep -c 'cache=digest' || true)" \
    | tee -a "$log.jsonl"
fi
echo "raw output: $log.jsonl, master log: $log.master.log, GC log: $log.gc.log" >&2
