#!/usr/bin/env bash
# What a refusal costs beside an answer, in one run: the careers page's read
# (GET /public/v1/testimonials, first page) served to a key whose limit the run cannot reach,
# and refused with 429 to a key of 1 request a minute, alternately, against a release build
# logging as in production (INFO, JSON lines, to a file). A refusal must cost less than an
# answer, or a client over its limit can load the server more by asking more.
#
# For each endpoint it prints requests/s and the server's own CPU time per request (user +
# system of the `vouch serve` process over the wrk run, from /proc, divided by the requests
# answered), then the ratio refused / served of the CPU time per request: the figure to
# compare. Below 1, a refusal is the cheaper answer.
#
#   scripts/bench-refusals.sh            # SQLite, a fresh file in a temp folder
#   scripts/bench-refusals.sh --pg       # a throwaway PostgreSQL database (dropped afterwards)
#                                        # on VOUCH_BENCH_POSTGRES_URL, default
#                                        # postgres://postgres@127.0.0.1:5432
#
# BENCH_ROUNDS (3), BENCH_SECS (5 per wrk run), BENCH_THREADS (2), BENCH_CONNECTIONS (32).
# Builds the release binary first (into $CARGO_TARGET_DIR, default
# ./target); needs wrk (`apt-get install wrk`), curl and python3; Linux (/proc).
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
rounds=${BENCH_ROUNDS:-3}
secs=${BENCH_SECS:-5}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-32}

for tool in wrk curl python3; do
    command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install $tool)" >&2; exit 1; }
done

bench_name=refusals
# shellcheck source=scripts/bench-lib.sh
source "$root/scripts/bench-lib.sh"
# The point is what each answer writes to the log: log as production does.
export VOUCH__LOG__FILTER=info
export VOUCH__LOG__FORMAT=json

base="http://127.0.0.1:$port"
# The demo's careers page: Amara's testimonial. A small page keeps the comparison about what
# the server does per request rather than the bytes wrk reads back on the same cores.
"$bin" demo >/dev/null
"$bin" serve >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    curl -fs "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fs "$base/healthz" >/dev/null || { cat "$work/serve.log" >&2; exit 1; }

admin=$("$bin" admin token --email admin@acme.example 2>/dev/null | tail -n1)
new_key() {
    curl -fs "$base/api/v1/api-keys" -H "Authorization: Bearer $admin" \
        -H 'content-type: application/json' \
        -d "{\"name\":\"bench $1\",\"allowed_origins\":[\"https://careers.acme.example\"],\"rate_limit_per_min\":$1}" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])'
}
served_key=$(new_key 10000000)
refused_key=$(new_key 1)
url="$base/public/v1/testimonials"
# The refused key's one request a minute, spent now.
curl -fs -o /dev/null "$url" -H "X-Api-Key: $refused_key"
status=$(curl -s -o /dev/null -w '%{http_code}' "$url" -H "X-Api-Key: $refused_key")
[[ "$status" == 429 ]] || { echo "the refused key answered $status, not 429" >&2; exit 1; }

# CPU time (user + system, in clock ticks) of the server so far.
ticks() {
    awk '{ print $14 + $15 }' "/proc/$server_pid/stat"
}

# One wrk run as `key`; prints "requests/s requests cpu-ticks". Fails on an unexpected status.
measure() {
    local key=$1 expect=$2 out before after
    before=$(ticks)
    out=$(wrk -t"$threads" -c"$connections" -d"${secs}s" \
        -H "X-Api-Key: $key" -H "Origin: https://careers.acme.example" "$url")
    after=$(ticks)
    if [[ "$expect" == 2xx ]] && grep -q "Non-2xx" <<<"$out"; then
        echo "$out" >&2
        echo "the served key was refused during the run" >&2
        return 1
    fi
    awk -v t=$((after - before)) '
        /^Requests\/sec:/ { rps = $2 }
        / requests in / { n = $1 }
        /Non-2xx or 3xx responses:/ { non2xx = $5 }
        END { printf "%s %s %s %s\n", rps, n, t, non2xx + 0 }' <<<"$out"
}

declare -A rps_sum=() n_sum=() ticks_sum=()
for round in $(seq 1 "$rounds"); do
    for name in served refused; do
        if [[ "$name" == served ]]; then
            res=$(measure "$served_key" 2xx) || exit 1
        else
            res=$(measure "$refused_key" 429) || exit 1
            read -r _ n _ non2xx <<<"$res"
            [[ "$non2xx" == "$n" ]] || { echo "round $round: $((n - non2xx)) of $n refusals were served" >&2; exit 1; }
        fi
        read -r r n t _ <<<"$res"
        rps_sum[$name]=$(awk -v a="${rps_sum[$name]:-0}" -v b="$r" 'BEGIN { print a + b }')
        n_sum[$name]=$((${n_sum[$name]:-0} + n))
        ticks_sum[$name]=$((${ticks_sum[$name]:-0} + t))
    done
done
log_lines=$(wc -l <"$work/serve.log")

hz=$(getconf CLK_TCK)
echo "backend: $backend; the demo's careers page; $rounds rounds of wrk -t$threads -c$connections -d${secs}s each, alternating; $(nproc) cores; log at INFO as JSON to a file"
printf '%-8s  %12s  %14s\n' answer "requests/s" "CPU µs/request"
for name in served refused; do
    awk -v s="${rps_sum[$name]}" -v r="$rounds" -v t="${ticks_sum[$name]}" -v n="${n_sum[$name]}" -v hz="$hz" -v name="$name" \
        'BEGIN { printf "%-8s  %12.0f  %14.1f\n", name, s / r, t / hz * 1e6 / n }'
done
awk -v ts="${ticks_sum[served]}" -v ns="${n_sum[served]}" -v tr="${ticks_sum[refused]}" -v nr="${n_sum[refused]}" \
    -v rs="${rps_sum[served]}" -v rr="${rps_sum[refused]}" \
    'BEGIN { printf "refused / served: %.2f × the CPU time per request (%.2f × the requests/s)\n", (tr / nr) / (ts / ns), rr / rs }'
echo "log: $log_lines lines for $((${n_sum[served]} + ${n_sum[refused]})) requests"
