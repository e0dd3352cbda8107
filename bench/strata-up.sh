# Sourced by the benchmarks: starts Strata (./strata run, embedded defaults) in a data directory and on ports of its
# own, waits until its API answers, and stops it and every database it started when the calling script exits.
#   source bench/strata-up.sh; strata_up <data dir> <http port> <s3 port> <database port range> <bootstrap key>
strata_up() {
  local root; root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  rm -rf "$1"; mkdir -p "$1"
  export STRATA_DATA_DIR=$1 STRATA_HTTP_PORT=$2 STRATA_S3_PORT=$3 STRATA_PORT_RANGE=$4 STRATA_BOOTSTRAP_API_KEY=$5
  "$root/strata" run > "$1/run.log" 2>&1 &
  STRATA_RUNNER=$!
  STRATA_ROOT=$root
  trap 'kill "$STRATA_RUNNER" 2>/dev/null || true; wait "$STRATA_RUNNER" 2>/dev/null || true; "$STRATA_ROOT/strata" stop-databases >/dev/null 2>&1 || true' EXIT
  echo "starting Strata in $1 (log: $1/run.log)"
  until curl -fs -o /dev/null -H "Authorization: Bearer $5" "http://127.0.0.1:$2/api/v1/workspaces"; do
    kill -0 "$STRATA_RUNNER" 2>/dev/null || { tail -n 30 "$1/run.log" >&2; echo "Strata did not start" >&2; exit 1; }
    sleep 2
  done
}

# Stops what strata_up started (Strata, its databases and metadata server) now rather than when the script exits.
strata_down() {
  kill "$STRATA_RUNNER" 2>/dev/null || true; wait "$STRATA_RUNNER" 2>/dev/null || true
  "$STRATA_ROOT/strata" stop-databases >/dev/null 2>&1 || true
  trap - EXIT
}
