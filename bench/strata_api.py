"""What the benchmarks share: Strata's public API (standard library only) and loading ~1 KB rows with psql or mariadb."""
import json, os, subprocess, time, urllib.error, urllib.request


class Strata:
    def __init__(self, base, key):
        self.base = base
        self.headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
        self.ws = self.call("GET", "/api/v1/workspaces")[1]["data"][0]["id"]
        self.dbs = f"/api/v1/workspaces/{self.ws}/databases"

    def call(self, method, path, body=None):
        req = urllib.request.Request(self.base + path, method=method, headers=self.headers,
                                     data=None if body is None else json.dumps(body).encode())
        try:
            with urllib.request.urlopen(req) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def await_status(self, db, status, timeout=3600):
        t0 = time.time()
        while time.time() - t0 < timeout:
            d = self.call("GET", f"{self.dbs}/{db}")[1]
            if d["status"] == status:
                return d
            if d["status"] == "error":
                raise SystemExit(f"{db}: error: {d.get('statusMessage')}")
            time.sleep(0.2)
        raise SystemExit(f"{db} not {status} after {timeout}s")

    def create(self, engine, slug, storage_gb=20):
        s, d = self.call("POST", self.dbs, {"name": slug, "slug": slug, "engine": engine, "memory": "1Gi", "storageGb": storage_gb})
        assert s == 201, d
        self.await_status(d["id"], "ready")
        return d["id"]

    def connection(self, db):
        return self.call("GET", f"{self.dbs}/{db}/connection")[1]

    def backup(self, db):
        """POST .../backups until completed: (seconds, backup)."""
        t0 = time.time()
        s, b = self.call("POST", f"{self.dbs}/{db}/backups")
        assert s == 202, b
        while True:
            b = self.call("GET", f"/api/v1/workspaces/{self.ws}/backups/{b['id']}")[1]
            if b["status"] == "completed":
                return time.time() - t0, b
            if b["status"] == "failed":
                raise SystemExit("backup failed: " + str(b.get("error")))
            time.sleep(0.2)

    def delete(self, db):
        self.call("DELETE", f"{self.dbs}/{db}")
        while self.call("GET", f"{self.dbs}/{db}")[0] != 404:
            time.sleep(0.2)


def psql(c, sql, *extra):
    env = dict(os.environ, PGPASSWORD=c["password"])
    return subprocess.run(["psql", "-q", "-X", "-h", "127.0.0.1", "-p", str(c["port"]), "-U", c["username"], "-d", c["database"],
                           "-v", "ON_ERROR_STOP=1", "-t", "-A", *extra, "-c", sql], env=env, check=True, capture_output=True, text=True).stdout.strip()


def mariadb(c, sql):
    env = dict(os.environ, MYSQL_PWD=c["password"])
    return subprocess.run(["mariadb", "-h", "127.0.0.1", "-P", str(c["port"]), "-u", c["username"], c["database"], "-N", "-B", "-e", sql],
                          env=env, check=True, capture_output=True, text=True).stdout.strip()


def load(engine, c, gigabytes, first=1, table="t"):
    """Adds ~gigabytes of ~1 KB rows (30 random md5, compressing about 2:1) to table t from row `first`; the database's size in bytes."""
    rows = int(gigabytes * 1_000_000)
    if engine == "postgresql":
        psql(c, f"CREATE TABLE IF NOT EXISTS {table} (n int primary key, pad text)")
        for start in range(first - 1, first - 1 + rows, 100_000):
            psql(c, f"INSERT INTO {table} SELECT g, (SELECT string_agg(md5(random()::text || g || i), '') FROM generate_series(1, 30) i) "
                    f"FROM generate_series({start + 1}, {min(first - 1 + rows, start + 100_000)}) g")
        return int(psql(c, "SELECT pg_database_size(current_database())"))
    mariadb(c, f"CREATE TABLE IF NOT EXISTS {table} (n int primary key, pad text)")
    md5s = ", ".join(["MD5(RAND())"] * 30)
    for start in range(first - 1, first - 1 + rows, 100_000):
        mariadb(c, f"INSERT INTO {table} SELECT seq, CONCAT({md5s}) FROM seq_{start + 1}_to_{min(first - 1 + rows, start + 100_000)}")
    return int(mariadb(c, "SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema = DATABASE()"))
