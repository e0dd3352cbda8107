#!/usr/bin/env bash
# Measures the candidate default metadata stores: commit latency, and whether acknowledged commits survive SIGKILL
# of the writing process (the control plane). Writes bench/metadata/results.md. Needs the reactor's dependencies in
# ~/.m2 (any build of Strata fetches them) and PostgreSQL under /usr/lib/postgresql.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
M2=${M2:-$HOME/.m2/repository}
CP="$M2/com/h2database/h2/2.3.232/h2-2.3.232.jar:$M2/org/postgresql/postgresql/42.7.13/postgresql-42.7.13.jar"
WORK=$(mktemp -d /tmp/strata-metadata-bench.XXXX); chmod 755 "$WORK"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
PGPORT=${PGPORT:-25999}
RUNAS=()
if [ "$(id -u)" = 0 ]; then id -u strata >/dev/null 2>&1 || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin strata; RUNAS=(runuser -u strata --); chown strata "$WORK"; fi
cleanup() { "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

java -version 2>&1 | head -1 >/dev/null
run() { java -cp "$CP" "$HERE/CommitCost.java" "$@"; }

# kill_test NAME URL USER PW: writes until SIGKILLed after ~2 s, then counts; three trials
kill_test() {
  local name=$1 url=$2 user=$3 pw=$4 lost_total=0 trials=""
  for t in 1 2 3; do
    local out="$WORK/out.$t"
    java -cp "$CP" "$HERE/CommitCost.java" write "$url" "$user" "$pw" 10000000 > "$out" 2>&1 &
    local pid=$!
    until grep -q "acked 200" "$out" 2>/dev/null; do sleep 0.05; done
    sleep 1
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true
    local acked; acked=$(grep -c '^acked ' "$out")
    local present; present=$(run count "$url" "$user" "$pw" | awk '{print $2}')
    local lost=$((acked - present)); [ "$lost" -lt 0 ] && lost=0
    lost_total=$((lost_total + lost))
    trials="$trials acked=$acked present=$present;"
  done
  echo "| $name | $(run time "$url" "$user" "$pw" 2000 | sed 's/n=2000 //') | $lost_total |$trials |"
}

{
  echo "# Metadata store: commit cost and SIGKILL durability"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores by \`bench/metadata/run.sh\`: one INSERT per transaction"
  echo "(as one API write is one short transaction), 2000 commits timed; then three trials of committing as fast as"
  echo "possible, SIGKILL of the writer after ~1 s, and a count of the rows that are there against those whose commit"
  echo "had returned ('acked')."
  echo
  echo "| store | commit latency | acked rows lost (3 trials) | trials |"
  echo "|---|---|---|---|"
  kill_test "H2 2.3 file, defaults (Strata before: WRITE_DELAY 500 ms)" "jdbc:h2:file:$WORK/h2a/strata;DB_CLOSE_ON_EXIT=FALSE" sa ""
  kill_test "H2 2.3 file, WRITE_DELAY=0" "jdbc:h2:file:$WORK/h2b/strata;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0" sa ""
  "${RUNAS[@]}" "$PGBIN/initdb" -D "$WORK/pg" -U strata --auth=trust >/dev/null
  "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -o "-p $PGPORT -k '' -c listen_addresses=127.0.0.1" -w start >/dev/null
  "${RUNAS[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U strata strata
  kill_test "PostgreSQL $(basename "$(dirname "$PGBIN")") server, fsync on, synchronous_commit on (Strata now)" "jdbc:postgresql://127.0.0.1:$PGPORT/strata" strata ""
} | tee "$HERE/results.md"
