//! The office manages login accounts: creation, first passwords, edits with versions,
//! deactivation, resets, listing.

use crate::common;

use chrono::Duration;
use common::{PASSWORD, TestApp};
use guanai::domain::role::Role;
use serde_json::json;

#[actix_web::test]
async fn admin_creates_a_user_with_an_initial_password_that_must_be_changed() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let school = app.school("实验小学");

    let created = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({ "login": "Shiyan.XiaoXue", "display_name": "实验小学", "role": "school", "school_id": school.id,
                    "email": "office@shiyan.edu.cn", "initial_password": "first password 1" }),
        )
        .await;

    let body = created.assert_status(201);
    let id = body["user"]["id"].as_str().unwrap().to_owned();
    assert_eq!(body["user"]["login"], "shiyan.xiaoxue");
    assert_eq!(body["user"]["school_id"], school.id.as_str());
    assert_eq!(body["user"]["must_change_password"], true);
    assert!(body["set_password_token"].is_null());
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/users/{id}").as_str())
    );
    assert_eq!(created.header("etag"), Some("\"1\""));

    let session = app.login("shiyan.xiaoxue", "first password 1").await;
    let access = session.assert_status(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    // Everything but /me and /me/password waits for the user's own password.
    app.get("/api/v1/teams", &access)
        .await
        .assert_problem(403, "password_change_required");
    app.get("/api/v1/me", &access).await.assert_status(200);

    let changed = app
        .post(
            "/api/v1/me/password",
            Some(&access),
            json!({ "old_password": "first password 1", "new_password": "my own password 2" }),
        )
        .await;
    let access = changed.assert_status(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(changed.body["user"]["must_change_password"], false);
    app.get("/api/v1/teams", &access).await.assert_status(200);
    assert_eq!(app.audit_actions("user.created").len(), 1);
}

#[actix_web::test]
async fn a_user_created_without_password_sets_one_with_the_token() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;

    let created = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({ "login": "office.chen", "display_name": "陈主任", "role": "admin" }),
        )
        .await;
    let body = created.assert_status(201);
    let token = body["set_password_token"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        body["set_password_token"]["expires_at"],
        "2026-03-05T09:00:00+08:00"
    );
    app.login("office.chen", "")
        .await
        .assert_problem(401, "invalid_credentials");

    let set = app
        .post(
            "/api/v1/auth/set-password",
            None,
            json!({ "token": token, "new_password": "chen's own password" }),
        )
        .await;

    assert_eq!(set.status.as_u16(), 204);
    let session = app.login("office.chen", "chen's own password").await;
    let access = session.assert_status(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get("/api/v1/teams", &access).await.assert_status(200);
    // One time only.
    app.post(
        "/api/v1/auth/set-password",
        None,
        json!({ "token": token, "new_password": "another password 3" }),
    )
    .await
    .assert_problem(401, "invalid_password_token");
}

#[actix_web::test]
async fn set_password_tokens_expire_after_72_hours() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let created = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({ "login": "late.user", "display_name": "Late", "role": "admin" }),
        )
        .await;
    let token = created.body["set_password_token"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock.advance(Duration::hours(72));

    app.post(
        "/api/v1/auth/set-password",
        None,
        json!({ "token": token, "new_password": "too late password" }),
    )
    .await
    .assert_problem(401, "invalid_password_token");
}

#[actix_web::test]
async fn admin_reset_issues_a_new_token_and_voids_the_old() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let user = app.user(Role::Expert, "forgetful");
    let (other_session, _) = app.tokens("forgetful").await;

    let first = app
        .post(
            &format!("/api/v1/users/{}/password-reset", user.id),
            Some(&admin),
            json!({}),
        )
        .await;
    let first = first.assert_status(201)["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = app
        .post(
            &format!("/api/v1/users/{}/password-reset", user.id),
            Some(&admin),
            json!({}),
        )
        .await;
    let second = second.assert_status(201)["token"]
        .as_str()
        .unwrap()
        .to_owned();

    app.post(
        "/api/v1/auth/set-password",
        None,
        json!({ "token": first, "new_password": "remembered now 1" }),
    )
    .await
    .assert_problem(401, "invalid_password_token");
    let set = app
        .post(
            "/api/v1/auth/set-password",
            None,
            json!({ "token": second, "new_password": "remembered now 2" }),
        )
        .await;
    assert_eq!(set.status.as_u16(), 204);
    app.get("/api/v1/me", &other_session)
        .await
        .assert_problem(401, "token_revoked");
    app.login("forgetful", "remembered now 2")
        .await
        .assert_status(200);
    assert_eq!(app.audit_actions("user.password_reset_issued").len(), 2);
    assert_eq!(app.audit_actions("user.password_set").len(), 1);
}

#[actix_web::test]
async fn deactivation_cuts_the_user_off_at_once() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let user = app.user(Role::School, "school.closed");
    let (access, refresh) = app.tokens("school.closed").await;

    let response = app
        .patch(
            &format!("/api/v1/users/{}", user.id),
            &admin,
            Some("\"1\""),
            json!({ "active": false }),
        )
        .await;

    assert_eq!(response.assert_status(200)["active"], false);
    app.get("/api/v1/me", &access)
        .await
        .assert_problem(401, "token_revoked");
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({ "refresh_token": refresh }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    app.login("school.closed", PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(app.audit_actions("user.deactivated").len(), 1);

    app.patch(
        &format!("/api/v1/users/{}", user.id),
        &admin,
        None,
        json!({ "active": true }),
    )
    .await
    .assert_status(200);
    app.login("school.closed", PASSWORD)
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn stale_if_match_is_refused_with_412() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let user = app.user(Role::Expert, "versioned");
    let path = format!("/api/v1/users/{}", user.id);

    let first = app
        .patch(
            &path,
            &admin,
            Some("\"1\""),
            json!({ "display_name": "新名字" }),
        )
        .await;
    assert_eq!(first.assert_status(200)["version"], 2);
    assert_eq!(first.header("etag"), Some("\"2\""));

    let stale = app
        .patch(
            &path,
            &admin,
            Some("\"1\""),
            json!({ "display_name": "旧版本" }),
        )
        .await;
    stale.assert_problem(412, "version_mismatch");
    let read = app.get(&path, &admin).await;
    assert_eq!(read.assert_status(200)["display_name"], "新名字");

    app.patch(&path, &admin, Some("soon"), json!({ "display_name": "x" }))
        .await
        .assert_problem(400, "invalid_if_match");
}

#[actix_web::test]
async fn edits_can_clear_contact_fields_and_are_validated() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let user = app.user(Role::School, "school.f");
    let path = format!("/api/v1/users/{}", user.id);

    let cleared = app
        .patch(
            &path,
            &admin,
            None,
            json!({ "email": null, "phone": "+86 138 0000 0000" }),
        )
        .await;
    assert!(cleared.assert_status(200)["email"].is_null());
    assert_eq!(cleared.body["phone"], "+86 138 0000 0000");

    let bad = app
        .patch(
            &path,
            &admin,
            None,
            json!({ "email": "not-an-email", "display_name": "  " }),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["display_name", "email"]);
}

#[actix_web::test]
async fn creating_users_validates_every_field_and_refuses_a_taken_login() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.user(Role::Expert, "taken");

    let invalid = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({ "login": "x", "display_name": "", "role": "school", "email": "a@b", "initial_password": "short" }),
        )
        .await;
    invalid.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = invalid.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "login",
            "display_name",
            "email",
            "initial_password",
            "school_id"
        ]
    );

    let expert = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({ "login": "someone.else", "display_name": "S", "role": "expert" }),
        )
        .await;
    expert.assert_problem(422, "validation_failed");
    assert_eq!(expert.body["errors"][0]["field"], "role");

    let unknown_school = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({ "login": "school.ghost", "display_name": "S", "role": "school", "school_id": "no-such-school" }),
        )
        .await;
    unknown_school.assert_problem(422, "validation_failed");
    assert_eq!(
        unknown_school.body["errors"][0]["code"], "invalid_format",
        "not an id at all"
    );
    let missing_school = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({ "login": "school.ghost", "display_name": "S", "role": "school",
                    "school_id": uuid::Uuid::new_v4().to_string() }),
        )
        .await;
    missing_school.assert_problem(422, "validation_failed");
    assert_eq!(
        missing_school.body["errors"][0]["code"], "not_found",
        "an id of no school"
    );

    let bad_role = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({ "login": "someone", "display_name": "S", "role": "team_lead" }),
        )
        .await;
    bad_role.assert_problem(422, "validation_failed");
    assert_eq!(bad_role.body["errors"][0]["field"], "role");
    assert_eq!(bad_role.body["errors"][0]["code"], "invalid_choice");

    app.post(
        "/api/v1/users",
        Some(&admin),
        json!({ "login": "TAKEN", "display_name": "T", "role": "admin" }),
    )
    .await
    .assert_problem(409, "login_taken");
}

#[actix_web::test]
async fn only_admins_manage_users() {
    let app = TestApp::new().await;
    let (admin_user, admin) = app.admin().await;
    app.user(Role::Expert, "plain.expert");
    let (expert, _) = app.tokens("plain.expert").await;

    app.post(
        "/api/v1/users",
        Some(&expert),
        json!({ "login": "sneaky", "display_name": "S", "role": "admin" }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.get("/api/v1/users", &expert)
        .await
        .assert_problem(403, "forbidden");
    app.get(&format!("/api/v1/users/{}", admin_user.id), &expert)
        .await
        .assert_problem(403, "forbidden");
    app.get("/api/v1/users/no-such-id", &admin)
        .await
        .assert_problem(404, "not_found");
    app.patch(
        &format!("/api/v1/users/{}", admin_user.id),
        &admin,
        None,
        json!({ "active": false }),
    )
    .await
    .assert_problem(409, "cannot_deactivate_self");
}

#[actix_web::test]
async fn the_user_list_pages_with_a_cursor_and_filters() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    for i in 0..5 {
        app.user(Role::School, &format!("school.{i}"));
        app.clock.advance(Duration::seconds(1));
    }
    app.user(Role::Expert, "expert.only");

    let first = app.get("/api/v1/users?role=school&limit=2", &admin).await;
    let body = first.assert_status(200);
    let mut seen: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap().to_owned())
        .collect();
    let mut cursor = body["next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = cursor {
        let page = app
            .get(
                &format!("/api/v1/users?role=school&limit=2&cursor={c}"),
                &admin,
            )
            .await;
        let body = page.assert_status(200);
        seen.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["login"].as_str().unwrap().to_owned()),
        );
        cursor = body["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(
        seen,
        ["school.0", "school.1", "school.2", "school.3", "school.4"]
    );

    let found = app.get("/api/v1/users?q=EXPERT.ON", &admin).await;
    assert_eq!(
        found.assert_status(200)["items"].as_array().unwrap().len(),
        1
    );

    app.get("/api/v1/users?limit=101", &admin)
        .await
        .assert_problem(422, "validation_failed");
    app.get("/api/v1/users?limit=ten", &admin)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/api/v1/users?cursor=bogus!", &admin)
        .await
        .assert_problem(400, "invalid_cursor");
}

#[actix_web::test]
async fn an_account_edit_that_changes_nothing_keeps_the_version() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let user = app.user(Role::Admin, "clerk");
    let path = format!("/api/v1/users/{}", user.id);
    let before = app.get(&path, &admin).await.assert_status(200).clone();
    let same = app
        .patch(
            &path,
            &admin,
            None,
            json!({ "display_name": before["display_name"], "active": true }),
        )
        .await;
    assert_eq!(same.assert_status(200)["version"], before["version"]);
    app.patch(&path, &admin, None, json!({ "active": null }))
        .await
        .assert_problem(422, "validation_failed");
}
