#!/bin/bash
# Runs the public S3 conformance suite ceph/s3-tests (s3tests/functional/test_s3.py)
# against an S3 endpoint and writes a report grouped by feature.
#
# The suite is not fetched here: it is expected at $S3TESTS_DIR (default
# conformance/.s3-tests, git-ignored); conformance/get-suite.sh puts it there
# from a git snapshot.  Dependencies come from Debian packages only.
#
# Environment:
#   S3_HOST (127.0.0.1)  S3_PORT (required)  S3_IS_SECURE (False)
#   MAIN_ACCESS_KEY, MAIN_SECRET_KEY (required)
#   ALT_ACCESS_KEY, ALT_SECRET_KEY (a second user; default: the main keys)
#   TENANT_ACCESS_KEY, TENANT_SECRET_KEY, TENANT_NAME (default: alt keys, testx)
#   MAIN_USER_ID, MAIN_DISPLAY_NAME, MAIN_EMAIL, ALT_USER_ID, ALT_DISPLAY_NAME,
#   ALT_EMAIL, TENANT_USER_ID, TENANT_DISPLAY_NAME, TENANT_EMAIL: the canonical
#     ids/names the ACL tests compare against (defaults: s3tests.conf.SAMPLE's)
#   IAM_ACCESS_KEY/IAM_SECRET_KEY, IAM_ROOT_*, IAM_ALT_ROOT_*: only for the few
#     iam_* tests in test_s3.py (defaults: the SAMPLE's placeholders)
#   API_NAME (default: "default", RGW's zonegroup api name; empty skips the one test)
#   LC_DEBUG_INTERVAL (10): what the lifecycle tests assume the server's
#     rgw_lc_debug_interval to be
#   BUCKET_PREFIX (conf-{random}-)
#   MARKEXPR ("not fails_on_aws"): the suite's documented filter
#   EXCLUDE_MARKERS ("fails_without_logging_rollover"): features the suite says
#     need a special server setup; deselected, but counted in the report
#   TESTS (s3tests/functional/test_s3.py): what to hand pytest (file or node ids)
#   PYTEST_K: a pytest -k expression (e.g. "bucket_list or versioning")
#   PYTEST_EXTRA: further pytest arguments, split on spaces (e.g. "-x --maxfail=5")
#   PYTHON (/usr/bin/python3): the Debian interpreter, so that the Debian
#     packages are what the suite runs with (a pyenv/venv python3 earlier in
#     PATH would bring its own boto3)
#   TEST_TIMEOUT (300): seconds per test (pytest-timeout)
#   AWS_MAX_ATTEMPTS (1): botocore retries; 1 = answer the first attempt
#     (the suite provokes 500/503/BadDigest on purpose; retries only add backoff)
#   STRATA_CONF_CLEANUP_FALLBACK (auto|off): see strata_s3tests_plugin.py
#   OUT_DIR (conformance/out): conf, junit XML, log, meta
#   RESULTS (conformance/results.md): the report
#   TARGET_NAME (free text for the report's title, e.g. "s3proxy 4.1.0 filesystem")
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
suite=${S3TESTS_DIR:-$here/.s3-tests}
out=${OUT_DIR:-$here/out}
results=${RESULTS:-$here/results.md}

if [ ! -f "$suite/s3tests/functional/test_s3.py" ]; then
    cat >&2 <<EOF
The s3-tests suite is not at $suite.
Obtain a git snapshot of https://github.com/ceph/s3-tests (this script never
fetches it: CI machines may have no access to GitHub), then extract it:

    git clone --bare https://github.com/ceph/s3-tests /tmp/s3-tests.git   # or any mirror/snapshot
    $here/get-suite.sh /tmp/s3-tests.git

or point S3TESTS_DIR at an extracted copy.
EOF
    exit 2
fi

: "${S3_PORT:?S3_PORT is required}"
: "${MAIN_ACCESS_KEY:?MAIN_ACCESS_KEY is required}"
: "${MAIN_SECRET_KEY:?MAIN_SECRET_KEY is required}"
S3_HOST=${S3_HOST:-127.0.0.1}
S3_IS_SECURE=${S3_IS_SECURE:-False}
ALT_ACCESS_KEY=${ALT_ACCESS_KEY:-$MAIN_ACCESS_KEY}
ALT_SECRET_KEY=${ALT_SECRET_KEY:-$MAIN_SECRET_KEY}
TENANT_ACCESS_KEY=${TENANT_ACCESS_KEY:-$ALT_ACCESS_KEY}
TENANT_SECRET_KEY=${TENANT_SECRET_KEY:-$ALT_SECRET_KEY}
MARKEXPR=${MARKEXPR:-not fails_on_aws}
EXCLUDE_MARKERS=${EXCLUDE_MARKERS-fails_without_logging_rollover}
TESTS=${TESTS:-s3tests/functional/test_s3.py}
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
PYTHON=${PYTHON:-/usr/bin/python3}
export AWS_MAX_ATTEMPTS=${AWS_MAX_ATTEMPTS:-1}
export AWS_RETRY_MODE=${AWS_RETRY_MODE:-standard}

# ---- dependencies: Debian packages only -------------------------------------
# module -> package, for what s3tests/functional/*.py imports
deps=(boto3:python3-boto3 botocore:python3-botocore pytest:python3-pytest
      munch:python3-munch isodate:python3-isodate requests:python3-requests
      pytz:python3-tz dateutil:python3-dateutil lxml:python3-lxml yaml:python3-yaml
      pytest_timeout:python3-pytest-timeout)
missing=()
for d in "${deps[@]}"; do
    "$PYTHON" -c "import ${d%%:*}" 2>/dev/null || missing+=("${d##*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    if [ "$(id -u)" -ne 0 ]; then
        echo "not root: run  sudo apt-get install -y ${missing[*]}" >&2
        exit 2
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 || {
        apt-get update -q >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
    }
fi
timeout_args=()
if "$PYTHON" -c "import pytest_timeout" 2>/dev/null; then
    timeout_args=(--timeout="$TEST_TIMEOUT")
fi

# ---- the endpoint must answer (any HTTP status) ------------------------------
proto=http; case "$S3_IS_SECURE" in [Tt]rue|yes|1) proto=https;; esac
if ! curl -ks -o /dev/null --max-time 10 "$proto://$S3_HOST:$S3_PORT/"; then
    echo "nothing answers at $proto://$S3_HOST:$S3_PORT/" >&2
    exit 2
fi

# ---- suite configuration -----------------------------------------------------
mkdir -p "$out"
conf="$out/s3tests.conf"
bucket_prefix=${BUCKET_PREFIX:-'conf-{random}-'}
cat > "$conf" <<EOF
[DEFAULT]
host = $S3_HOST
port = $S3_PORT
is_secure = $S3_IS_SECURE
ssl_verify = False

[fixtures]
bucket prefix = $bucket_prefix
iam name prefix = s3-tests-
iam path prefix = /s3-tests/

[s3 main]
display_name = ${MAIN_DISPLAY_NAME:-M. Tester}
user_id = ${MAIN_USER_ID:-testid}
email = ${MAIN_EMAIL:-tester@ceph.com}
api_name = ${API_NAME-default}
access_key = $MAIN_ACCESS_KEY
secret_key = $MAIN_SECRET_KEY
lc_debug_interval = ${LC_DEBUG_INTERVAL:-10}

[s3 alt]
display_name = ${ALT_DISPLAY_NAME:-john.doe}
email = ${ALT_EMAIL:-john.doe@example.com}
user_id = ${ALT_USER_ID:-56789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234}
access_key = $ALT_ACCESS_KEY
secret_key = $ALT_SECRET_KEY

[s3 tenant]
display_name = ${TENANT_DISPLAY_NAME:-testx\$tenanteduser}
user_id = ${TENANT_USER_ID:-testx\$9876543210abcdef0123456789abcdef0123456789abcdef0123456789abcdef}
access_key = $TENANT_ACCESS_KEY
secret_key = $TENANT_SECRET_KEY
email = ${TENANT_EMAIL:-tenanteduser@example.com}
tenant = ${TENANT_NAME:-testx}

[iam]
email = ${IAM_EMAIL:-s3@example.com}
user_id = ${IAM_USER_ID:-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef}
access_key = ${IAM_ACCESS_KEY:-ABCDEFGHIJKLMNOPQRST}
secret_key = ${IAM_SECRET_KEY:-abcdefghijklmnopqrstuvwxyzabcdefghijklmn}
display_name = ${IAM_DISPLAY_NAME:-youruseridhere}

[iam root]
access_key = ${IAM_ROOT_ACCESS_KEY:-AAAAAAAAAAAAAAAAAAaa}
secret_key = ${IAM_ROOT_SECRET_KEY:-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}
user_id = ${IAM_ROOT_USER_ID:-RGW11111111111111111}
email = ${IAM_ROOT_EMAIL:-account1@ceph.com}

[iam alt root]
access_key = ${IAM_ALT_ROOT_ACCESS_KEY:-BBBBBBBBBBBBBBBBBBbb}
secret_key = ${IAM_ALT_ROOT_SECRET_KEY:-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb}
user_id = ${IAM_ALT_ROOT_USER_ID:-RGW22222222222222222}
email = ${IAM_ALT_ROOT_EMAIL:-account2@ceph.com}
EOF
if [ -z "${API_NAME-default}" ]; then sed -i '/^api_name = $/d' "$conf"; fi

markexpr="$MARKEXPR"
for m in $EXCLUDE_MARKERS; do markexpr="($markexpr) and not $m"; done

junit="$out/junit.xml"
sidecar="$out/sidecar.json"
log="$out/pytest.log"
rm -f "$junit" "$sidecar"

# word-split PYTEST_EXTRA and TESTS on purpose
# shellcheck disable=SC2206
k_args=()
if [ -n "${PYTEST_K:-}" ]; then k_args=(-k "$PYTEST_K"); fi
cmd=("$PYTHON" -m pytest $TESTS -m "$markexpr" -p no:cacheprovider -p strata_s3tests_plugin
     --junitxml="$junit" -o junit_family=xunit2
     -q -rN --tb=short "${timeout_args[@]}" "${k_args[@]}" ${PYTEST_EXTRA:-})
printf -v cmd_str '%q ' "${cmd[@]}"
echo "running in $suite: $cmd_str" >&2

start=$(date +%s)
start_iso=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "pytest output: $log (tail -f to follow)" >&2
set +e
( cd "$suite" &&
  S3TEST_CONF="$conf" STRATA_CONF_SIDECAR="$sidecar" \
  PYTHONPATH="$here:$suite${PYTHONPATH:+:$PYTHONPATH}" \
  "${cmd[@]}" ) > "$log" 2>&1
rc=$?
set -e
end=$(date +%s)
tail -1 "$log" >&2

M_TARGET="${TARGET_NAME:-}" M_ENDPOINT="$proto://$S3_HOST:$S3_PORT" M_STARTED="$start_iso" \
M_DURATION=$((end - start)) M_RC=$rc M_CMD="$cmd_str" M_CWD="$suite" M_MARKEXPR="$markexpr" \
M_SAME_KEYS=$([ "$MAIN_ACCESS_KEY" = "$ALT_ACCESS_KEY" ] && echo 1 || echo 0) \
"$PYTHON" - "$out/meta.json" <<'EOF'
import json, os, sys, platform
import boto3, botocore, pytest
e = os.environ
meta = {
  "target": e["M_TARGET"],
  "endpoint": e["M_ENDPOINT"],
  "started": e["M_STARTED"],
  "duration_s": int(e["M_DURATION"]),
  "pytest_exit": int(e["M_RC"]),
  "command": e["M_CMD"].strip(),
  "cwd": e["M_CWD"],
  "markexpr": e["M_MARKEXPR"],
  "aws_max_attempts": e.get("AWS_MAX_ATTEMPTS"),
  "cleanup_fallback": e.get("STRATA_CONF_CLEANUP_FALLBACK", "auto"),
  "versions": {"python": platform.python_version(), "boto3": boto3.__version__,
               "botocore": botocore.__version__, "pytest": pytest.__version__},
  "same_keys_main_alt": e["M_SAME_KEYS"] == "1",
}
json.dump(meta, open(sys.argv[1], "w"), indent=1)
EOF

"$PYTHON" "$here/report.py" --junit "$junit" --meta "$out/meta.json" --sidecar "$sidecar" \
    --suite "$suite" --out "$results"
echo "pytest exit $rc; report: $results" >&2
# the report is the product; a failing test is not a failing run
[ "$rc" -le 1 ] || exit "$rc"
