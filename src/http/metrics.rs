//! Prometheus metrics: request counts and latencies by route pattern (actix-web-prom), and
//! the database pool's usage, read at scrape time.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::ErrorHandlers;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer, Resource};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use anyhow::Context;
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{Encoder, IntGauge, Opts, Registry, TextEncoder};
use secrecy::{ExposeSecret, SecretString};
use tracing_actix_web::TracingLogger;

use crate::auth::secrets::hash_token;
use crate::db::Pool;
use crate::error::AppError;
use crate::http::middleware;
use crate::state::AppState;
use crate::telemetry::RequestSpan;

/// The middleware that counts requests; `/metrics` itself is the `scrape` route below.
///
/// actix-web-prom can answer `/metrics` by itself, but it does so by letting the request
/// fall through to the 404 handler and rewriting the answer to 200, which leaves the 404
/// attached to the response (an error in every log and trace of every scrape) and leaves
/// no place to check a token.
pub fn build(state: &AppState) -> anyhow::Result<PrometheusMetrics> {
    let metrics = PrometheusMetricsBuilder::new("vouch")
        // Unmatched paths share one label, so scanners cannot blow up the series count.
        .mask_unmatched_patterns("UNMATCHED")
        .build()
        .map_err(|e| anyhow::anyhow!("building metrics: {e}"))?;
    metrics
        .registry
        .register(Box::new(PoolCollector::new(state.pool.clone())?))?;
    metrics
        .registry
        .register(Box::new(state.links.repeated.clone()))?;
    Ok(metrics)
}

/// The `/metrics` server on a listener of its own (`metrics.bind`): nothing else answers
/// there, and nothing of it answers on the API's listener. Returns its port and server.
pub fn serve_apart(
    listener: TcpListener,
    state: web::Data<AppState>,
    registry: web::Data<Registry>,
    shutdown_timeout: u64,
) -> anyhow::Result<(u16, Server)> {
    let port = listener.local_addr()?.port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(registry.clone())
            .wrap(ErrorHandlers::new().default_handler(middleware::problem_fallback))
            .wrap(TracingLogger::<RequestSpan>::new())
            .service(resource())
            .default_service(web::to(middleware::not_found))
    })
    .listen(listener)?
    .shutdown_signal(crate::http::stop::signal())
    // A scrape every few seconds needs no more.
    .workers(1)
    .shutdown_timeout(shutdown_timeout)
    .run();
    Ok((port, server))
}

/// `GET /metrics`, on whichever listener serves it.
pub fn resource() -> Resource {
    web::resource("/metrics").route(web::get().to(scrape))
}

/// The Prometheus text format of everything in `registry`, for a scraper with the token.
async fn scrape(
    req: HttpRequest,
    state: web::Data<AppState>,
    registry: web::Data<Registry>,
) -> Result<HttpResponse, AppError> {
    check_token(&req, &state.settings.metrics.token)?;
    let encoder = TextEncoder::new();
    let body = encoder
        .encode_to_string(&registry.gather())
        .context("encoding metrics")?;
    Ok(HttpResponse::Ok()
        .content_type(encoder.format_type())
        .body(body))
}

/// No token configured: open. Otherwise 401 without a bearer token, 403 with another one.
fn check_token(req: &HttpRequest, expected: &SecretString) -> Result<(), AppError> {
    let expected = expected.expose_secret().trim();
    if expected.is_empty() {
        return Ok(());
    }
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| AppError::unauthorized("send `Authorization: Bearer <metrics token>`"))?;
    // Digests compared, so the time taken says nothing about how much of the token matched.
    if hash_token(given.trim()) == hash_token(expected) {
        Ok(())
    } else {
        Err(AppError::forbidden("this is not the metrics token"))
    }
}

struct PoolCollector {
    pool: Pool,
    connections: IntGauge,
    idle: IntGauge,
    max: IntGauge,
}

impl PoolCollector {
    fn new(pool: Pool) -> anyhow::Result<PoolCollector> {
        Ok(PoolCollector {
            connections: IntGauge::with_opts(Opts::new(
                "vouch_db_pool_connections",
                "Open database connections (in use and idle)",
            ))?,
            idle: IntGauge::with_opts(Opts::new(
                "vouch_db_pool_idle_connections",
                "Idle database connections",
            ))?,
            max: IntGauge::with_opts(Opts::new(
                "vouch_db_pool_max_connections",
                "Configured size of the database pool",
            ))?,
            pool,
        })
    }
}

impl Collector for PoolCollector {
    fn desc(&self) -> Vec<&Desc> {
        [&self.connections, &self.idle, &self.max]
            .into_iter()
            .flat_map(|g| g.desc())
            .collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let state = self.pool.state();
        self.connections.set(i64::from(state.connections));
        self.idle.set(i64::from(state.idle_connections));
        self.max.set(i64::from(self.pool.max_size()));
        [&self.connections, &self.idle, &self.max]
            .into_iter()
            .flat_map(|g| g.collect())
            .collect()
    }
}
