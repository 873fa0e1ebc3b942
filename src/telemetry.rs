//! Structured logs through `tracing`: readable by default, JSON lines when configured. One
//! access line per request, at INFO unless the server failed; refusals (429) are summed up
//! per key instead ([`refusals`]).

pub mod refusals;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::HttpMessage;
use tracing::field::Empty;
use tracing_actix_web::RequestId;
use tracing_subscriber::{fmt, EnvFilter};

use crate::config::{LogFormat, LogSettings};
use crate::http::client_ip::ClientOf;

/// Installs the global subscriber; `RUST_LOG` overrides the configured filter.
pub fn init(settings: &LogSettings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // try_init: a second call (tests, or `demo` then `serve`) keeps the first subscriber.
    let _ = match settings.format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

/// Query parameters whose values are credentials: a sign-in link opened from an old mail
/// (`/login?token=`), OAuth callbacks (`code`, `state`), clients that put tokens or keys
/// in the URL. Matched without regard to case.
const SENSITIVE_PARAMS: [&str; 8] = [
    "token",
    "code",
    "state",
    "refresh_token",
    "access_token",
    "api_key",
    "key",
    "password",
];

/// The request target as logged: the path as sent, and in the query each sensitive
/// parameter's value replaced by `[redacted]`, the rest left byte for byte.
fn redacted_target(uri: &actix_web::http::Uri) -> String {
    let path = uri.path();
    let Some(query) = uri.query() else {
        return path.to_string();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| {
            let raw_name = pair.split('=').next().unwrap_or("");
            // Decoded, so `%74oken=` or `TOKEN=` is caught as well.
            let name: String = url::form_urlencoded::parse(raw_name.as_bytes())
                .map(|(name, _)| name.into_owned())
                .next()
                .unwrap_or_default();
            if SENSITIVE_PARAMS
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&name))
            {
                format!("{raw_name}=[redacted]")
            } else {
                pair.to_string()
            }
        })
        .collect();
    format!("{path}?{}", pairs.join("&"))
}

/// The root span of every request (with its request id), closed by one access-log line.
///
/// Built here rather than with `tracing_actix_web::root_span!`, whose span logs the target
/// with its query string as sent (tokens included) and carries the error's `Debug` form
/// (`exception.details`: whatever the client sent wrong) on every line of the request.
pub struct RequestSpan;

impl tracing_actix_web::RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> tracing::Span {
        let route = request.match_pattern().unwrap_or_else(|| "default".into());
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default();
        let client_ip = request
            .connection_info()
            .realip_remote_addr()
            .unwrap_or("")
            .to_string();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %redacted_target(request.uri()),
            http.client_ip = %client_ip,
            http.status_code = Empty,
            request_id = %request_id,
        )
    }

    /// A client error is the client's business: one INFO line with its status, nothing
    /// about what was wrong with the request. A server error is ours: ERROR, with the cause.
    fn on_request_end<B: MessageBody>(
        span: tracing::Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        let (status, error) = match outcome {
            Ok(res) => (res.status(), res.response().error()),
            Err(e) => (e.as_response_error().status_code(), Some(e)),
        };
        span.record("http.status_code", status.as_u16());
        let _inside = span.enter();
        let status = status.as_u16();
        if status == 429 {
            if let Ok(res) = outcome {
                if !refusals::note(&route_of(res), &refused_key(res)) {
                    return;
                }
            }
        }
        match error {
            Some(e) if status >= 500 => {
                // `{:#}` walks an anyhow chain: "what failed: why".
                tracing::error!(status, error = %format_args!("{e:#}"), "request finished")
            }
            None if status >= 500 => tracing::error!(status, "request finished"),
            _ => tracing::info!(status, "request finished"),
        }
    }
}

fn route_of<B>(res: &ServiceResponse<B>) -> String {
    res.request()
        .match_pattern()
        .unwrap_or_else(|| "default".into())
}

/// What a 429 refused: the handler's [`refusals::RefusedKey`], else the client's address
/// (as `server.trusted_proxies` reads it).
fn refused_key<B>(res: &ServiceResponse<B>) -> String {
    if let Some(key) = res.response().extensions().get::<refusals::RefusedKey>() {
        return key.0.clone();
    }
    let req = res.request();
    let client = match req.app_data::<actix_web::web::Data<crate::state::AppState>>() {
        Some(state) => state.settings.server.trusted_proxies.client_of(req),
        None => req.peer_addr().map(|a| a.ip()),
    };
    client.map_or_else(|| "unknown client".to_string(), |ip| format!("client {ip}"))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use actix_web::test::{call_service, init_service, TestRequest};
    use actix_web::{web, App};
    use anyhow::Context;
    use tracing_actix_web::TracingLogger;

    use super::RequestSpan;
    use crate::error::AppError;

    /// Where the test subscriber writes its JSON lines.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    async fn logs_of(path: &str) -> Vec<serde_json::Value> {
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_writer(move || sink.clone())
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = init_service(
            App::new()
                .wrap(TracingLogger::<RequestSpan>::new())
                .route(
                    "/invalid",
                    web::get().to(|| async {
                        Err::<String, _>(AppError::validation("email", "`secret-input` is odd"))
                    }),
                )
                .route(
                    "/broken",
                    web::get().to(|| async {
                        let cause = Err::<String, _>(anyhow::anyhow!("disk full"));
                        Ok::<String, AppError>(cause.context("writing the audit log")?)
                    }),
                ),
        )
        .await;
        call_service(&app, TestRequest::get().uri(path).to_request()).await;
        let bytes = captured.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn sensitive_query_values_are_redacted() {
        let cases = [
            ("/login", "/login"),
            ("/login?token=abc", "/login?token=[redacted]"),
            (
                "/cb?code=c1&state=s1&next=%2Fhome",
                "/cb?code=[redacted]&state=[redacted]&next=%2Fhome",
            ),
            (
                "/x?Access_Token=a&%74oken=b&api_key=c&key=d&password=e&refresh_token=f",
                "/x?Access_Token=[redacted]&%74oken=[redacted]&api_key=[redacted]\
                 &key=[redacted]&password=[redacted]&refresh_token=[redacted]",
            ),
            (
                "/x?token&token=&tokens=1&monkey=2",
                "/x?token=[redacted]&token=[redacted]&tokens=1&monkey=2",
            ),
            ("/x?a=1&&b=token%3Dx", "/x?a=1&&b=token%3Dx"),
        ];
        for (raw, logged) in cases {
            let uri: actix_web::http::Uri = raw.parse().unwrap();
            assert_eq!(super::redacted_target(&uri), logged, "{raw}");
        }
    }

    #[actix_web::test]
    async fn a_client_error_is_one_info_line_without_the_request_data() {
        let lines = logs_of("/invalid").await;
        assert_eq!(lines.len(), 1, "{lines:#?}");
        assert_eq!(lines[0]["level"], "INFO");
        assert_eq!(lines[0]["status"], 422);
        assert!(!lines[0].to_string().contains("secret-input"), "{lines:#?}");
    }

    #[actix_web::test]
    async fn a_server_error_is_logged_at_error_with_its_cause() {
        let lines = logs_of("/broken").await;
        let access = lines
            .iter()
            .find(|l| l["message"] == "request finished")
            .unwrap();
        assert_eq!(access["level"], "ERROR");
        assert_eq!(access["status"], 500);
        assert_eq!(access["error"], "writing the audit log: disk full");
    }
}
