"""Backup/restore throughput through Strata's public API (see run.sh). Standard library only; psql and mariadb clients."""
import os, statistics, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from strata_api import Strata, load as load_rows  # noqa: E402

base, key, gb, out, cmdline = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5]
api = Strata(base, key)
call, ws, DBS = api.call, api.ws, api.dbs


def await_status(db, status, timeout=3600):
    api.await_status(db, status, timeout)


def create(engine, slug):
    return api.create(engine, slug)


def load(engine, db, gigabytes):
    return load_rows(engine, api.connection(db), gigabytes)


def backup(db):
    return api.backup(db)


def restore(bkp, slug):
    t0 = time.time()
    s, d = call("POST", f"/api/v1/workspaces/{ws}/backups/{bkp}/restore", {"name": slug, "slug": slug})
    assert s == 201, d
    await_status(d["id"], "ready")
    elapsed = time.time() - t0
    call("DELETE", f"{DBS}/{d['id']}")
    return elapsed


rows = []
for engine in ("postgresql", "mysql"):
    db = create(engine, f"bench-{engine}")
    t0 = time.time()
    size = load(engine, db, gb)
    print(f"{engine}: loaded {size / 1e6:.0f} MB in {time.time() - t0:.0f} s", flush=True)
    backups, restores, stored = [], [], []
    for i in range(3):
        elapsed, b = backup(db)
        backups.append(elapsed)
        stored.append(b["sizeBytes"])
        print(f"{engine}: backup {i + 1}: {elapsed:.1f} s, stored {b['sizeBytes'] / 1e6:.0f} MB", flush=True)
        r = restore(b["id"], f"bench-{engine}-r{i + 1}")
        restores.append(r)
        print(f"{engine}: restore {i + 1}: {r:.1f} s", flush=True)
    bp, rp = statistics.median(backups), statistics.median(restores)
    rows.append(f"| {engine} | {size / 1e6:.0f} MB | {statistics.median(stored) / 1e6:.0f} MB | {bp:.1f} s = **{size / 1e6 / bp:.0f} MB/s** "
                f"| {rp:.1f} s = **{size / 1e6 / rp:.0f} MB/s** | {', '.join(f'{x:.1f}' for x in backups)} / {', '.join(f'{x:.1f}' for x in restores)} |")
    call("DELETE", f"{DBS}/{db}")

with open(out, "w") as f:
    f.write(f"# Backup and restore throughput\n\n`{cmdline}` on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
            "Times through the public API: backup = `POST …/backups` until the backup is `completed` (taken, uploaded, "
            "verified); restore = `POST …/backups/{id}/restore` until the new database is `ready`. Size = the database's "
            "data (pg_database_size; InnoDB data + index length). p50 of 3.\n\n"
            "| engine | database size | stored (compressed, encrypted) | backup p50 | restore-to-ready p50 | all runs (s) backup / restore |\n"
            "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n")
print(open(out).read())
