#!/usr/bin/env python3
# kill -9 of a local database server, then how long until it answers again (Strata's reconciler restarts it).
# usage: killback.py pg|mariadb|redis <text of the server's command line> <port> <trials>
# Run against ./strata run with one database of the engine ready; see results.md.
import os, signal, socket, subprocess, sys, time
SERVERS = {"postgres", "mariadbd", "redis-server"}
def pids(pattern):
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit(): continue
        try:
            comm = open(f"/proc/{d}/comm").read().strip()
            cmd = open(f"/proc/{d}/cmdline","rb").read().replace(b"\0", b" ").decode()
            stat = open(f"/proc/{d}/stat").read()
        except OSError:
            continue
        if comm in SERVERS and pattern in cmd and stat[stat.rindex(")")+2] not in "ZX":
            found.append(int(d))
    return found
def answers(engine, port):
    if engine == "pg":
        return subprocess.run(["pg_isready","-q","-h","127.0.0.1","-p",str(port)]).returncode == 0
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=0.5)
        s.settimeout(0.5)
        if engine == "redis":
            s.sendall(b"PING\r\n")
        data = s.recv(64)
        s.close()
        return len(data) > 0
    except OSError:
        return False
engine, pattern, port, trials = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
res = []
for t in range(trials):
    while not answers(engine, port): time.sleep(0.05)
    time.sleep(1.0)  # settled (not synchronisation of the measure)
    ps = pids(pattern)
    main = min(ps)
    t0 = time.monotonic()
    os.kill(main, signal.SIGKILL)
    # wait until the old port stops answering or a new process appears, then until it answers again
    while True:
        now = [p for p in pids(pattern) if p != main]
        if answers(engine, port) and (main not in pids(pattern)) and now:
            break
        time.sleep(0.01)
    res.append(time.monotonic() - t0)
    print(f"{engine} trial {t+1}: back after {res[-1]*1000:.0f} ms", flush=True)
res.sort()
print(f"{engine}: median {res[len(res)//2]*1000:.0f} ms, max {res[-1]*1000:.0f} ms over {len(res)}")
