//! `ApiJson<T>`: the JSON body extractor every handler uses. Unlike actix's own it names the
//! field that failed (via `serde_path_to_error`) and answers problem+json, never a 500. It
//! also refuses text neither database can agree on (NUL), whatever the handler.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::{http::header, web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::{AppError, FieldError};

/// Largest JSON body accepted, in bytes.
pub const JSON_LIMIT: usize = 256 * 1024;

pub struct ApiJson<T>(pub T);

/// An optional JSON body: an empty body is `None`; anything else must be valid JSON.
pub struct MaybeJson<T>(pub Option<T>);

type BodyFuture<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// Reads the body within the limit (actix refuses a declared or streamed overflow against
/// the app's `PayloadConfig`), remembering whether it was declared JSON.
fn read(req: &HttpRequest, payload: &mut Payload) -> BodyFuture<(bool, web::Bytes)> {
    let content_type_ok = is_json(req);
    let body = web::Bytes::from_request(req, payload);
    Box::pin(async move {
        let bytes = body.await.map_err(|e| match e.as_error::<PayloadError>() {
            Some(PayloadError::Overflow) => too_large(),
            _ => AppError::BadRequest(format!("could not read the body: {e}")),
        })?;
        Ok((content_type_ok, bytes))
    })
}

fn parse_declared<T: DeserializeOwned>(content_type_ok: bool, bytes: &[u8]) -> Result<T, AppError> {
    if !content_type_ok {
        return Err(AppError::UnsupportedMediaType(
            "send the body as application/json".into(),
        ));
    }
    let value = parse(bytes)?;
    // Every body of this API is an object; serde would read a struct from an array too.
    let first = bytes
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    if first != Some(&b'{') {
        return Err(AppError::validation("body", "must be a JSON object"));
    }
    Ok(value)
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = BodyFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read(req, payload);
        Box::pin(async move {
            let (json, bytes) = body.await?;
            parse_declared(json, &bytes).map(ApiJson)
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for MaybeJson<T> {
    type Error = AppError;
    type Future = BodyFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read(req, payload);
        Box::pin(async move {
            let (json, bytes) = body.await?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(MaybeJson(None));
            }
            parse_declared(json, &bytes).map(|v| MaybeJson(Some(v)))
        })
    }
}

fn too_large() -> AppError {
    AppError::PayloadTooLarge(format!("the body is larger than {JSON_LIMIT} bytes"))
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Deserialises `bytes`, turning serde's message into a problem that names the field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    reject_nul(bytes)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize(&mut de) {
        Ok(value) => {
            de.end()
                .map_err(|e| AppError::BadRequest(format!("the body is not valid JSON: {e}")))?;
            Ok(value)
        }
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            if inner.is_syntax() || inner.is_eof() || inner.is_io() {
                return Err(AppError::BadRequest(format!(
                    "the body is not valid JSON: {inner}"
                )));
            }
            Err(AppError::Validation(vec![field_error(&path, &inner)]))
        }
    }
}

pub const NUL_MESSAGE: &str = "must not contain the NUL character (U+0000)";

/// PostgreSQL refuses NUL in text while SQLite stores it, so a string or key holding one is
/// refused here, before any handler, and both databases give the same answer.
fn reject_nul(bytes: &[u8]) -> Result<(), AppError> {
    // JSON can only carry NUL as the escape `\u0000`; a body without it needs no second look.
    if !bytes.windows(6).any(|w| w == br"\u0000") {
        return Ok(());
    }
    // Broken JSON is left to the typed parse, which says what is wrong with it.
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Ok(());
    };
    match nul_at(&value) {
        Some(path) if path.is_empty() => Err(AppError::validation("body", NUL_MESSAGE)),
        Some(path) => Err(AppError::validation(path, NUL_MESSAGE)),
        None => Ok(()),
    }
}

/// The path (`title`, `captions.x`, `topics.0`) of the first string or key holding NUL;
/// empty when it is `value` itself.
fn nul_at(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let under = |name: &str, rest: String| {
        if rest.is_empty() {
            name.to_string()
        } else {
            format!("{name}.{rest}")
        }
    };
    match value {
        Value::String(s) if s.contains('\0') => Some(String::new()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_at(item).map(|rest| under(&i.to_string(), rest))),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            if key.contains('\0') {
                // Named as JSON writes it: a client cannot read a raw NUL.
                return Some(key.replace('\0', "\\u0000"));
            }
            nul_at(item).map(|rest| under(key, rest))
        }),
        _ => None,
    }
}

fn field_error(path: &str, err: &serde_json::Error) -> FieldError {
    // serde's message ends with " at line 1 column 9", which means nothing to a client.
    let full = err.to_string();
    let message = full
        .rsplit_once(" at line ")
        .map(|(m, _)| m.to_string())
        .unwrap_or(full);
    // Map keys show as `?` in the path; the map itself is the field to name.
    let path = path.trim_end_matches(".?");
    let parent = if path == "." || path == "?" { "" } else { path };
    // A missing or a repeated field is reported at its parent; name the field itself.
    let child = |name: &str| {
        if parent.is_empty() {
            name.to_string()
        } else {
            format!("{parent}.{name}")
        }
    };
    if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return FieldError::new(child(name), "is required");
    }
    if let Some(name) = message
        .strip_prefix("duplicate field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return FieldError::new(child(name), message.clone());
    }
    // An unknown field is what the client sent; the path already ends with its name.
    if let Some(name) = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
    {
        let field = if parent.is_empty() { name } else { parent }.to_string();
        return FieldError::new(field, message);
    }
    let field = if parent.is_empty() { "body" } else { parent };
    FieldError::new(field, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Body {
        email: String,
        role: Role,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Strict {
        reason: Option<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Role {
        Admin,
    }

    fn errors(body: &str) -> AppError {
        parse::<Body>(body.as_bytes()).unwrap_err()
    }

    #[test]
    fn names_the_field_that_failed() {
        match errors(r#"{"email": 3, "role": "admin"}"#) {
            AppError::Validation(e) => assert_eq!(e[0].field, "email"),
            other => panic!("{other:?}"),
        }
        match errors(r#"{"email": "a@b.c", "role": "root"}"#) {
            AppError::Validation(e) => {
                assert_eq!(e[0].field, "role");
                assert!(e[0].message.contains("unknown variant"), "{}", e[0].message);
            }
            other => panic!("{other:?}"),
        }
        match errors(r#"{"role": "admin"}"#) {
            AppError::Validation(e) => assert_eq!(e[0].field, "email"),
            other => panic!("{other:?}"),
        }
        match parse::<Strict>(br#"{"reasn": "typo"}"#).unwrap_err() {
            AppError::Validation(e) => assert_eq!(e[0].field, "reasn"),
            other => panic!("{other:?}"),
        }
    }

    fn nul_field(body: &str) -> String {
        match parse::<serde_json::Value>(body.as_bytes()).unwrap_err() {
            AppError::Validation(e) => {
                assert_eq!(e[0].message, NUL_MESSAGE);
                e[0].field.clone()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_nul_anywhere_is_refused_naming_its_field() {
        assert_eq!(nul_field(r#"{"title": "a\u0000b"}"#), "title");
        assert_eq!(nul_field(r#"{"captions": {"x": "\u0000"}}"#), "captions.x");
        assert_eq!(nul_field(r#"{"topics": ["ok", "b\u0000"]}"#), "topics.1");
        assert_eq!(nul_field(r#"{"a": [{"b": ["\u0000"]}]}"#), "a.0.b.0");
        assert_eq!(
            nul_field(r#"{"captions": {"x\u0000": "hi"}}"#),
            "captions.x\\u0000"
        );
        assert_eq!(nul_field(r#""\u0000""#), "body");
        // The typed parse never runs: a NUL is refused even where the field is valid.
        match errors(r#"{"email": "a\u0000@b.c", "role": "admin"}"#) {
            AppError::Validation(e) => assert_eq!(e[0].field, "email"),
            other => panic!("{other:?}"),
        }
        // An escaped backslash followed by `u0000` is no NUL.
        assert!(parse::<serde_json::Value>(br#"{"a": "\\u0000"}"#).is_ok());
    }

    #[test]
    fn a_duplicate_field_is_named() {
        for body in [
            r#"{"reason": "x", "reason": "y"}"#,
            r#"{"reason": null, "reason": "y"}"#,
        ] {
            match parse::<Strict>(body.as_bytes()).unwrap_err() {
                AppError::Validation(e) => {
                    assert_eq!(e[0].field, "reason", "{body}");
                    assert_eq!(e[0].message, "duplicate field `reason`");
                }
                other => panic!("{other:?}"),
            }
        }
        match errors(r#"{"email": "a@b.c", "role": "admin", "email": "c@d.e"}"#) {
            AppError::Validation(e) => assert_eq!(e[0].field, "email"),
            other => panic!("{other:?}"),
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            inner: Strict,
        }
        match parse::<Outer>(br#"{"inner": {"reason": "x", "reason": "y"}}"#).unwrap_err() {
            AppError::Validation(e) => assert_eq!(e[0].field, "inner.reason"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn broken_json_is_a_bad_request() {
        assert!(matches!(errors("{\"email\": "), AppError::BadRequest(_)));
        assert!(matches!(
            errors(r#"{"email": "a@b.c", "role": "admin"} trailing"#),
            AppError::BadRequest(_)
        ));
    }
}
