#!/usr/bin/env bash
# pgBackRest beside barman-cloud, the two candidates for PostgreSQL backups, on the same data and the same S3: one
# PostgreSQL 15 cluster (not managed by Strata, run by the `postgres` account in a temporary directory) loaded with
# the backup benchmark's rows (random md5 text, ~1 KB a row), backed up by each tool straight to a bucket of the
# running Strata's embedded S3 endpoint (pgBackRest over its TLS port, barman-cloud over plain HTTP), then restored
# by each tool into an empty directory. Each tool with the settings Strata would use: pgBackRest lz4 + aes-256-cbc,
# 2 processes (Strata's configuration); barman-cloud gzip (its best in 3.4: gzip, bzip2 or snappy; no client-side
# encryption), 2 upload jobs. Called by bench/backup/run.sh after the API benchmark; appends to its results.
#   bench/backup/tools.sh <api base> <api key> <gigabytes> <strata data dir> <results file>
set -euo pipefail
base=$1 key=$2 gb=$3 data=$4 out=$5
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
port=20990
auth=(-H "Authorization: Bearer $key" -H "Content-Type: application/json")
dir=$(mktemp -d /tmp/strata-tools-bench.XXXXXX)
chown postgres "$dir"
as_pg() { runuser -u postgres -- env -C "$dir" "$@"; }
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

# a project with a bucket: its key is what each tool gets
project=$(curl -fsS "${auth[@]}" -X POST "$base/api/v1/projects" -d '{"name":"backup tools bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -fsS "${auth[@]}" -X POST "$base/api/v1/storage/buckets" -d "{\"projectId\":\"$project\",\"name\":\"tools-bench\"}" >/dev/null
eval "$(curl -fsS "${auth[@]}" "$base/api/v1/projects/$project/env" | python3 -c '
import json, shlex, sys
for v in json.load(sys.stdin)["data"]:
    if v["name"].startswith("STORAGE_"):
        print(v["name"] + "=" + shlex.quote(v["value"]))')"
s3_port=${STORAGE_ENDPOINT##*:}
tls_port=$((s3_port + 443))
bucket_dir="$data/objects/projects/$project/tools-bench"

as_pg "$pgbin/initdb" -A trust -D "$dir/pg" >/dev/null
as_pg "$pgbin/pg_ctl" -D "$dir/pg" -s -w -l "$dir/pg.log" start \
  -o "-p $port -k $dir -c listen_addresses='' -c archive_mode=on -c archive_command=/bin/true -c max_wal_size=4GB"
psql_pg() { as_pg psql -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
rows=$(python3 -c "print(int($gb * 1000000))")
psql_pg -c "CREATE TABLE t (n int primary key, pad text)"
for ((start = 0; start < rows; start += 100000)); do
  end=$((start + 100000 < rows ? start + 100000 : rows))
  psql_pg -c "INSERT INTO t SELECT g, (SELECT string_agg(md5(random()::text || g || i), '') FROM generate_series(1, 30) i) FROM generate_series($((start + 1)), $end) g"
done
psql_pg -c CHECKPOINT
size=$(psql_pg -t -A -c "SELECT sum(pg_database_size(datname)) FROM pg_database")
echo "tools: cluster of $((size / 1000000)) MB loaded"

seconds() { python3 -c "import time; print(time.time())"; }
stored() { du -sb "$bucket_dir/$1" | cut -f1; }

# --- pgBackRest ---
cat > "$dir/pgbackrest.conf" <<EOF
[global]
repo1-type=s3
repo1-path=/pgbackrest
repo1-s3-endpoint=localhost
repo1-storage-port=$tls_port
repo1-storage-ca-file=$data/objects-tls/endpoint.crt
repo1-s3-bucket=tools-bench
repo1-s3-region=$STORAGE_REGION
repo1-s3-uri-style=path
repo1-s3-key=$STORAGE_KEY
repo1-s3-key-secret=$STORAGE_SECRET
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=tools-bench-passphrase-not-secret
repo1-retention-full=9
compress-type=lz4
process-max=2
log-level-console=warn
log-path=$dir
lock-path=$dir
[bench]
pg1-path=$dir/pg
pg1-port=$port
pg1-socket-path=$dir
EOF
chown postgres "$dir/pgbackrest.conf"; chmod 600 "$dir/pgbackrest.conf"
pgbr() { as_pg pgbackrest --config="$dir/pgbackrest.conf" --stanza=bench "$@"; }
pgbr stanza-create
t0=$(seconds); pgbr backup --type=full --no-archive-check --start-fast; t1=$(seconds)
pgbr_stored=$(stored pgbackrest)
t2=$(seconds); pgbr restore --pg1-path="$dir/r-pgbackrest"; t3=$(seconds)

# --- barman-cloud ---
export AWS_ACCESS_KEY_ID=$STORAGE_KEY AWS_SECRET_ACCESS_KEY=$STORAGE_SECRET AWS_DEFAULT_REGION=$STORAGE_REGION
bc=(--endpoint-url "$STORAGE_ENDPOINT" "s3://tools-bench/barman" bench)
t4=$(seconds)
as_pg env AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" AWS_DEFAULT_REGION="$AWS_DEFAULT_REGION" \
  barman-cloud-backup -q --gzip --jobs 2 --immediate-checkpoint -h "$dir" -p "$port" -U postgres "${bc[@]}"
t5=$(seconds)
bc_stored=$(stored barman)
backup_id=$(as_pg env AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" AWS_DEFAULT_REGION="$AWS_DEFAULT_REGION" \
  barman-cloud-backup-list --format json "${bc[@]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["backups_list"][-1]["backup_id"])')
t6=$(seconds)
as_pg env AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" AWS_DEFAULT_REGION="$AWS_DEFAULT_REGION" \
  barman-cloud-restore "${bc[@]}" "$backup_id" "$dir/r-barman"
t7=$(seconds)

# both restores hold the cluster's files
for r in r-pgbackrest r-barman; do
  [ -f "$dir/$r/PG_VERSION" ] && [ "$(du -sb "$dir/$r/base" | cut -f1)" -gt $((size / 2)) ] || { echo "tools: $r is not a whole cluster" >&2; exit 1; }
done

python3 - "$out" "$size" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$t6" "$t7" "$pgbr_stored" "$bc_stored" <<'EOF'
import sys
out, size = sys.argv[1], int(sys.argv[2])
t = [float(x) for x in sys.argv[3:11]]
pgbr, bc = int(sys.argv[11]), int(sys.argv[12])
mb = size / 1e6
def row(name, stored, b, r):
    return f"| {name} | {stored / 1e6:.0f} MB | {b:.1f} s = **{mb / b:.0f} MB/s** | {r:.1f} s = **{mb / r:.0f} MB/s** |"
with open(out, "a") as f:
    f.write(f"\n## pgBackRest beside barman-cloud (bench/backup/tools.sh)\n\nThe same PostgreSQL 15 cluster of {mb:.0f} MB "
            "(not managed by Strata), each tool straight to a bucket of the embedded S3 endpoint, then restored into an "
            "empty directory (files only, no recovery run). One run each.\n\n"
            "| tool | stored | full backup | restore (files) |\n|---|---|---|---|\n"
            + row("pgBackRest 2.45 (lz4, aes-256-cbc, 2 processes, TLS)", pgbr, t[1] - t[0], t[3] - t[2]) + "\n"
            + row("barman-cloud 3.4 (gzip, no client-side encryption, 2 jobs, HTTP)", bc, t[5] - t[4], t[7] - t[6]) + "\n")
EOF
curl -fsS "${auth[@]}" -X DELETE "$base/api/v1/projects/$project" >/dev/null || true
