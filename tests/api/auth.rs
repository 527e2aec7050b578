//! Logging in, refreshing, logging out, changing and setting passwords, rate limits, tokens.

use crate::common;

use actix_web::http::Method;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use common::{PASSWORD, TestApp};
use guanai::auth::jwt::{AUDIENCE, Claims, ISSUER, JwtKeys};
use guanai::clock::Clock as _;
use guanai::domain::role::Role;
use serde_json::json;

#[actix_web::test]
async fn login_returns_tokens_and_the_user() {
    let app = TestApp::new().await;
    let user = app.user(Role::Expert, "wang.laoshi");

    let response = app.login("Wang.LaoShi", PASSWORD).await;

    let body = response.assert_status(200);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["user"]["id"], user.id.as_str());
    assert_eq!(body["user"]["role"], "expert");
    assert_eq!(body["user"]["created_at"], "2026-03-02T09:00:00+08:00");
    let me = app
        .get("/api/v1/me", body["access_token"].as_str().unwrap())
        .await;
    assert_eq!(me.assert_status(200)["login"], "wang.laoshi");
}

#[actix_web::test]
async fn every_login_failure_looks_the_same() {
    let app = TestApp::new().await;
    app.user(Role::School, "school.a");
    let (admin, admin_token) = app.admin().await;
    let gone = app.user(Role::School, "school.gone");
    app.patch(
        &format!("/api/v1/users/{}", gone.id),
        &admin_token,
        None,
        json!({ "active": false }),
    )
    .await
    .assert_status(200);

    let unknown = app.login("nobody", PASSWORD).await;
    let wrong = app.login("school.a", "not the password at all").await;
    let deactivated = app.login("school.gone", PASSWORD).await;

    for response in [&unknown, &wrong, &deactivated] {
        response.assert_problem(401, "invalid_credentials");
    }
    let strip = |r: &common::TestResponse| {
        let mut body = r.body.clone();
        body.as_object_mut().unwrap().remove("request_id");
        body
    };
    assert_eq!(strip(&unknown), strip(&wrong));
    assert_eq!(strip(&wrong), strip(&deactivated));
    let mut reasons: Vec<String> = app
        .audit_actions("auth.login_failed")
        .iter()
        .map(|e| {
            serde_json::from_str::<serde_json::Value>(&e.detail).unwrap()["reason"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    reasons.sort();
    assert_eq!(reasons, ["deactivated", "unknown_login", "wrong_password"]);
    let _ = admin;
}

async fn refresh(app: &TestApp, token: &str) -> common::TestResponse {
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({ "refresh_token": token }),
    )
    .await
}

#[actix_web::test]
async fn refresh_rotates_and_reuse_ends_the_whole_login_access_tokens_included() {
    let app = TestApp::new().await;
    app.user(Role::Expert, "li.laoshi");
    let (first_access, first) = app.tokens("li.laoshi").await;
    let (other_device, _) = app.tokens("li.laoshi").await;

    let rotated = refresh(&app, &first).await;
    let body = rotated.assert_status(200);
    let second = body["refresh_token"].as_str().unwrap().to_owned();
    let second_access = body["access_token"].as_str().unwrap().to_owned();
    assert_ne!(second, first);
    app.get("/api/v1/me", &second_access)
        .await
        .assert_status(200);

    // The old token again, a minute later: someone copied it. The whole family ends — its
    // refresh tokens and the access tokens it issued — at once, not when they expire.
    app.clock.advance(Duration::minutes(1));
    refresh(&app, &first)
        .await
        .assert_problem(401, "invalid_refresh_token");
    refresh(&app, &second)
        .await
        .assert_problem(401, "invalid_refresh_token");
    for access in [&first_access, &second_access] {
        app.get("/api/v1/me", access)
            .await
            .assert_problem(401, "token_revoked");
    }
    assert_eq!(app.audit_actions("auth.refresh_reuse").len(), 1);

    // The same user's other login is a family of its own and stays.
    app.get("/api/v1/me", &other_device)
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn a_refresh_retried_within_ten_seconds_is_refused_without_ending_the_login() {
    let app = TestApp::new().await;
    app.user(Role::Expert, "zhou");
    let (_, first) = app.tokens("zhou").await;
    let rotated = refresh(&app, &first).await;
    let body = rotated.assert_status(200);
    let (second, access) = (
        body["refresh_token"].as_str().unwrap().to_owned(),
        body["access_token"].as_str().unwrap().to_owned(),
    );

    // The client lost the answer and sends the same token again.
    app.clock.advance(Duration::seconds(10));
    refresh(&app, &first)
        .await
        .assert_problem(401, "invalid_refresh_token");

    assert!(app.audit_actions("auth.refresh_reuse").is_empty());
    app.get("/api/v1/me", &access).await.assert_status(200);
    refresh(&app, &second).await.assert_status(200);
}

#[actix_web::test]
async fn a_second_login_is_not_hit_by_reuse_in_another() {
    let app = TestApp::new().await;
    app.user(Role::Expert, "zhao");
    let (_, phone) = app.tokens("zhao").await;
    let (laptop_access, laptop) = app.tokens("zhao").await;
    refresh(&app, &phone).await.assert_status(200);
    app.clock.advance(Duration::seconds(11));
    refresh(&app, &phone).await.assert_status(401);
    assert_eq!(app.audit_actions("auth.refresh_reuse").len(), 1);

    app.get("/api/v1/me", &laptop_access)
        .await
        .assert_status(200);
    refresh(&app, &laptop).await.assert_status(200);
}

#[actix_web::test]
async fn refresh_tokens_expire_after_thirty_days() {
    let app = TestApp::new().await;
    app.user(Role::Expert, "sun");
    let (_, refresh) = app.tokens("sun").await;
    app.clock.advance(Duration::days(30) + Duration::seconds(1));

    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({ "refresh_token": refresh }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
}

#[actix_web::test]
async fn logout_ends_the_refresh_token_and_its_access_tokens() {
    let app = TestApp::new().await;
    app.user(Role::School, "school.b");
    let (access, refresh) = app.tokens("school.b").await;

    let response = app
        .post(
            "/api/v1/auth/logout",
            None,
            json!({ "refresh_token": refresh }),
        )
        .await;

    assert_eq!(response.status.as_u16(), 204);
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({ "refresh_token": refresh }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    app.get("/api/v1/me", &access)
        .await
        .assert_problem(401, "token_revoked");
}

#[actix_web::test]
async fn changing_the_password_logs_other_sessions_out() {
    let app = TestApp::new().await;
    app.user(Role::Expert, "qian");
    let (other_access, other_refresh) = app.tokens("qian").await;
    let (access, _) = app.tokens("qian").await;

    let response = app
        .post(
            "/api/v1/me/password",
            Some(&access),
            json!({ "old_password": PASSWORD, "new_password": "a brand new passphrase" }),
        )
        .await;

    let fresh = response.assert_status(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get("/api/v1/me", &other_access)
        .await
        .assert_problem(401, "token_revoked");
    app.get("/api/v1/me", &access)
        .await
        .assert_problem(401, "token_revoked");
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({ "refresh_token": other_refresh }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    app.get("/api/v1/me", &fresh).await.assert_status(200);
    app.login("qian", PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    app.login("qian", "a brand new passphrase")
        .await
        .assert_status(200);
    assert_eq!(app.audit_actions("user.password_changed").len(), 1);
}

#[actix_web::test]
async fn changing_the_password_checks_the_old_one_and_the_policy() {
    let app = TestApp::new().await;
    app.user(Role::Expert, "zhou");
    let (access, _) = app.tokens("zhou").await;

    let wrong = app
        .post("/api/v1/me/password", Some(&access), json!({ "old_password": "guess guess guess", "new_password": "a brand new passphrase" }))
        .await;
    wrong.assert_problem(422, "validation_failed");
    assert_eq!(wrong.body["errors"][0]["field"], "old_password");
    assert_eq!(wrong.body["errors"][0]["code"], "incorrect");

    let short = app
        .post(
            "/api/v1/me/password",
            Some(&access),
            json!({ "old_password": PASSWORD, "new_password": "short" }),
        )
        .await;
    short.assert_problem(422, "validation_failed");
    assert_eq!(short.body["errors"][0]["code"], "too_short");

    let same = app
        .post(
            "/api/v1/me/password",
            Some(&access),
            json!({ "old_password": PASSWORD, "new_password": PASSWORD }),
        )
        .await;
    assert_eq!(same.body["errors"][0]["code"], "same_as_old");
}

#[actix_web::test]
async fn ten_failures_lock_the_account_from_that_address_for_the_window_only() {
    let app = TestApp::new().await;
    app.user(Role::School, "school.c");
    for _ in 0..10 {
        app.login("school.c", "wrong password!!")
            .await
            .assert_problem(401, "invalid_credentials");
    }

    // Even the right password is refused from that address now, with a hint when to come back.
    let limited = app.login("school.c", PASSWORD).await;
    limited.assert_problem(429, "rate_limited");
    let retry: i64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "retry-after {retry}");

    // The owner at another address is not locked out, and another account from the same
    // address is not affected.
    app.login_from("school.c", PASSWORD, "198.51.100.7")
        .await
        .assert_status(200);
    app.user(Role::School, "school.d");
    app.login("school.d", PASSWORD).await.assert_status(200);

    app.clock
        .advance(Duration::minutes(15) + Duration::seconds(1));
    app.login("school.c", PASSWORD).await.assert_status(200);
}

#[actix_web::test]
async fn an_account_attacked_from_many_addresses_locks_after_a_hundred_failures_an_hour() {
    let app = TestApp::new().await;
    app.user(Role::Admin, "office");
    // Ten addresses, ten failures each: every address has used up its own share.
    for address in 0..10 {
        let ip = format!("203.0.113.{address}");
        for _ in 0..10 {
            app.login_from("office", "wrong password!!", &ip)
                .await
                .assert_problem(401, "invalid_credentials");
        }
        app.clock.advance(Duration::minutes(2));
    }
    // The account-wide limit is reached: even a fresh address is refused now.
    let limited = app.login_from("office", PASSWORD, "198.51.100.7").await;
    limited.assert_problem(429, "rate_limited");
    let retry: i64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry), "retry-after {retry}");

    // An hour after the first failures the oldest ones leave the window.
    app.clock.advance(Duration::minutes(41));
    app.login_from("office", PASSWORD, "198.51.100.7")
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn refused_logins_are_audited_once_per_limit_and_window() {
    let app = TestApp::new().await;
    let user = app.user(Role::School, "school.f");
    for _ in 0..10 {
        app.login("school.f", "wrong password!!").await;
    }
    for _ in 0..5 {
        app.login("school.f", PASSWORD)
            .await
            .assert_problem(429, "rate_limited");
    }
    let refused = app.audit_actions("auth.login_refused");
    assert_eq!(
        refused.len(),
        1,
        "one row for the window, not one per request"
    );
    assert_eq!(refused[0].entity_id.as_deref(), Some(user.id.as_str()));
    assert_eq!(refused[0].actor_id, None);
    assert_eq!(refused[0].ip.as_deref(), Some("192.0.2.10"));
    let detail: serde_json::Value = serde_json::from_str(&refused[0].detail).unwrap();
    assert_eq!(detail["limit"], "account_and_address");

    // Still refused a while later in the same window: no new row. In the next window: one.
    app.clock.advance(Duration::minutes(10));
    app.login("school.f", PASSWORD).await.assert_status(429);
    assert_eq!(app.audit_actions("auth.login_refused").len(), 1);
    app.clock.advance(Duration::minutes(6));
    for _ in 0..10 {
        app.login("school.f", "wrong password!!").await;
    }
    app.login("school.f", PASSWORD).await.assert_status(429);
    assert_eq!(app.audit_actions("auth.login_refused").len(), 2);
}

#[actix_web::test]
async fn a_hundred_failures_from_one_address_block_that_address() {
    let app = TestApp::new().await;
    app.user(Role::School, "school.e");
    for i in 0..100 {
        app.login(&format!("guess{i}"), "wrong password!!")
            .await
            .assert_problem(401, "invalid_credentials");
    }

    app.login("school.e", PASSWORD)
        .await
        .assert_problem(429, "rate_limited");

    app.clock.advance(Duration::minutes(16));
    app.login("school.e", PASSWORD).await.assert_status(200);
}

fn forge(claims: &Claims, secret: &str) -> String {
    JwtKeys::new(secret).unwrap().issue(claims).unwrap()
}

#[actix_web::test]
async fn forged_unsigned_expired_and_foreign_tokens_are_refused() {
    let app = TestApp::new().await;
    let user = app.user(Role::Admin, "boss");
    let now = app.clock.now().timestamp();
    let good = Claims {
        sub: user.id.clone(),
        role: "admin".into(),
        ver: 1,
        fam: None,
        aud: AUDIENCE.into(),
        iss: ISSUER.into(),
        iat: now,
        exp: now + 600,
    };
    app.get("/api/v1/me", &forge(&good, common::JWT_SECRET))
        .await
        .assert_status(200);

    let forged = forge(&good, "some-other-secret-some-other-secret-00");
    app.get("/api/v1/me", &forged)
        .await
        .assert_problem(401, "invalid_token");

    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&good).unwrap());
    app.get("/api/v1/me", &format!("{header}.{payload}."))
        .await
        .assert_problem(401, "invalid_token");

    let expired = Claims {
        iat: now - 1000,
        exp: now - 100,
        ..good.clone()
    };
    app.get("/api/v1/me", &forge(&expired, common::JWT_SECRET))
        .await
        .assert_problem(401, "token_expired");

    let foreign = Claims {
        aud: "another-service".into(),
        ..good.clone()
    };
    app.get("/api/v1/me", &forge(&foreign, common::JWT_SECRET))
        .await
        .assert_problem(401, "invalid_token");

    app.send(Method::GET, "/api/v1/me", None, None)
        .await
        .assert_problem(401, "missing_token");
    app.get("/api/v1/me", "garbage")
        .await
        .assert_problem(401, "invalid_token");
}

#[actix_web::test]
async fn access_tokens_expire_after_fifteen_minutes() {
    let app = TestApp::new().await;
    app.user(Role::Expert, "feng");
    let (access, refresh) = app.tokens("feng").await;
    app.clock.advance(Duration::minutes(14));
    app.get("/api/v1/me", &access).await.assert_status(200);
    app.clock.advance(Duration::minutes(1));

    app.get("/api/v1/me", &access)
        .await
        .assert_problem(401, "token_expired");
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({ "refresh_token": refresh }),
    )
    .await
    .assert_status(200);
}
