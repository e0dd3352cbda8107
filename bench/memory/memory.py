#!/usr/bin/env python3
"""Control-plane memory under load (issue 18): the Payara JVM's RSS with 100 databases, after a mixed API load and
over an idle soak. Standard library only (the chart needs python3-matplotlib). Run by bench/memory/run.sh, or
against a Strata you started:

  bench/memory/memory.py --base http://127.0.0.1:23080 --key strata_sk_... --data-dir bench/.data-memory \\
      --s3 http://127.0.0.1:24000 --load 600 --soak 1800

Phases, RSS (VmRSS of /proc/<pid>/status, pid from <data>/server/domains/strata/config/pid) and thread count
sampled all along:
  start   idle for --idle seconds right after the start (every 10 s)
  create  Redis databases created through the API (64Mi, 8 at a time: bench/scale/scale.py's create_until) until
          --databases exist and are ready (every 10 s)
  load    --load seconds of mixed API load from --clients concurrent clients, each an HTTP/1.1 keep-alive user with
          a think time (every 10 s): list/get databases, projects, create + delete PostgreSQL and Redis databases
          (at most one create in flight), projects with a bucket created and deleted, S3 PUT/GET/LIST/DELETE of
          small objects (SigV4-signed here, standard library only)
  soak    --soak seconds idle, one light request every --soak-request seconds (every 15 s)
Writes samples.csv (every sample), results.md (the table; a section headed "## Tuning" already in results.md is
kept as it is) and rss.png. --redraw only rewrites results.md and rss.png from samples.csv and results.json.
"""
import argparse, csv, datetime, hashlib, hmac, http.client, json, os, random, subprocess, sys, threading, time, urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scale"))
from scale import Api, create_until, rss_mib  # noqa: E402  (the scale bench's API client and fleet creation)

PHASE_EVERY = {"start": 10, "create": 10, "load": 10, "soak": 15}
OUT = HERE
GOAL_MIB = 600
FLAT_MIB_PER_10MIN = 1.0   # "no growth": the soak's fitted slope at most this (3 MB over 30 minutes)


# --- sampling ------------------------------------------------------------------------------------------------------

def jvm_status(pid):
    out = {}
    for line in open(f"/proc/{pid}/status"):
        k, _, v = line.partition(":")
        if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "Threads"):
            out[k] = int(v.split()[0])
    return out


class Sampler(threading.Thread):
    def __init__(self, pidfile, csv_path):
        super().__init__(daemon=True)
        self.pidfile, self.phase, self.t0 = pidfile, "start", time.time()
        self.rows, self.stop, self.lock = [], threading.Event(), threading.Lock()
        self.out = open(csv_path, "w", newline="")
        self.w = csv.writer(self.out)
        self.w.writerow(["elapsed_s", "utc", "phase", "rss_mib", "rss_anon_mib", "rss_file_mib", "hwm_mib", "threads"])

    def pid(self):
        return int(open(self.pidfile).read().strip())

    def sample(self):
        st = jvm_status(self.pid())
        row = [round(time.time() - self.t0, 1), datetime.datetime.utcnow().strftime("%H:%M:%S"), self.phase,
               round(st["VmRSS"] / 1024, 1), round(st.get("RssAnon", 0) / 1024, 1), round(st.get("RssFile", 0) / 1024, 1),
               round(st["VmHWM"] / 1024, 1), st["Threads"]]
        with self.lock:
            self.rows.append(row)
            self.w.writerow(row); self.out.flush()
        return row

    def set_phase(self, phase):
        self.phase = phase
        return self.sample()  # every phase starts with a sample

    def run(self):
        nxt = time.monotonic()
        while not self.stop.is_set():
            self.sample()
            nxt += PHASE_EVERY[self.phase]
            self.stop.wait(max(0, nxt - time.monotonic()))  # the sampling period, not synchronisation


def jcmd(pid, *what):
    try:
        return subprocess.run(["jcmd", str(pid), *what], capture_output=True, text=True, timeout=120).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"(jcmd failed: {e})"


# --- S3: a minimal SigV4 signer (path-style, standard library only) ------------------------------------------------

class S3:
    def __init__(self, endpoint, key, secret, region):
        u = urllib.parse.urlparse(endpoint)
        self.host, self.port, self.key, self.secret, self.region = u.hostname, u.port, key, secret, region
        self.local = threading.local()

    def request(self, method, bucket, obj="", query=None, body=b""):
        path = "/" + bucket + ("/" + urllib.parse.quote(obj, safe="/~") if obj else "")
        q = sorted((query or {}).items())
        qs = "&".join(f"{urllib.parse.quote(k, safe='~')}={urllib.parse.quote(str(v), safe='~')}" for k, v in q)
        now = datetime.datetime.utcnow()
        amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
        digest = hashlib.sha256(body).hexdigest()
        hosthdr = f"{self.host}:{self.port}"
        headers = {"host": hosthdr, "x-amz-content-sha256": digest, "x-amz-date": amz_date}
        signed = ";".join(sorted(headers))
        canonical = "\n".join([method, path, qs, "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)), signed, digest])
        scope = f"{day}/{self.region}/s3/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
        k = ("AWS4" + self.secret).encode()
        for part in (day, self.region, "s3", "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
        headers["Authorization"] = f"AWS4-HMAC-SHA256 Credential={self.key}/{scope}, SignedHeaders={signed}, Signature={sig}"
        headers["Content-Length"] = str(len(body))
        del headers["host"]
        for attempt in range(2):
            c = getattr(self.local, "c", None) or http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.local.c = c
            try:
                c.request(method, path + ("?" + qs if qs else ""), body=body or None, headers=headers)
                r = c.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, OSError):
                c.close(); self.local.c = None
                if attempt:
                    raise


# --- the mixed load --------------------------------------------------------------------------------------------------

class Load:
    def __init__(self, api, s3_endpoint, clients, think_ms, fleet):
        self.api, self.s3_endpoint, self.clients, self.think = api, s3_endpoint, clients, think_ms / 1000
        self.fleet = fleet
        self.lifecycle = threading.Semaphore(1)  # one database create in flight at a time: 2 cores are shared
        self.counts, self.errors, self.lock = {}, {}, threading.Lock()
        self.seq = 0

    def note(self, op, ok, detail=""):
        with self.lock:
            self.counts[op] = self.counts.get(op, 0) + 1
            if not ok:
                self.errors[op] = self.errors.get(op, 0) + 1
                if self.errors[op] <= 3:
                    print(f"  {op} failed: {detail}"[:300], flush=True)

    def next_id(self):
        with self.lock:
            self.seq += 1
            return self.seq

    def call(self, op, method, path, body=None, want=(200,)):
        s, d = self.api.call(method, path, body)
        self.note(op, s in want, f"{s} {d}")
        return s, d

    # one user's session: a project with a bucket and its key, used for the S3 part
    def session(self, n):
        s, p = self.call("project create", "POST", "/api/v1/projects", {"name": f"memory load {n}"}, (201,))
        pid = p["id"]
        self.call("bucket create", "POST", "/api/v1/storage/buckets", {"projectId": pid, "name": f"load-{n}"}, (201,))
        env = {v["name"]: v["value"] for v in self.call("project env", "GET", f"/api/v1/projects/{pid}/env")[1]["data"]}
        s3 = S3(self.s3_endpoint, env["STORAGE_KEY"], env["STORAGE_SECRET"], env.get("STORAGE_REGION", "us-east-1"))
        return pid, f"load-{n}", s3

    def db_lifecycle(self, engine):
        i = self.next_id()
        slug = f"load-{engine[:2]}-{i}"
        s, d = self.call(f"create {engine}", "POST", self.api.dbs,
                         {"name": slug, "slug": slug, "engine": engine, "memory": "64Mi" if engine == "redis" else "256Mi", "storageGb": 1}, (201,))
        if s != 201:
            return
        db, t0 = d["id"], time.time()
        while time.time() - t0 < 120:
            st = self.api.call("GET", f"{self.api.dbs}/{db}")[1]["status"]
            if st in ("ready", "error"):
                break
            time.sleep(0.25)  # polling the new database as a user's client does
        self.note(f"{engine} ready", st == "ready", st)
        self.call("connection", "GET", f"{self.api.dbs}/{db}/connection")
        self.call(f"delete {engine}", "DELETE", f"{self.api.dbs}/{db}", want=(202, 204))
        t0 = time.time()
        while self.api.call("GET", f"{self.api.dbs}/{db}")[0] != 404 and time.time() - t0 < 120:
            time.sleep(0.5)  # polling until the delete is carried out

    def user(self, n, deadline):
        rnd = random.Random(n)
        pid, bucket, s3 = self.session(n)
        keys = []
        engines = ["postgresql", "redis"]
        while time.time() < deadline:
            x = rnd.random()
            try:
                if x < 0.30:    # lists
                    page = rnd.randint(1, max(1, len(self.fleet) // 20))
                    self.call("list databases", "GET", f"{self.api.dbs}?limit=20&page={page}")
                    if rnd.random() < 0.3:
                        self.call("list projects", "GET", "/api/v1/projects")
                elif x < 0.50:  # one database's details
                    db = rnd.choice(self.fleet)
                    self.call("get database", "GET", f"{self.api.dbs}/{db}")
                    if rnd.random() < 0.2:
                        self.call("connection", "GET", f"{self.api.dbs}/{db}/connection")
                elif x < 0.58:  # a database created, used and deleted (PostgreSQL and Redis in turn), one at a time
                    if self.lifecycle.acquire(blocking=False):
                        try:
                            self.db_lifecycle(engines[self.next_id() % 2])
                        finally:
                            self.lifecycle.release()
                    else:
                        self.call("list buckets", "GET", f"/api/v1/storage/buckets?projectId={pid}")
                elif x < 0.64:  # a project with a bucket, its environment, then deleted
                    s, p = self.call("project create", "POST", "/api/v1/projects", {"name": f"memory tmp {self.next_id()}"}, (201,))
                    if s == 201:
                        self.call("bucket create", "POST", "/api/v1/storage/buckets", {"projectId": p["id"], "name": "tmp"}, (201,))
                        self.call("project env", "GET", f"/api/v1/projects/{p['id']}/env")
                        self.call("project delete", "DELETE", f"/api/v1/projects/{p['id']}", want=(200, 202, 204))
                else:           # S3: small objects
                    y = rnd.random()
                    if y < 0.4 or not keys:
                        k = f"obj/{rnd.randint(0, 199):03d}.bin"
                        s, _ = s3.request("PUT", bucket, k, body=os.urandom(rnd.randint(256, 8192)))
                        self.note("s3 put", s == 200, s)
                        if s == 200 and k not in keys:
                            keys.append(k)
                    elif y < 0.8:
                        s, _ = s3.request("GET", bucket, rnd.choice(keys))
                        self.note("s3 get", s == 200, s)
                    elif y < 0.95:
                        s, _ = s3.request("GET", bucket, query={"list-type": "2", "prefix": "obj/", "max-keys": "100"})
                        self.note("s3 list", s == 200, s)
                    else:
                        k = keys.pop(rnd.randrange(len(keys)))
                        s, _ = s3.request("DELETE", bucket, k)
                        self.note("s3 delete", s == 204, s)
            except Exception as e:  # a failed request is counted, the user goes on
                self.note("exception", False, repr(e))
            time.sleep(rnd.uniform(0, 2 * self.think))  # the user's think time
        self.call("project delete", "DELETE", f"/api/v1/projects/{pid}", want=(200, 202, 204))

    def run(self, seconds):
        deadline = time.time() + seconds
        ts = [threading.Thread(target=self.user, args=(n, deadline)) for n in range(self.clients)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()


# --- results -----------------------------------------------------------------------------------------------------

def read_samples(path):
    with open(path) as f:
        return [dict(r, elapsed_s=float(r["elapsed_s"]), rss_mib=float(r["rss_mib"]), threads=int(r["threads"]))
                for r in csv.DictReader(f)]


def slope_per_10min(rows):
    if len(rows) < 2:
        return float("nan")
    xs, ys = [r["elapsed_s"] for r in rows], [r["rss_mib"] for r in rows]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx * 600 if sxx else float("nan")


def report(samples, meta):
    by = lambda p: [r for r in samples if r["phase"] == p]
    last = lambda p: by(p)[-1]["rss_mib"] if by(p) else float("nan")
    soak = by("soak")
    slope = slope_per_10min(soak)
    peak = max(r["rss_mib"] for r in samples)
    soak_min = (soak[-1]["elapsed_s"] - soak[0]["elapsed_s"]) / 60 if len(soak) > 1 else 0
    after_load = last("load")
    worst = max(after_load, last("soak") if soak else after_load)
    met = lambda ok: "**met**" if ok else "**NOT met**"
    partial = meta.get("partial")
    out = [f"# Control-plane memory (issue 18)", "",
           f"Measured {meta['when']} on {meta['cores']} cores ({meta['jvm']}); command: `{meta['command']}`", "",
           f"JVM options of the domain: `{meta['jvm_options']}`{' (plus ' + meta['malloc'] + ')' if meta.get('malloc') else ''}", ""]
    if partial:
        out += [f"**Partial run: {partial}**", ""]
    out += ["| | RSS (MiB) | threads |", "|---|---:|---:|",
            f"| right after start, 0 databases (after {meta['idle']} s idle) | {last('start')} | {by('start')[-1]['threads']} |",
            f"| {meta['databases']} Redis databases ready | {last('create')} | {by('create')[-1]['threads'] if by('create') else ''} |",
            f"| after {meta['load_s'] / 60:g} min of mixed API load ({meta['clients']} clients) | {after_load} | {by('load')[-1]['threads'] if by('load') else ''} |",
            f"| end of the {soak_min:.1f}-minute soak | {last('soak')} | {soak[-1]['threads'] if soak else ''} |",
            f"| maximum over the run | {peak} | {max(r['threads'] for r in samples)} |",
            f"| soak: slope of a linear fit | {slope:+.2f} MiB / 10 min | |", "",
            f"- RSS ≤ {GOAL_MIB} MB with {meta['databases']} databases after the load and over the soak: "
            f"{met(worst <= GOAL_MIB)} (after the load {after_load} MiB, soak end {last('soak')} MiB, "
            f"maximum {peak} MiB{' during the run, including the load' if peak > GOAL_MIB else ''})",
            f"- no growth over the soak (fitted slope ≤ {FLAT_MIB_PER_10MIN} MiB per 10 min): {met(slope <= FLAT_MIB_PER_10MIN)} "
            f"({slope:+.2f} MiB / 10 min over {soak_min:.1f} min, {len(soak)} samples)", ""]
    if meta.get("ops"):
        out += ["Requests of the load (count, failed):", "",
                ", ".join(f"{k} {v}" + (f" ({meta['errors'][k]} failed)" if meta["errors"].get(k) else "")
                          for k, v in sorted(meta["ops"].items())), ""]
    for label in ("heap_after_load", "heap_soak_end", "heap_after_full_gc"):
        if meta.get(label):
            out += [f"`jcmd <pid> GC.heap_info`, {label.replace('_', ' ')}:", "", "```", meta[label], "```", ""]
    out += ["Raw samples: [samples.csv](samples.csv) (RSS, anonymous and file-backed RSS, peak RSS, threads, every 10 s;"
            " every 15 s in the soak); chart: [rss.png](rss.png).", ""]
    return "\n".join(out)


def chart(samples, png, meta):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("python3-matplotlib is not installed (apt-get install python3-matplotlib): no chart", file=sys.stderr)
        return False
    fig, ax = plt.subplots(figsize=(11, 4.5))
    xs = [r["elapsed_s"] / 60 for r in samples]
    ax.plot(xs, [r["rss_mib"] for r in samples], "-", lw=1.4, label="VmRSS of the Payara JVM")
    ax.axhline(GOAL_MIB, color="r", ls=":", label=f"goal {GOAL_MIB} MB")
    colours = {"start": "#eeeeee", "create": "#ddeeff", "load": "#ffe8cc", "soak": "#e6f5e6"}
    for phase in ("start", "create", "load", "soak"):
        ph = [r["elapsed_s"] / 60 for r in samples if r["phase"] == phase]
        if ph:
            ax.axvspan(min(ph), max(ph), color=colours[phase], zorder=0)
            ax.text((min(ph) + max(ph)) / 2, 20, phase, ha="center", fontsize=8)
    ax.set_xlabel("minutes since start"); ax.set_ylabel("MiB"); ax.set_ylim(0, max(GOAL_MIB, max(r["rss_mib"] for r in samples)) * 1.1)
    ax.set_title(f"Strata control-plane RSS: {meta['databases']} Redis databases, {meta['load_s'] / 60:g} min load, soak")
    ax.grid(alpha=.3); ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout(); fig.savefig(png, dpi=90)
    return True


def write_results(samples, meta):
    path = os.path.join(OUT, "results.md")
    kept = ""
    if os.path.exists(path):
        old = open(path).read()
        i = old.find("\n## Tuning")
        kept = old[i:] if i >= 0 else ""
    open(path, "w").write(report(samples, meta) + kept)
    json.dump(meta, open(os.path.join(OUT, "results.json"), "w"), indent=1)
    chart(samples, os.path.join(OUT, "rss.png"), meta)
    print(open(path).read().split("\n## Tuning")[0])


def jvm_options(data_dir):
    xml = open(os.path.join(data_dir, "server/domains/strata/config/domain.xml")).read()
    i = xml.find('<config name="server-config"')
    j = xml.find("</java-config>", i)
    import re
    opts = re.findall(r"<jvm-options>([^<]*)</jvm-options>", xml[i:j])
    return " ".join(o for o in opts if o.startswith("-X") and not o.startswith(("-XX:+UnlockDiagnostic", "-Xbootclasspath")))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True); p.add_argument("--key", required=True)
    p.add_argument("--data-dir", required=True); p.add_argument("--s3", required=True)
    p.add_argument("--databases", type=int, default=100)
    p.add_argument("--idle", type=int, default=60); p.add_argument("--load", type=int, default=600)
    p.add_argument("--soak", type=int, default=1800); p.add_argument("--soak-request", type=float, default=5)
    p.add_argument("--clients", type=int, default=4); p.add_argument("--think-ms", type=int, default=250)
    p.add_argument("--deadline", type=float, default=0, help="epoch seconds: the soak ends then at the latest (labelled partial)")
    p.add_argument("--command", default="bench/memory/run.sh")
    p.add_argument("--out", default=HERE, help="where results.md, results.json, samples.csv and rss.png go")
    p.add_argument("--redraw", action="store_true")
    a = p.parse_args()
    global OUT
    OUT = a.out
    os.makedirs(OUT, exist_ok=True)
    csv_path = os.path.join(OUT, "samples.csv")
    if a.redraw:
        write_results(read_samples(csv_path), json.load(open(os.path.join(OUT, "results.json"))))
        return
    pidfile = os.path.join(a.data_dir, "server/domains/strata/config/pid")
    api = Api(a.base, a.key)
    meta = {"when": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), "cores": os.cpu_count(),
            "jvm": subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0],
            "command": a.command, "jvm_options": jvm_options(a.data_dir), "malloc": "MALLOC_ARENA_MAX=" + os.environ.get("MALLOC_ARENA_MAX", "2"),
            "databases": a.databases, "idle": a.idle, "load_s": a.load, "soak_s": a.soak, "clients": a.clients}
    sampler = Sampler(pidfile, csv_path)
    sampler.start()
    print(f"start: idle {a.idle} s", flush=True)
    time.sleep(a.idle)  # the control plane at rest right after its start
    print(f"create: {a.databases} Redis databases", flush=True)
    sampler.set_phase("create")
    create_until(api, a.databases)
    fleet = api.all_ids()
    time.sleep(30)  # the fleet settles (first health checks) before the figure is taken
    sampler.sample()
    print(f"load: {a.load} s, {a.clients} clients", flush=True)
    sampler.set_phase("load")
    load = Load(api, a.s3, a.clients, a.think_ms, fleet)
    load.run(a.load)
    sampler.sample()
    jpid = sampler.pid()
    meta["heap_after_load"] = jcmd(jpid, "GC.heap_info")
    meta["ops"], meta["errors"] = load.counts, load.errors
    print(f"  requests: {load.counts}; failed: {load.errors}", flush=True)
    soak = a.soak
    if a.deadline and time.time() + soak > a.deadline:
        soak = max(0, int(a.deadline - time.time()))
        meta["partial"] = f"the soak was cut to {soak / 60:.1f} of {a.soak / 60:g} minutes to end before the deadline"
    print(f"soak: {soak} s", flush=True)
    sampler.set_phase("soak")
    end = time.time() + soak
    n = 0
    while time.time() < end:
        if n % 2 == 0:
            api.call("GET", f"{api.dbs}?limit=20")
        else:
            api.call("GET", f"{api.dbs}/{random.choice(fleet)}")
        n += 1
        time.sleep(min(a.soak_request, max(0, end - time.time())))  # the soak's light request every few seconds
    sampler.stop.set(); sampler.join()
    sampler.sample()
    meta["heap_soak_end"] = jcmd(jpid, "GC.heap_info")
    # after the last sample: a full GC shows the live heap (headroom under -Xmx); not part of any RSS figure
    jcmd(jpid, "GC.run")
    meta["heap_after_full_gc"] = jcmd(jpid, "GC.heap_info")
    sampler.out.close()
    write_results(read_samples(csv_path), meta)


if __name__ == "__main__":
    main()
