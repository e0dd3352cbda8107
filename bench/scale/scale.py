#!/usr/bin/env python3
"""Strata at scale: N databases of one engine (Redis by default, or PostgreSQL) on one host, and what the control
plane costs at rest (standard library only; the chart needs python3-matplotlib). Run by bench/scale/run.sh, or against
a Strata you started:

  bench/scale/scale.py --base http://127.0.0.1:21080 --key strata_sk_... --data-dir .bench-data --counts 100,500,1000
  bench/scale/scale.py ... --engine postgresql --counts 200

At each count: create databases of the engine through the API until there are that many (8 at a time), wait until all
are ready, let it settle, then measure
  - idle CPU of the Payara JVM over 60 s (utime+stime of /proc/<pid>/stat), as % of one core, and its RSS (VmRSS);
  - metadata database activity over the same 60 s (pg_stat_database of the metadata server: xact_commit, and
    tup_inserted+tup_updated+tup_deleted: the writes), per second;
  - p50/p99 of GET .../databases?limit=100, of the trivial API endpoint GET /api/v1/workspaces (authenticated, one
    tiny query: the reference of the goal, as in bench/run.sh) and of GET /health/live (no authentication, no
    database), sequential on one keep-alive connection each, interleaved;
  - kill -9 of a ready database's server process (redis-server; PostgreSQL's postmaster) (KILLS of them, one after the other): from the kill until the API
    shows the database not ready (noticed) and until it shows it ready again with a new server process (back).
Results go to results.json (appended per count) so a run can be resumed and the table and chart redrawn.
"""
import argparse, http.client, json, os, random, signal, statistics, subprocess, sys, threading, time, urllib.parse
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))


class Api:
    def __init__(self, base, key):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port
        self.headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
        self.local = threading.local()
        self.ws = self.call("GET", "/api/v1/workspaces")[1]["data"][0]["id"]
        self.dbs = f"/api/v1/workspaces/{self.ws}/databases"

    def conn(self):
        c = getattr(self.local, "c", None)
        if c is None:
            c = self.local.c = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return c

    def call(self, method, path, body=None, auth=True):
        for attempt in range(3):
            c = self.conn()
            try:
                c.request(method, path, body=None if body is None else json.dumps(body),
                          headers=self.headers if auth else {})
                r = c.getresponse()
                data = r.read()
                return r.status, (json.loads(data) if data and r.getheader("Content-Type", "").find("json") >= 0 else None)
            except (http.client.HTTPException, OSError):
                c.close()
                self.local.c = None
                if attempt == 2:
                    raise
                time.sleep(0.5)  # retry after a dropped keep-alive connection, not synchronisation

    def count(self, status=None):
        q = "?limit=1" + (f"&status={status}" if status else "")
        return self.call("GET", self.dbs + q)[1]["meta"]["total"]

    def all_ids(self):
        ids, page = [], 1
        while True:
            d = self.call("GET", f"{self.dbs}?limit=100&page={page}")[1]
            ids += [x["id"] for x in d["data"]]
            if page >= d["meta"]["totalPages"]:
                return ids
            page += 1


def jvm_pid(pidfile):
    return int(open(pidfile).read().strip())


def cpu_ticks(pid):
    stat = open(f"/proc/{pid}/stat").read()
    rest = stat[stat.rindex(")") + 2:].split()
    return int(rest[11]) + int(rest[12])  # utime + stime


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def metadata_stats(data_dir, port):
    pw = open(os.path.join(data_dir, "metadata-server.password")).read().strip()
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "strata", "-d", "strata", "-At", "-c",
                          "select xact_commit, tup_inserted + tup_updated + tup_deleted,"
                          " (select sum(n_tup_ins + n_tup_upd + n_tup_del) from pg_stat_user_tables)"
                          " from pg_stat_database where datname = 'strata'"],
                         env={**os.environ, "PGPASSWORD": pw}, capture_output=True, text=True, check=True).stdout.strip()
    xact, writes, table_writes = out.split("|")
    return int(xact), int(writes), int(table_writes)


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


MEMORY = {"redis": "64Mi", "postgresql": "256Mi"}


def create_until(api, n, engine):
    have = api.count()
    todo = n - have
    if todo < 0:
        # measuring downwards: the newest databases are deleted through the API until n are left
        print(f"  deleting {-todo} databases ({have} exist)", flush=True)
        doomed = sorted(api.all_ids())[n:]
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda db: api.call("DELETE", f"{api.dbs}/{db}"), doomed))
        while api.count() > n:
            time.sleep(1)  # polling the API for the fleet, not synchronisation of a measured figure
        return
    if todo == 0:
        return
    print(f"  creating {todo} {engine} databases ({have} exist)", flush=True)
    t0 = time.time()

    def one(i):
        slug = f"scale-{have + i:05d}"
        s, d = api.call("POST", api.dbs, {"name": slug, "slug": slug, "engine": engine, "memory": MEMORY[engine], "storageGb": 1})
        if s != 201:
            raise SystemExit(f"create {slug}: {s} {d}")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(todo)))
    while True:
        ready, errors = api.count("ready"), api.count("error")
        if errors:
            raise SystemExit(f"{errors} databases in error")
        if ready >= n:
            break
        time.sleep(1)  # polling the API for the whole fleet, not synchronisation of a measured figure
    print(f"  {n} ready after {time.time() - t0:.0f} s", flush=True)


def latency(api, rounds):
    lst, ws, live = [], [], []
    path = api.dbs + "?limit=100"
    for _ in range(20):  # warm-up
        api.call("GET", path)
        api.call("GET", "/api/v1/workspaces")
        api.call("GET", "/health/live", auth=False)
    for _ in range(rounds):
        t = time.perf_counter(); s, _ = api.call("GET", path); lst.append(time.perf_counter() - t)
        assert s == 200, s
        t = time.perf_counter(); s, _ = api.call("GET", "/api/v1/workspaces"); ws.append(time.perf_counter() - t)
        assert s == 200, s
        t = time.perf_counter(); s, _ = api.call("GET", "/health/live", auth=False); live.append(time.perf_counter() - t)
        assert s == 200, s
    ms = lambda v: round(v * 1000, 1)
    return {"list_p50_ms": ms(pct(lst, 50)), "list_p99_ms": ms(pct(lst, 99)),
            "ws_p50_ms": ms(pct(ws, 50)), "ws_p99_ms": ms(pct(ws, 99)),
            "live_p50_ms": ms(pct(live, 50)), "live_p99_ms": ms(pct(live, 99)), "latency_samples": rounds}


def server_pid(data_dir, db):
    """The pid of a database's server process (redis.pid; the first line of PostgreSQL's postmaster.pid), if alive."""
    try:
        inst = os.path.join(data_dir, "instances", db)
        f = os.path.join(inst, "redis.pid")
        if not os.path.exists(f):
            f = os.path.join(inst, "data", "postmaster.pid")
        pid = int(open(f).readline().strip())
        stat = open(f"/proc/{pid}/stat").read()
        return pid if stat[stat.rindex(")") + 2] not in "ZX" else None
    except (OSError, ValueError):
        return None


def kill_back(api, data_dir, ids, kills):
    noticed, back = [], []
    for db in random.sample(ids, min(kills, len(ids))):
        pid = server_pid(data_dir, db)
        if pid is None or api.call("GET", f"{api.dbs}/{db}")[1]["status"] != "ready":
            continue
        t0 = time.monotonic()
        os.kill(pid, signal.SIGKILL)
        seen_down = None
        while time.monotonic() - t0 < 30:
            status = api.call("GET", f"{api.dbs}/{db}")[1]["status"]
            now = time.monotonic() - t0
            if status != "ready" and seen_down is None:
                seen_down = now
            new = server_pid(data_dir, db)
            if status == "ready" and new is not None and new != pid:
                noticed.append(seen_down)
                back.append(now)
                break
            time.sleep(0.01)
        else:
            back.append(None)
            noticed.append(seen_down)
        time.sleep(1)  # let the restarted server settle before the next kill (not part of a measured figure)
    got = [b for b in back if b is not None]
    seen = [n for n in noticed if n is not None]
    return {"kills": len(back), "back_within_30s": len(got),
            "noticed_max_ms": round(max(seen) * 1000) if seen else None,
            "noticed_seen": len(seen),
            "back_p50_ms": round(statistics.median(got) * 1000) if got else None,
            "back_max_ms": round(max(got) * 1000) if got else None}


def measure(api, args, n):
    pid = jvm_pid(args.pidfile)
    print(f"  settling {args.settle} s", flush=True)
    time.sleep(args.settle)  # the control plane at rest before the window (not synchronisation)
    x0, w0, s0 = metadata_stats(args.data_dir, args.metadata_port)
    c0, t0 = cpu_ticks(pid), time.monotonic()
    time.sleep(args.window)  # the measured idle window: nothing is asked of Strata meanwhile
    c1, t1 = cpu_ticks(pid), time.monotonic()
    x1, w1, s1 = metadata_stats(args.data_dir, args.metadata_port)
    hz = os.sysconf("SC_CLK_TCK")
    row = {"databases": n, "engine": args.engine, "build": args.label, "window_s": round(t1 - t0, 1),
           "idle_cpu_pct": round(100 * (c1 - c0) / hz / (t1 - t0), 2),
           "rss_mib": round(rss_mib(pid)),
           "metadata_xact_per_s": round((x1 - x0 - 1) / (t1 - t0), 2),  # less the measuring psql's own first query
           "metadata_writes_per_s": round((w1 - w0) / (t1 - t0), 3),
           "strata_table_writes_per_s": round((s1 - s0) / (t1 - t0), 3),
           "host_load_1min": float(open("/proc/loadavg").read().split()[0])}
    print(f"  idle: {row}", flush=True)
    row.update(latency(api, args.latency_rounds))
    row.update(kill_back(api, args.data_dir, api.all_ids(), args.kills))
    row["servers"] = sum(1 for d in os.listdir(os.path.join(args.data_dir, "instances")) if server_pid(args.data_dir, d))
    print(f"  {row}", flush=True)
    return row


def engine_of(r):
    return r.get("engine", "redis")


def ratio(r):
    """The list's p99 over the trivial API endpoint's (GET /api/v1/workspaces), the goal's reference; rows of runs
    before it was measured fall back to /health/live."""
    ref = r.get("ws_p99_ms") or r["live_p99_ms"]
    return r["list_p99_ms"] / ref if ref else float("nan")


def table(rows, command):
    out = ["# Strata at scale: N databases on one host", "",
           f"Command: `{command}`", "",
           "| engine | databases | build | idle CPU, % of one core (60 s) | RSS MiB | metadata xact/s | metadata row writes/s (all, incl. catalogs) | of them in Strata's tables /s | list?limit=100 p50 / p99 ms | trivial API endpoint p50 / p99 ms | /health/live p50 / p99 ms | list p99 / trivial p99 | kill -9 → not ready seen (max ms) | kill -9 → ready again p50 / max ms (kills) |",
           "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ws = f"{r['ws_p50_ms']} / {r['ws_p99_ms']}" if "ws_p99_ms" in r else "not measured"
        out.append(f"| {engine_of(r)} | {r['databases']} | {r.get('build', '')} | {r['idle_cpu_pct']} | {r['rss_mib']} | {r['metadata_xact_per_s']} | {r['metadata_writes_per_s']} | {r.get('strata_table_writes_per_s', 'n/a')} "
                   f"| {r['list_p50_ms']} / {r['list_p99_ms']} | {ws} | {r['live_p50_ms']} / {r['live_p99_ms']} | {ratio(r):.1f}{'' if 'ws_p99_ms' in r else ' (vs /health/live)'} "
                   f"| {r['noticed_max_ms']} ({r['noticed_seen']} of {r['kills']} seen) | {r['back_p50_ms']} / {r['back_max_ms']} ({r['back_within_30s']} of {r['kills']}) |")
    out += ["", "Goals (issue 18), per engine and build at its largest count:", ""]
    for e, b in sorted({(engine_of(r), r.get("build", "")) for r in rows}):
        r = max((x for x in rows if (engine_of(x), x.get("build", "")) == (e, b)), key=lambda x: x["databases"])
        met = lambda ok: "met" if ok else "NOT met"
        writes = r.get('strata_table_writes_per_s', r['metadata_writes_per_s'])
        out.append(f"- {e}, {b or 'this build'}, {r['databases']} databases: idle CPU ≤ 5 % of one core: {met(r['idle_cpu_pct'] <= 5)} "
                   f"({r['idle_cpu_pct']} %); a killed server back to ready within 2 s: {met((r['back_max_ms'] or 1e9) <= 2000)} "
                   f"(max {r['back_max_ms']} ms of {r['kills']}); list p99 ≤ 2× the trivial endpoint's p99: {met(ratio(r) <= 2)} ({ratio(r):.1f}×); "
                   f"writes to Strata's tables at rest ≈ 0: {met(writes <= 0.2)} ({writes}/s)")
    out += ["", "The host's load average (1 min) at the end of each idle window: "
            + ", ".join(f"{engine_of(r)} {r['databases']} {r.get('build', '')}: {r['host_load_1min']}".replace("  ", " ")
                        for r in rows if "host_load_1min" in r) + "."]
    return "\n".join(out) + "\n"


def chart(rows, png):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("python3-matplotlib is not installed (apt-get install python3-matplotlib): no chart", file=sys.stderr)
        return False
    fig, ax = plt.subplots(1, 3, figsize=(14, 4.2))
    for e, b in sorted({(engine_of(r), r.get("build", "")) for r in rows}):
        rs = [r for r in rows if (engine_of(r), r.get("build", "")) == (e, b)]
        n = [r["databases"] for r in rs]
        tag = f" ({e}{', ' + b if b else ''})"
        ax[0].plot(n, [r["idle_cpu_pct"] for r in rs], "o-", label="idle CPU" + tag)
        ax[1].plot(n, [r["rss_mib"] for r in rs], "o-", label="RSS" + tag)
        ax[2].plot(n, [r["back_max_ms"] for r in rs], "o-", label="max" + tag)
        ax[2].plot(n, [r["back_p50_ms"] for r in rs], "o--", label="p50" + tag)
    ax[0].axhline(5, color="r", ls=":", label="goal 5 %"); ax[0].set_title("idle control-plane CPU, % of one core (60 s)")
    ax[1].set_title("control-plane RSS (MiB)")
    ax[2].axhline(2000, color="r", ls=":", label="goal 2 s"); ax[2].set_title("kill -9 of a server → ready again (ms)")
    for a in ax:
        a.set_xlabel("databases"); a.set_ylim(bottom=0); a.grid(alpha=.3); a.legend(fontsize=7)
    fig.tight_layout(); fig.savefig(png, dpi=90)
    return True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True); p.add_argument("--key", required=True)
    p.add_argument("--data-dir", required=True); p.add_argument("--pidfile")
    p.add_argument("--metadata-port", type=int, default=9999)
    p.add_argument("--counts", default="100,500,1000")
    p.add_argument("--engine", default="redis", choices=sorted(MEMORY))
    p.add_argument("--settle", type=int, default=15); p.add_argument("--window", type=int, default=60)
    p.add_argument("--latency-rounds", type=int, default=300); p.add_argument("--kills", type=int, default=5)
    p.add_argument("--results", default=os.path.join(HERE, "results.json"))
    p.add_argument("--command", default="bench/scale/run.sh")
    p.add_argument("--label", default="", help="what was measured (a build, a setting): a column of the table")
    p.add_argument("--redraw", action="store_true", help="only write results.md and the chart from results.json")
    args = p.parse_args()
    args.pidfile = args.pidfile or os.path.join(args.data_dir, "server/domains/strata/config/pid")
    rows = json.load(open(args.results)) if os.path.exists(args.results) else []
    if not args.redraw:
        api = Api(args.base, args.key)
        for n in [int(c) for c in args.counts.split(",")]:
            print(f"{n} databases", flush=True)
            create_until(api, n, args.engine)
            rows = [r for r in rows if (engine_of(r), r["databases"], r.get("build", "")) != (args.engine, n, args.label)] + [measure(api, args, n)]
            rows.sort(key=lambda r: (engine_of(r), r.get("build", ""), r["databases"]))
            json.dump(rows, open(args.results, "w"), indent=1)
    open(os.path.join(HERE, "results.md"), "w").write(table(rows, args.command))
    chart(rows, os.path.join(HERE, "scale.png"))


if __name__ == "__main__":
    main()
