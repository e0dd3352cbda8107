#!/usr/bin/env bash
# Strata's benchmark, from a clean clone: builds and starts Strata in a data directory and on ports of its own
# (HTTP 18080, S3 19000, database ports 20432-20731), runs bench/Bench.java against it, writes bench/results.md,
# then stops Strata and every database it started. See bench/README.md.
#   bench/run.sh                      # everything (about 10 minutes on 2 cores)
#   BENCH_SAMPLES=5 bench/run.sh      # quicker, fewer samples
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${BENCH_DATA_DIR:-$root/bench/.data}
port=${BENCH_HTTP_PORT:-18080}
source "$root/bench/strata-up.sh"
strata_up "$data" "$port" "${BENCH_S3_PORT:-19000}" 20432-20731 strata_sk_benchmarkKey0000000000000000000000001
java -Dbench.samples="${BENCH_SAMPLES:-20}" -Dbench.many="${BENCH_MANY:-100}" "$root/bench/Bench.java" \
  "http://127.0.0.1:$port" "$STRATA_BOOTSTRAP_API_KEY" "$data/server/domains/strata/config/pid" \
  "$root/bench/results.md" "bench/run.sh${BENCH_SAMPLES:+ (BENCH_SAMPLES=$BENCH_SAMPLES)}"
