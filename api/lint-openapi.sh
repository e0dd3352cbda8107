#!/usr/bin/env bash
# Lints an OpenAPI document with Redocly CLI's recommended ruleset (api/redocly.yaml); exits non-zero on any error.
# Usage: api/lint-openapi.sh [file|url]   (default: the API's contract, api/src/main/resources/META-INF/openapi.yaml;
#        a URL such as http://localhost:8080/openapi lints the document a running server serves)
# Needs node (>= 18.17) and npm; the pinned CLI is fetched once into a cache under api/target/ (REDOCLY_VERSION overrides).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
file="${1:-$here/src/main/resources/META-INF/openapi.yaml}"
[[ "$file" =~ ^https?:// || -f "$file" ]] || { echo "lint-openapi: no such file: $file" >&2; exit 2; }
command -v npx >/dev/null || { echo "lint-openapi: npx (node + npm) is needed" >&2; exit 2; }
# Redocly CLI 2.77.0 needs node >= 20.19 (or >= 22.12); on an older node (Debian 12's own nodejs is 18) the last 1.x,
# 1.34.20, with the same recommended ruleset: both are pinned, and the document lints clean with either.
if [[ -z "${REDOCLY_VERSION:-}" ]]; then
  if node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) || (a === 20 && b >= 19) ? 0 : 1)'; then
    REDOCLY_VERSION=2.77.0
  else
    REDOCLY_VERSION=1.34.20
  fi
fi
mkdir -p "$here/target/npm-cache"
export npm_config_cache="$here/target/npm-cache" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
# --max-problems: list every finding, not the first 100
exec npx --yes "@redocly/cli@$REDOCLY_VERSION" lint --config "$here/redocly.yaml" --max-problems 1000 "$file"
