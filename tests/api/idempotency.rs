//! `Idempotency-Key` on creating POSTs: a retry replays the first answer and creates nothing.

use actix_web::http::header;
use actix_web::test::TestRequest;
use chrono::Duration;
use guanai::clock::Clock as _;
use guanai::domain::roster::ExpertStatus;
use guanai::models::idempotency_key::IdempotencyKey;
use serde_json::{Value, json};

use crate::common::{TestApp, TestResponse};

fn school(name: &str) -> Value {
    json!({ "name": name, "school_type": "primary", "district": "鼓楼区",
            "address": "东风路1号", "contact_person": "李老师" })
}

async fn post_with_key(
    app: &TestApp,
    path: &str,
    token: &str,
    key: &str,
    body: &Value,
) -> TestResponse {
    app.call(
        TestRequest::post()
            .uri(path)
            .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
            .insert_header(("Idempotency-Key", key))
            .set_json(body),
    )
    .await
}

async fn school_count(app: &TestApp, token: &str) -> usize {
    app.get("/api/v1/schools?limit=100", token)
        .await
        .assert_status(200)["items"]
        .as_array()
        .unwrap()
        .len()
}

#[actix_web::test]
async fn a_retry_with_the_same_key_replays_the_answer_and_creates_nothing() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let body = school("东风小学");

    let first = post_with_key(&app, "/api/v1/schools", &admin, "retry-1", &body).await;
    first.assert_status(201);
    assert_eq!(first.header("idempotency-replayed"), None);
    let again = post_with_key(&app, "/api/v1/schools", &admin, "retry-1", &body).await;

    again.assert_status(201);
    assert_eq!(again.header("idempotency-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(school_count(&app, &admin).await, 1);
    assert_eq!(app.audit_actions("school.created").len(), 1);
}

#[actix_web::test]
async fn the_same_key_with_another_request_is_refused() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    post_with_key(&app, "/api/v1/schools", &admin, "k", &school("东风小学"))
        .await
        .assert_status(201);

    let other = post_with_key(&app, "/api/v1/schools", &admin, "k", &school("西湖小学")).await;

    other.assert_problem(422, "validation_failed");
    assert_eq!(other.body["errors"][0]["code"], "idempotency_key_reused");
    assert_eq!(school_count(&app, &admin).await, 1);
}

#[actix_web::test]
async fn a_refused_request_frees_its_key_for_a_corrected_retry() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let mut bad = school("东风小学");
    bad["contact_person"] = json!("");

    post_with_key(&app, "/api/v1/schools", &admin, "fix-me", &bad)
        .await
        .assert_problem(422, "validation_failed");
    let fixed = post_with_key(
        &app,
        "/api/v1/schools",
        &admin,
        "fix-me",
        &school("东风小学"),
    )
    .await;

    fixed.assert_status(201);
    assert_eq!(fixed.header("idempotency-replayed"), None);
    // The same bad request again runs again too (a refusal is never replayed).
    post_with_key(&app, "/api/v1/schools", &admin, "fix-me-2", &bad)
        .await
        .assert_problem(422, "validation_failed");
    post_with_key(&app, "/api/v1/schools", &admin, "fix-me-2", &bad)
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn a_key_in_use_is_409_until_its_lease_runs_out() {
    let app = TestApp::new().await;
    let (admin_user, admin) = app.admin().await;
    let body = school("东风小学");
    let path = "/api/v1/schools";
    let print = guanai::idempotency::fingerprint(
        &actix_web::http::Method::POST,
        path,
        body.to_string().as_bytes(),
    );
    // A request with this key is running (or died) right now.
    let now = app.clock.now_naive();
    app.with_conn(|conn| {
        IdempotencyKey::claim(
            conn,
            &admin_user.id,
            "busy",
            &print,
            now + Duration::seconds(60),
            now,
        )
        .unwrap()
    });
    post_with_key(&app, path, &admin, "busy", &body)
        .await
        .assert_problem(409, "idempotency_in_progress");
    assert_eq!(school_count(&app, &admin).await, 0);

    // The first request died: once its lease is over, a retry runs.
    app.clock.advance(Duration::seconds(61));
    post_with_key(&app, path, &admin, "busy", &body)
        .await
        .assert_status(201);
    assert_eq!(school_count(&app, &admin).await, 1);
}

#[actix_web::test]
async fn keys_belong_to_their_caller() {
    let app = TestApp::new().await;
    app.expert("wang", "reading", ExpertStatus::Active);
    app.expert("li", "reading", ExpertStatus::Active);
    let (wang, _) = app.tokens("wang").await;
    let (li, _) = app.tokens("li").await;
    let proposal = json!({
        "team": "reading", "title": "亲子共读", "description": "带家长读书。",
        "audiences": ["parents"], "modes": ["online"], "duration_minutes": 60
    });

    let a = post_with_key(&app, "/api/v1/courses", &wang, "same-key", &proposal).await;
    let b = post_with_key(&app, "/api/v1/courses", &li, "same-key", &proposal).await;

    a.assert_status(201);
    b.assert_status(201);
    assert_eq!(b.header("idempotency-replayed"), None);
    assert_ne!(a.body["id"], b.body["id"]);
}

#[actix_web::test]
async fn a_replay_never_repeats_a_one_time_set_password_token() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let body = json!({ "login": "new.officer", "display_name": "新同事", "role": "admin",
                       "email": "new@example.cn" });

    let first = post_with_key(&app, "/api/v1/users", &admin, "u-1", &body).await;
    let token = first.assert_status(201)["set_password_token"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let again = post_with_key(&app, "/api/v1/users", &admin, "u-1", &body).await;

    again.assert_status(201);
    assert_eq!(again.header("idempotency-replayed"), Some("true"));
    assert_eq!(again.body["user"], first.body["user"]);
    assert_eq!(again.body["set_password_token"], Value::Null);
    assert!(
        again.body["replay_note"]
            .as_str()
            .unwrap()
            .contains("password-reset")
    );
    assert!(!again.body.to_string().contains(&token));
    // Nothing of the secret is kept in the database either.
    let stored = app.with_conn(|conn| {
        use diesel::RunQueryDsl as _;
        #[derive(diesel::QueryableByName)]
        struct Body {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            response_body: Option<String>,
        }
        diesel::sql_query("SELECT response_body FROM idempotency_keys")
            .load::<Body>(conn)
            .unwrap()
    });
    assert!(
        stored
            .iter()
            .all(|b| !b.response_body.clone().unwrap_or_default().contains(&token))
    );
}

#[actix_web::test]
async fn a_malformed_key_is_400() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    for key in ["", &"k".repeat(256), "有中文"] {
        let response = app
            .call(
                TestRequest::post()
                    .uri("/api/v1/schools")
                    .insert_header((header::AUTHORIZATION, format!("Bearer {admin}")))
                    .insert_header((
                        header::HeaderName::from_static("idempotency-key"),
                        header::HeaderValue::from_bytes(key.as_bytes()).unwrap(),
                    ))
                    .set_json(school("东风小学")),
            )
            .await;
        response.assert_problem(400, "invalid_idempotency_key");
    }
    assert_eq!(school_count(&app, &admin).await, 0);
}

#[actix_web::test]
async fn old_keys_are_swept_after_a_day() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    post_with_key(&app, "/api/v1/schools", &admin, "old", &school("东风小学"))
        .await
        .assert_status(201);
    let now = app.clock.now_naive();
    let swept = app.with_conn(|conn| guanai::idempotency::sweep(conn, now).unwrap());
    assert_eq!(swept, 0);
    let later = now + Duration::hours(25);
    let swept = app.with_conn(|conn| guanai::idempotency::sweep(conn, later).unwrap());
    assert_eq!(swept, 1);
}
