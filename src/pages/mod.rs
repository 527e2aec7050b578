//! Small HTML pages served from the binary for people who follow a link in a mail (setting a
//! password, confirming an email address) or check a certificate, and the printable service
//! record: Chinese, large type, no script, no external assets. Every page is sent with `Cache-Control: no-store`, `Referrer-Policy: no-referrer`
//! (their URLs carry one-time tokens) and a strict Content-Security-Policy that allows only
//! the page's own stylesheet (by its hash) and forms posted back to this service.

pub mod confirm_email;
pub mod set_password;
pub mod verify;

use std::sync::LazyLock;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use base64::Engine as _;
use minijinja::{AutoEscape, Environment};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::error::ApiError;

const STYLE: &str = include_str!("../../templates/pages/page.css");

const TEMPLATES: [(&str, &str); 6] = [
    (
        "layout.html",
        include_str!("../../templates/pages/layout.html"),
    ),
    (
        "message.html",
        include_str!("../../templates/pages/message.html"),
    ),
    (
        "confirm_email.html",
        include_str!("../../templates/pages/confirm_email.html"),
    ),
    (
        "set_password.html",
        include_str!("../../templates/pages/set_password.html"),
    ),
    (
        "service_record.html",
        include_str!("../../templates/pages/service_record.html"),
    ),
    (
        "verify.html",
        include_str!("../../templates/pages/verify.html"),
    ),
];

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_trim_blocks(true);
    for (name, source) in TEMPLATES {
        // Part of the binary and rendered by the tests; a broken one is reported there.
        if let Err(e) = env.add_template(name, source) {
            tracing::error!(template = name, error = %e, "page template does not compile");
        }
    }
    env
});

/// The Content-Security-Policy of every page: nothing but the inline stylesheet (by hash)
/// and forms posted to this service; no frames, no base URL, no script.
pub static CONTENT_SECURITY_POLICY: LazyLock<String> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'"
    )
});

/// Renders `template` with `context` (plus the page title and stylesheet) as a page.
pub fn render<C: Serialize>(
    status: StatusCode,
    template: &str,
    title: &str,
    context: C,
) -> HttpResponse {
    let body = ENVIRONMENT.get_template(template).and_then(|t| {
        t.render(minijinja::context! {
            title => title,
            style => STYLE,
            ..minijinja::Value::from_serialize(&context)
        })
    });
    match body {
        Ok(body) => page_response(status, body),
        Err(e) => {
            tracing::error!(template, error = %e, "page did not render");
            page_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "<!DOCTYPE html><title>出错了</title><p>出错了，请稍后再试。</p>".to_owned(),
            )
        }
    }
}

/// A page that only says something: `tone` is `good` or `bad`, `hint` what to do next.
pub fn message(
    status: StatusCode,
    title: &str,
    tone: &str,
    message: &str,
    hint: &str,
) -> HttpResponse {
    render(
        status,
        "message.html",
        title,
        minijinja::context! { tone => tone, message => message, hint => hint },
    )
}

/// The page for a failure the reader can do nothing about but wait (a busy database, a
/// bug): its status, a plain message, and the cause logged for a 500.
pub fn failure(error: &ApiError) -> HttpResponse {
    use actix_web::ResponseError as _;
    let status = error.status_code();
    if status.is_server_error() {
        tracing::error!(error = ?error, "page request failed");
    }
    message(
        status,
        "暂时无法完成",
        "bad",
        "服务暂时无法完成这个操作。",
        "请过几分钟再试；如果仍然不行，请联系关工委办公室。",
    )
}

fn page_response(status: StatusCode, body: String) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"));
    if let Ok(csp) = HeaderValue::from_str(&CONTENT_SECURITY_POLICY) {
        response.insert_header((header::CONTENT_SECURITY_POLICY, csp));
    }
    response.body(body)
}

/// Reads an `application/x-www-form-urlencoded` body; `None` when it is not one.
pub fn form<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_urlencoded::from_bytes(body).ok()
}
