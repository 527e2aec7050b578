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
fn the_document_has_exactly_the_api_routes_of_the_route_table() {
    use guanai::api::{ROUTES, RouteKind};
    let doc = guanai::api::ApiDoc::openapi();
    let mut documented: Vec<String> = Vec::new();
    for (path, item) in &doc.paths.paths {
        let methods = [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("PATCH", item.patch.is_some()),
            ("DELETE", item.delete.is_some()),
        ];
        for (method, present) in methods {
            if present {
                documented.push(format!("{method} {path}"));
            }
        }
    }
    let mut registered: Vec<String> = ROUTES
        .iter()
        .filter(|r| r.kind == RouteKind::Api)
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    documented.sort();
    registered.sort();
    assert_eq!(documented, registered);
    assert!(
        ROUTES
            .iter()
            .filter(|r| r.kind == RouteKind::Page)
            .all(|page| !doc.paths.paths.contains_key(page.path)),
        "pages stay out of the OpenAPI document"
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
