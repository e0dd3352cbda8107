#!/usr/bin/env bash
# Control-plane memory (issue 18), from a clean clone: builds and starts Strata (./strata run, the domain it makes) in
# a data directory and on ports of its own, creates 100 Redis databases through the API, puts a 10-minute mixed API
# load on it, then lets it idle for a 30-minute soak with a light request every few seconds, sampling the Payara
# JVM's RSS all along (bench/memory/memory.py); writes bench/memory/results.md, samples.csv and rss.png, then stops
# Strata and every database it started. See bench/README.md ("bench/memory/run.sh").
#   bench/memory/run.sh                                  # ~45 minutes on 2 cores
#   MEMORY_LOAD=120 MEMORY_SOAK=180 bench/memory/run.sh  # a quick try: 2-minute load, 3-minute soak
# Knobs: MEMORY_LOAD, MEMORY_SOAK (seconds), MEMORY_CLIENTS (4), MEMORY_THINK_MS (250: a client's mean pause),
# MEMORY_DATABASES (100), MEMORY_DEADLINE (a `date -d` time: the soak is cut to end by then, labelled partial).
# Databases get TLS off (STRATA_TLS_MODE=off), as in bench/scale. Ports: HTTP 23080 (Payara's others derive from it:
# admin 23048, ...), S3 24000 (TLS 24443), databases 24100-24399, metadata server 24099; override with MEMORY_HTTP_PORT,
# MEMORY_S3_PORT, MEMORY_PORT_RANGE, MEMORY_METADATA_PORT, MEMORY_DATA_DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${MEMORY_DATA_DIR:-$root/bench/.data-memory}
port=${MEMORY_HTTP_PORT:-23080}
s3=${MEMORY_S3_PORT:-24000}
(cd "$root" && mvn -q -B -o install -Dmaven.test.skip=true -DskipITs)
export STRATA_TLS_MODE=off STRATA_METADATA_PORT=${MEMORY_METADATA_PORT:-24099} STRATA_SKIP_BUILD=1
source "$root/bench/strata-up.sh"
strata_up "$data" "$port" "$s3" "${MEMORY_PORT_RANGE:-24100-24399}" strata_sk_memoryBench00000000000000000000000001
deadline=0
[ -n "${MEMORY_DEADLINE:-}" ] && deadline=$(date -d "$MEMORY_DEADLINE" +%s)
knobs=""
for k in MEMORY_LOAD MEMORY_SOAK MEMORY_CLIENTS MEMORY_THINK_MS MEMORY_DATABASES; do
  [ -n "${!k:-}" ] && knobs="$knobs $k=${!k}"
done
py=python3; [ -x /usr/bin/python3 ] && py=/usr/bin/python3   # Debian's, where apt-get puts python3-matplotlib
"$py" "$root/bench/memory/memory.py" --base "http://127.0.0.1:$port" --key "$STRATA_BOOTSTRAP_API_KEY" \
  --data-dir "$data" --s3 "http://127.0.0.1:$s3" --databases "${MEMORY_DATABASES:-100}" \
  --load "${MEMORY_LOAD:-600}" --soak "${MEMORY_SOAK:-1800}" --clients "${MEMORY_CLIENTS:-4}" \
  --think-ms "${MEMORY_THINK_MS:-250}" --deadline "$deadline" --command "${knobs:+$knobs }bench/memory/run.sh"
