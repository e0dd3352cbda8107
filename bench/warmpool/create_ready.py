#!/usr/bin/env python3
"""create -> ready as a user sees it: POST a database, then GET it every 10 ms on one keep-alive connection until it
is ready; DELETE it, wait a second (creates interleaved with deletes, as users do), repeat.
    create_ready.py <base url> <api key> <engine> <n> [label]
Prints each sample on standard error and one summary line (JSON) with n, p50, p95, min and max in ms."""
import http.client, json, statistics, sys, time, urllib.parse

base, key, engine, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
label = sys.argv[5] if len(sys.argv) > 5 else engine
u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}


def call(method, path, body=None):
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, (json.loads(data) if data else None)


ws = call("GET", "/api/v1/workspaces")[1]["data"][0]["id"]
dbs = f"/api/v1/workspaces/{ws}/databases"
samples = []
for i in range(n):
    slug = f"wp-{engine[:5]}-{int(time.time() * 1000) % 10**9}-{i}"
    t0 = time.perf_counter()
    status, d = call("POST", dbs, {"name": slug, "slug": slug, "engine": engine})
    if status != 201:
        raise SystemExit(f"create answered {status}: {d}")
    while True:
        s, cur = call("GET", f"{dbs}/{d['id']}")
        if cur["status"] == "ready":
            break
        if cur["status"] == "error":
            raise SystemExit(f"{d['id']}: error: {cur.get('statusMessage')}")
        time.sleep(0.01)
    ms = (time.perf_counter() - t0) * 1000
    samples.append(ms)
    print(f"{label} run {i + 1}: {ms:.0f} ms ({d['id']})", file=sys.stderr, flush=True)
    call("DELETE", f"{dbs}/{d['id']}")
    time.sleep(1)
samples.sort()
p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
print(json.dumps({"label": label, "engine": engine, "n": n, "p50": round(statistics.median(samples)), "p95": round(p95),
                  "min": round(samples[0]), "max": round(samples[-1])}))
