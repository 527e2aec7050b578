#!/usr/bin/env bash
# The benchmark: builds the release binary with the `bench-routes` feature, seeds a database
# (1,000 experts, 3,000 courses, 500 schools, 100,000 past lectures, 3,000 past leaves, 10,000
# past consultations, an expert's year of 200 given lectures, a lecture with 200 evaluations and
# 30 observations) on SQLite and on
# PostgreSQL, starts the server on loopback and loads each list and each ceiling with wrk
# (2 threads, 64 connections; each load warmed up for BENCH_WARMUP_SECONDS, default 3, before
# it is measured), then reports requests/s, p50 and p99 latency, each load's ratio to its
# ceiling of the same run (a read to the bare 20-row read, a write to the bare insert), and the
# server's peak RSS. Targets (issues 8 and 9): every list ≥ 0.5× the bare read, the lecture
# writes ≥ 0.5× the bare insert, p99 < 50 ms, peak RSS ≤ 64 MB.
#
# The lecture lists are read on page 1 and on page 500 (the cursor found by walking there):
# the two must cost the same. "service record" reads an expert's year of 200 given lectures
# (issue 22's benchmark (b)); "evaluations" and "observations" a lecture's first page of each. "check-ins" (bench/check_ins.py, once per backend) checks in
# to 1,000 lectures starting together: for each the school reads the code and the expert
# checks in with it, driven by wrk on 64 connections. "lecture writes" is 派课 as the office does it, each step one
# request and one counted write: create a lecture for the benchmark school, offer it to an
# expert (BENCH_FLOW_EXPERTS of them, default 256, each logged in), the expert accepts it;
# every lecture at its own free time (two a week per expert, inside the load limits), so
# nothing conflicts and every answer is a 2xx.
#
#   bash bench/run.sh                  # both backends
#   BENCH_BACKENDS=sqlite bash bench/run.sh
#   BENCH_SECONDS=20 bash bench/run.sh # longer runs
#   BENCH_ROUNDS=3 bash bench/run.sh   # every load three times, in turn; medians reported
#   BENCH_ONLY='ceiling|lecture' bash bench/run.sh  # only the loads whose names match
#
# Needs wrk (apt-get install wrk) and, for PostgreSQL, the local server of .ci/run
# (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test; a database
# guanai_bench is created there and dropped afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH="${BENCH_SECONDS:-10}"
WARMUP_SECONDS="${BENCH_WARMUP_SECONDS:-3}"
ROUNDS="${BENCH_ROUNDS:-1}"
LECTURES="${BENCH_LECTURES:-100000}"
FLOW_EXPERTS="${BENCH_FLOW_EXPERTS:-256}"
BACKENDS="${BENCH_BACKENDS:-sqlite postgres}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

# Its own target directory: the README's release build (target/release/guanai) stays the
# service without the benchmark routes.
cargo build --quiet --release --features bench-routes --bin guanai --target-dir target/bench
bin=target/bench/release/guanai
work="$(mktemp -d)"
pid=""
pg_db=""
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    if [ -n "$pg_db" ]; then psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

login() { # addr login -> access token
    curl -fsS -X POST "http://$1/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d "{\"login\":\"$2\",\"password\":\"bench-password-2026\"}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# wrk's summary as "requests/s p50_ms p99_ms non2xx"
measure() { # addr method path token (method "FLOW": the lecture writes)
    local script="$work/wrk.lua"
    write_script() {
        if [ "$2" = FLOW ]; then
            flow_script "$script"
        else
            cat >"$script" <<LUA
wrk.method = "$2"
wrk.headers["Authorization"] = "Bearer $4"
wrk.headers["Content-Type"] = "application/json"
LUA
        fi
    }
    # A warm-up first (caches, prepared statements, allocator), not counted.
    write_script "$@"
    wrk -t2 -c64 -d"${WARMUP_SECONDS}s" -s "$script" "http://$1$3" >/dev/null 2>&1
    write_script "$@"
    wrk -t2 -c64 -d"${SECONDS_EACH}s" --latency -s "$script" "http://$1$3" >"$work/wrk.out" 2>&1
    python3 - "$work/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % label, text, re.M)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors:.*", text)
print(f"{rps:.0f} {ms('50'):.2f} {ms('99'):.2f} {bad.group(1) if bad else 0}{' ' + errors.group(0) if errors else ''}")
PY
}

# The lecture writes' wrk script. Each wrk thread makes lectures for its own share of the
# experts; a created lecture (201) is offered next, an offered one (200, "offered") accepted
# next, so every connection always has a step to send. Each run starts FLOW_WEEKS weeks
# after the last one's (the count of runs is kept in a file: measure runs in a subshell),
# so no two lectures of an expert ever meet.
FLOW_WEEKS=26
flow_script() { # file
    local run
    run="$(cat "$work/flow_runs" 2>/dev/null || echo 0)"
    echo $((run + 1)) >"$work/flow_runs"
    local first=$((flow_base + run * FLOW_WEEKS * 7 * 86400))
    {
        echo "local admin = \"Bearer $admin\""
        echo "local school = \"$school_id\""
        echo "local first = $first"
        echo "local experts = {"
        cat "$work/experts.lua"
        echo "}"
        cat <<'LUA'
local threads, counter, to_offer, to_accept = 2, 0, {}, {}
local n = 0
function setup(thread)
    thread:set("thread_no", n)
    n = n + 1
end
local function post(path, token, body)
    return wrk.format("POST", path,
        { ["Authorization"] = token, ["Content-Type"] = "application/json" }, body)
end
local function stamp(t)
    return os.date("!%Y-%m-%dT%H:%M:%SZ", t)
end
function request()
    local item = table.remove(to_accept)
    if item then
        return post("/api/v1/lectures/" .. item.id .. "/accept", "Bearer " .. experts[item.e].token, "{}")
    end
    item = table.remove(to_offer)
    if item then
        return post("/api/v1/lectures/" .. item.id .. "/offer", admin,
            '{"expert_id":"' .. experts[item.e].id .. '"}')
    end
    local share = math.floor(#experts / threads)
    local e = (counter % share) * threads + thread_no + 1
    local k = math.floor(counter / share)
    counter = counter + 1
    -- Mondays and Wednesdays, 09:00-10:30 in Shanghai (01:00Z): two a week, ten at most a month.
    local start = first + math.floor(k / 2) * 7 * 86400 + (k % 2) * 2 * 86400
    return post("/api/v1/lectures", admin, string.format(
        '{"team":"%s","topic":"基准派课","mode":"offline","audiences":["parents"],"expected_size":80,'
            .. '"school_id":"%s","note":"e%d","slots":[{"start":"%s","end":"%s"}]}',
        experts[e].team, school, e, stamp(start), stamp(start + 5400)))
end
function response(status, headers, body)
    if status ~= 201 and status ~= 200 then return end
    local id = body:match('^{"id":"([%x%-]+)"')
    local e = tonumber(body:match('"note":"e(%d+)"'))
    if not id or not e then return end
    if status == 201 then
        table.insert(to_offer, { id = id, e = e })
    elseif body:match('"state":"offered"') then
        table.insert(to_accept, { id = id, e = e })
    end
end
LUA
    } >"$1"
}

# Logs in `count` benchmark experts in parallel and writes their Lua table rows
# ({id, token, team}) to experts.lua.
login_experts() { # addr count
    python3 - "$1" "$2" >"$work/experts.lua" <<'PY'
import json, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
addr, count = sys.argv[1], int(sys.argv[2])
teams = ["family_education", "mental_health", "reading", "ideology", "traditional_culture", "legal_safety"]
def call(method, path, token=None, body=None):
    req = urllib.request.Request(f"http://{addr}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
def one(n):
    token = call("POST", "/api/v1/auth/login", body={"login": f"bench.expert{n}", "password": "bench-password-2026"})["access_token"]
    me = call("GET", "/api/v1/me", token)
    # bench::seed puts expert n in team n mod 6.
    return '{ id = "%s", token = "%s", team = "%s" },' % (me["expert_id"], token, teams[n % 6])
with ThreadPoolExecutor(4) as pool:
    for row in pool.map(one, range(count)):
        print(row)
PY
}

# The cursor of page `page` of a list, found by walking it.
cursor_of_page() { # addr token path page
    python3 - "$@" <<'PY'
import json, sys, urllib.parse, urllib.request
addr, token, path, page = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
cursor = ""
for _ in range(page - 1):
    sep = "&" if "?" in path else "?"
    url = f"http://{addr}{path}" + (f"{sep}cursor={urllib.parse.quote(cursor)}" if cursor else "")
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as r:
        cursor = json.load(r)["next_cursor"]
    if not cursor:
        sys.exit(f"{path} has fewer than {page} pages")
print(cursor)
PY
}

# The first Monday at least a week ahead, 01:00Z (09:00 in Shanghai).
flow_base=$(python3 -c '
import datetime as d
t = d.date.today() + d.timedelta(days=7)
t += d.timedelta(days=(7 - t.weekday()) % 7)
print(int(d.datetime(t.year, t.month, t.day, 1, tzinfo=d.timezone.utc).timestamp()))')

for backend in $BACKENDS; do
    case "$backend" in
        sqlite) url="sqlite://$work/bench.db" ;;
        postgres)
            pg_db=guanai_bench
            psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null
            psql "$PG_URL" -qc "CREATE DATABASE $pg_db" >/dev/null
            url="${PG_URL%/*}/$pg_db"
            ;;
        *) echo "unknown backend $backend" >&2; exit 1 ;;
    esac
    export DATABASE_URL="$url"
    export GUANAI_JWT_SECRET="bench-secret-bench-secret-bench-secret-01"
    export GUANAI_DATA_KEY="0000000000000000000000000000000000000000000000000000000000000001"
    export GUANAI_MAIL_TRANSPORT=log
    export GUANAI_LOG=warn
    # The lecture writes place each run's lectures weeks after the last run's: years ahead.
    export GUANAI_DAYS_AHEAD=3650
    "$bin" seed-bench --experts 1000 --courses 3000 --schools 500 --lectures "$LECTURES" >"$work/seeded"
    evaluated="$(sed -n 's/^evaluated lecture: //p' "$work/seeded")"
    # A database in use has planner statistics and a visibility map (autovacuum keeps them);
    # a freshly loaded one gets them now.
    if [ "$backend" = postgres ]; then psql "$url" -qc "VACUUM ANALYZE" >/dev/null; fi

    : >"$work/stdout"
    GUANAI_BIND=127.0.0.1:0 "$bin" serve >"$work/stdout" 2>"$work/stderr" &
    pid=$!
    addr=""
    for _ in $(seq 1 300); do
        addr="$(sed -n 's#^guanai listening on http://##p' "$work/stdout" | head -n1)"
        [ -n "$addr" ] && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/stderr" >&2; exit 1; }
        sleep 0.1
    done
    admin="$(login "$addr" bench.admin)"
    school="$(login "$addr" bench.school)"
    expert="$(login "$addr" bench.expert1)"
    record="$(login "$addr" bench.record)"
    record_id="$(curl -fsS "http://$addr/api/v1/me" -H "Authorization: Bearer $record" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["expert_id"])')"
    year_from="$(date -u +%F -d '364 days ago')"
    year_to="$(date -u +%F)"
    school_id="$(curl -fsS "http://$addr/api/v1/me" -H "Authorization: Bearer $school" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["school_id"])')"
    login_experts "$addr" "$FLOW_EXPERTS"
    school_p500="$(cursor_of_page "$addr" "$school" "/api/v1/lectures?limit=20" 500)"
    office_p500="$(cursor_of_page "$addr" "$admin" "/api/v1/lectures?limit=20" 500)"

    echo
    echo "## $backend ($(nproc) cores, wrk -t2 -c64 -d${SECONDS_EACH}s, median of $ROUNDS round(s), 1000 experts, 3000 courses, 500 schools, $LECTURES lectures)"
    echo
    : >"$work/results"
    for round in $(seq 1 "$ROUNDS"); do
        while IFS='|' read -r name method path token; do
            [[ -z "${BENCH_ONLY:-}" || "$name" =~ $BENCH_ONLY ]] || continue
            read -r rps p50 p99 bad rest <<<"$(measure "$addr" "$method" "$path" "${!token}")"
            echo "$name|$rps|$p50|$p99|$bad${rest:+ $rest}" >>"$work/results"
        done <<LOADS
bare read (ceiling)|GET|/bench/read|admin
plain JSON (ceiling)|GET|/bench/plain|admin
bare insert (ceiling)|POST|/bench/insert|admin
courses, office|GET|/api/v1/courses?limit=20|admin
courses, school|GET|/api/v1/courses?limit=20|school
experts, office|GET|/api/v1/experts?limit=20|admin
experts, school|GET|/api/v1/experts?limit=20|school
schools, office|GET|/api/v1/schools?limit=20|admin
lectures, school, page 1|GET|/api/v1/lectures?limit=20|school
lectures, school, page 500|GET|/api/v1/lectures?limit=20&cursor=$school_p500|school
lectures, office, page 1|GET|/api/v1/lectures?limit=20|admin
lectures, office, page 500|GET|/api/v1/lectures?limit=20&cursor=$office_p500|admin
leaves, office|GET|/api/v1/leaves?limit=20|admin
leaves, expert|GET|/api/v1/leaves?limit=20|expert
consultations, office|GET|/api/v1/consultations?limit=20|admin
consultations, expert|GET|/api/v1/consultations?limit=20|expert
evaluations, office|GET|/api/v1/lectures/$evaluated/evaluations?limit=20|admin
observations, office|GET|/api/v1/lectures/$evaluated/observations?limit=20|admin
service record, a year of 200 lectures|GET|/api/v1/experts/$record_id/service-record?from=$year_from&to=$year_to|record
lecture writes (create, offer, accept)|FLOW|/api/v1/lectures|admin
LOADS
    done
    # The check-ins can be made once: their lectures are checked in afterwards.
    if [[ -z "${BENCH_ONLY:-}" || "check-ins" =~ $BENCH_ONLY ]]; then
        read -r rps p50 p99 bad rest <<<"$(python3 bench/check_ins.py "$addr" "$school" "$admin")"
        echo "check-ins (code read, check-in)|$rps|$p50|$p99|$bad${rest:+ $rest}" >>"$work/results"
    fi
    # One row per load: the median of the rounds (requests/s, p50, p99), its ratio to its
    # ceiling's median (a write's to the bare insert, the rest to the bare read), and the
    # non-2xx answers of every round added up.
    python3 - "$work/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, rps, p50, p99, bad = line.rstrip("\n").split("|")
    rows.setdefault(name, []).append((float(rps), float(p50), float(p99), bad))
nan = float("nan")
bare = statistics.median(r[0] for r in rows.get("bare read (ceiling)", [(nan,)]))
insert = statistics.median(r[0] for r in rows.get("bare insert (ceiling)", [(nan,)]))
print("| load | requests/s | p50 ms | p99 ms | × ceiling | non-2xx |")
print("|---|---:|---:|---:|---:|---:|")
for name, runs in rows.items():
    rps = statistics.median(r[0] for r in runs)
    p50 = statistics.median(r[1] for r in runs)
    p99 = statistics.median(r[2] for r in runs)
    bad = sum(int(r[3].split()[0]) for r in runs)
    extra = " ".join(" ".join(r[3].split()[1:]) for r in runs).strip()
    ceiling = insert if name.startswith(("lecture writes", "bare insert", "check-ins")) else bare
    print(f"| {name} | {rps:.0f} | {p50:.2f} | {p99:.2f} | {rps / ceiling:.2f} | {bad}{' ' + extra if extra else ''} |")
PY
    rss="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
    if [ -n "${BENCH_KEEP:-}" ]; then cp "$work/wrk.lua" "$BENCH_KEEP.lua"; cp "$work/stderr" "$BENCH_KEEP.stderr"; fi
    echo
    echo "peak server RSS: $((rss / 1024)) MB"
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
    if [ "$backend" = postgres ]; then psql "$PG_URL" -qc "DROP DATABASE $pg_db" >/dev/null; pg_db=""; fi
done
