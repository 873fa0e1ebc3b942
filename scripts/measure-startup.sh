#!/usr/bin/env bash
# Time from `vouch serve` to the first 200 on /healthz, and the idle RSS after start, on
# SQLite (fresh file) and, if given, PostgreSQL:  scripts/measure-startup.sh [postgres-admin-url]
# Builds the release binary first. Numbers on shared 2-core machines are indicative only.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vouch-target}"
cargo build --release --bin vouch -q
bin="$CARGO_TARGET_DIR/release/vouch"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # label database-url port
  local label=$1 url=$2 port=$3
  local start pid ms rss
  start=$(date +%s%N)
  VOUCH__DATABASE__URL="$url" VOUCH__DATA_DIR="$work/data" VOUCH__MAIL__DIR="$work/mail" \
    VOUCH__SERVER__PORT="$port" VOUCH__LOG__FILTER=warn "$bin" serve >"$work/$label.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1000); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.005
  done
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 2
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  printf '%-10s healthz after %4d ms, idle RSS %6d KiB\n' "$label" "$ms" "$rss"
}

measure sqlite "sqlite://$work/vouch.db" 18411
if [ -n "${1:-}" ]; then
  db="vouch_measure_$$"
  psql "$1" -qc "CREATE DATABASE $db"
  measure postgres "${1%/*}/$db" 18412
  psql "$1" -qc "DROP DATABASE $db WITH (FORCE)"
fi
