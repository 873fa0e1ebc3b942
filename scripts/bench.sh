#!/usr/bin/env bash
# The public endpoints beside /healthz (a constant handler behind the same middleware),
# measured alternately in one run against a release build, with the demo plus 1,000
# ambassadors who agreed to the consent text and 10,000 of their testimonials approved and
# published on the careers page: for each round, wrk on /healthz, then on each endpoint.
# Prints requests/s and p99 latency (means over the rounds) and the ratio to /healthz, the
# figure to compare between machines and commits. Then each endpoint checks what it must:
# for the tracked link, after a SIGTERM, that the clicks stored equal the redirects the
# server answered (its own /metrics count of 302s).
#
# The endpoints: `redirect` (GET /r/{code} as browsers, each request another person behind
# the proxy the server trusts, since one client counts once per link per window: every
# answer a 302 and a click) and
# `testimonials` (the first page of GET /public/v1/testimonials, with an API key and an
# allowed Origin, as a careers page's visitors' browsers ask it).
#
#   scripts/bench.sh              # SQLite and then PostgreSQL
#   scripts/bench.sh sqlite       # one of them
#   scripts/bench.sh postgres     # a throwaway database (dropped afterwards) on
#                                 # VOUCH_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432
#
# BENCH_ROUNDS (3), BENCH_SECS (5 per wrk run), BENCH_THREADS (2), BENCH_CONNECTIONS (32),
# BENCH_AMBASSADORS (1000), BENCH_STORIES (10000), BENCH_QUERY (e.g. `?topic=learning&limit=6`:
# the testimonials page asked for), BENCH_ENDPOINTS (`redirect testimonials`).
# Builds the release binary first (into $CARGO_TARGET_DIR, default ./target); needs wrk
# (`apt-get install wrk`), curl, python3, and psql for PostgreSQL.
#
# Adding an endpoint: write `setup_NAME` (runs once the server is up; may seed data and set
# variables), `args_NAME` (fills the array WRK_ARGS: wrk's options and the URL) and, if
# something must hold afterwards, `check_NAME` (runs after the server stopped; fails the run
# by returning non-zero), then add NAME to ENDPOINTS.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)

read -r -a ENDPOINTS <<<"${BENCH_ENDPOINTS:-redirect testimonials}"

case "${1:-both}" in
    both) backends=(sqlite postgres) ;;
    sqlite | postgres) backends=("$1") ;;
    *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac
rounds=${BENCH_ROUNDS:-3}
secs=${BENCH_SECS:-5}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-32}
ambassadors=${BENCH_AMBASSADORS:-1000}
stories=${BENCH_STORIES:-10000}
pg_server=${VOUCH_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}

for tool in wrk curl python3; do
    command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install $tool)" >&2; exit 1; }
done

cargo build --release --quiet --bin vouch
bin="${CARGO_TARGET_DIR:-$root/target}/release/vouch"

BROWSER="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
lua_people=$(mktemp --suffix=.lua)

work=""
server_pid=""
pg_db=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
    if [[ -n "$pg_db" ]]; then
        psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null || true
        pg_db=""
    fi
    [[ -n "$work" ]] && rm -rf "$work"
    work=""
}
trap 'cleanup; rm -f "$lua_people"' EXIT

# One SQL query on the database under test; prints the first column of the first row.
sql() {
    if [[ -n "$pg_db" ]]; then
        psql -qtA "$pg_server/$pg_db" -c "$1"
    else
        python3 -c 'import sqlite3, sys; r = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r and r[0] is not None else 0)' \
            "$work/vouch.db" "$1"
    fi
}

# A counter of the server's /metrics: the sum of the series of $1 whose labels contain all
# of the rest.
metric() {
    curl -fs "$base/metrics" -H "Authorization: Bearer $VOUCH__METRICS__TOKEN" | python3 -c '
import sys
name, want = sys.argv[1], sys.argv[2:]
total = 0.0
for line in sys.stdin:
    if (line.startswith(name + "{") or line.startswith(name + " ")) and all(w in line for w in want):
        total += float(line.rsplit(" ", 1)[1])
print(int(total))' "$@"
}

# --- endpoints -------------------------------------------------------------------------

# GET /r/{code} of the demo's share (Amara's, to the careers page), as a browser: each
# answer is a 302 and a click.
setup_redirect() {
    local token
    token=$("$bin" admin token --email amara@acme.example 2>/dev/null | tail -n1)
    redirect_code=$(curl -fs "$base/api/v1/shares" -H "Authorization: Bearer $token" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["tracked_url"].rsplit("/r/", 1)[1])')
    redirect_share=$(sql "SELECT id FROM shares WHERE tracked_code = '$redirect_code'")
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' -A "$BROWSER" "$base/r/$redirect_code")
    [[ "$status" == 302 ]] || { echo "/r/$redirect_code answered $status" >&2; return 1; }
}

# Each request from another address (wrk thread and request number, in IPv6), as many
# people behind the proxy would be.
cat >"$lua_people" <<'LUA'
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("id", threads)
end
local n = 0
function request()
    n = n + 1
    -- Set in wrk.headers, which holds the -H headers too (a table given to wrk.format
    -- would replace them, User-Agent included).
    wrk.headers["X-Forwarded-For"] =
        string.format("fd00::%x:%x:%x", id, math.floor(n / 65536), n % 65536)
    return wrk.format()
end
LUA

args_redirect() {
    WRK_ARGS=(-s "$lua_people" -H "User-Agent: $BROWSER" "$base/r/$redirect_code")
}

# Runs before the server stops: remember how many redirects it answered, and how many of
# them were repeats of a client in its window (none are expected: every request is another
# person).
before_stop_redirect() {
    redirect_served=$(metric vouch_http_requests_total 'endpoint="/r/{code}"' 'status="302"')
    redirect_repeats=$(metric vouch_link_repeated_clicks_total)
}

check_redirect() {
    local stored
    stored=$(sql "SELECT COALESCE(SUM(clicks), 0) FROM link_clicks WHERE share_id = '$redirect_share'")
    if [[ $((stored + redirect_repeats)) == "$redirect_served" ]]; then
        echo "redirect: $redirect_served redirects answered, $stored clicks stored and $redirect_repeats repeats: none lost"
    else
        echo "redirect: $redirect_served redirects answered but $stored clicks stored and $redirect_repeats repeats" >&2
        return 1
    fi
}

# The first page of the careers page's testimonials, with a key whose limit the run cannot
# reach (the limiter is measured, not its refusals).
setup_testimonials() {
    local admin
    admin=$("$bin" admin token --email admin@acme.example 2>/dev/null | tail -n1)
    testimonials_key=$(curl -fs "$base/api/v1/api-keys" -H "Authorization: Bearer $admin" \
        -H 'content-type: application/json' \
        -d '{"name":"bench","allowed_origins":["https://careers.acme.example"],"rate_limit_per_min":10000000}' |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
    testimonials_url="$base/public/v1/testimonials${BENCH_QUERY:-}"
    local page
    page=$(curl -fs "$testimonials_url" -H "X-Api-Key: $testimonials_key")
    testimonials_items=$(python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))' <<<"$page")
    testimonials_bytes=${#page}
    [[ "$testimonials_items" -gt 0 ]] || { echo "the testimonials page is empty" >&2; return 1; }
}

args_testimonials() {
    WRK_ARGS=(-H "X-Api-Key: $testimonials_key" -H "Origin: https://careers.acme.example" "$testimonials_url")
}

check_testimonials() {
    echo "testimonials: pages of $testimonials_items items, $testimonials_bytes bytes"
}

# --- the run ---------------------------------------------------------------------------

# Runs wrk with WRK_ARGS; prints "requests/s p99-in-ms". Fails on any answer >= 400.
measure() {
    local out
    out=$(wrk -t"$threads" -c"$connections" -d"${secs}s" --latency "${WRK_ARGS[@]}")
    if grep -q "Non-2xx" <<<"$out"; then
        echo "$out" >&2
        echo "error answers during the run" >&2
        return 1
    fi
    awk '
        /^Requests\/sec:/ { rps = $2 }
        $1 == "99%" {
            v = $2
            if (v ~ /us$/) { sub(/us$/, "", v); p99 = v / 1000 }
            else if (v ~ /ms$/) { sub(/ms$/, "", v); p99 = v }
            else if (v ~ /s$/) { sub(/s$/, "", v); p99 = v * 1000 }
        }
        END { printf "%s %s\n", rps, p99 }' <<<"$out"
}

bench_backend() {
    local backend=$1
    work=$(mktemp -d)
    if [[ "$backend" == postgres ]]; then
        command -v psql >/dev/null || { echo "psql is needed for PostgreSQL" >&2; exit 1; }
        pg_db="vouch_bench_$$"
        psql -q "$pg_server/postgres" -c "CREATE DATABASE $pg_db" >/dev/null
        export VOUCH__DATABASE__URL="$pg_server/$pg_db"
    else
        export VOUCH__DATABASE__URL="sqlite://$work/vouch.db"
    fi
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    base="http://127.0.0.1:$port"
    export VOUCH_CONFIG_DIR="$root/config"
    export VOUCH__DATA_DIR="$work/data"
    export VOUCH__MAIL__DIR="$work/data/mail"
    export VOUCH__SERVER__PORT="$port"
    export VOUCH__AUTH__JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
    export VOUCH__AUTH__TOKEN_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
    # Every endpoint writes the same access line; at INFO the terminal, not the service,
    # would be measured.
    export VOUCH__LOG__FILTER=warn
    # /metrics on the API's listener is served only behind a token.
    export VOUCH__METRICS__TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')
    # wrk's requests name their "client" in X-Forwarded-For (see args_redirect).
    export VOUCH__SERVER__TRUSTED_PROXIES=127.0.0.1

    "$bin" demo >/dev/null
    "$bin" admin seed-careers --org acme --ambassadors "$ambassadors" --testimonials "$stories" >/dev/null
    "$bin" serve >"$work/serve.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        curl -fs "$base/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    curl -fs "$base/healthz" >/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    for name in "${ENDPOINTS[@]}"; do "setup_$name"; done

    declare -A rps_sum=() p99_sum=()
    local names=(healthz "${ENDPOINTS[@]}") round name r p
    for round in $(seq 1 "$rounds"); do
        for name in "${names[@]}"; do
            if [[ "$name" == healthz ]]; then
                WRK_ARGS=(-H "User-Agent: $BROWSER" "$base/healthz")
            else
                "args_$name"
            fi
            local res
            res=$(measure) || exit 1
            read -r r p <<<"$res"
            rps_sum[$name]=$(awk -v a="${rps_sum[$name]:-0}" -v b="$r" 'BEGIN { print a + b }')
            p99_sum[$name]=$(awk -v a="${p99_sum[$name]:-0}" -v b="$p" 'BEGIN { print a + b }')
        done
    done

    echo "backend: $backend; $ambassadors ambassadors, $stories stories; $rounds rounds of wrk -t$threads -c$connections -d${secs}s each, alternating; $(nproc) cores"
    printf '%-14s  %12s  %10s  %8s\n' endpoint "requests/s" "p99 ms" "ratio"
    local healthz_rps
    healthz_rps=$(awk -v s="${rps_sum[healthz]}" -v n="$rounds" 'BEGIN { print s / n }')
    for name in "${names[@]}"; do
        awk -v s="${rps_sum[$name]}" -v p="${p99_sum[$name]}" -v n="$rounds" -v h="$healthz_rps" -v name="$name" \
            'BEGIN { printf "%-14s  %12.0f  %10.2f  %8.3f\n", name, s / n, p / n, (s / n) / h }'
    done

    for name in "${ENDPOINTS[@]}"; do
        if declare -F "before_stop_$name" >/dev/null; then "before_stop_$name"; fi
    done
    # SIGTERM, as an orchestrator stops it: the server drains and writes what it counted.
    kill -TERM "$server_pid"
    wait "$server_pid" || { echo "vouch serve exited with $?" >&2; cat "$work/serve.log" >&2; exit 1; }
    server_pid=""
    local failed=0
    for name in "${ENDPOINTS[@]}"; do
        if declare -F "check_$name" >/dev/null; then "check_$name" || failed=1; fi
    done
    cleanup
    return "$failed"
}

status=0
for backend in "${backends[@]}"; do
    bench_backend "$backend" || status=1
    echo
done
exit "$status"
