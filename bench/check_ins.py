#!/usr/bin/env python3
"""The check-in load (签到): every lecture `seed-bench` confirmed for the benchmark school to
start 20 minutes after seeding is checked in to, each as two requests over loopback — the
school reads the code (GET /lectures/{id}/check-in-code), the lecture's expert checks in with it
(POST /lectures/{id}/check-in) — on 64 keep-alive connections at once. Prints what
bench/run.sh's measure prints: requests/s, p50 ms, p99 ms, non-2xx answers.

    python3 bench/check_ins.py ADDR SCHOOL_TOKEN ADMIN_TOKEN
"""
import http.client
import json
import queue
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

addr, school, admin = sys.argv[1], sys.argv[2], sys.argv[3]
host, port = addr.rsplit(":", 1)
CONNECTIONS = 64
PASSWORD = "bench-password-2026"


def call(conn, method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"null")


def connection():
    return http.client.HTTPConnection(host, int(port), timeout=30)


# The lectures to check in to: confirmed, the benchmark school's, not yet begun.
lectures = []
conn = connection()
since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600))
until = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 7200))
cursor = ""
while True:
    status, page = call(conn, "GET", f"/api/v1/lectures?state=confirmed&from={since}&to={until}&limit=100"
                        + (f"&cursor={cursor}" if cursor else ""), admin)
    assert status == 200, page
    lectures += [(l["id"], l["expert_id"]) for l in page["items"]]
    cursor = page["next_cursor"]
    if not cursor:
        break
experts = sorted({e for _, e in lectures})


# Each lecture's expert logs in (bench.expert0 … as seed-bench made them); their tokens by id.
def login(n):
    c = connection()
    status, body = call(c, "POST", "/api/v1/auth/login", body={"login": f"bench.expert{n}", "password": PASSWORD})
    assert status == 200, body
    token = body["access_token"]
    _, me = call(c, "GET", "/api/v1/me", token)
    return me["expert_id"], token


with ThreadPoolExecutor(8) as pool:
    tokens = dict(pool.map(login, range(len(experts))))
work = queue.Queue()
for lecture in lectures:
    work.put(lecture)

latencies, bad, lock = [], [0], threading.Lock()


def worker():
    c = connection()
    mine, failed = [], 0
    while True:
        try:
            lecture, expert = work.get_nowait()
        except queue.Empty:
            break
        t0 = time.perf_counter()
        status, body = call(c, "GET", f"/api/v1/lectures/{lecture}/check-in-code", school)
        t1 = time.perf_counter()
        mine.append(t1 - t0)
        if status != 200:
            failed += 1
            continue
        status, _ = call(c, "POST", f"/api/v1/lectures/{lecture}/check-in", tokens[expert], {"code": body["code"]})
        mine.append(time.perf_counter() - t1)
        if status != 200:
            failed += 1
    with lock:
        latencies.extend(mine)
        bad[0] += failed


started = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - started
latencies.sort()


def pct(p):
    return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else float("nan")


print(f"{len(latencies) / elapsed:.0f} {pct(0.50):.2f} {pct(0.99):.2f} {bad[0]} ({len(lectures)} lectures)")
