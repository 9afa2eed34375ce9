#!/usr/bin/env bash
# A first run of a large manifest: `stead apply` of the workload written with one body per
# resource (`file('/p') { ensure 'file'; mode '0644'; content '…' }`, the documented form)
# against `cf-agent -KI`, into empty roots, in one hyperfine run per size; then the peak RSS
# of one more first run of each (`/usr/bin/time -v`).
#
#   bench/agent/first-run.sh                 N=1000 and N=5000, 5 runs each
#   SIZES=1000 RUNS=10 bench/agent/first-run.sh
#
# Stead starts with an empty --state, so it compiles (no cached catalog). Needs: apt-get
# install cfengine3 hyperfine. Output: $OUT (default /tmp/stead-first-run).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-$(cd "$REPO/../shared/bench" && pwd)}
OUT=${OUT:-/tmp/stead-first-run}
SIZES=${SIZES:-1000 5000}
RUNS=${RUNS:-5}
PY=/usr/bin/python3

mkdir -p "$OUT"
"$REPO/stead" --version >/dev/null          # build the launcher (and its CDS archive) first
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" \
  | tee "$OUT/versions.txt"
for n in $SIZES; do
  d=$OUT/n$n
  mkdir -p "$d"
  $PY "$SHARED/gen.py" "$n" "$d/root-stead" > "$d/stead.json"
  $PY "$SHARED/gen.py" "$n" "$d/root-cf" > "$d/cf.json"
  $PY "$HERE/to_stead.py" --closures "$d/stead.json" > "$d/site.groovy"
  $PY "$SHARED/to_cfengine.py" "$d/cf.json" > "$d/site.cf"
  stead_cmd="$REPO/stead apply $d/site.groovy --root / --state $d/state --certname bench.test"
  cf_cmd="cf-agent -KI -f $d/site.cf"
  stead_fresh="rm -rf $d/root-stead $d/state && mkdir -p $d/root-stead"
  cf_fresh="rm -rf $d/root-cf && mkdir -p $d/root-cf"
  # -i: a first run exits 2 ("changed").
  hyperfine --style basic -i --runs "$RUNS" --export-json "$d/a.json" \
    -n "stead-a-$n" --prepare "$stead_fresh" "$stead_cmd > /dev/null" \
    -n "cfengine-a-$n" --prepare "$cf_fresh" "$cf_cmd > /dev/null" | tee "$d/a.txt"
  # The ratios the targets are stated in: wall (means) and CPU (user + system).
  $PY - "$d/a.json" <<'PYEOF' | tee "$d/ratio.txt"
import json, sys
r = {x["command"].rsplit("-", 2)[0]: x for x in json.load(open(sys.argv[1]))["results"]}
s, c = r["stead"], r["cfengine"]
print("wall ratio %.2f, CPU ratio %.2f (stead %.2f s CPU, cf-agent %.2f s CPU)" % (
    s["mean"] / c["mean"], (s["user"] + s["system"]) / (c["user"] + c["system"]),
    s["user"] + s["system"], c["user"] + c["system"]))
PYEOF
  $PY "$SHARED/verify.py" "$d/stead.json" "$d/root-stead"
  $PY "$SHARED/verify.py" "$d/cf.json" "$d/root-cf"
  bash -c "$stead_fresh"
  /usr/bin/time -f "stead-a-$n peak RSS %M KB, %e s" $stead_cmd > /dev/null 2>> "$d/rss.txt" \
    || true
  bash -c "$cf_fresh"
  /usr/bin/time -f "cfengine-a-$n peak RSS %M KB, %e s" $cf_cmd > /dev/null 2>> "$d/rss.txt" \
    || true
  tail -2 "$d/rss.txt"
done
