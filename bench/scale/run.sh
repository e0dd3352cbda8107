#!/usr/bin/env bash
# Strata at scale, from a clean clone: builds and starts Strata in a data directory and on ports of its own, creates
# Redis databases through the API up to each count (default 100, 500, 1000), measures the control plane at rest at
# each (bench/scale/scale.py), stops Strata and every database it started; then the same in a fresh data directory
# with PostgreSQL databases (default 200); writes bench/scale/results.md and bench/scale/scale.png.
# See bench/README.md ("bench/scale/run.sh").
#   bench/scale/run.sh                          # Redis 100, 500, 1000; PostgreSQL 200 (about 45-60 minutes on 2 cores)
#   SCALE_COUNTS=100,300 SCALE_PG_COUNTS= bench/scale/run.sh     # other counts; an empty list skips that engine
# Databases get TLS off (STRATA_TLS_MODE=off): a Redis with TLS takes a second port, and 1,000 databases then need
# 2,000 ports. Ports: HTTP 21080 (admin 21048), S3 22000, databases 10000-11199, metadata server 9999; override with
# SCALE_HTTP_PORT, SCALE_S3_PORT, SCALE_PORT_RANGE, SCALE_METADATA_PORT, SCALE_DATA_DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${SCALE_DATA_DIR:-$root/bench/.data-scale}
port=${SCALE_HTTP_PORT:-21080}
counts=${SCALE_COUNTS-100,500,1000}
pg_counts=${SCALE_PG_COUNTS-200}
range=${SCALE_PORT_RANGE:-10000-11199}
last=$(printf '%s\n' ${counts//,/ } ${pg_counts//,/ } | sort -n | tail -n1)
need=$((last * 8 + 1000))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  ulimit -n "$need" 2>/dev/null || { echo "open files limit $(ulimit -n) is below $need for $last databases" >&2; exit 1; }
fi
[ $(( ${range#*-} - ${range%-*} + 1 )) -ge "$last" ] || { echo "port range $range holds fewer than $last databases" >&2; exit 1; }
(cd "$root" && mvn -q -B -o install -Dmaven.test.skip=true -DskipITs)
export STRATA_TLS_MODE=off STRATA_METADATA_PORT=${SCALE_METADATA_PORT:-9999} STRATA_SKIP_BUILD=1
source "$root/bench/strata-up.sh"
[ -n "${SCALE_KEEP_RESULTS:-}" ] || rm -f "$root/bench/scale/results.json"   # SCALE_KEEP_RESULTS=1: add to the rows there
py=python3; [ -x /usr/bin/python3 ] && py=/usr/bin/python3   # Debian's, where apt-get puts python3-matplotlib
phase() { # engine counts data-dir
  [ -n "$2" ] || return 0
  strata_up "$3" "$port" "${SCALE_S3_PORT:-22000}" "$range" strata_sk_scaleBench000000000000000000000000001
  "$py" "$root/bench/scale/scale.py" --base "http://127.0.0.1:$port" --key "$STRATA_BOOTSTRAP_API_KEY" \
    --data-dir "$3" --metadata-port "$STRATA_METADATA_PORT" --engine "$1" --counts "$2" \
    --command "bench/scale/run.sh${SCALE_COUNTS+ (SCALE_COUNTS=$SCALE_COUNTS)}${SCALE_PG_COUNTS+ (SCALE_PG_COUNTS=$SCALE_PG_COUNTS)}"
  strata_down
}
phase redis "$counts" "$data"
phase postgresql "$pg_counts" "$data-pg"
