#!/usr/bin/env bash
# Branches through the public API, on XFS with reflink (a loop-mounted image: copy-on-write clones) and on the host's
# ext4 (full copies): a PostgreSQL database of 1 GB, then 4 GB, each branched 3 times (p50 to ready); on XFS also a
# point-in-time restore after 5 minutes of pgbench writes and the RPO of PostgreSQL and MariaDB. Starts its own
# Strata each time (HTTP 18280, S3 19200, database ports 20832-20931). Needs root (mount), xfsprogs, psql, pgbench.
# Writes bench/branch/results.md. About 30-40 minutes on 2 cores.
#   bench/branch/run.sh
#   BENCH_SIZES=0.25,1 BENCH_TRAFFIC_MINUTES=1 bench/branch/run.sh    # smaller and shorter
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
results=${BENCH_RESULTS:-$root/bench/branch/results.md}
sizes=${BENCH_SIZES:-1,4}
key=strata_sk_benchmarkKey0000000000000000000000003
echo "# Branches, point-in-time restore, RPO" > "$results"

# XFS with reflink=1 in a loop-mounted image
img=${BENCH_XFS_IMAGE:-/var/tmp/strata-bench-xfs.img}
mnt=${BENCH_XFS_MOUNT:-/var/tmp/strata-bench-xfs}
mountpoint -q "$mnt" && umount "$mnt"
rm -f "$img"; truncate -s "${BENCH_XFS_SIZE:-24G}" "$img"; mkfs.xfs -q -f -m reflink=1 "$img"
mkdir -p "$mnt"; mount -o loop "$img" "$mnt"
trap 'umount "$mnt" 2>/dev/null || umount -l "$mnt"; rm -f "$img"' EXIT
(
  source "$root/bench/strata-up.sh"
  strata_up "$mnt/data" 18280 19200 20832-20931 "$key"
  python3 "$root/bench/branch/branch_bench.py" http://127.0.0.1:18280 "$key" "xfs-reflink" "$sizes" "$results" \
    "bench/branch/run.sh (BENCH_SIZES=$sizes)" "pitr,rpo" "$mnt/data"
)
# the host's ext4: full copies
(
  source "$root/bench/strata-up.sh"
  strata_up "$root/bench/.data-branch" 18280 19200 20832-20931 "$key"
  python3 "$root/bench/branch/branch_bench.py" http://127.0.0.1:18280 "$key" "ext4" "${sizes%%,*}" "$results" \
    "bench/branch/run.sh (BENCH_SIZES=$sizes)" "" "$root/bench/.data-branch"
)
cat "$results"
