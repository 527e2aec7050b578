//! Cross-cutting HTTP concerns: request ids, access logs, client addresses, and turning
//! every error response into problem details.

use crate::i18n::Msg;
use std::future::{Ready, ready};
use std::net::IpAddr;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{
    FromRequest, HttpMessage as _, HttpRequest, HttpResponse, ResponseError as _, web,
};
use tracing::Instrument as _;

use crate::error::{ApiError, PROBLEM_JSON, REQUEST_ID};

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Proxy addresses whose `X-Forwarded-For` header is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpAddr>);

/// Who is asking, as far as the transport tells: request id and client address.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    pub request_id: String,
    pub ip: String,
}

impl FromRequest for RequestMeta {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<RequestMeta>()
                .cloned()
                .ok_or_else(|| ApiError::internal("request context middleware missing")),
        )
    }
}

/// An incoming request id is kept when it looks like one (a load balancer's), else replaced.
fn request_id_of(req: &ServiceRequest) -> String {
    req.headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

/// The client address: the peer, unless the peer is a trusted proxy, in which case the
/// right-most `X-Forwarded-For` entry that is not itself a trusted proxy.
pub fn client_ip(peer: Option<IpAddr>, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> String {
    let Some(peer) = peer else {
        return "unknown".to_owned();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let Some(chain) = forwarded_for else {
        return peer.to_string();
    };
    let hops: Vec<IpAddr> = chain
        .split(',')
        .filter_map(|hop| hop.trim().parse().ok())
        .collect();
    hops.iter()
        .rev()
        .find(|hop| !trusted.contains(hop))
        .or(hops.first())
        .map_or_else(|| peer.to_string(), IpAddr::to_string)
}

/// Middleware around the whole app: request id (header, task-local for problem bodies,
/// request extension), client address, one access-log line, problem details everywhere.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let request_id = request_id_of(&req);
    let trusted = req
        .app_data::<web::Data<TrustedProxies>>()
        .map(|p| p.0.clone())
        .unwrap_or_default();
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let ip = client_ip(
        req.peer_addr().map(|a| a.ip()),
        forwarded.as_deref(),
        &trusted,
    );
    req.extensions_mut().insert(RequestMeta {
        request_id: request_id.clone(),
        ip,
    });
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %req.method(),
        path = %req.path(),
    );
    let started = Instant::now();
    let id_for_scope = request_id.clone();
    // The language of the messages of this request's answers.
    let default = req
        .app_data::<web::Data<crate::AppState>>()
        .map(|state| state.settings.default_language)
        .unwrap_or_default();
    let lang = crate::i18n::Lang::negotiate(
        req.headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
        default,
    );
    async move {
        let mut response = REQUEST_ID
            .scope(
                id_for_scope,
                crate::i18n::LANG.scope(lang, async move {
                    let response = next.call(req).await?;
                    Ok::<_, actix_web::Error>(ensure_problem(response.map_into_boxed_body()))
                }),
            )
            .await?;
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            response
                .headers_mut()
                .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
        }
        let status = response.status().as_u16();
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        if status >= 500 {
            tracing::warn!(status, elapsed_ms, "request failed");
        } else {
            tracing::info!(status, elapsed_ms, "request");
        }
        Ok(response)
    }
    .instrument(span)
    .await
}

/// Error responses that did not come from `ApiError` (actix's own 404/405, say) get a
/// problem body too, so clients see one error format. The served pages' own HTML answers
/// (`crate::pages`) stay as they are: they are written for a reader, not a client.
fn ensure_problem(response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = response.status();
    if status.as_u16() < 400 {
        return response;
    }
    let is_formed = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|ct| {
            ct.as_bytes().starts_with(PROBLEM_JSON.as_bytes())
                || ct.as_bytes().starts_with(b"text/html")
        });
    if is_formed {
        return response;
    }
    let error = match status {
        StatusCode::NOT_FOUND => {
            ApiError::not_found(Msg::new("problem-not_found-no_such_resource"))
        }
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge {
            limit: crate::extract::JSON_LIMIT,
        },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType {
            detail: crate::i18n::Msg::new("problem-unsupported_media_type-any").into(),
        },
        s if s.is_server_error() => ApiError::internal(format!("unhandled {s} response")),
        _ => ApiError::bad_request(
            "bad_request",
            Msg::new("problem-bad_request-request_could_not_processed"),
        ),
    };
    let (req, _) = response.into_parts();
    let mut replacement: HttpResponse = error.error_response();
    *replacement.status_mut() = status;
    ServiceResponse::new(req, replacement)
}

/// 405 for a path that exists but not with this method, with the `Allow` header that
/// RFC 9110 asks for (the table's methods of the path).
pub fn method_not_allowed(allowed: &[&str]) -> HttpResponse {
    let mut response = ApiError::MethodNotAllowed.error_response();
    let mut methods: Vec<&str> = allowed.to_vec();
    // Every GET route answers HEAD too (`api::verb::get`).
    if methods.contains(&"GET") {
        methods.push("HEAD");
    }
    methods.sort_unstable();
    methods.dedup();
    if let Ok(value) = HeaderValue::from_str(&methods.join(", ")) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// The app's fallback for paths no route matches.
pub async fn unknown_route() -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found(Msg::new(
        "problem-not_found-no_route_matches_path",
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let outsider: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(
            client_ip(Some(outsider), Some("1.2.3.4"), &[proxy]),
            "203.0.113.9"
        );
        assert_eq!(client_ip(Some(proxy), Some("1.2.3.4"), &[proxy]), "1.2.3.4");
        // A client cannot hide behind a forged left-most entry.
        assert_eq!(
            client_ip(Some(proxy), Some("6.6.6.6, 1.2.3.4"), &[proxy]),
            "1.2.3.4"
        );
        assert_eq!(client_ip(Some(proxy), None, &[proxy]), "10.0.0.2");
        assert_eq!(client_ip(None, None, &[]), "unknown");
    }
}
