#!/usr/bin/env bash
# The long crash run: AcknowledgedCrashIT with many rounds (default 100) against the default setup (metadata in the
# PostgreSQL server Strata runs in its data directory), on the integration-test ports. Each round: acknowledged
# creates, resizes and deletes of projects, databases and buckets, one bucket create in flight, SIGKILL of the
# control plane, restart, and the checks of the suite's 4-round run. Writes bench/crash/results.md.
#   bench/crash/run.sh            # 100 rounds (about an hour on 2 cores)
#   ROUNDS=20 bench/crash/run.sh
#   bench/crash/run.sh -Dit.http.port=23080 ...   # further arguments go to Maven (e.g. the -Dit.* ports of bench/fuzz.md)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${ROUNDS:-100}
summary=$(mktemp)
cd "$root"
# tests compiled (not run): -pl ear needs the provisioning test jar (the Kubernetes simulation)
mvn -B -q install -DskipTests -DskipITs
started=$(date -u +%Y-%m-%dT%H:%MZ)
if mvn -B verify -pl ear -Dit.test=AcknowledgedCrashIT -Dcrash.rounds="$rounds" -Dcrash.summary="$summary" "$@" > "$root/bench/crash/last-run.log" 2>&1; then
  outcome="passed"
else
  outcome="FAILED (see bench/crash/last-run.log and ear/target/failsafe-reports)"
fi
{
  echo "# Long crash run"
  echo
  echo "\`bench/crash/run.sh\` (ROUNDS=$rounds), started $started on $(nproc) cores: $outcome."
  echo
  cat "$summary" 2>/dev/null || true
} > "$root/bench/crash/results.md"
cat "$root/bench/crash/results.md"
[ "$outcome" = passed ]
