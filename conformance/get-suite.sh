#!/bin/bash
# Extracts the ceph/s3-tests suite from a git snapshot (a bare or non-bare git
# directory) into $S3TESTS_DIR (default conformance/.s3-tests, git-ignored)
# and records which commit it was, for the report.
#
#   conformance/get-suite.sh <git-dir> [<rev>]
#
# <git-dir> is any git directory holding ceph/s3-tests: a bare mirror, a
# clone's .git, or a clone (then its .git is used).  <rev> defaults to HEAD.
# Nothing is fetched from the network here; obtain the snapshot first, e.g.
#   git clone --bare https://github.com/ceph/s3-tests /some/where/s3-tests.git
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=${1:?usage: get-suite.sh <git-dir of ceph/s3-tests> [<rev>]}
rev=${2:-HEAD}
dest=${S3TESTS_DIR:-$here/.s3-tests}

if [ -d "$src/.git" ]; then src="$src/.git"; fi
commit=$(git --git-dir="$src" rev-parse --verify "$rev^{commit}")
git --git-dir="$src" cat-file -e "$commit:s3tests/functional/test_s3.py" 2>/dev/null || {
    echo "$src at $commit has no s3tests/functional/test_s3.py: not ceph/s3-tests?" >&2
    exit 1
}

rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
git --git-dir="$src" archive "$commit" | tar -x -C "$dest.tmp"
{
    echo "commit=$commit"
    echo "commit_date=$(git --git-dir="$src" log -1 --format=%cI "$commit")"
    echo "subject=$(git --git-dir="$src" log -1 --format=%s "$commit")"
    echo "extracted_from=$src"
    echo "extracted_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$dest.tmp/.suite-commit"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "s3-tests $commit extracted to $dest"
