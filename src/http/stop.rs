//! When `vouch serve` stops: on SIGTERM (an orchestrator) and SIGINT (Ctrl-C) alike, it
//! stops taking connections, answers the requests in flight (within
//! `server.shutdown_timeout_secs`) and then writes what it counted. actix's own handlers
//! treat SIGINT as a forced stop that drops the requests in flight, so the servers are
//! given this signal instead.

/// Resolves on the first SIGINT or SIGTERM.
pub async fn signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    let which = tokio::select! {
        _ = interrupt => "SIGINT",
        _ = terminate => "SIGTERM",
    };
    tracing::info!(
        signal = which,
        "stopping: answering the requests in flight first"
    );
}
