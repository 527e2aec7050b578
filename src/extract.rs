//! Request extractors that answer bad input with problem details: JSON bodies, query
//! strings, path segments, `If-Match`.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt as _;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};
use crate::i18n::Msg;

/// Largest JSON body accepted (endpoints that take files set their own limit).
pub const JSON_LIMIT: usize = 64 * 1024;

/// A JSON request body. Wrong content type → 415, too large → 413, unreadable → 400,
/// well-formed but wrong fields → 422 naming the field.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

/// The media type of a request, lower-cased, without parameters.
fn media_type(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
}

/// JSON, or a JSON-based media type (`application/problem+json`, …).
fn is_json(media: &str) -> bool {
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

/// Reads the whole body, refusing a wrong media type (415) or more than `limit` bytes (413).
fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
    accepted: bool,
    wanted: &'static str,
) -> LocalBoxFuture<'static, Result<BytesMut, ApiError>> {
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.take();
    let gate = crate::auth::AuthGate::of(req);
    Box::pin(async move {
        // Who may call the route is decided first (see `AuthGate`).
        if let Some(gate) = gate {
            gate.wait().await;
        }
        if !accepted {
            return Err(ApiError::UnsupportedMediaType {
                detail: crate::i18n::Msg::new("problem-unsupported_media_type")
                    .arg("wanted", wanted)
                    .into(),
            });
        }
        if declared_length.is_some_and(|len| len > limit) {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| {
                ApiError::bad_request(
                    "malformed_body",
                    Msg::new("problem-malformed_body-request_body_could_not"),
                )
            })?;
            if body.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    })
}

impl<T: DeserializeOwned + utoipa::ToSchema + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let accepted = media_type(req).as_deref().is_some_and(is_json);
        let body = read_body(req, payload, JSON_LIMIT, accepted, "application/json");
        Box::pin(async move { parse_shaped(&body.await?).map(ApiJson) })
    }
}

/// The JSON body of an action whose fields are all optional (`accept {"slot"?}`): no body at
/// all (or an empty one) reads as the defaults; a body is read as [`ApiJson`] reads it, and a
/// body without `Content-Type: application/json` is still a 415.
#[derive(Debug)]
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + utoipa::ToSchema + Default + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let media = media_type(req);
        let json = media.as_deref().is_some_and(is_json);
        let bare = media.is_none();
        let body = read_body(req, payload, JSON_LIMIT, json || bare, "application/json");
        Box::pin(async move {
            let body = body.await?;
            // No body, or a JSON `null` (what a client sends for "nothing"): the defaults.
            if body.iter().all(u8::is_ascii_whitespace) || body.trim_ascii() == b"null" {
                return Ok(OptionalJson(T::default()));
            }
            if !json {
                return Err(ApiError::UnsupportedMediaType {
                    detail: crate::i18n::Msg::new("problem-unsupported_media_type")
                        .arg("wanted", "application/json")
                        .into(),
                });
            }
            parse_shaped(&body).map(OptionalJson)
        })
    }
}

/// Largest CSV upload accepted.
pub const CSV_LIMIT: usize = 5 * 1024 * 1024;

/// A `text/csv` request body of at most 5 MiB.
#[derive(Debug)]
pub struct CsvBody(pub Vec<u8>);

impl FromRequest for CsvBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let accepted = media_type(req).is_some_and(|v| v == "text/csv");
        let body = read_body(req, payload, CSV_LIMIT, accepted, "text/csv");
        Box::pin(async move { Ok(CsvBody(body.await?.to_vec())) })
    }
}

/// Deserializes a JSON document, telling syntax errors (400) from field errors (422). Every
/// string in it is NFC-normalized first, and one holding a control (other than a line
/// break or tab), zero-width or direction-override character is a 422
/// `invalid_characters` naming its path — except secrets (passwords, tokens), which are
/// taken exactly as sent. Single-line fields refuse line breaks where they are checked.
/// As [`parse_json`], after holding the body against `T`'s schema in the OpenAPI document:
/// every problem of its shape is answered at once (`crate::api::shape`).
pub fn parse_shaped<T: DeserializeOwned + utoipa::ToSchema>(body: &[u8]) -> Result<T, ApiError> {
    parse_checked(body, Some(&T::name()))
}

pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    parse_checked(body, None)
}

/// Reads JSON, refuses what is not an object or holds refused characters, then
/// deserializes; a body that does not deserialize is held against the schema `shape` names
/// (if any) for every problem of its shape.
fn parse_checked<T: DeserializeOwned>(body: &[u8], shape: Option<&str>) -> Result<T, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(body).map_err(|err| {
        if err.is_data() {
            ApiError::Validation(vec![field_error("", &err.to_string())])
        } else {
            // serde's own words never reach a client: where, in the catalog's.
            let key = if err.line() > 0 && err.to_string().contains("trailing characters") {
                "problem-malformed_json_trailing"
            } else {
                "problem-malformed_json"
            };
            ApiError::bad_request(
                "malformed_json",
                Msg::new(key)
                    .arg("line", err.line())
                    .arg("column", err.column()),
            )
        }
    })?;
    // Every body the API takes is an object; serde would also read a struct from an array
    // of its fields in order, which no client means.
    if !value.is_object() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "body",
            "invalid_type",
            Msg::new("field-body_object"),
        )]));
    }
    let mut errors = Vec::new();
    clean_strings(&mut value, "", &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    // serde stops at the first problem; when it finds one, the shape check names them all
    // (the rules past the shape are the reader's, which collects its own). Read from the
    // value in place, so it is still there to check.
    serde_path_to_error::deserialize(&value).map_err(|err| {
        let path = err.path().to_string();
        let first = field_error(&path, &err.into_inner().to_string());
        let all = shape
            .map(|name| crate::api::shape::problems(name, &value))
            .unwrap_or_default();
        ApiError::Validation(if all.is_empty() { vec![first] } else { all })
    })
}

/// Keys whose strings are secrets, never normalized or refused (and so declared without the
/// text rule in the OpenAPI document).
pub(crate) const SECRET_KEYS: [&str; 6] = [
    "password",
    "old_password",
    "new_password",
    "initial_password",
    "token",
    "refresh_token",
];

/// NFC-normalizes every string of `value` in place and records those holding refused
/// characters, by path (`reason`, `slots[1].note`).
fn clean_strings(value: &mut serde_json::Value, path: &str, errors: &mut Vec<FieldError>) {
    use serde_json::Value;
    match value {
        Value::String(text) => {
            let normalized = crate::domain::text::nfc(text).into_owned();
            let field = if path.is_empty() { "body" } else { path };
            if let Err(e) = crate::domain::text::check(field, &normalized, true) {
                errors.push(e);
            }
            *text = normalized;
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                clean_strings(item, &format!("{path}[{i}]"), errors);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if SECRET_KEYS.contains(&key.as_str()) {
                    continue;
                }
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                clean_strings(item, &child, errors);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Turns serde's complaint into a field error from the catalog (serde's own English never
/// reaches a client): its own field for a missing or unknown field, the path for a wrong
/// type; the allowed values of a choice, the type a value should have.
fn field_error(path: &str, message: &str) -> FieldError {
    let message = message.split(" at line ").next().unwrap_or(message);
    // The words serde quotes in backticks: the field, then the allowed values.
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let join = |name: &str| {
        if path == "." || path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    let at = if path == "." || path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    };
    if message.starts_with("missing field") {
        let field = join(quoted.first().copied().unwrap_or_default());
        let msg = Msg::new("field-required").arg("field", &field);
        return FieldError::new(field, "required", msg);
    }
    if message.starts_with("unknown field") {
        // serde_path_to_error already ends the path with the unknown field's name.
        let field = if path == "." || path.is_empty() {
            quoted.first().copied().unwrap_or_default().to_owned()
        } else {
            path.to_owned()
        };
        let msg = Msg::new("field-unknown_field").arg("field", &field);
        return FieldError::new(field, "unknown_field", msg);
    }
    if message.starts_with("unknown variant") {
        let allowed = quoted.get(1..).unwrap_or_default().join(", ");
        let msg = Msg::new("field-invalid_choice")
            .arg("field", &at)
            .arg("allowed", allowed);
        return FieldError::new(at, "invalid_choice", msg);
    }
    if message.starts_with(crate::api::support::NOT_NULL) {
        let msg = Msg::new("field-required").arg("field", &at);
        return FieldError::new(at, "required", msg);
    }
    if message.starts_with(crate::time::BODY_TIME_EXPECTED) {
        let msg = Msg::new("field-invalid_datetime").arg("field", &at);
        return FieldError::new(at, "invalid_datetime", msg);
    }
    let expected = expected_type(message);
    let msg = Msg::new("field-invalid_type")
        .arg("field", &at)
        .arg("expected", Msg::new(expected).text(crate::i18n::current()));
    FieldError::new(at, "invalid_type", msg)
}

/// The catalog's name of the type serde says it expected (`expected i32`, `expected a
/// string`, a whole number the API's own reader asked for, …).
fn expected_type(message: &str) -> &'static str {
    let expected = message.rsplit("expected").next().unwrap_or(message);
    let integers = [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "integer",
    ];
    if message.contains("whole number")
        || message.contains("out of range")
        || integers.iter().any(|t| expected.contains(t))
    {
        "type-integer"
    } else if expected.contains("f32") || expected.contains("f64") || expected.contains("number") {
        "type-number"
    } else if expected.contains("bool") {
        "type-boolean"
    } else if expected.contains("sequence") || expected.contains("array") {
        "type-array"
    } else if expected.contains("struct") || expected.contains("map") {
        "type-object"
    } else {
        "type-string"
    }
}

/// A query string, read by name: an unknown parameter or a value that does not parse as its
/// type (`limit=ten`) is a 400 `invalid_query` naming it; a value of the right type that is
/// not one of the allowed ones (`audience=aliens`) is a 422 with an `invalid_choice` field
/// error, as the same mistake in a body would be.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T> ApiQuery<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ApiQuery<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(ApiQuery))
    }
}

/// Reads a query string into `T` (see [`ApiQuery`]).
pub fn parse_query<T: DeserializeOwned>(raw: &str) -> Result<T, ApiError> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let message = err.into_inner().to_string();
        if message.starts_with("unknown variant") {
            ApiError::Validation(vec![field_error(&path, &message)])
        } else if message.starts_with("unknown field") {
            let param = message.split('`').nth(1).unwrap_or_default();
            ApiError::bad_request(
                "invalid_query",
                Msg::new("problem-invalid_query_unknown").arg("param", param),
            )
        } else if path.is_empty() || path == "." {
            ApiError::bad_request("invalid_query", Msg::new("problem-invalid_query_any"))
        } else {
            ApiError::bad_request(
                "invalid_query",
                Msg::new("problem-invalid_query").arg("param", path),
            )
        }
    })
}

/// Query strings that do not parse are a 400 naming the problem.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|_, _| {
        ApiError::bad_request("invalid_query", Msg::new("problem-invalid_query_any")).into()
    })
}

/// A path segment that does not parse names nothing that exists: 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| {
        ApiError::not_found(Msg::new("problem-not_found-no_such_resource")).into()
    })
}

/// The version named by `If-Match` (`"3"`, `W/"3"` or `3`), if the header was sent.
/// `If-Match: *` means "whatever version there is" (RFC 9110) and so names none.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i32>);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(raw) = req.headers().get(header::IF_MATCH) else {
            return ready(Ok(IfMatch(None)));
        };
        if raw.to_str().is_ok_and(|v| v.trim() == "*") {
            return ready(Ok(IfMatch(None)));
        }
        let parsed = raw
            .to_str()
            .ok()
            .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
            .and_then(|v| v.parse::<i32>().ok());
        ready(match parsed {
            Some(version) => Ok(IfMatch(Some(version))),
            None => Err(ApiError::bad_request(
                "invalid_if_match",
                Msg::new("problem-invalid_if_match"),
            )),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only deserialization is under test")]
    struct Login {
        login: String,
        tries: u8,
    }

    #[test]
    fn a_body_is_an_object_never_an_array_of_fields() {
        let err = parse_json::<Login>(br#"["a", 1]"#).unwrap_err();
        assert_eq!(err.code(), "validation_failed");
        assert!(parse_json::<Login>(br#"{"login": "a", "tries": 1}"#).is_ok());
    }

    #[test]
    fn syntax_errors_are_400_and_field_errors_422() {
        let err = parse_json::<Login>(b"{not json").unwrap_err();
        assert_eq!(err.code(), "malformed_json");

        let err = parse_json::<Login>(br#"{"tries": 1}"#).unwrap_err();
        let ApiError::Validation(errors) = err else {
            panic!("expected 422")
        };
        assert_eq!(errors[0].field, "login");
        assert_eq!(errors[0].code, "required");

        let err = parse_json::<Login>(br#"{"login": "a", "tries": "x"}"#).unwrap_err();
        let ApiError::Validation(errors) = err else {
            panic!("expected 422")
        };
        assert_eq!(errors[0].field, "tries");
        assert_eq!(errors[0].code, "invalid_type");

        let err = parse_json::<Login>(br#"{"login": "a", "tries": 1, "admin": true}"#).unwrap_err();
        let ApiError::Validation(errors) = err else {
            panic!("expected 422")
        };
        assert_eq!(errors[0].field, "admin");
        assert_eq!(errors[0].code, "unknown_field");

        assert_eq!(
            parse_json::<Login>(b"").unwrap_err().code(),
            "malformed_json"
        );
    }

    #[test]
    fn a_body_time_without_an_offset_is_422_naming_the_field() {
        #[derive(Debug, Deserialize)]
        #[expect(dead_code, reason = "only deserialization is under test")]
        struct Slot {
            start: crate::time::BodyTime,
        }
        let err = parse_json::<Slot>(br#"{"start": "2026-03-05 09:00"}"#).unwrap_err();
        let ApiError::Validation(errors) = err else {
            panic!("expected 422")
        };
        assert_eq!(errors[0].field, "start");
        assert_eq!(errors[0].code, "invalid_datetime");
        assert!(parse_json::<Slot>(br#"{"start": "2026-03-05T09:00:00+08:00"}"#).is_ok());
    }
}
