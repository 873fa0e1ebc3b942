#!/usr/bin/env bash
# The careers page's public read beside /healthz, measured in one run: the first page of
# GET /public/v1/testimonials (with an API key, as a careers site's visitors' browsers ask
# it) and GET /healthz, with 1,000 ambassadors who agreed to the consent text and 10,000 of
# their testimonials approved and published on the careers page. Prints requests per second
# of both, their ratio, and each one's p99 latency as wrk measured it.
#
#   scripts/bench-testimonials.sh         # SQLite, a fresh file in a temp folder
#   scripts/bench-testimonials.sh --pg    # a throwaway PostgreSQL database (dropped afterwards)
#                                         # on VOUCH_BENCH_POSTGRES_URL, default
#                                         # postgres://postgres@127.0.0.1:5432
#
# BENCH_SECS (10), BENCH_THREADS (2), BENCH_CONNECTIONS (32), BENCH_AMBASSADORS (1000) and
# BENCH_TESTIMONIALS (10000) set the run; BENCH_QUERY (e.g. `?topic=learning&limit=6`) the
# page asked for. It builds the release binary first (into
# $CARGO_TARGET_DIR, default ./target) and needs wrk (`apt-get install wrk`), curl and
# python3. The goal: testimonials ≥ 0.7 × /healthz, p99 < 10 ms.
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
ambassadors=${BENCH_AMBASSADORS:-1000}
testimonials=${BENCH_TESTIMONIALS:-10000}

for tool in wrk curl python3; do
    command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install $tool)" >&2; exit 1; }
done

bench_name=careers
# shellcheck source=scripts/bench-lib.sh
source "$root/scripts/bench-lib.sh"

"$bin" demo >/dev/null
"$bin" admin seed-careers --org acme --ambassadors "$ambassadors" --testimonials "$testimonials"
admin=$("$bin" admin token --email admin@acme.example 2>/dev/null | tail -n1)

"$bin" serve >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/serve.log" >&2; exit 1; }

# A key whose limit the run cannot reach: the limiter is measured, not its refusals.
key=$(curl -fs "http://127.0.0.1:$port/api/v1/api-keys" -H "Authorization: Bearer $admin" \
    -H 'content-type: application/json' \
    -d '{"name":"bench","allowed_origins":["https://careers.acme.example"],"rate_limit_per_min":10000000}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
url="http://127.0.0.1:$port/public/v1/testimonials${BENCH_QUERY:-}"

# Requests per second and p99 of one wrk run; fails on any non-2xx answer.
measure() {
    local out
    out=$(wrk --latency -t"$threads" -c"$connections" -d"${secs}s" "$@")
    if grep -q "Non-2xx" <<<"$out"; then
        echo "$out" >&2
        echo "non-2xx answers during the run" >&2
        exit 1
    fi
    awk '/^Requests\/sec:/ { rps = $2 } /^ +99%/ { p99 = $2 } END { print rps, p99 }' <<<"$out"
}

page=$(curl -fs "$url" -H "X-Api-Key: $key")
items=$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' <<<"$page")
echo "backend: $backend; $ambassadors ambassadors, $testimonials testimonials on the careers page;" \
    "wrk -t$threads -c$connections -d${secs}s; $(nproc) cores; first page: $items items, ${#page} bytes"
read -r healthz healthz_p99 <<<"$(measure "http://127.0.0.1:$port/healthz")"
read -r careers careers_p99 <<<"$(measure -H "X-Api-Key: $key" -H "Origin: https://careers.acme.example" "$url")"
ratio=$(awk -v c="$careers" -v h="$healthz" 'BEGIN { printf "%.3f", c / h }')
printf '%-28s %12s %10s\n' endpoint "r/s" p99
printf '%-28s %12.0f %10s\n' "/healthz" "$healthz" "$healthz_p99"
printf '%-28s %12.0f %10s\n' "/public/v1/testimonials" "$careers" "$careers_p99"
echo "ratio testimonials / healthz: $ratio"
