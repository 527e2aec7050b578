//! One's own account: `/me` with the expert profile's id, own edits, email changes that wait
//! for a confirmation from the new address, and marking the whole inbox read.

use crate::common;

use actix_web::test::TestRequest;
use common::{TestApp, TestResponse};
use guanai::domain::roster::ExpertStatus;
use guanai::models::notification::Notification;
use serde_json::json;

/// Every notification written so far, oldest first.
fn outbox(app: &TestApp) -> Vec<Notification> {
    let mut rows = app.with_conn(|conn| Notification::outbox(conn, None, None, 1000).unwrap());
    rows.reverse();
    rows
}

/// The one-time token in the confirmation mail sent to `address`.
fn confirmation_token(app: &TestApp, address: &str) -> String {
    let mail = outbox(app)
        .into_iter()
        .rev()
        .find(|n| n.kind == "email_confirm" && n.email_to.as_deref() == Some(address))
        .expect("a confirmation mail to the new address");
    let body = mail.email_body.expect("a mail body");
    let (_, rest) = body.split_once("/confirm-email?token=").expect("a link");
    rest.split_whitespace().next().unwrap().to_owned()
}

async fn open_link(app: &TestApp, token: &str) -> TestResponse {
    app.call(TestRequest::get().uri(&format!("/confirm-email?token={token}")))
        .await
}

async fn confirm(app: &TestApp, token: &str) -> TestResponse {
    app.call(
        TestRequest::post()
            .uri("/confirm-email")
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .set_payload(format!("token={token}")),
    )
    .await
}

fn html(response: &TestResponse) -> &str {
    response.body.as_str().expect("an HTML page")
}

#[actix_web::test]
async fn me_names_the_callers_expert_profile_or_school() {
    let app = TestApp::new().await;
    let expert = app.expert("hu", "reading", ExpertStatus::Active);
    let (as_hu, _) = app.tokens("hu").await;
    let me = app.get("/api/v1/me", &as_hu).await;
    let body = me.assert_status(200);
    assert_eq!(body["expert_id"], expert.id.as_str());
    assert_eq!(body["login"], "hu");
    assert!(body["pending_email"].is_null());
    assert_eq!(
        me.header("etag"),
        Some(format!("\"{}\"", body["version"]).as_str())
    );

    let (school, _) = app.school_account("school.a");
    let (as_school, _) = app.tokens("school.a").await;
    let body = app
        .get("/api/v1/me", &as_school)
        .await
        .assert_status(200)
        .clone();
    assert_eq!(body["school_id"], school.id.as_str());
    assert!(body["expert_id"].is_null());
}

#[actix_web::test]
async fn one_edits_ones_own_name_and_phone_and_a_no_op_keeps_the_version() {
    let app = TestApp::new().await;
    app.expert("ma", "reading", ExpertStatus::Active);
    let (as_ma, _) = app.tokens("ma").await;
    let before = app
        .get("/api/v1/me", &as_ma)
        .await
        .assert_status(200)
        .clone();
    let version = before["version"].as_i64().unwrap();

    let edited = app
        .patch(
            "/api/v1/me",
            &as_ma,
            Some(&format!("\"{version}\"")),
            json!({ "display_name": "马老师", "phone": "13912345678" }),
        )
        .await;
    let body = edited.assert_status(200).clone();
    assert_eq!(body["display_name"], "马老师");
    assert_eq!(body["phone"], "13912345678");
    assert_eq!(body["version"], version + 1);

    // The same values again change nothing, not even the version.
    let again = app
        .patch(
            "/api/v1/me",
            &as_ma,
            None,
            json!({ "display_name": "马老师", "phone": "13912345678" }),
        )
        .await;
    assert_eq!(again.assert_status(200)["version"], version + 1);
    assert_eq!(app.audit_actions("user.updated_own").len(), 1);

    app.patch(
        "/api/v1/me",
        &as_ma,
        Some(&format!("\"{version}\"")),
        json!({ "display_name": "旧版本" }),
    )
    .await
    .assert_problem(412, "version_mismatch");
    app.patch("/api/v1/me", &as_ma, None, json!({ "phone": "12" }))
        .await
        .assert_problem(422, "validation_failed");
    app.patch("/api/v1/me", &as_ma, None, json!({ "role": "admin" }))
        .await
        .assert_problem(422, "validation_failed");
    let nothing = app.patch("/api/v1/me", &as_ma, None, json!({})).await;
    assert_eq!(nothing.assert_status(200)["version"], version + 1);
}

#[actix_web::test]
async fn a_new_email_takes_effect_only_when_confirmed_from_the_new_address() {
    let app = TestApp::new().await;
    app.expert("gao", "reading", ExpertStatus::Active);
    let (as_gao, _) = app.tokens("gao").await;

    let asked = app
        .patch(
            "/api/v1/me",
            &as_gao,
            None,
            json!({ "email": "gao.new@example.cn" }),
        )
        .await;
    let body = asked.assert_status(200).clone();
    assert_eq!(body["email"], "gao@example.cn", "the old address stays");
    assert_eq!(body["pending_email"]["email"], "gao.new@example.cn");

    // The link goes to the new address; the old one is told.
    let token = confirmation_token(&app, "gao.new@example.cn");
    let told = outbox(&app)
        .into_iter()
        .find(|n| n.kind == "email_change_requested")
        .expect("the old address is told");
    assert_eq!(told.email_to.as_deref(), Some("gao@example.cn"));
    assert!(told.body.contains("gao.new@example.cn"));

    // Opening the link changes nothing (mail scanners follow links): it shows a button.
    let page = open_link(&app, &token).await;
    page.assert_status(200);
    assert!(html(&page).contains("gao.new@example.cn"));
    assert!(html(&page).contains("确认更改"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let me = app.get("/api/v1/me", &as_gao).await;
    assert_eq!(me.body["email"], "gao@example.cn");

    let done = confirm(&app, &token).await;
    done.assert_status(200);
    assert!(html(&done).contains("邮箱已经改为 gao.new@example.cn"));
    let me = app.get("/api/v1/me", &as_gao).await;
    assert_eq!(me.body["email"], "gao.new@example.cn");
    assert!(me.body["pending_email"].is_null());
    let changed = app.audit_actions("user.email_changed");
    assert_eq!(changed.len(), 1);
    assert_eq!(
        changed[0].actor_id,
        me.body["id"].as_str().map(str::to_owned)
    );

    // The link works once.
    confirm(&app, &token).await.assert_status(410);
    open_link(&app, &token).await.assert_status(410);
    open_link(&app, "no-such-token").await.assert_status(404);
}

#[actix_web::test]
async fn an_experts_profile_edit_asks_for_confirmation_too_and_a_newer_request_replaces_it() {
    let app = TestApp::new().await;
    let expert = app.expert("xu", "reading", ExpertStatus::Active);
    let (as_xu, _) = app.tokens("xu").await;
    let profile = format!("/api/v1/experts/{}", expert.id);

    let edited = app
        .patch(
            &profile,
            &as_xu,
            None,
            json!({ "email": "someone.else@example.cn" }),
        )
        .await;
    assert_eq!(edited.assert_status(200)["email"], "xu@example.cn");
    let first = confirmation_token(&app, "someone.else@example.cn");

    app.patch(
        "/api/v1/me",
        &as_xu,
        None,
        json!({ "email": "xu.second@example.cn" }),
    )
    .await
    .assert_status(200);
    let second = confirmation_token(&app, "xu.second@example.cn");
    confirm(&app, &first).await.assert_status(410);
    confirm(&app, &second).await.assert_status(200);
    assert_eq!(
        app.get("/api/v1/me", &as_xu).await.body["email"],
        "xu.second@example.cn"
    );

    // Removing one's address needs no confirmation.
    let cleared = app
        .patch("/api/v1/me", &as_xu, None, json!({ "email": null }))
        .await;
    assert!(cleared.assert_status(200)["email"].is_null());
}

#[actix_web::test]
async fn the_office_sets_an_address_directly_and_voids_an_open_request() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let expert = app.expert("tang", "reading", ExpertStatus::Active);
    let (as_tang, _) = app.tokens("tang").await;
    app.patch(
        "/api/v1/me",
        &as_tang,
        None,
        json!({ "email": "tang.new@example.cn" }),
    )
    .await
    .assert_status(200);
    let token = confirmation_token(&app, "tang.new@example.cn");

    let set = app
        .patch(
            &format!("/api/v1/users/{}", expert.user_id),
            &admin,
            None,
            json!({ "email": "tang.office@example.cn" }),
        )
        .await;
    assert_eq!(set.assert_status(200)["email"], "tang.office@example.cn");
    confirm(&app, &token).await.assert_status(410);
    let me = app.get("/api/v1/me", &as_tang).await;
    assert_eq!(me.body["email"], "tang.office@example.cn");
    assert!(me.body["pending_email"].is_null());

    // An admin's own new address applies at once.
    let own = app
        .patch(
            "/api/v1/me",
            &admin,
            None,
            json!({ "email": "office@example.cn" }),
        )
        .await;
    assert_eq!(own.assert_status(200)["email"], "office@example.cn");
}

#[actix_web::test]
async fn mark_all_read_empties_the_unread_inbox_and_only_ones_own() {
    let app = TestApp::new().await;
    app.expert("lu", "reading", ExpertStatus::Active);
    app.expert("ke", "reading", ExpertStatus::Active);
    let (as_lu, _) = app.tokens("lu").await;
    let (as_ke, _) = app.tokens("ke").await;
    for (token, address) in [
        (&as_lu, "lu2@example.cn"),
        (&as_lu, "lu3@example.cn"),
        (&as_ke, "ke2@example.cn"),
    ] {
        app.patch("/api/v1/me", token, None, json!({ "email": address }))
            .await
            .assert_status(200);
    }
    let unread = |body: &serde_json::Value| body["items"].as_array().unwrap().len();
    let before = app
        .get("/api/v1/me/notifications?unread=true", &as_lu)
        .await;
    // Each request: the confirmation link (to the new address) and the notice to the old one.
    assert_eq!(unread(&before.body), 4);

    let marked = app
        .post("/api/v1/me/notifications/read-all", Some(&as_lu), json!({}))
        .await;
    assert_eq!(marked.assert_status(200)["marked"], 4);
    let after = app
        .get("/api/v1/me/notifications?unread=true", &as_lu)
        .await;
    assert_eq!(unread(&after.body), 0);
    let theirs = app
        .get("/api/v1/me/notifications?unread=true", &as_ke)
        .await;
    assert_eq!(unread(&theirs.body), 2, "another user's inbox is untouched");
}
