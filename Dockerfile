# Build: the same crate, release profile. Runtime: a slim Debian with the C libraries
# the binary links (libpq, SQLite, OpenSSL for STARTTLS).
FROM rust:1-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev libsqlite3-dev libssl-dev pkg-config && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cargo build --release --bin vouch

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 libsqlite3-0 libssl3 ca-certificates curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/vouch /usr/local/bin/vouch
COPY config /app/config
WORKDIR /app
ENV VOUCH_CONFIG_DIR=/app/config
EXPOSE 8080
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
CMD ["vouch", "serve"]
