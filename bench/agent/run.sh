#!/usr/bin/env bash
# Stead's agent side against puppet apply and cf-agent, in one hyperfine run per scenario,
# on the shared workload (../shared/bench/gen.py: N files, N/10 directories, N/10 links).
#
#   bench/agent/run.sh                 N=1000, 10 runs per figure
#   N=100 RUNS=5 bench/agent/run.sh
#
# Scenarios (each tool converges its own root, same spec shape):
#   a  first run into an empty root   (stead: also an empty --state, so it compiles)
#   b  no-change run                  (stead: the compiled catalog is reused from --state)
#   c  drift repair                   (drift.py: content of 1% of files, mode of another 1%)
# The timed command is the whole thing users type: `./stead apply ...` includes the launcher
# script and JVM start; `puppet apply`, `cf-agent -KI -f` likewise. Needs: apt-get install
# puppet-agent cfengine3 hyperfine. Output: $OUT (default /tmp/stead-agent-bench).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-$(cd "$REPO/../shared/bench" && pwd)}
OUT=${OUT:-/tmp/stead-agent-bench}
ROOTS=${ROOTS:-/tmp/stead-agent-bench-roots}
N=${N:-1000}
RUNS=${RUNS:-10}
PY=/usr/bin/python3

mkdir -p "$OUT"
"$REPO/stead" --version >/dev/null          # build the launcher (and its CDS archive) first
{
  echo "# $(date -u +%FT%TZ) $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$REPO/stead" --version; java -version 2>&1 | head -1
  puppet --version | sed 's/^/puppet /'; cf-agent --version | head -1; hyperfine --version
} | tee "$OUT/versions.txt"

for t in stead puppet cfengine; do
  $PY "$SHARED/gen.py" "$N" "$ROOTS/$t" > "$OUT/$t.json"
done
$PY "$HERE/to_stead.py" "$OUT/stead.json" > "$OUT/site.groovy"
$PY "$SHARED/to_puppet.py" "$OUT/puppet.json" > "$OUT/site.pp"
$PY "$SHARED/to_cfengine.py" "$OUT/cfengine.json" > "$OUT/site.cf"
cf-promises -f "$OUT/site.cf"

STATE=$OUT/stead-state
stead_cmd="$REPO/stead apply $OUT/site.groovy --root / --state $STATE --certname bench.test"
puppet_cmd="puppet apply $OUT/site.pp"
cf_cmd="cf-agent -KI -f $OUT/site.cf"
fresh() { echo "rm -rf $ROOTS/$1 && mkdir -p $ROOTS/$1"; }

scenario() { # name, then per tool: prepare command (may be empty)
  local name=$1 sp=$2 pp=$3 cp=$4
  hyperfine --style basic --runs "$RUNS" --export-json "$OUT/$name.json" -i \
    -n "stead-$name" ${sp:+--prepare "$sp"} "$stead_cmd > /dev/null" \
    -n "puppet-$name" ${pp:+--prepare "$pp"} "$puppet_cmd > /dev/null" \
    -n "cfengine-$name" ${cp:+--prepare "$cp"} "$cf_cmd > /dev/null" | tee "$OUT/$name.txt"
}

# hyperfine needs a --prepare per command or none at all: use `true` where nothing is needed.
scenario a "$(fresh stead) && rm -rf $STATE" "$(fresh puppet)" "$(fresh cfengine)"
for t in stead puppet cfengine; do $PY "$SHARED/verify.py" "$OUT/$t.json" "$ROOTS/$t"; done
scenario b true true true
scenario c "$PY $SHARED/drift.py $OUT/stead.json" "$PY $SHARED/drift.py $OUT/puppet.json" \
  "$PY $SHARED/drift.py $OUT/cfengine.json"
for t in stead puppet cfengine; do $PY "$SHARED/verify.py" "$OUT/$t.json" "$ROOTS/$t"; done

# What one no-change stead run does, from its own report.
$stead_cmd | tail -1 | tee "$OUT/stead-summary.txt"
