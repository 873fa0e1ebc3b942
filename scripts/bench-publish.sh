#!/usr/bin/env bash
# Shares published per second: N shares (half to LinkedIn, half to Mastodon) of the demo's
# publishable story, made over the API while no worker runs, then published by two
# `vouch worker` processes against the network fakes, which answer at once (zero latency).
# The figure is N / the time from the workers' start until the last share is `published`.
#
#   scripts/bench-publish.sh [--sqlite] [N]     (default: PostgreSQL, N = 900; at most 998:
#                                                one ambassador, whose daily cap tops at 1000)
#
# Builds the release binaries first. Needs psql (PostgreSQL) or sqlite3 (--sqlite), curl, jq.
#   VOUCH_BENCH_POSTGRES_URL   server for the throwaway database (postgres://postgres@127.0.0.1:5432)
#   BENCH_CONCURRENCY          jobs at once per worker process (default 8)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

engine=postgres
if [ "${1:-}" = "--sqlite" ]; then engine=sqlite; shift; fi
n=${1:-900}
[ "$n" -le 998 ] || { echo "N is at most 998 (the policy's daily cap per ambassador)" >&2; exit 2; }
per_worker=${BENCH_CONCURRENCY:-8}
pg=${VOUCH_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
pg=$(printf '%s' "$pg" | sed -E 's#^(postgres(ql)?://[^/?]+).*$#\1#')

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vouch-target}"
cargo build --release -q -p vouch -p vouch-fakes --bins
bin=$CARGO_TARGET_DIR/release/vouch
fakes_bin=$CARGO_TARGET_DIR/release/vouch-fakes

work=$(mktemp -d)
db=vouch_bench_$$
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$engine" = postgres ]; then
    psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [ "$engine" = postgres ]; then
  psql -q -v ON_ERROR_STOP=1 "$pg/postgres" -c "CREATE DATABASE $db" >/dev/null
  db_url=$pg/$db
  count_published() { psql -qtA "$db_url" -c "SELECT count(*) FROM shares WHERE status = 'published'"; }
else
  db_url=sqlite://$work/vouch.db
  count_published() { sqlite3 "$work/vouch.db" "SELECT count(*) FROM shares WHERE status = 'published'"; }
fi

"$fakes_bin" >"$work/fakes.txt" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ "$(wc -l <"$work/fakes.txt")" -ge 4 ] && break; sleep 0.05; done
li=$(awk '$1 == "linkedin" {print $2}' "$work/fakes.txt")
[ -n "$li" ] || { echo "the fakes did not start:" >&2; cat "$work/fakes.txt" >&2; exit 1; }
ma=$(awk '$1 == "mastodon" {print $2}' "$work/fakes.txt")

port=$(free_port)
base="http://127.0.0.1:$port"
export VOUCH_CONFIG_DIR="$root/config"
export VOUCH_ENV=development
export VOUCH__DATA_DIR="$work/data"
export VOUCH__DATABASE__URL="$db_url"
export VOUCH__SERVER__PORT=$port
export VOUCH__SERVER__PUBLIC_URL=$base
export VOUCH__MAIL__DIR="$work/mail"
export VOUCH__LOG__FILTER=warn
export VOUCH__SECURITY__ALLOW_PRIVATE_URLS=true
export VOUCH__NETWORKS__LINKEDIN__AUTH_URL=$li/oauth/v2/authorization
export VOUCH__NETWORKS__LINKEDIN__TOKEN_URL=$li/oauth/v2/accessToken
export VOUCH__NETWORKS__LINKEDIN__API_URL=$li
export VOUCH__NETWORKS__LINKEDIN__CLIENT_ID=li-client
export VOUCH__NETWORKS__LINKEDIN__CLIENT_SECRET=li-secret
export VOUCH__WORKER__POLL_INTERVAL_MS=50

# The API alone first: the shares wait in the queue until the workers start.
VOUCH__WORKER__ENABLED=false "$bin" serve --demo >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

admin=$("$bin" admin token --email admin@acme.example | tail -n1)
amara=$("$bin" admin token --email amara@acme.example | tail -n1)
api() { curl -sS --fail-with-body -H "Authorization: Bearer $1" -H 'content-type: application/json' "${@:2}"; }
api "$admin" -X PUT "$base/api/v1/org/policy" -d '{"disclosure":"#AcmeEmployee",
  "shares_per_day":1000,"shares_per_story_channel_per_day":1000}' >/dev/null

# Connect both accounts the way a browser would: the fakes approve at once.
connect() { # network body
  local authorize callback
  authorize=$(api "$amara" -X POST "$base/api/v1/me/accounts/$1/connect" -d "$2" | tee "$work/connect.json" | jq -r .authorize_url) \
    || { cat "$work/connect.json" >&2; exit 1; }
  callback=$(curl -s -o /dev/null -w '%{redirect_url}' "$authorize")
  curl -sf -o /dev/null "$callback"
}
connect linkedin '{}'
connect mastodon "{\"instance_url\":\"$ma\"}"

story=$(api "$amara" "$base/api/v1/feed" | jq -r '.items[0].id')
made=0
while [ "$made" -lt "$n" ]; do
  api "$amara" -X POST "$base/api/v1/shares" -H "Idempotency-Key: bench-$made" \
    -d "{\"story_id\":\"$story\",\"channels\":[\"linkedin\",\"mastodon\"]}" >/dev/null
  made=$((made + 2))
done
echo "$made shares queued on $engine; starting 2 workers × $per_worker jobs"

start=$(date +%s%N)
for _ in 1 2; do
  VOUCH__WORKER__CONCURRENCY=$per_worker "$bin" worker >>"$work/worker.log" 2>&1 &
  pids+=($!)
done
while [ "$(count_published)" -lt "$made" ]; do sleep 0.05; done
ms=$((($(date +%s%N) - start) / 1000000))
posts=$(curl -s "$li/_fake/posts" | jq length 2>/dev/null || echo "?")
echo "published $made shares in $ms ms: $((made * 1000 / ms)) shares/s (LinkedIn fake holds $posts posts)"
