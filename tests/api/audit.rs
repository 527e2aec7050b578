//! The audit log: written with the change it records, append-only, readable by admins.

use crate::common;

use chrono::Duration;
use common::TestApp;
use diesel::RunQueryDsl as _;
use guanai::audit::AuditContext;
use guanai::clock::Clock as _;
use guanai::domain::role::Role;
use guanai::error::ApiError;
use guanai::models::user::User;
use serde_json::json;

#[actix_web::test]
async fn admin_reads_audit_events_newest_first_with_filters() {
    let app = TestApp::new().await;
    let (admin_user, admin) = app.admin().await;
    let created = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({ "login": "audited", "display_name": "A", "role": "admin" }),
        )
        .await;
    let id = created.body["user"]["id"].as_str().unwrap().to_owned();
    app.clock.advance(Duration::seconds(5));
    app.patch(
        &format!("/api/v1/users/{id}"),
        &admin,
        None,
        json!({ "active": false }),
    )
    .await
    .assert_status(200);

    let response = app
        .get(
            &format!("/api/v1/audit?entity_type=user&entity_id={id}"),
            &admin,
        )
        .await;

    let body = response.assert_status(200);
    let actions: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["user.deactivated", "user.created"]);
    let created_event = &body["items"][1];
    assert_eq!(created_event["actor_id"], admin_user.id.as_str());
    assert_eq!(created_event["detail"]["login"], "audited");
    assert_eq!(created_event["at"], "2026-03-02T09:00:00+08:00");
    assert_eq!(
        created_event["request_id"],
        created.header("x-request-id").unwrap()
    );
    assert_eq!(created_event["ip"], "192.0.2.10");

    let by_action = app
        .get("/api/v1/audit?action=user.deactivated", &admin)
        .await;
    assert_eq!(
        by_action.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let later = app
        .get("/api/v1/audit?since=2026-03-02T09:00:01%2B08:00", &admin)
        .await;
    assert_eq!(
        later.assert_status(200)["items"].as_array().unwrap().len(),
        1
    );
    app.get("/api/v1/audit?since=yesterday", &admin)
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn audit_pages_do_not_skip_or_repeat() {
    let app = TestApp::new().await;
    app.user(Role::School, "school.a");
    for _ in 0..7 {
        app.login("school.a", "wrong password!!").await;
    }
    let (_, admin) = app.admin().await;

    let mut ids = Vec::new();
    let mut path = "/api/v1/audit?action=auth.login_failed&limit=3".to_owned();
    loop {
        let page = app.get(&path, &admin).await;
        let body = page.assert_status(200).clone();
        ids.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_owned()),
        );
        match body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/audit?action=auth.login_failed&limit=3&cursor={c}"),
            None => break,
        }
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), 7);
    assert_eq!(unique.len(), 7);
}

#[actix_web::test]
async fn the_database_refuses_to_change_or_delete_audit_rows() {
    let app = TestApp::new().await;
    app.login("nobody", "wrong password!!").await;
    assert_eq!(app.audit_actions("auth.login_failed").len(), 1);

    let update = app
        .with_conn(|conn| diesel::sql_query("UPDATE audit_events SET action = 'x'").execute(conn));
    let delete = app.with_conn(|conn| diesel::sql_query("DELETE FROM audit_events").execute(conn));

    assert!(update.is_err());
    assert!(delete.is_err());
    assert_eq!(app.audit_actions("auth.login_failed").len(), 1);
}

#[actix_web::test]
async fn an_audit_row_rolls_back_with_the_change_it_records() {
    let app = TestApp::new().await;
    let user = app.user(Role::Expert, "rolled.back");
    let now = app.clock.now_naive();

    let result: Result<(), ApiError> = app.with_conn(|conn| {
        guanai::db::transaction(conn, |conn| {
            User::set_password(conn, &user.id, "$argon2id$bogus", now)?;
            AuditContext::system(now).record(
                conn,
                "user.password_changed",
                "user",
                Some(&user.id),
                json!({}),
            )?;
            Err(ApiError::conflict(
                "test_rollback",
                guanai::i18n::Text::Plain(
                    "the change fails after the audit row was written".to_owned(),
                ),
            ))
        })
    });

    assert!(result.is_err());
    assert!(app.audit_actions("user.password_changed").is_empty());
    let unchanged = app.with_conn(|conn| User::find(conn, &user.id).unwrap().unwrap());
    assert_eq!(unchanged.password_hash, user.password_hash);
}
