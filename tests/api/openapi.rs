//! The committed OpenAPI document is the one the code generates, and the service serves it.

use crate::common;

use actix_web::test::TestRequest;
use common::TestApp;
use utoipa::OpenApi as _;

const COMMITTED: &str = "api_docs/openapi.json";

fn generated() -> String {
    guanai::api::ApiDoc::openapi()
        .to_pretty_json()
        .expect("openapi json")
        + "\n"
}

#[test]
fn committed_openapi_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    let generated = generated();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{COMMITTED} is out of date; regenerate it with `UPDATE_OPENAPI=1 cargo test openapi` \
         (or `cargo run -- openapi > {COMMITTED}`) and commit the result"
    );
}

#[test]
fn every_registered_route_is_documented() {
    let doc = guanai::api::ApiDoc::openapi();
    let documented: Vec<&str> = doc.paths.paths.keys().map(String::as_str).collect();
    let expected = [
        "/healthz",
        "/readyz",
        "/api/v1/openapi.json",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/set-password",
        "/api/v1/me",
        "/api/v1/me/password",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/users/{id}/password-reset",
        "/api/v1/teams",
        "/api/v1/teams/{code}",
        "/api/v1/audit",
        "/api/v1/teams/{code}/leads",
        "/api/v1/schools",
        "/api/v1/schools/{id}",
        "/api/v1/experts",
        "/api/v1/experts/import",
        "/api/v1/experts/export.csv",
        "/api/v1/experts/{id}",
        "/api/v1/experts/{id}/status",
        "/api/v1/experts/{id}/history",
        "/api/v1/courses",
        "/api/v1/courses/{id}",
        "/api/v1/courses/{id}/review",
        "/api/v1/courses/{id}/retire",
        "/api/v1/courses/{id}/history",
        "/api/v1/auth/password-reset",
        "/api/v1/me/notifications",
        "/api/v1/me/notifications/{id}/read",
        "/api/v1/admin/outbox",
        "/api/v1/admin/outbox/{id}/retry",
    ];
    for path in expected {
        assert!(
            documented.contains(&path),
            "{path} is missing from the OpenAPI document"
        );
    }
    assert_eq!(
        documented.len(),
        expected.len(),
        "a documented path is not in this list: {documented:?}"
    );
}

#[actix_web::test]
async fn the_service_serves_its_openapi_document() {
    let app = TestApp::new().await;
    let response = app
        .call(TestRequest::get().uri("/api/v1/openapi.json"))
        .await;
    let body = response.assert_status(200);
    assert_eq!(body["openapi"], "3.1.0");
    assert!(body["paths"]["/api/v1/auth/login"]["post"].is_object());
}
