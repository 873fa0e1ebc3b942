//! Vouch: the backend of an employer-brand ambassador platform. `Application::build` turns
//! settings into a running server (config → pool → mailer → routes); `main` only parses the CLI.

// A panic on a request path is a 500; errors go through `?` and AppError instead.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod accounts;
pub mod addresses;
pub mod analytics;
pub mod api_keys;
pub mod app;
pub mod audit;
pub mod auth;
pub mod careers;
pub mod claims;
pub mod config;
pub mod consent;
pub mod crypto;
pub mod dates;
pub mod db;
pub mod demo;
pub mod error;
pub mod freshness;
pub mod http;
pub mod idempotency;
pub mod ids;
pub mod jobs;
pub mod links;
pub mod mail;
pub mod moderation;
pub mod networks;
pub mod paging;
pub mod privacy;
pub mod proxies;
pub mod reach;
pub mod shares;
pub mod social;
pub mod state;
pub mod stories;
pub mod telemetry;
pub mod text;
pub mod throttle;
pub mod urls;
pub mod versions;

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, ErrorHandlers};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;

use crate::config::Settings;
use crate::http::json::JSON_LIMIT;
use crate::http::middleware;
use crate::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
    /// The `/metrics` listener when `metrics.bind` gives it an address of its own.
    metrics: Option<(u16, Server)>,
    state: AppState,
}

impl Application {
    /// Opens the database (running migrations), binds the listener (port 0 picks a free
    /// one) and builds the server; it serves once awaited.
    pub async fn build(mut settings: Settings) -> anyhow::Result<Application> {
        settings.resolve_secrets()?;
        let url = settings.database.url.clone();
        let size = settings.database.pool_size;
        let pool = tokio::task::spawn_blocking(move || -> anyhow::Result<db::Pool> {
            let pool = db::pool(&url, size).context("opening the database")?;
            db::migrate(&pool)?;
            Ok(pool)
        })
        .await??;
        let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))
            .with_context(|| {
                format!("binding {}:{}", settings.server.host, settings.server.port)
            })?;
        let port = listener.local_addr()?.port();
        let metrics_listener = match settings.metrics.bind.trim() {
            "" => None,
            bind => Some(
                TcpListener::bind(bind)
                    .with_context(|| format!("binding the metrics listener {bind}"))?,
            ),
        };
        let workers = settings.server.workers;
        let shutdown = settings.server.shutdown_timeout_secs;
        let state = AppState::new(settings, pool)?;
        refresh_verdicts(&state).await?;
        if state.settings.worker.enabled {
            start_background(&state);
        }
        // The tracked links' table is whole before the first redirect.
        let loaded = links::service::load(&state)
            .await
            .map_err(|e| anyhow::anyhow!("loading tracked links: {e}"))?;
        tracing::debug!(links = loaded, "tracked links loaded");
        links::service::spawn(&state);
        telemetry::refusals::spawn();
        let (server, metrics) =
            serve(listener, metrics_listener, state.clone(), workers, shutdown)?;
        Ok(Application {
            port,
            server,
            metrics,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT or SIGTERM (`http::stop`), then drains in-flight requests,
    /// then writes the clicks counted so far: every redirect answered is counted.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = match self.metrics {
            // Both servers stop on the same signal.
            Some((_, metrics)) => tokio::try_join!(self.server, metrics).map(|_| ()),
            None => self.server.await,
        };
        let patience =
            std::time::Duration::from_secs(self.state.settings.server.shutdown_timeout_secs.max(5));
        links::service::flush_at_shutdown(&self.state, patience).await;
        telemetry::refusals::summarise();
        served
    }
}

/// Stories written before verdicts were stored get theirs before the first request.
async fn refresh_verdicts(state: &AppState) -> anyhow::Result<()> {
    loop {
        let st = state.clone();
        let done = db::run(&state.pool, move |conn| {
            app::story_change::refresh_stale(conn, &st, ids::now())
        })
        .await
        .map_err(|e| anyhow::anyhow!("refreshing stored verdicts: {e}"))?;
        if done < 500 {
            return Ok(());
        }
    }
}

/// The job workers and the periodic upkeep.
fn start_background(state: &AppState) {
    let every =
        std::time::Duration::from_secs(state.settings.moderation.digest_interval_secs.max(1));
    jobs::worker::spawn(state, app::jobs::registry);
    app::housekeeping::spawn_periodic(state.clone(), every);
}

/// `vouch worker`: the workers and periodic tasks alone, until SIGINT or SIGTERM.
pub async fn run_worker(mut settings: Settings) -> anyhow::Result<()> {
    settings.resolve_secrets()?;
    let url = settings.database.url.clone();
    let size = settings.database.pool_size;
    let pool = tokio::task::spawn_blocking(move || -> anyhow::Result<db::Pool> {
        let pool = db::pool(&url, size).context("opening the database")?;
        db::migrate(&pool)?;
        Ok(pool)
    })
    .await??;
    let state = AppState::new(settings, pool)?;
    refresh_verdicts(&state).await?;
    start_background(&state);
    tracing::info!(
        concurrency = state.settings.worker.concurrency,
        "vouch worker is running"
    );
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = term.recv() => {},
    }
    Ok(())
}

fn serve(
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    state: AppState,
    workers: usize,
    shutdown_timeout: u64,
) -> anyhow::Result<(Server, Option<(u16, Server)>)> {
    let metrics = http::metrics::build(&state)?;
    let registry = web::Data::new(metrics.registry.clone());
    // `/metrics` names every route and the pool's load: on a listener of its own, or on the
    // API's only behind a token; neither configured, it is served nowhere.
    let metrics_apart = metrics_listener.is_some();
    let metrics_on_api = !metrics_apart && !state.settings.metrics.token_is_empty();
    if !metrics_apart && !metrics_on_api {
        tracing::info!(
            "/metrics is off: set metrics.bind for a listener of its own, or metrics.token to serve it on the API's behind that token"
        );
    }
    // The document never changes while the process runs: built and serialised once.
    let openapi = http::openapi::ApiDoc::openapi();
    let openapi_doc = web::Data::new(OpenApiJson(
        serde_json::to_string(&openapi).context("serialising the OpenAPI document")?,
    ));
    // The routes outside the document, all GET; with the document's, what 405 answers from.
    let mut routes = http::middleware::Routes::from_openapi(&openapi, "/api/v1");
    for pattern in [
        "/healthz",
        "/readyz",
        "/login",
        "/api/v1/openapi.json",
        "/docs",
        "/docs/{file:.*}",
        links::routes::PATTERN,
    ] {
        routes.add(pattern, actix_web::http::Method::GET);
    }
    routes.add(links::routes::PATTERN, actix_web::http::Method::HEAD);
    if metrics_on_api {
        routes.add("/metrics", actix_web::http::Method::GET);
    }
    routes.add("/widget.js", actix_web::http::Method::GET);
    routes.add(careers::routes::TESTIMONIALS, actix_web::http::Method::GET);
    routes.add(
        careers::routes::TESTIMONIALS,
        actix_web::http::Method::OPTIONS,
    );
    let routes = web::Data::new(routes);
    let data = web::Data::new(state);
    let metrics_server = match metrics_listener {
        Some(listener) => Some(http::metrics::serve_apart(
            listener,
            data.clone(),
            registry.clone(),
            shutdown_timeout,
        )?),
        None => None,
    };
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(openapi_doc.clone())
            .app_data(routes.clone())
            .app_data(registry.clone())
            .app_data(web::PayloadConfig::new(JSON_LIMIT))
            .app_data(web::QueryConfig::default().error_handler(middleware::query_error))
            .app_data(web::PathConfig::default().error_handler(middleware::path_error))
            .wrap(from_fn(middleware::reject_nul_in_query))
            .wrap(from_fn(http::html::security_headers))
            .wrap(ErrorHandlers::new().default_handler(middleware::problem_fallback))
            .wrap(from_fn(middleware::request_id_header))
            .wrap(metrics.clone())
            .wrap(TracingLogger::<telemetry::RequestSpan>::new())
            .service(http::health::healthz)
            .service(http::health::readyz)
            .configure(|cfg| {
                if metrics_on_api {
                    cfg.service(http::metrics::resource());
                }
            })
            .service(http::login_page::login_page)
            .configure(links::routes::configure)
            .service(social::routes::oauth_callback)
            .configure(careers::routes::configure)
            .service(web::resource("/api/v1/openapi.json").route(web::get().to(openapi_json)))
            .configure(http::docs::configure)
            .service(
                web::scope("/api/v1")
                    .configure(auth::routes::configure)
                    .configure(accounts::routes::configure)
                    .configure(stories::routes::configure)
                    .configure(moderation::routes::configure)
                    .configure(claims::routes::configure)
                    .configure(audit::routes::configure)
                    .configure(jobs::routes::configure)
                    .configure(consent::routes::configure)
                    .configure(social::routes::configure)
                    .configure(shares::routes::configure)
                    .configure(privacy::routes::configure)
                    .configure(analytics::routes::configure)
                    .configure(api_keys::routes::configure),
            )
            .default_service(web::to(middleware::not_found))
    })
    .listen(listener)?
    .shutdown_signal(http::stop::signal())
    .shutdown_timeout(shutdown_timeout);
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok((server.run(), metrics_server))
}

struct OpenApiJson(String);

async fn openapi_json(doc: web::Data<OpenApiJson>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.0.clone())
}
