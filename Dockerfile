# Build: the same crate, release profile. Runtime: a slim Debian with the C libraries
# the binary links (libpq, SQLite, OpenSSL for STARTTLS).
FROM rust:1-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev libsqlite3-dev libssl-dev pkg-config && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cargo build --release --bin vouch

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 libsqlite3-0 libssl3 ca-certificates curl && rm -rf /var/lib/apt/lists/*
# An unprivileged user of its own: the process can write its data folder and nothing else.
# Numeric ids, so an orchestrator can check runAsNonRoot without reading /etc/passwd.
RUN groupadd --system --gid 10001 vouch \
 && useradd --system --uid 10001 --gid vouch --home-dir /app --no-create-home --shell /usr/sbin/nologin vouch \
 && mkdir -p /app/data \
 && chown vouch:vouch /app/data
COPY --from=build /src/target/release/vouch /usr/local/bin/vouch
COPY config /app/config
WORKDIR /app
# Production unless told otherwise: the start fails without VOUCH__AUTH__JWT_SECRET and
# VOUCH__AUTH__TOKEN_ENCRYPTION_KEY instead of generating throwaway ones.
ENV VOUCH_CONFIG_DIR=/app/config \
    VOUCH_ENV=production \
    VOUCH__DATA_DIR=/app/data
USER 10001:10001
EXPOSE 8080
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
CMD ["vouch", "serve"]
