#!/usr/bin/env bash
# The ambassadors' feed beside /healthz, measured in one run: the first page of
# GET /api/v1/feed (as an ambassador) and GET /healthz, with 300 and then 3,000 approved,
# publishable stories in the org. Prints requests per second for both and their ratio, the
# figure to compare between machines and commits (absolute numbers say more about the machine).
#
#   scripts/bench-feed.sh            # SQLite, a fresh file in a temp folder
#   scripts/bench-feed.sh --pg       # a throwaway PostgreSQL database (dropped afterwards) on
#                                    # VOUCH_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432
#
# BENCH_SECS (10), BENCH_THREADS (2) and BENCH_CONNECTIONS (32) set wrk's run. It builds the
# release binary first (into $CARGO_TARGET_DIR, default ./target) and needs wrk
# (`apt-get install wrk`, `brew install wrk`) and curl.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
backend=sqlite
if [[ "${1:-}" == "--pg" ]]; then
    backend=postgres
elif [[ -n "${1:-}" ]]; then
    echo "usage: $0 [--pg]" >&2
    exit 2
fi
secs=${BENCH_SECS:-10}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-32}

for tool in wrk curl; do
    command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install $tool)" >&2; exit 1; }
done

cargo build --release --quiet --bin vouch
bin="${CARGO_TARGET_DIR:-$root/target}/release/vouch"

work=$(mktemp -d)
server_pid=""
pg_db=""
pg_server=${VOUCH_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ -n "$pg_db" ]]; then
        psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if [[ "$backend" == postgres ]]; then
    pg_db="vouch_bench_$$"
    psql -q "$pg_server/postgres" -c "CREATE DATABASE $pg_db" >/dev/null
    db_url="$pg_server/$pg_db"
else
    db_url="sqlite://$work/vouch.db"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export VOUCH_CONFIG_DIR="$root/config"
export VOUCH__DATA_DIR="$work/data"
export VOUCH__MAIL__DIR="$work/data/mail"
export VOUCH__DATABASE__URL="$db_url"
export VOUCH__SERVER__PORT="$port"
export VOUCH__AUTH__JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
export VOUCH__AUTH__TOKEN_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
# Both endpoints write the same access line; at INFO the terminal, not the service, is measured.
export VOUCH__LOG__FILTER=warn

"$bin" demo >/dev/null
token=$("$bin" admin token --email amara@acme.example 2>/dev/null | tail -n1)

"$bin" serve >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/serve.log" >&2; exit 1; }

# Requests per second of one wrk run; fails on any non-2xx answer.
rate() {
    local out
    out=$(wrk -t"$threads" -c"$connections" -d"${secs}s" "$@")
    if grep -q "Non-2xx" <<<"$out"; then
        echo "$out" >&2
        echo "non-2xx answers during the run" >&2
        exit 1
    fi
    awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}

echo "backend: $backend; wrk -t$threads -c$connections -d${secs}s; $(nproc) cores"
printf '%8s  %12s  %12s  %8s  %s\n' stories "healthz r/s" "feed r/s" ratio "page"
seeded=0
for target in 300 3000; do
    out=$("$bin" admin seed-stories --org acme --count $((target - seeded)) 2>&1) ||
        { echo "$out" >&2; exit 1; }
    seeded=$target
    page=$(curl -fs "http://127.0.0.1:$port/api/v1/feed" -H "Authorization: Bearer $token")
    items=$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' <<<"$page")
    healthz=$(rate "http://127.0.0.1:$port/healthz")
    feed=$(rate -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/feed")
    ratio=$(awk -v f="$feed" -v h="$healthz" 'BEGIN { printf "%.3f", f / h }')
    printf '%8d  %12.0f  %12.0f  %8s  %s items, %s bytes\n' \
        "$target" "$healthz" "$feed" "$ratio" "$items" "${#page}"
done
