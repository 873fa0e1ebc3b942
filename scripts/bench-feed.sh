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

bench_name=feed
# shellcheck source=scripts/bench-lib.sh
source "$root/scripts/bench-lib.sh"

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
