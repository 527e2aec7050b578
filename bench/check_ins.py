#!/usr/bin/env python3
"""The check-in load (签到): every lecture `seed-bench` confirmed for the benchmark school to
start 20 minutes after seeding is checked in to, each as two requests over loopback — the
school reads the code (GET /lectures/{id}/check-in-code), the lecture's expert checks in with it
(POST /lectures/{id}/check-in) — by wrk on 64 keep-alive connections at once (2 threads, each
with half the lectures; a thread stops once each of its lectures is checked in). Python only
finds the lectures and logs their experts in: the load itself is wrk's, as every other load of
bench/run.sh is, so the client's own time stays out of the latencies. Prints what
bench/run.sh's measure prints: requests/s, p50 ms, p99 ms, non-2xx answers.

    python3 bench/check_ins.py ADDR SCHOOL_TOKEN ADMIN_TOKEN

A code read carries `X-Request-Id: lecture-N`, which the service echoes, so the answer's code
is matched to its lecture whichever connection sends the check-in.
"""
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

addr, school, admin = sys.argv[1], sys.argv[2], sys.argv[3]
host, port = addr.rsplit(":", 1)
PASSWORD = "bench-password-2026"
# Long enough for 2,000 requests at a tenth of the rate seen; a load that has not finished by
# then is reported as such rather than as a rate. wrk waits this long whatever happens (its
# threads stop early, its main thread does not): the rate is timed from the threads' own
# start and finish.
LIMIT_SECONDS = int(os.environ.get("CHECK_INS_LIMIT_SECONDS", "30"))


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
if not lectures:
    sys.exit("no confirmed lecture of the benchmark school starts within the hour: seed afresh")
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

SCRIPT = r"""
local school = "Bearer %(school)s"
local lectures = {
%(rows)s
}
local threads, created = {}, 0
function setup(thread)
    thread:set("thread_no", created)
    created = created + 1
    table.insert(threads, thread)
end
local function now_ns()
    local p = io.popen("date +%%s%%N")
    local t = tonumber(p:read("*l"))
    p:close()
    return t
end
-- This thread's lectures: every second one, from its number on. started_ns, finished_ns,
-- checked, share and statuses are globals: done() reads them through thread:get.
local mine, next_mine, to_check
local queued = {}
function init(args)
    mine = {}
    for i = thread_no + 1, #lectures, 2 do table.insert(mine, i) end
    next_mine, to_check = 1, {}
    checked, share, statuses = 0, #mine, ""
    started_ns = now_ns()
end
local function code_read(i)
    return wrk.format("GET", "/api/v1/lectures/" .. lectures[i][1] .. "/check-in-code",
        { ["Authorization"] = school, ["X-Request-Id"] = "lecture-" .. i })
end
function request()
    local item = table.remove(to_check, 1)
    if item then
        return wrk.format("POST", "/api/v1/lectures/" .. lectures[item.i][1] .. "/check-in",
            { ["Authorization"] = "Bearer " .. lectures[item.i][2], ["Content-Type"] = "application/json",
              ["X-Request-Id"] = "done-" .. item.i },
            '{"code":"' .. item.code .. '"}')
    end
    if next_mine <= #mine then
        next_mine = next_mine + 1
        return code_read(mine[next_mine - 1])
    end
    -- Every code has been asked for and some answers are still out: a connection with
    -- nothing left reads again the code of a lecture not yet answered (a real request of the
    -- load). This also makes up for the request wrk builds once to look at and never sends.
    for _, i in ipairs(mine) do
        if not queued[i] then return code_read(i) end
    end
    return code_read(mine[#mine])
end
function response(status, headers, body)
    local id = headers["x-request-id"] or ""
    local i = tonumber(id:match("^lecture%%-(%%d+)$"))
    if status ~= 200 and #statuses < 400 then statuses = statuses .. " " .. status .. ":" .. id end
    if i and status == 200 and not queued[i] then
        queued[i] = true
        table.insert(to_check, { i = i, code = body:match('"code":"(%%d+)"') })
    elseif id:match("^done%%-") then
        checked = checked + 1
        if checked == share then
            finished_ns = now_ns()
            wrk.thread:stop()
        end
    end
end
function done(summary, latency, requests)
    local first, last, complete = nil, nil, true
    for _, t in ipairs(threads) do
        local s, f = t:get("started_ns"), t:get("finished_ns")
        if not f then
            complete = false
            io.write("thread " .. t:get("thread_no") .. " unfinished: " .. t:get("checked") .. "/" .. t:get("share")
                .. " checked in; refused:" .. t:get("statuses") .. "\n")
        else
            if not first or s < first then first = s end
            if not last or f > last then last = f end
        end
    end
    if not complete then
        io.write("RESULT incomplete\n")
        return
    end
    io.write(string.format("RESULT %%d %%.6f %%.3f %%.3f %%d\n", summary.requests, (last - first) / 1e9,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
"""

rows = "\n".join('    { "%s", "%s" },' % (lecture, tokens[expert]) for lecture, expert in lectures)
with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
    f.write(SCRIPT % {"school": school, "rows": rows})
    script = f.name
try:
    out = subprocess.run(["wrk", "-t2", "-c64", f"-d{LIMIT_SECONDS}s", "--timeout", "10s", "-s", script,
                          f"http://{addr}"], capture_output=True, text=True, check=True).stdout
finally:
    os.unlink(script)
result = [line for line in out.splitlines() if line.startswith("RESULT ")]
if not result or result[0] == "RESULT incomplete":
    sys.exit(f"the check-ins did not finish in {LIMIT_SECONDS} s:\n{out}")
requests, seconds, p50, p99, bad = result[0].split()[1:]
print(f"{int(requests) / float(seconds):.0f} {float(p50):.2f} {float(p99):.2f} {bad} ({len(lectures)} lectures)")
