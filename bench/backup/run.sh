#!/usr/bin/env bash
# Backup and restore throughput: a ~1 GB PostgreSQL and a ~1 GB MariaDB database, each backed up 3 times and restored
# into a new database 3 times, timed through the public API (request -> backup "completed", request -> database
# "ready"). Starts its own Strata (HTTP 18180, S3 19100/19543, database ports 20732-20831, data in bench/.data-backup)
# and writes bench/backup/results.md. About 15-25 minutes on 2 cores.
#   bench/backup/run.sh
#   BENCH_GB=0.25 bench/backup/run.sh     # smaller databases
#   BENCH_ONLY=tools BENCH_GB=0.05 BENCH_RESULTS=/tmp/tools.md bench/backup/run.sh   # only the tool comparison
# Then bench/backup/tools.sh compares pgBackRest with barman-cloud on a cluster of the same size (needs barman-cli-cloud).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${BENCH_DATA_DIR:-$root/bench/.data-backup}
port=${BENCH_HTTP_PORT:-18180}
rm -rf "$data"; mkdir -p "$data"
export STRATA_DATA_DIR=$data STRATA_HTTP_PORT=$port STRATA_S3_PORT=${BENCH_S3_PORT:-19100} STRATA_PORT_RANGE=20732-20831
export STRATA_BOOTSTRAP_API_KEY=strata_sk_benchmarkKey0000000000000000000000002
"$root/strata" run > "$data/run.log" 2>&1 &
runner=$!
cleanup() {
  kill "$runner" 2>/dev/null || true; wait "$runner" 2>/dev/null || true
  "$root/strata" stop-databases >/dev/null 2>&1 || true
}
trap cleanup EXIT
echo "starting Strata for the backup benchmark (log: $data/run.log)"
until curl -fs -o /dev/null -H "Authorization: Bearer $STRATA_BOOTSTRAP_API_KEY" "http://127.0.0.1:$port/api/v1/workspaces"; do
  kill -0 "$runner" 2>/dev/null || { tail -n 30 "$data/run.log" >&2; echo "Strata did not start" >&2; exit 1; }
  sleep 2
done
results=${BENCH_RESULTS:-$root/bench/backup/results.md}
if [ "${BENCH_ONLY:-}" != tools ]; then
  python3 "$root/bench/backup/backup_bench.py" "http://127.0.0.1:$port" "$STRATA_BOOTSTRAP_API_KEY" "${BENCH_GB:-1}" \
    "$results" "bench/backup/run.sh${BENCH_GB:+ (BENCH_GB=$BENCH_GB)}"
else
  echo "# Backup tools (BENCH_ONLY=tools)" > "$results"
fi
# pgBackRest beside barman-cloud on one cluster of the same size (appended to the results)
"$root/bench/backup/tools.sh" "http://127.0.0.1:$port" "$STRATA_BOOTSTRAP_API_KEY" "${BENCH_GB:-1}" "$data" "$results"
cat "$results"
