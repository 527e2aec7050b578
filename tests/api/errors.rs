//! Every error leaves as problem details with the status the design gives it.

use crate::common;

use actix_web::http::{Method, header};
use actix_web::test::TestRequest;
use common::TestApp;
use guanai::domain::role::Role;
use serde_json::json;

#[actix_web::test]
async fn malformed_json_is_400() {
    let app = TestApp::new().await;
    let req = TestRequest::post()
        .uri("/api/v1/auth/login")
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .set_payload(r#"{"login": "a", "password": "#);
    app.call(req).await.assert_problem(400, "malformed_json");
}

#[actix_web::test]
async fn wrong_content_type_is_415() {
    let app = TestApp::new().await;
    let req = TestRequest::post()
        .uri("/api/v1/auth/login")
        .insert_header((header::CONTENT_TYPE, "text/plain"))
        .set_payload(r#"{"login": "a", "password": "b"}"#);
    app.call(req)
        .await
        .assert_problem(415, "unsupported_media_type");
    let no_type = TestRequest::post()
        .uri("/api/v1/auth/login")
        .set_payload("{}");
    app.call(no_type)
        .await
        .assert_problem(415, "unsupported_media_type");
}

#[actix_web::test]
async fn bodies_over_64_kib_are_413() {
    let app = TestApp::new().await;
    let huge = "x".repeat(65 * 1024);
    let response = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({ "login": huge, "password": "p" }),
        )
        .await;
    response.assert_problem(413, "payload_too_large");
}

#[actix_web::test]
async fn missing_unknown_and_mistyped_fields_are_422_by_field() {
    let app = TestApp::new().await;
    let missing = app
        .post("/api/v1/auth/login", None, json!({ "login": "a" }))
        .await;
    missing.assert_problem(422, "validation_failed");
    assert_eq!(missing.body["errors"][0]["field"], "password");
    assert_eq!(missing.body["errors"][0]["code"], "required");

    let unknown = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({ "login": "a", "password": "b", "role": "admin" }),
        )
        .await;
    assert_eq!(unknown.body["errors"][0]["field"], "role");
    assert_eq!(unknown.body["errors"][0]["code"], "unknown_field");

    let mistyped = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({ "login": 42, "password": "b" }),
        )
        .await;
    assert_eq!(mistyped.body["errors"][0]["field"], "login");
    assert_eq!(mistyped.body["errors"][0]["code"], "invalid_type");
}

#[actix_web::test]
async fn unknown_routes_are_404_and_wrong_methods_405() {
    let app = TestApp::new().await;
    let (_, token) = app.admin().await;
    app.get("/api/v1/no-such-thing", &token)
        .await
        .assert_problem(404, "not_found");
    app.get("/nothing-here", &token)
        .await
        .assert_problem(404, "not_found");
    let wrong = app
        .send(Method::DELETE, "/api/v1/teams", Some(&token), None)
        .await;
    wrong.assert_problem(405, "method_not_allowed");
    assert_eq!(wrong.header("allow"), Some("GET, HEAD"));
    // Every readable route answers HEAD as it answers GET.
    let head = app
        .send(Method::HEAD, "/api/v1/teams", Some(&token), None)
        .await;
    assert_eq!(head.status, 200);
    let wrong = app
        .send(Method::GET, "/api/v1/auth/login", None, None)
        .await;
    wrong.assert_problem(405, "method_not_allowed");
    assert_eq!(wrong.header("allow"), Some("POST"));
    let wrong = app
        .send(Method::PUT, "/api/v1/courses/some-id", Some(&token), None)
        .await;
    wrong.assert_problem(405, "method_not_allowed");
    assert_eq!(wrong.header("allow"), Some("GET, HEAD, PATCH"));
}

#[actix_web::test]
async fn request_ids_are_sent_back_and_kept_when_given() {
    let app = TestApp::new().await;
    let plain = app.call(TestRequest::get().uri("/healthz")).await;
    assert!(
        plain
            .header("x-request-id")
            .is_some_and(|id| id.len() >= 16)
    );

    let given = app
        .call(
            TestRequest::get()
                .uri("/api/v1/nope")
                .insert_header(("x-request-id", "lb-12345")),
        )
        .await;
    assert_eq!(given.header("x-request-id"), Some("lb-12345"));
    assert_eq!(given.body["request_id"], "lb-12345");

    let hostile = app
        .call(
            TestRequest::get()
                .uri("/healthz")
                .insert_header(("x-request-id", "<script>alert(1)</script>")),
        )
        .await;
    assert_ne!(
        hostile.header("x-request-id"),
        Some("<script>alert(1)</script>")
    );
}

#[actix_web::test]
async fn health_and_readiness() {
    let app = TestApp::new().await;
    let health = app.call(TestRequest::get().uri("/healthz")).await;
    assert_eq!(health.assert_status(200)["status"], "ok");
    let ready = app.call(TestRequest::get().uri("/readyz")).await;
    assert_eq!(ready.assert_status(200)["status"], "ready");
}

#[actix_web::test]
async fn role_checks_are_403_with_a_code() {
    let app = TestApp::new().await;
    app.user(Role::School, "school.x");
    let (token, _) = app.tokens("school.x").await;
    app.get("/api/v1/audit", &token)
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn a_cursor_works_only_for_the_list_that_issued_it() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.expert(
        "first",
        "reading",
        guanai::domain::roster::ExpertStatus::Active,
    );
    app.expert(
        "second",
        "reading",
        guanai::domain::roster::ExpertStatus::Active,
    );
    let page = app.get("/api/v1/experts?limit=1", &admin).await;
    let cursor = page.assert_status(200)["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();

    app.get(&format!("/api/v1/experts?limit=1&cursor={cursor}"), &admin)
        .await
        .assert_status(200);
    app.get(&format!("/api/v1/courses?cursor={cursor}"), &admin)
        .await
        .assert_problem(400, "invalid_cursor");
    app.get(&format!("/api/v1/users?cursor={cursor}"), &admin)
        .await
        .assert_problem(400, "invalid_cursor");
}
