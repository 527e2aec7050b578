//! `ApiError`: every failure a client can see, rendered as RFC 9457 problem details.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::{Msg, Text};

pub type ApiResult<T> = Result<T, ApiError>;

pub const PROBLEM_JSON: &str = "application/problem+json";

tokio::task_local! {
    /// The id of the request being served, set by the request-id middleware.
    pub static REQUEST_ID: String;
}

pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's name, dotted for nested fields (`address.city`).
    pub field: String,
    /// Stable machine code, e.g. `required`, `too_short`, `invalid_format`.
    pub code: String,
    /// In the reader's language (`Accept-Language`; Chinese by default).
    #[schema(value_type = String)]
    pub message: Text,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<Text>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// RFC 9457 problem details, as every error response carries them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `/problems/{code}`
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable error code; `api_docs/errors.md` lists them all.
    pub code: String,
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

type Cause = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug)]
pub enum ApiError {
    /// 400: the request could not be read (malformed JSON, bad query string).
    BadRequest { code: &'static str, detail: Text },
    /// 401: no valid credentials.
    Unauthorized { code: &'static str, detail: Text },
    /// 403: authenticated, but not allowed.
    Forbidden { code: &'static str, detail: Text },
    /// 404: does not exist, or is not visible to the caller.
    NotFound { detail: Text },
    /// 405
    MethodNotAllowed,
    /// 409: conflicts with the current state.
    Conflict { code: &'static str, detail: Text },
    /// 412: `If-Match` named a stale version.
    PreconditionFailed { code: &'static str, detail: Text },
    /// 413
    PayloadTooLarge { limit: usize },
    /// 415
    UnsupportedMediaType { detail: Text },
    /// 422: well-formed but invalid fields.
    Validation(Vec<FieldError>),
    /// 429
    RateLimited { retry_after_secs: u64, detail: Text },
    /// 503: overloaded or a dependency is down; try again.
    Unavailable { code: &'static str, detail: Text },
    /// The transaction lost a race (PostgreSQL deadlock or serialization failure):
    /// `db::run_tx` runs it once more; if it loses again the client gets 503 `database_busy`.
    Retry,
    /// 500: a bug or an unexpected failure. The cause is logged, never sent.
    Internal(Cause),
}

impl ApiError {
    pub fn bad_request(code: &'static str, detail: impl Into<Text>) -> Self {
        Self::BadRequest {
            code,
            detail: detail.into(),
        }
    }
    pub fn unauthorized(code: &'static str, detail: impl Into<Text>) -> Self {
        Self::Unauthorized {
            code,
            detail: detail.into(),
        }
    }
    pub fn forbidden(code: &'static str, detail: impl Into<Text>) -> Self {
        Self::Forbidden {
            code,
            detail: detail.into(),
        }
    }
    pub fn not_found(detail: impl Into<Text>) -> Self {
        Self::NotFound {
            detail: detail.into(),
        }
    }
    pub fn conflict(code: &'static str, detail: impl Into<Text>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }
    pub fn invalid(field: &str, code: &str, message: impl Into<Text>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }
    pub fn internal(cause: impl Into<Cause>) -> Self {
        Self::Internal(cause.into())
    }
    /// 412 for a change that named an older version (`If-Match`) than the stored one.
    pub fn version_mismatch(what: &str, current: i32, expected: i32) -> Self {
        Self::PreconditionFailed {
            code: "version_mismatch",
            detail: Msg::new("problem-version_mismatch")
                .arg("what", what)
                .arg("current", current)
                .arg("expected", expected)
                .into(),
        }
    }
    /// 409 `status_changed`: a compare-and-set found the row moved since it was read.
    pub fn changed_meanwhile(what: &str) -> Self {
        Self::conflict(
            "status_changed",
            Msg::new("problem-status_changed").arg("what", what),
        )
    }
    pub fn busy() -> Self {
        Self::Unavailable {
            code: "database_busy",
            detail: Msg::new("problem-database_busy").into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Forbidden { code, .. }
            | Self::Conflict { code, .. }
            | Self::PreconditionFailed { code, .. }
            | Self::Unavailable { code, .. } => code,
            Self::Retry => "database_busy",
            Self::NotFound { .. } => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType { .. } => "unsupported_media_type",
            Self::Validation(_) => "validation_failed",
            Self::RateLimited { .. } => "rate_limited",
            Self::Internal(_) => "internal_error",
        }
    }

    /// What the problem's `detail` says, to be written out in the reader's language.
    pub fn text(&self) -> Text {
        match self {
            Self::BadRequest { detail, .. }
            | Self::Unauthorized { detail, .. }
            | Self::Forbidden { detail, .. }
            | Self::NotFound { detail }
            | Self::Conflict { detail, .. }
            | Self::PreconditionFailed { detail, .. }
            | Self::UnsupportedMediaType { detail }
            | Self::RateLimited { detail, .. }
            | Self::Unavailable { detail, .. } => detail.clone(),
            Self::MethodNotAllowed => Msg::new("problem-method_not_allowed").into(),
            Self::Retry => Msg::new("problem-database_busy").into(),
            Self::PayloadTooLarge { limit } => Msg::new("problem-payload_too_large")
                .arg("limit", limit)
                .into(),
            Self::Validation(errors) => match errors.as_slice() {
                // A catalog's field message names its field itself.
                [one] if matches!(one.message, Text::Catalog(_)) => one.message.clone(),
                [one] => Msg::new("problem-validation_one")
                    .arg("field", &one.field)
                    .arg("message", one.message.render())
                    .into(),
                _ => Msg::new("problem-validation_many")
                    .arg("count", errors.len())
                    .into(),
            },
            Self::Internal(_) => Msg::new("problem-internal_error").into(),
        }
    }

    fn detail(&self) -> String {
        self.text().render()
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let code = self.code();
        Problem {
            kind: format!("/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.detail(),
            code: code.to_owned(),
            request_id: current_request_id(),
            errors: match self {
                Self::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.detail())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } | Self::Retry => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            let mut chain = cause.to_string();
            let mut source = cause.source();
            while let Some(next) = source {
                chain.push_str(": ");
                chain.push_str(&next.to_string());
                source = next.source();
            }
            tracing::error!(request_id = current_request_id().as_deref(), cause = %chain, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        match self {
            Self::RateLimited {
                retry_after_secs, ..
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::Unavailable { .. } | Self::Retry => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            Self::Unauthorized { .. } => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            _ => {}
        }
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        response.body(body)
    }
}

impl From<diesel::result::Error> for ApiError {
    /// Mapped on purpose: lock contention → 503, a lost race (deadlock, serialization
    /// failure) → [`ApiError::Retry`], a refused write → its problem from the constraint
    /// table, not found → 404; anything else is a bug (500).
    fn from(err: diesel::result::Error) -> Self {
        if crate::db::constraint::is_retryable(&err) {
            return Self::Retry;
        }
        if crate::db::is_busy(&err) {
            return Self::busy();
        }
        if let Some(problem) =
            crate::db::constraint::problem_for(&err, crate::db::constraint::CONSTRAINTS)
        {
            return problem;
        }
        match err {
            diesel::result::Error::NotFound => {
                Self::not_found(Msg::new("problem-not_found-no_such_resource"))
            }
            other => Self::internal(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        tracing::warn!(error = %err, "no database connection available");
        Self::Unavailable {
            code: "database_unavailable",
            detail: Msg::new("problem-database_unavailable").into(),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::internal(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody as _;

    fn body_of(err: &ApiError) -> serde_json::Value {
        let bytes = err.error_response().into_body().try_into_bytes().unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn statuses_follow_the_design() {
        let cases: Vec<(ApiError, u16)> = vec![
            (
                ApiError::bad_request("malformed_json", Text::Plain("x".into())),
                400,
            ),
            (
                ApiError::unauthorized("invalid_token", Text::Plain("x".into())),
                401,
            ),
            (
                ApiError::forbidden("forbidden", Text::Plain("x".into())),
                403,
            ),
            (ApiError::not_found(Text::Plain("x".into())), 404),
            (ApiError::MethodNotAllowed, 405),
            (
                ApiError::conflict("login_taken", Text::Plain("x".into())),
                409,
            ),
            (
                ApiError::PreconditionFailed {
                    code: "version_mismatch",
                    detail: Text::Plain("x".into()),
                },
                412,
            ),
            (ApiError::PayloadTooLarge { limit: 10 }, 413),
            (
                ApiError::UnsupportedMediaType {
                    detail: Text::Plain("x".into()),
                },
                415,
            ),
            (
                ApiError::invalid("login", "required", Text::Plain("x".into())),
                422,
            ),
            (
                ApiError::RateLimited {
                    retry_after_secs: 5,
                    detail: Text::Plain("x".into()),
                },
                429,
            ),
            (ApiError::internal("boom"), 500),
            (
                ApiError::Unavailable {
                    code: "database_busy",
                    detail: Text::Plain("x".into()),
                },
                503,
            ),
        ];
        for (err, status) in cases {
            let response = err.error_response();
            assert_eq!(response.status().as_u16(), status, "{err}");
            assert_eq!(
                response.headers().get(header::CONTENT_TYPE).unwrap(),
                PROBLEM_JSON
            );
            let body = body_of(&err);
            assert_eq!(body["status"], status);
            assert_eq!(body["code"], err.code());
            assert_eq!(body["type"], format!("/problems/{}", err.code()));
        }
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let body = body_of(&ApiError::internal("secret path /etc/shadow"));
        assert!(!body.to_string().contains("shadow"));
        assert_eq!(body["code"], "internal_error");
    }

    #[test]
    fn database_errors_are_mapped_on_purpose() {
        assert_eq!(
            ApiError::from(diesel::result::Error::NotFound).code(),
            "not_found"
        );
        let locked = diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::Unknown,
            Box::new("database is locked".to_owned()),
        );
        let err = ApiError::from(locked);
        assert_eq!(err.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            err.error_response()
                .headers()
                .contains_key(header::RETRY_AFTER)
        );
        let unique = diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            Box::new("UNIQUE constraint failed: users.login".to_owned()),
        );
        let body = body_of(&ApiError::from(unique));
        assert_eq!(body["status"], 409);
        assert!(!body.to_string().contains("users.login"));
    }

    #[test]
    fn validation_errors_list_each_field() {
        let err = ApiError::Validation(vec![
            FieldError::new("login", "required", Text::Plain("login is required".into())),
            FieldError::new(
                "password",
                "too_short",
                Text::Plain("at least 10 characters".into()),
            ),
        ]);
        let body = body_of(&err);
        assert_eq!(body["errors"][1]["field"], "password");
        assert_eq!(body["errors"][1]["code"], "too_short");
    }

    #[test]
    fn rate_limit_says_when_to_come_back() {
        let response = ApiError::RateLimited {
            retry_after_secs: 42,
            detail: Text::Plain("x".into()),
        }
        .error_response();
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "42");
    }
}
