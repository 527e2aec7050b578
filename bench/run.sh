#!/usr/bin/env bash
# The benchmark: builds the release binary with the `bench-routes` feature, seeds a database
# (1,000 experts, 3,000 courses, 500 schools) on SQLite and on PostgreSQL, starts the server
# on loopback and loads each list and each ceiling with wrk (2 threads, 64 connections; each
# load warmed up for BENCH_WARMUP_SECONDS, default 3, before it is measured), then
# reports requests/s, p50 and p99 latency, each list's ratio to the bare read of the same run,
# and the server's peak RSS. Targets (issue 8): every list ≥ 0.5× the bare read, p99 < 50 ms,
# peak RSS ≤ 64 MB.
#
#   bash bench/run.sh                  # both backends
#   BENCH_BACKENDS=sqlite bash bench/run.sh
#   BENCH_SECONDS=20 bash bench/run.sh # longer runs
#   BENCH_ROUNDS=3 bash bench/run.sh   # every load three times, in turn; medians reported
#
# Needs wrk (apt-get install wrk) and, for PostgreSQL, the local server of .ci/run
# (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test; a database
# guanai_bench is created there and dropped afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH="${BENCH_SECONDS:-10}"
WARMUP_SECONDS="${BENCH_WARMUP_SECONDS:-3}"
ROUNDS="${BENCH_ROUNDS:-1}"
BACKENDS="${BENCH_BACKENDS:-sqlite postgres}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

cargo build --quiet --release --features bench-routes --bin guanai
bin=target/release/guanai
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
measure() { # addr method path token
    local script="$work/wrk.lua"
    cat >"$script" <<LUA
wrk.method = "$2"
wrk.headers["Authorization"] = "Bearer $4"
wrk.headers["Content-Type"] = "application/json"
LUA
    # A warm-up first (caches, prepared statements, allocator), not counted.
    wrk -t2 -c64 -d"${WARMUP_SECONDS}s" -s "$script" "http://$1$3" >/dev/null 2>&1
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
    export GUANAI_MAIL_TRANSPORT=log
    export GUANAI_LOG=warn
    "$bin" seed-bench --experts 1000 --courses 3000 --schools 500 >/dev/null
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

    echo
    echo "## $backend ($(nproc) cores, wrk -t2 -c64 -d${SECONDS_EACH}s, median of $ROUNDS round(s), 1000 experts, 3000 courses, 500 schools)"
    echo
    : >"$work/results"
    for round in $(seq 1 "$ROUNDS"); do
        while IFS='|' read -r name method path token; do
            read -r rps p50 p99 bad rest <<<"$(measure "$addr" "$method" "$path" "${!token}")"
            echo "$name|$rps|$p50|$p99|$bad${rest:+ $rest}" >>"$work/results"
        done <<'LOADS'
bare read (ceiling)|GET|/bench/read|admin
plain JSON (ceiling)|GET|/bench/plain|admin
bare insert (ceiling)|POST|/bench/insert|admin
courses, office|GET|/api/v1/courses?limit=20|admin
courses, school|GET|/api/v1/courses?limit=20|school
experts, office|GET|/api/v1/experts?limit=20|admin
experts, school|GET|/api/v1/experts?limit=20|school
schools, office|GET|/api/v1/schools?limit=20|admin
LOADS
    done
    # One row per load: the median of the rounds (requests/s, p50, p99), its ratio to the
    # bare read's median, and the non-2xx answers of every round added up.
    python3 - "$work/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, rps, p50, p99, bad = line.rstrip("\n").split("|")
    rows.setdefault(name, []).append((float(rps), float(p50), float(p99), bad))
bare = statistics.median(r[0] for r in rows["bare read (ceiling)"])
print("| load | requests/s | p50 ms | p99 ms | × bare read | non-2xx |")
print("|---|---:|---:|---:|---:|---:|")
for name, runs in rows.items():
    rps = statistics.median(r[0] for r in runs)
    p50 = statistics.median(r[1] for r in runs)
    p99 = statistics.median(r[2] for r in runs)
    bad = sum(int(r[3].split()[0]) for r in runs)
    extra = " ".join(" ".join(r[3].split()[1:]) for r in runs).strip()
    print(f"| {name} | {rps:.0f} | {p50:.2f} | {p99:.2f} | {rps / bare:.2f} | {bad}{' ' + extra if extra else ''} |")
PY
    rss="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
    echo
    echo "peak server RSS: $((rss / 1024)) MB"
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
    if [ "$backend" = postgres ]; then psql "$PG_URL" -qc "DROP DATABASE $pg_db" >/dev/null; pg_db=""; fi
done
