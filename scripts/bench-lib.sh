# Shared by the benchmark scripts (sourced, not run): builds the release binary, makes a
# fresh database (SQLite file, or a throwaway PostgreSQL database when `backend=postgres`)
# dropped on exit, and exports the server's settings. Expects `root` and `backend`; sets
# `bin`, `work`, `db_url`, `port` and `server_pid` (for the caller to start the server).
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
    pg_db="vouch_bench_${bench_name:-x}_$$"
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
