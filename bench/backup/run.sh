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
source "$root/bench/strata-up.sh"
strata_up "$data" "$port" "${BENCH_S3_PORT:-19100}" 20732-20831 strata_sk_benchmarkKey0000000000000000000000002
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
