//! Prometheus metrics: request counts and latencies by route pattern (actix-web-prom), and
//! the database pool's usage, read at scrape time.

use actix_web::{web, HttpResponse};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use anyhow::Context;
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{Encoder, IntGauge, Opts, Registry, TextEncoder};

use crate::db::Pool;
use crate::error::AppError;

/// The middleware that counts requests; `/metrics` itself is the `scrape` route below.
///
/// actix-web-prom can answer `/metrics` by itself, but it does so by letting the request
/// fall through to the 404 handler and rewriting the answer to 200, which leaves the 404
/// attached to the response (an error in every log and trace of every scrape) and leaves
/// no place to check a token.
pub fn build(pool: Pool) -> anyhow::Result<PrometheusMetrics> {
    let metrics = PrometheusMetricsBuilder::new("vouch")
        // Unmatched paths share one label, so scanners cannot blow up the series count.
        .mask_unmatched_patterns("UNMATCHED")
        .build()
        .map_err(|e| anyhow::anyhow!("building metrics: {e}"))?;
    metrics
        .registry
        .register(Box::new(PoolCollector::new(pool)?))?;
    Ok(metrics)
}

/// `GET /metrics`: the Prometheus text format of everything in `registry`.
pub async fn scrape(registry: web::Data<Registry>) -> Result<HttpResponse, AppError> {
    let encoder = TextEncoder::new();
    let body = encoder
        .encode_to_string(&registry.gather())
        .context("encoding metrics")?;
    Ok(HttpResponse::Ok()
        .content_type(encoder.format_type())
        .body(body))
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
