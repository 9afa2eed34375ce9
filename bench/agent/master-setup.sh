# Sourced by the daemon benchmarks (daemon.sh, watch-cost.sh): writes the workload of $N
# resources from $SHARED/gen.py into $OUT and starts a master serving it. Sets `master` (its
# pid), `address` and `fp` (the CA fingerprint); the caller's EXIT trap stops $master.
# MASTER_ARGS: more flags for `stead master start`.
rm -rf "$OUT" && mkdir -p "$OUT/code" "$OUT/root"
$PY "$SHARED/gen.py" "$N" "$OUT/root" > "$OUT/spec.json"
{ echo "node('default') {"; $PY "$HERE/to_stead.py" "$OUT/spec.json"; echo "}"; } \
  > "$OUT/code/site.groovy"

"$stead" master start --data "$OUT/master" --code "$OUT/code" --listen 127.0.0.1:0 \
  --autosign '*' ${MASTER_ARGS:-} > "$OUT/master.log" 2>&1 &
master=$!
for _ in $(seq 600); do [ -s "$OUT/master/master.address" ] && break; sleep 0.1; done
address=$(cat "$OUT/master/master.address")
fp=$("$stead" ca fingerprint --data "$OUT/master")
