#!/usr/bin/env bash
# The agent daemon on the shared workload: a real `stead master start` serves the N=1000
# catalog; `stead agent run --interval 2s` converges it, then idles. Prints each run's
# phases (from the JSON reports: facts, fetch = catalog RPC incl. master compile or cache,
# apply = converge, report; whole_run_ms = the daemon's own log of the run from lock to
# acknowledged report) and the daemon's VmRSS from /proc after three idle intervals.
#
#   bench/agent/daemon.sh            (N=1000, 8 runs, interval 2s)
#   N=1000 RUNS=8 INTERVAL=2s STEAD_JAVA_OPTS=... bench/agent/daemon.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-$(cd "$REPO/../shared/bench" && pwd)}
OUT=${OUT:-/tmp/stead-agent-daemon}
N=${N:-1000}
RUNS=${RUNS:-8}
INTERVAL=${INTERVAL:-2s}
PY=/usr/bin/python3
stead=$REPO/stead

trap 'kill ${master:-} ${agent:-} ${floor:-} 2>/dev/null || true' EXIT
. "$HERE/master-setup.sh"

"$stead" agent run --server "$address" --certname bench.test --state "$OUT/state" \
  --root / --ca-fingerprint "$fp" --interval "$INTERVAL" --no-splay --json \
  > "$OUT/reports.json" 2> "$OUT/agent.log" &
agent=$!

runs() { local n; n=$(grep -c '"id":' "$OUT/reports.json" 2>/dev/null) || true; echo "${n:-0}"; }
while [ "$(runs)" -lt "$RUNS" ]; do sleep 0.2; done
rss() { awk '/VmRSS|VmHWM/ {printf "%s %s %s  ", $1, $2, $3}' "/proc/$agent/status"; echo; }
echo "after $RUNS runs: $(rss)"
kill -STOP $master 2>/dev/null || true  # nothing changes while we watch the idle daemon
sleep_s=$($PY -c "import re,sys; v='$INTERVAL'; m=re.fullmatch(r'(\d+)(ms|s|m)?', v); n=int(m[1]); print(n/1000 if m[2]=='ms' else n*60 if m[2]=='m' else n)")
kill -CONT $master
# Three more intervals, then read RSS right before the next run starts.
target=$(( $(runs) + 3 ))
while [ "$(runs)" -lt "$target" ]; do sleep 0.1; done
sleep "$($PY -c "print($sleep_s * 0.8)")"
echo "idle after 3 more intervals ($(runs) runs): $(rss)"
# The floor: the daemon's own JVM flags, the same mutual-TLS channel and five calls, nothing
# else of Stead (bench/src/main/java/dev/stead/bench/IdleFloor.java), idle as long.
if [ -d "$REPO/bench/target/classes" ]; then
  mapfile -d '' cmd < "/proc/$agent/cmdline"
  flags=()
  for a in "${cmd[@]:1}"; do
    [ "$a" = -cp ] && break
    case "$a" in -XX:SharedArchiveFile=*) ;; *) flags+=("$a") ;; esac
  done
  MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} "${cmd[0]}" "${flags[@]}" \
    -cp "$REPO/bench/target/classes:$REPO/cli/target/lib/*" dev.stead.bench.IdleFloor \
    "$address" "$OUT/state/ssl" > "$OUT/floor.log" 2>&1 &
  floor=$!
  for _ in $(seq 300); do grep -q idling "$OUT/floor.log" 2>/dev/null && break; sleep 0.1; done
  sleep "$($PY -c "print($sleep_s * 3.8)")"
  echo "floor (IdleFloor, same flags, 5 TLS calls, idle as long): $(awk '/VmRSS|VmHWM/ {printf "%s %s %s  ", $1, $2, $3}' "/proc/$floor/status")"
  kill $floor 2>/dev/null || true
fi
if [ -n "${DETAIL:-}" ]; then  # where the idle RSS goes (NMT needs -XX:NativeMemoryTracking)
  grep -E '^(Rss|Anonymous|Shared|Private)' "/proc/$agent/smaps_rollup" | tr -s ' ' | paste -sd' '
  awk '/^[0-9a-f]+-[0-9a-f]+ / {f=$6} /^Rss:/ && $2 > 1024 {print "  " $2 " kB " (f ? f : "[anon]")}' \
    "/proc/$agent/smaps" | sort -k1,1nr | head -12
  jcmd "$agent" VM.native_memory summary 2>/dev/null | grep -E '^-|committed=' | grep -E '^-' | head -20 || true
  echo "classes: $(jcmd "$agent" VM.classloader_stats 2>/dev/null | tail -1)"
fi

$PY - "$OUT/reports.json" "$OUT/agent.log" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
# The daemon logs each whole run (lock to acknowledged report): "run N ended (exit X) after M ms"
whole = {int(m[1]): int(m[2]) for m in re.finditer(r"run (\d+) ended \(exit \d+\) after (\d+) ms",
                                                   open(sys.argv[2]).read())}
dec, i, reports = json.JSONDecoder(), 0, []
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    r, i = dec.raw_decode(text, i)
    reports.append(r)
print("run  changed  facts_ms  fetch_ms  apply_ms  report_ms  total_ms  whole_run_ms")
for n, r in enumerate(reports, 1):
    t = r.get("timings", {})
    f, g, a, p = (int(t.get(k, 0)) for k in ("factsMs", "fetchMs", "applyMs", "reportMs"))
    print(f"{n:>3}  {r['summary'].get('changed', 0):>7}  {f:>8}  {g:>8}  {a:>8}  {p:>9}  {f+g+a+p:>8}  {whole.get(n, '?'):>12}")
PY
