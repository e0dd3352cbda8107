#!/usr/bin/env bash
# create -> ready latency through the API, one database at a time, against a running Strata (./strata run).
#   bench/create-ready.sh [count] [engine]     e.g. bench/create-ready.sh 5 postgresql
# Needs STRATA_URL (default http://localhost:8080) and STRATA_KEY (default: $STRATA_DATA_DIR/bootstrap-api-key).
# Prints each latency and the median; deletes what it created.
set -euo pipefail
count=${1:-5}; engine=${2:-postgresql}
url=${STRATA_URL:-http://localhost:8080}
key=${STRATA_KEY:-$(cat "${STRATA_DATA_DIR:-$PWD/.strata}/bootstrap-api-key")}
auth=(-H "Authorization: Bearer $key")
ws=$(curl -fs "${auth[@]}" "$url/api/v1/workspaces" | grep -o '"id":"ws_[a-z0-9]*"' | head -n1 | cut -d'"' -f4)
base="$url/api/v1/workspaces/$ws/databases"
now_ms() { date +%s%3N; }
times=()
for i in $(seq 1 "$count"); do
  slug="bench-$(date +%s)-$i"
  start=$(now_ms)
  id=$(curl -fs "${auth[@]}" -H 'Content-Type: application/json' -X POST "$base" \
        -d "{\"name\":\"$slug\",\"slug\":\"$slug\",\"engine\":\"$engine\"}" | grep -o '"id":"db_[a-z0-9]*"' | cut -d'"' -f4)
  until curl -fs "${auth[@]}" "$base/$id" | grep -q '"status":"ready"'; do
    curl -fs "${auth[@]}" "$base/$id" | grep -q '"status":"error"' && { echo "database $id failed" >&2; exit 1; }
    sleep 0.02
  done
  end=$(now_ms)
  times+=($((end - start)))
  echo "run $i: $((end - start)) ms ($id)"
  curl -fs "${auth[@]}" -X DELETE "$base/$id" >/dev/null
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "create -> ready, $engine, n=$count: median $(( sorted[(count - 1) / 2] )) ms, min ${sorted[0]} ms, max ${sorted[count - 1]} ms"
