#!/usr/bin/env bash
# Lints an OpenAPI document with Redocly CLI's recommended ruleset (api/redocly.yaml); exits non-zero on any error.
# Usage: api/lint-openapi.sh [file|url]   (default: the API's contract, api/src/main/resources/META-INF/openapi.yaml;
#        a URL such as http://localhost:8080/openapi lints the document a running server serves)
# Needs node (>= 20) and npm; the pinned CLI is fetched once into a cache under api/target/.
set -euo pipefail
REDOCLY_VERSION=2.77.0
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
file="${1:-$here/src/main/resources/META-INF/openapi.yaml}"
[[ "$file" =~ ^https?:// || -f "$file" ]] || { echo "lint-openapi: no such file: $file" >&2; exit 2; }
command -v npx >/dev/null || { echo "lint-openapi: npx (node + npm) is needed" >&2; exit 2; }
mkdir -p "$here/target/npm-cache"
export npm_config_cache="$here/target/npm-cache" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
# --max-problems: list every finding, not the first 100
exec npx --yes "@redocly/cli@$REDOCLY_VERSION" lint --config "$here/redocly.yaml" --max-problems 1000 "$file"
