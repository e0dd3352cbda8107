"""Branches, point-in-time restore and RPO through Strata's public API (see run.sh). Standard library; psql, pgbench."""
import os, statistics, subprocess, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from strata_api import Strata, load, psql, mariadb  # noqa: E402

base, key, label, sizes, out, cmdline, extras = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]
data_dir = sys.argv[8]
api = Strata(base, key)
lines = []


def note(text):
    print(text, flush=True)
    lines.append(text)


def branch(db, slug, body=None):
    """POST .../branches until the branch is ready: (seconds, its statusMessage)."""
    t0 = time.time()
    s, d = api.call("POST", f"{api.dbs}/{db}/branches", dict({"name": slug, "slug": slug}, **(body or {})))
    assert s == 201, d
    ready = api.await_status(d["id"], "ready")
    elapsed = time.time() - t0
    api.delete(d["id"])
    return elapsed, ready.get("statusMessage", "")


db = api.create("postgresql", f"bench-branch-{label}", storage_gb=40)
c = api.connection(db)
loaded = 0.0
rows = []
for gb in [float(x) for x in sizes.split(",")]:
    size = load("postgresql", c, gb - loaded, first=int(loaded * 1_000_000) + 1)
    loaded = gb
    times, how = [], ""
    for i in range(3):
        t, how = branch(db, f"bench-b-{label}-{int(gb)}-{i}")
        times.append(t)
        note(f"{label}: {size / 1e6:.0f} MB: branch {i + 1}: {t:.2f} s ({how})")
    p50 = statistics.median(times)
    rows.append(f"| {label} | {size / 1e6:.0f} MB | **{p50:.2f} s** | {size / 1e6 / p50:.0f} MB/s | {', '.join(f'{x:.2f}' for x in times)} | {how.split(': made by ')[-1]} |")

pitr_rows, rpo_rows = [], []
if "pitr" in extras:
    # PITR: the database at the last size, a base backup, 5 minutes of pgbench writes, then a branch and an in-place restore to a moment near the end
    b_t, b = api.backup(db)
    note(f"{label}: base backup {b_t:.1f} s")
    env = dict(os.environ, PGPASSWORD=c["password"])
    pgb = ["/usr/lib/postgresql/15/bin/pgbench", "-h", "127.0.0.1", "-p", str(c["port"]), "-U", c["username"], c["database"]]
    subprocess.run(pgb[:1] + ["-i", "-s", "10", "-q"] + pgb[1:], env=env, check=True, capture_output=True)
    minutes = float(os.environ.get("BENCH_TRAFFIC_MINUTES", "5"))
    r = subprocess.run(pgb[:1] + ["-c", "2", "-T", str(int(minutes * 60)), "-n"] + pgb[1:], env=env, check=True, capture_output=True, text=True)
    tps = [l for l in r.stdout.splitlines() if l.startswith("tps")]
    target = psql(c, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
    wal = psql(c, "SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0'))")
    note(f"{label}: {minutes:.0f} min of pgbench -c 2 ({tps[0] if tps else '?'}), WAL position {wal}")
    # the branch first: after an in-place restore the window starts again at the next backup
    t_branch, _ = branch(db, f"bench-pitr-{label}", {"pointInTime": target})
    note(f"{label}: branch at {target}: {t_branch:.1f} s to ready (base restore, WAL replay)")
    t0 = time.time()
    s, d = api.call("POST", f"{api.dbs}/{db}/restore", {"pointInTime": target})
    assert s == 202, d
    api.await_status(db, "ready")
    in_place = time.time() - t0
    note(f"{label}: in-place PITR to {target}: {in_place:.1f} s to ready (safety backup, base restore, WAL replay)")
    pitr_rows.append(f"| {label} | {size / 1e6:.0f} MB + {minutes:.0f} min pgbench ({tps[0].split('(')[0].strip() if tps else '?'}) | {in_place:.1f} s | {t_branch:.1f} s |")

if "rpo" in extras:
    # RPO: a commit on an otherwise idle database until the WAL segment holding it is archived (pg_stat_archiver)
    samples = []
    for i in range(int(os.environ.get("BENCH_RPO_SAMPLES", "4"))):
        psql(c, "CREATE TABLE IF NOT EXISTS rpo (at timestamptz)")
        seg = psql(c, "INSERT INTO rpo VALUES (now()) RETURNING pg_walfile_name(pg_current_wal_lsn())").splitlines()[0]
        t0 = time.time()
        while psql(c, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver") < seg:
            time.sleep(0.2)
        samples.append(time.time() - t0)
        note(f"{label}: RPO sample {i + 1} (PostgreSQL): commit archived after {samples[-1]:.1f} s")
    rpo_rows.append(f"| PostgreSQL (WAL segment closed by Strata's runner every 25 s) | idle but for the commit | {statistics.median(samples):.1f} s | {max(samples):.1f} s |")
    # MariaDB: a commit until the binary log file holding it is in the repository (Strata ships every 25 s)
    my = api.create("mysql", f"bench-rpo-{label}")
    mc = api.connection(my)
    mariadb(mc, "CREATE TABLE rpo (at datetime(6))")
    api.backup(my)
    samples = []
    shipped = os.path.join(data_dir, "instances", my, "binlog", "strata-shipped")
    for i in range(int(os.environ.get("BENCH_RPO_SAMPLES", "4"))):
        mariadb(mc, "INSERT INTO rpo VALUES (NOW(6))")
        # the file the commit went to: the newest in the server's binary log index
        f = os.path.basename(open(os.path.join(data_dir, "instances", my, "binlog", "mariadb-bin.index")).read().split()[-1])
        t0 = time.time()
        while not (os.path.exists(shipped) and f in open(shipped).read().split()):
            time.sleep(0.2)
        samples.append(time.time() - t0)
        note(f"{label}: RPO sample {i + 1} (MariaDB): commit in {f} shipped after {samples[-1]:.1f} s")
    rpo_rows.append(f"| MariaDB (binary log, shipped every 25 s) | idle but for the commit | {statistics.median(samples):.1f} s | {max(samples):.1f} s |")
    api.delete(my)

api.delete(db)
with open(out, "a") as f:
    f.write(f"\n## {label}\n\n`{cmdline}` on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
            "Branch = `POST …/databases/{id}/branches` (no pointInTime) until the branch is `ready`, p50 of 3; the parent runs.\n\n"
            "| file system | parent size | branch to ready p50 | size / time | runs (s) | how (statusMessage) |\n|---|---|---|---|---|---|\n"
            + "\n".join(rows) + "\n")
    if pitr_rows:
        f.write("\nPoint-in-time: `POST …/restore {\"pointInTime\"}` until `ready` (a safety backup first, then the base backup restored and the "
                "WAL replayed), and `POST …/branches {\"pointInTime\"}` until ready.\n\n| file system | data | in-place PITR to ready | branch at the moment to ready |\n|---|---|---|---|\n"
                + "\n".join(pitr_rows) + "\n")
    if rpo_rows:
        f.write("\nRPO: the time from a commit until the archive holding it is in the backup repository, on an otherwise idle database "
                "(the worst case: with traffic, segments fill and ship sooner).\n\n| engine | load | p50 | max |\n|---|---|---|---|\n"
                + "\n".join(rpo_rows) + "\n")
    f.write("\n<details><summary>log</summary>\n\n```\n" + "\n".join(lines) + "\n```\n</details>\n")
