//! `Idempotency-Key` on creating POSTs (after the IETF Idempotency-Key draft): a school that
//! lost its connection retries without booking twice.
//!
//! - The key is scoped to the caller; the request's fingerprint is method, path and body.
//! - [`middleware`] claims the key first, in a short transaction of its own, with a lease
//!   (a crashed request frees it); a second request with the key while the first runs is a
//!   409 `idempotency_in_progress`.
//! - The handler stores its 2xx answer in the same transaction as the change
//!   ([`crate::usecase::answer`]); a refused request releases the claim, so a corrected
//!   retry runs.
//! - The same key with the same fingerprint replays the first answer (same status and body,
//!   `Idempotency-Replayed: true`) and creates nothing; with another fingerprint it is a
//!   422 `idempotency_key_reused`.
//! - One-time secrets (set-password tokens) are never stored: the replay omits them and says
//!   how to get a new one. Keys are kept [`KEEP_HOURS`] hours, then swept by a job.

use crate::i18n::Msg;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, HttpResponse, ResponseError as _};
use chrono::{Duration, NaiveDateTime};
use futures_util::StreamExt as _;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::AppState;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::models::idempotency_key::{IdempotencyKey, IdempotencyState};

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED_HEADER: &str = "idempotency-replayed";
/// How long a claim holds while its request runs.
pub const LEASE_SECONDS: i64 = 60;
/// How long an answer is kept for replay.
pub const KEEP_HOURS: i64 = 24;
/// The largest body read for a fingerprint (the CSV import's limit).
const BODY_LIMIT: usize = crate::extract::CSV_LIMIT;

/// The claimed key of the request being served (set by [`middleware`]).
#[derive(Debug, Clone)]
pub struct Claim {
    pub owner: String,
    pub key: String,
}

/// The request's claim, if it came with an `Idempotency-Key`: a creating handler passes
/// it to [`crate::usecase::answer`], which stores the answer with the change.
#[derive(Debug, Clone, Default)]
pub struct Idempotency(pub Option<Claim>);

impl FromRequest for Idempotency {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Idempotency(req.extensions().get::<Claim>().cloned())))
    }
}

/// What a claim attempt found.
#[derive(Debug)]
pub enum Claimed {
    /// The request may run.
    Run,
    /// It ran before: here is its answer.
    Replay(IdempotencyKey),
}

/// `1..=255` visible ASCII characters.
fn valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

pub fn fingerprint(method: &Method, path_and_query: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_str().as_bytes());
    hasher.update(b"\n");
    hasher.update(path_and_query.as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Claims `key` for `owner` in its own transaction.
pub fn claim(
    conn: &mut DbConnection,
    owner: &str,
    key: &str,
    fingerprint: &str,
    now: NaiveDateTime,
) -> ApiResult<Claimed> {
    let lease = now + Duration::seconds(LEASE_SECONDS);
    let in_progress = || {
        ApiError::conflict(
            "idempotency_in_progress",
            Msg::new("problem-idempotency_in_progress-request_idempotency_key_still"),
        )
    };
    let Some(found) = IdempotencyKey::find(conn, owner, key)? else {
        return match IdempotencyKey::claim(conn, owner, key, fingerprint, lease, now) {
            Ok(()) => Ok(Claimed::Run),
            // Another request claimed it a moment ago.
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Err(in_progress()),
            Err(e) => Err(e.into()),
        };
    };
    if found.fingerprint != fingerprint {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            "idempotency_key_reused",
            Msg::new("field-idempotency_key_reused-idempotency_key_was_used")
                .arg("field", "Idempotency-Key"),
        ));
    }
    match found.state {
        IdempotencyState::Done => Ok(Claimed::Replay(found)),
        IdempotencyState::InProgress => {
            if IdempotencyKey::take_over(conn, owner, key, now, lease)? {
                Ok(Claimed::Run)
            } else {
                Err(in_progress())
            }
        }
    }
}

/// An answer as stored for replay: one-time secrets at `secrets` (JSON pointers, `*` for
/// every element) are replaced by null, and a note says how to get a new one.
pub fn stored_body(body: &Value, secrets: &[&str]) -> Value {
    fn blank(value: &mut Value, path: &[&str]) -> bool {
        let Some((first, rest)) = path.split_first() else {
            let had = !value.is_null();
            *value = Value::Null;
            return had;
        };
        match (value, *first) {
            (Value::Array(items), "*") => items
                .iter_mut()
                .fold(false, |any, item| blank(item, rest) | any),
            (Value::Object(map), name) => map.get_mut(name).is_some_and(|v| blank(v, rest)),
            _ => false,
        }
    }
    let mut stored = body.clone();
    let mut omitted = false;
    for pointer in secrets {
        let path: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
        omitted |= blank(&mut stored, &path);
    }
    if omitted && let Value::Object(map) = &mut stored {
        map.insert(
            "replay_note".to_owned(),
            Value::String(
                "this is a replay: the one-time set-password token is shown only once; \
                 ask the office for a new one (POST /api/v1/users/{id}/password-reset)"
                    .to_owned(),
            ),
        );
    }
    stored
}

/// Stores the answer of `claim` (in the transaction of the change).
pub fn complete(
    conn: &mut DbConnection,
    claim: &Claim,
    status: StatusCode,
    body: &Value,
    headers: &[(&str, String)],
) -> ApiResult<()> {
    let headers: serde_json::Map<String, Value> = headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), Value::String(value.clone())))
        .collect();
    IdempotencyKey::complete(
        conn,
        &claim.owner,
        &claim.key,
        i32::from(status.as_u16()),
        &body.to_string(),
        &Value::Object(headers).to_string(),
    )?;
    Ok(())
}

fn replay(found: &IdempotencyKey) -> HttpResponse {
    let status = found
        .response_status
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response.insert_header((header::CONTENT_TYPE, "application/json"));
    response.insert_header((HeaderName::from_static(REPLAYED_HEADER), "true"));
    let headers: serde_json::Map<String, Value> = found
        .response_headers
        .as_deref()
        .and_then(|h| serde_json::from_str(h).ok())
        .unwrap_or_default();
    for (name, value) in headers {
        if let (Ok(name), Some(Ok(value))) = (
            HeaderName::try_from(name.as_str()),
            value.as_str().map(HeaderValue::from_str),
        ) {
            response.insert_header((name, value));
        }
    }
    response.body(found.response_body.clone().unwrap_or_default())
}

/// The caller a bearer token names, if it verifies (else the handler answers 401).
fn owner_of(req: &ServiceRequest, state: &AppState) -> Option<String> {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    state
        .jwt
        .verify(token.trim(), state.clock.now())
        .ok()
        .map(|claims| claims.sub)
}

async fn read_body(req: &mut ServiceRequest) -> Result<Bytes, ApiError> {
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            ApiError::bad_request(
                "malformed_body",
                Msg::new("problem-malformed_body-request_body_could_not"),
            )
        })?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(ApiError::PayloadTooLarge { limit: BODY_LIMIT });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Wrapped around the resources of creating POSTs (the route table marks them).
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = req
        .headers()
        .get(HEADER)
        .map(|v| v.to_str().map(str::to_owned));
    let (Method::POST, Some(key)) = (req.method().clone(), key) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = match key {
        Ok(key) if valid_key(&key) => key,
        _ => {
            let err = ApiError::bad_request(
                "invalid_idempotency_key",
                Msg::new("problem-invalid_idempotency_key-idempotency_key_must_1"),
            );
            return Ok(req.into_response(err.error_response()));
        }
    };
    let Some(owner) = owner_of(&req, &state) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let body = match read_body(&mut req).await {
        Ok(body) => body,
        Err(err) => return Ok(req.into_response(err.error_response())),
    };
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned());
    let print = fingerprint(req.method(), &path, &body);
    req.set_payload(Payload::from(body));

    let now = state.clock.now_naive();
    let claimed = {
        let (owner, key) = (owner.clone(), key.clone());
        db::run_tx(&state.db, move |conn| {
            claim(conn, &owner, &key, &print, now)
        })
        .await
    };
    match claimed {
        Err(err) => Ok(req.into_response(err.error_response())),
        Ok(Claimed::Replay(found)) => Ok(req.into_response(replay(&found))),
        Ok(Claimed::Run) => {
            req.extensions_mut().insert(Claim {
                owner: owner.clone(),
                key: key.clone(),
            });
            let response = next.call(req).await?.map_into_boxed_body();
            if !response.status().is_success() {
                release(&state, owner, key).await;
            } else if let Ok(Some(found)) = {
                let (owner, key) = (owner.clone(), key.clone());
                db::run(&state.db, move |conn| {
                    Ok(IdempotencyKey::find(conn, &owner, &key)?)
                })
                .await
            } && found.state == IdempotencyState::InProgress
            {
                // A creating handler that does not store its answer is a bug; free the key
                // rather than leave it claimed.
                tracing::error!(path = %path, "a creating POST did not store its idempotent answer");
                release(&state, owner, key).await;
            }
            Ok(response)
        }
    }
}

async fn release(state: &web::Data<AppState>, owner: String, key: String) {
    let released = db::run_tx(&state.db, move |conn| {
        Ok(IdempotencyKey::release(conn, &owner, &key)?)
    })
    .await;
    if let Err(err) = released {
        tracing::warn!(error = %err, "could not release an idempotency claim");
    }
}

/// Forgets keys older than [`KEEP_HOURS`] (a job of the runner).
pub fn sweep(conn: &mut DbConnection, now: NaiveDateTime) -> ApiResult<usize> {
    Ok(IdempotencyKey::purge_before(
        conn,
        now - Duration::hours(KEEP_HOURS),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_blanked_and_a_note_added() {
        let body = json!({ "user": { "id": "u1" }, "set_password_token": { "token": "s3cret" } });
        let stored = stored_body(&body, &["/set_password_token"]);
        assert_eq!(stored["set_password_token"], Value::Null);
        assert!(
            stored["replay_note"]
                .as_str()
                .unwrap()
                .contains("password-reset")
        );
        assert!(!stored.to_string().contains("s3cret"));

        let report =
            json!({ "experts": [{ "set_password_token": "a" }, { "set_password_token": "b" }] });
        let stored = stored_body(&report, &["/experts/*/set_password_token"]);
        assert!(!stored.to_string().contains("\"a\""));
        assert!(stored.get("replay_note").is_some());

        let nothing_secret = json!({ "set_password_token": null });
        assert!(
            stored_body(&nothing_secret, &["/set_password_token"])
                .get("replay_note")
                .is_none()
        );
    }

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert!(valid_key("8e03978e-40d5-43e8-bc93-6894a57f9324"));
        assert!(!valid_key(""));
        assert!(!valid_key("with space"));
        assert!(!valid_key(&"k".repeat(256)));
        assert!(!valid_key("中文"));
    }

    #[test]
    fn the_fingerprint_covers_method_path_and_body() {
        let a = fingerprint(&Method::POST, "/api/v1/schools", b"{}");
        assert_eq!(a, fingerprint(&Method::POST, "/api/v1/schools", b"{}"));
        assert_ne!(a, fingerprint(&Method::POST, "/api/v1/schools", b"{ }"));
        assert_ne!(a, fingerprint(&Method::POST, "/api/v1/users", b"{}"));
    }
}
