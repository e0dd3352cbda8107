#!/usr/bin/env bash
# create -> ready with and without the warm pool (README "Warm pool"), on a Strata of its own: started twice from the
# built tree (STRATA_SKIP_BUILD=1 ./strata run), once with STRATA_WARM_POOL_<ENGINE>=0 and once with the pool, each
# time in a fresh data directory; bench/warmpool/create_ready.py measures as a user does (GET every 10 ms on one
# keep-alive connection, a delete and a second's pause between creates). Writes bench/warmpool/results.md, then stops
# Strata and every database and spare it started. The host's load average (1 min) is sampled every 2 s while each
# engine is measured and reported beside its figures. The tree is built first (mvn install, tests skipped; not timed),
# unless WARMPOOL_SKIP_BUILD=1 (built already); WARMPOOL_MVN_FLAGS=-o builds offline.
#   bench/warmpool/run.sh                        # 20 samples per engine (PostgreSQL, MySQL, Redis) and setting
#   WARMPOOL_SAMPLES=5 WARMPOOL_ENGINES="postgresql mysql" bench/warmpool/run.sh
#   WARMPOOL_SIZES=2 WARMPOOL_OUT=/tmp/r.md bench/warmpool/run.sh   # only with a pool of 2, the table elsewhere
# Ports (defaults): HTTP 23080 (admin 23048), S3 24000 (TLS 24443), metadata 24099, databases 24100-24399;
# WARMPOOL_HTTP_PORT, _S3_PORT, _S3_TLS_PORT, _METADATA_PORT, _PORT_RANGE set others.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${WARMPOOL_DATA_DIR:-$root/.bench-data}
n=${WARMPOOL_SAMPLES:-20}
pool=${WARMPOOL_SIZE:-2}
engines=${WARMPOOL_ENGINES:-postgresql mysql redis}
export STRATA_HTTP_PORT=${WARMPOOL_HTTP_PORT:-23080} STRATA_S3_PORT=${WARMPOOL_S3_PORT:-24000}
export STRATA_S3_TLS_PORT=${WARMPOOL_S3_TLS_PORT:-$((STRATA_S3_PORT + 443))}
export STRATA_METADATA_PORT=${WARMPOOL_METADATA_PORT:-24099} STRATA_PORT_RANGE=${WARMPOOL_PORT_RANGE:-24100-24399}
export STRATA_BOOTSTRAP_API_KEY=strata_sk_warmPoolBenchKey0000000000000000001 STRATA_SKIP_BUILD=1 STRATA_DATA_DIR=$data
sizes=${WARMPOOL_SIZES:-0 $pool}
out=${WARMPOOL_OUT:-$root/bench/warmpool/results.md}
command="$({ env | grep -E '^WARMPOOL_' || true; } | sort | tr '\n' ' ')bench/warmpool/run.sh"
runner=""
sampler=""
loadlog=$(mktemp)

stop() {
  if [ -n "$runner" ]; then
    kill "$runner" 2>/dev/null || true
    wait "$runner" 2>/dev/null || true
    runner=""
  fi
  "$root/strata" stop-databases >/dev/null 2>&1 || true
}
finish() {
  stop
  [ -z "$sampler" ] || kill "$sampler" 2>/dev/null || true
  rm -f "$loadlog"
}
trap finish EXIT

# the host's 1-minute load average every 2 s: "<epoch seconds> <load>"
( while true; do echo "$(date +%s) $(cut -d' ' -f1 /proc/loadavg)" >> "$loadlog"; sleep 2; done ) &
sampler=$!

# load_between <from> <to>: min-max (mean) of the load samples taken between two epoch seconds
load_between() {
  awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b { n++; s += $2; if (n == 1 || $2 < lo) lo = $2; if (n == 1 || $2 > hi) hi = $2 }
    END { if (n) printf "%.2f-%.2f (mean %.2f)", lo, hi, s / n; else print "?" }' "$loadlog"
}

# start <pool size>: Strata in a fresh data directory, every engine's pool of that size
start() {
  rm -rf "$data"; mkdir -p "$data"
  export STRATA_WARM_POOL_POSTGRESQL=$1 STRATA_WARM_POOL_MYSQL=$1 STRATA_WARM_POOL_REDIS=$1
  "$root/strata" run > "$data/run.log" 2>&1 &
  runner=$!
  until curl -fs -o /dev/null -H "Authorization: Bearer $STRATA_BOOTSTRAP_API_KEY" "http://127.0.0.1:$STRATA_HTTP_PORT/api/v1/workspaces"; do
    kill -0 "$runner" 2>/dev/null || { tail -n 30 "$data/run.log" >&2; echo "Strata did not start" >&2; exit 1; }
    sleep 2
  done
}

# spare_rss: resident memory (MiB) of every spare server's processes (counted in the control plane's cost)
spare_rss() {
  local kb=0 pid
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
    case "$cwd" in "$data"/spares/*) kb=$((kb + $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0))) ;; esac
  done
  echo $((kb / 1024))
}

if [ "${WARMPOOL_SKIP_BUILD:-}" != 1 ]; then
  # shellcheck disable=SC2086
  (cd "$root" && mvn -q -B ${WARMPOOL_MVN_FLAGS:-} install -Dmaven.test.skip=true -DskipITs)
fi

results=()
for size in $sizes; do
  start "$size"
  for engine in $engines; do
    # one create first, so that templates (and with a pool, the first spares) exist before measuring
    python3 "$root/bench/warmpool/create_ready.py" "http://127.0.0.1:$STRATA_HTTP_PORT" "$STRATA_BOOTSTRAP_API_KEY" "$engine" 1 warm-up >/dev/null
    sleep 5
    from=$(date +%s)
    line=$(python3 "$root/bench/warmpool/create_ready.py" "http://127.0.0.1:$STRATA_HTTP_PORT" "$STRATA_BOOTSTRAP_API_KEY" "$engine" "$n" \
      "$engine pool=$size" | tail -n 1)
    results+=("$line|$(spare_rss)|$(date -u -d "@$from" +%H:%M)-$(date -u +%H:%MZ)|$(load_between "$from" "$(date +%s)")")
  done
  stop
done

{
  echo "# Warm pool: create → ready"
  echo
  echo "\`$command\` (WARMPOOL_SAMPLES=$n, pool size $pool), $(date -u +%Y-%m-%d), $(nproc) cores."
  echo "Each sample: POST, then GET every 10 ms on one keep-alive connection until \`ready\`; DELETE; 1 s pause."
  echo "Load average: the host's 1-minute load average, sampled every 2 s while the row was measured."
  echo
  echo "| engine | STRATA_WARM_POOL_<ENGINE> | n | p50 ms | p95 ms | min ms | max ms | spares' RSS MiB (all engines, at the end) | measured | load average |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for r in "${results[@]}"; do
    IFS='|' read -r json rss when load <<< "$r"
    python3 -c 'import json,sys; d=json.loads(sys.argv[1]); e,p=d["label"].split(" pool="); print("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(e, p, d["n"], d["p50"], d["p95"], d["min"], d["max"], *sys.argv[2:]))' \
      "$json" "$rss" "$when" "$load"
  done
} > "$out"
cat "$out"
