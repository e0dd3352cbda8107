"""Backup/restore throughput through Strata's public API (see run.sh). Standard library only; psql and mariadb clients."""
import json, os, statistics, subprocess, sys, time, urllib.request

base, key, gb, out, cmdline = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5]
H = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}


def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method, headers=H, data=None if body is None else json.dumps(body).encode())
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


ws = call("GET", "/api/v1/workspaces")[1]["data"][0]["id"]
DBS = f"/api/v1/workspaces/{ws}/databases"


def await_status(db, status, timeout=3600):
    t0 = time.time()
    while time.time() - t0 < timeout:
        d = call("GET", f"{DBS}/{db}")[1]
        if d["status"] == status:
            return
        if d["status"] == "error":
            raise SystemExit(f"{db}: error: {d.get('statusMessage')}")
        time.sleep(0.2)
    raise SystemExit(f"{db} not {status} after {timeout}s")


def create(engine, slug):
    s, d = call("POST", DBS, {"name": slug, "slug": slug, "engine": engine, "memory": "1Gi", "storageGb": 20})
    assert s == 201, d
    await_status(d["id"], "ready")
    return d["id"]


def load(engine, db, gigabytes):
    c = call("GET", f"{DBS}/{db}/connection")[1]
    rows = int(gigabytes * 1_000_000)  # ~1 KB a row: 30 random md5 (hex, compresses about 2:1)
    if engine == "postgresql":
        env = dict(os.environ, PGPASSWORD=c["password"])
        base_cmd = ["psql", "-q", "-h", "127.0.0.1", "-p", str(c["port"]), "-U", c["username"], "-d", c["database"], "-v", "ON_ERROR_STOP=1", "-c"]
        subprocess.run(base_cmd + ["CREATE TABLE t (n int primary key, pad text)"], env=env, check=True)
        for start in range(0, rows, 100_000):
            subprocess.run(base_cmd + [f"INSERT INTO t SELECT g, (SELECT string_agg(md5(random()::text || g || i), '') FROM generate_series(1, 30) i) "
                                       f"FROM generate_series({start + 1}, {min(rows, start + 100_000)}) g"], env=env, check=True)
        size = subprocess.run(base_cmd + ["SELECT pg_database_size(current_database())"] + ["-t", "-A"], env=env, check=True,
                              capture_output=True, text=True).stdout.strip()
    else:
        env = dict(os.environ, MYSQL_PWD=c["password"])
        base_cmd = ["mariadb", "-h", "127.0.0.1", "-P", str(c["port"]), "-u", c["username"], c["database"], "-N", "-B", "-e"]
        subprocess.run(base_cmd + ["CREATE TABLE t (n int primary key, pad text)"], env=env, check=True)
        md5s = ", ".join(["MD5(RAND())"] * 30)
        for start in range(0, rows, 100_000):
            subprocess.run(base_cmd + [f"INSERT INTO t SELECT seq, CONCAT({md5s}) FROM seq_{start + 1}_to_{min(rows, start + 100_000)}"],
                           env=env, check=True)
        size = subprocess.run(base_cmd + ["SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema = DATABASE()"],
                              env=env, check=True, capture_output=True, text=True).stdout.strip()
    return int(size)


def backup(db):
    t0 = time.time()
    s, b = call("POST", f"{DBS}/{db}/backups")
    assert s == 202, b
    while True:
        b = call("GET", f"/api/v1/workspaces/{ws}/backups/{b['id']}")[1]
        if b["status"] == "completed":
            return time.time() - t0, b
        if b["status"] == "failed":
            raise SystemExit("backup failed: " + str(b.get("error")))
        time.sleep(0.2)


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
