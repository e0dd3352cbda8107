#!/usr/bin/env bash
# Start time of `./strata run` on an already built tree, as a user sees it: from launching the command until the API
# answers (401 from GET /api/v1/engines without a key), then SIGTERM (as Ctrl-C) and the next run.
#   bench/start/run.sh [runs]        default 5; prints every run and the median; writes bench/start/results.md
# The first run after a new build deploys the EAR into a fresh domain (reported separately); the runs after it start
# the same domain again. Own data directory and ports (HTTP 18380, S3 19380, databases 20900-20999), so a running
# Strata is not disturbed. Then, as the crash tests do: SIGKILL of the server and `asadmin start-domain` until the
# API answers (runs times).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
export STRATA_DATA_DIR=$PWD/bench/.data-start STRATA_HTTP_PORT=18380 STRATA_S3_PORT=19380 STRATA_PORT_RANGE=20900-20999 \
  STRATA_METADATA_PORT=20899 STRATA_BOOTSTRAP_API_KEY=strata_sk_startBench00000000000000000000000001
url="http://127.0.0.1:$STRATA_HTTP_PORT/api/v1/engines"
out=bench/start/results.md
now() { date +%s.%N; }
answered() { [ "$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$url")" = 401 ]; }
server_pid() { pgrep -f "ASMain.*domaindir $STRATA_DATA_DIR/server/domains" | head -n1; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mvn -q -B install -Dmaven.test.skip=true -DskipITs   # the tree is built before anything is timed

one_run() { # sets LAST to the seconds from launch until the API answers; leaves Strata running (RUNNER)
  local t0; t0=$(now)
  ./strata run > "$STRATA_DATA_DIR.log" 2>&1 &
  RUNNER=$!
  until answered; do
    kill -0 "$RUNNER" 2>/dev/null || { tail -n 30 "$STRATA_DATA_DIR.log" >&2; echo "Strata did not start" >&2; exit 1; }
    sleep 0.05
  done
  LAST=$(echo "$(now) - $t0" | bc)
  # stopped only once `./strata run` has finished starting (it records the deployment after `asadmin deploy` returns)
  until grep -aq "Strata is running" "$STRATA_DATA_DIR.log"; do
    kill -0 "$RUNNER" 2>/dev/null || break
    sleep 0.1
  done
}
stop_run() {
  kill -TERM "$RUNNER"; wait "$RUNNER" 2>/dev/null || true
}
trap '[ "${RUNNER:-0}" -gt 0 ] && kill -TERM "$RUNNER" 2>/dev/null; wait 2>/dev/null || true; ./strata stop-databases >/dev/null 2>&1 || true' EXIT

mkdir -p "$STRATA_DATA_DIR"
rm -f "$STRATA_DATA_DIR/server/domains/strata/strata-deployed"   # the first run deploys, as after a new build
one_run; first=$LAST; stop_run
echo "first run of this build (fresh domain, deploy): $first s"
starts=()
for i in $(seq 1 "$runs"); do
  one_run; stop_run; starts+=("$LAST"); echo "run $i: $LAST s"
done
# restarts after SIGKILL, as the crash tests do them: the domain started with asadmin (the metadata server, once
# started by Strata, keeps running when the server is killed, as in the tests)
home=$STRATA_DATA_DIR/server/payara6
RUNNER=0
"$home/bin/asadmin" start-domain --domaindir "$STRATA_DATA_DIR/server/domains" strata >/dev/null
until answered; do sleep 0.05; done
restarts=()
for i in $(seq 1 "$runs"); do
  kill -9 "$(server_pid)"; while [ -n "$(server_pid)" ]; do sleep 0.05; done
  t0=$(now)
  "$home/bin/asadmin" start-domain --domaindir "$STRATA_DATA_DIR/server/domains" strata >/dev/null
  until answered; do sleep 0.05; done
  t=$(echo "$(now) - $t0" | bc); restarts+=("$t"); echo "restart $i after SIGKILL: $t s"
done
"$home/bin/asadmin" stop-domain --domaindir "$STRATA_DATA_DIR/server/domains" strata >/dev/null || true
p50=$(printf '%s\n' "${starts[@]}" | median); r50=$(printf '%s\n' "${restarts[@]}" | median)
{
  echo "# Start time ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the end; \`bench/start/run.sh $runs\`)"
  echo
  echo "| what | runs (s) | p50 |"
  echo "|---|---|---|"
  echo "| \`./strata run\` → API answers, built tree, same build as the last run | ${starts[*]} | **$p50 s** |"
  echo "| first \`./strata run\` of a new build (fresh domain + deploy) | $first | |"
  echo "| SIGKILL, \`asadmin start-domain\` → API answers (crash tests' restart) | ${restarts[*]} | **$r50 s** |"
} > "$out"
cat "$out"
