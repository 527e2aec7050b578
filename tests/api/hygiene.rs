//! Input hygiene: text is stored in NFC without hidden characters, login names in NFKC
//! lower case, and the names stored before that rule are brought into line at start-up.

use crate::common;

use actix_web::http::header;
use actix_web::test::TestRequest;
use common::{TestApp, TestDb};
use diesel::RunQueryDsl as _;
use guanai::db;
use guanai::domain::role::Role;
use guanai::domain::roster::ExpertStatus;
use serde_json::json;

#[track_caller]
fn assert_invalid_characters(response: &common::TestResponse, field: &str) {
    response.assert_problem(422, "validation_failed");
    let errors = response.body["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == field && e["code"] == "invalid_characters"),
        "{errors:?}"
    );
}

#[actix_web::test]
async fn hidden_and_control_characters_are_refused_wherever_text_is_typed() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.post(
        "/api/v1/schools",
        Some(&admin),
        json!({ "name": "市实验小学", "district": "鼓楼区", "address": "鼓楼路1号",
                "contact_person": "张老师", "phone": "0591-88888888", "school_type": "primary" }),
    )
    .await
    .assert_status(201);

    // A zero-width space would make a second "市实验小学" that looks the same.
    let twin = app
        .post(
            "/api/v1/schools",
            Some(&admin),
            json!({ "name": "市实验\u{200b}小学", "district": "鼓楼区", "address": "鼓楼路1号",
                    "contact_person": "张老师", "phone": "0591-88888888", "school_type": "primary" }),
        )
        .await;
    assert_invalid_characters(&twin, "name");

    let control = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({ "login": "teacher.wang", "display_name": "王\u{0}老\u{7}师", "role": "admin" }),
        )
        .await;
    assert_invalid_characters(&control, "display_name");

    let expert = app.expert("he", "reading", ExpertStatus::Active);
    let (as_he, _) = app.tokens("he").await;
    let path = format!("/api/v1/experts/{}", expert.id);
    let bidi = app
        .patch(
            &path,
            &as_he,
            None,
            json!({ "specialties": ["阅读\u{202e}导指"] }),
        )
        .await;
    assert_invalid_characters(&bidi, "specialties[0]");

    // Line breaks belong in a bio, not in a name or a course title.
    app.patch(&path, &as_he, None, json!({ "bio": "第一段。\n第二段。" }))
        .await
        .assert_status(200);
    let course = json!({
        "team": "reading", "title": "整本书\n阅读", "description": "方法。\n步骤。",
        "audiences": ["parents"], "modes": ["online"], "duration_minutes": 60
    });
    let title = app.post("/api/v1/courses", Some(&as_he), course).await;
    assert_invalid_characters(&title, "title");
}

#[actix_web::test]
async fn text_is_compared_in_nfc_so_one_name_cannot_be_taken_twice() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let school = |name: &str| {
        json!({ "name": name, "district": "鼓楼区", "address": "鼓楼路1号",
                "contact_person": "张老师", "phone": "0591-88888888", "school_type": "primary" })
    };
    // "é" as e + combining accent, then as one character.
    let decomposed = app
        .post("/api/v1/schools", Some(&admin), school("Cafe\u{301}幼儿园"))
        .await;
    assert_eq!(decomposed.assert_status(201)["name"], "Caf\u{e9}幼儿园");
    app.post("/api/v1/schools", Some(&admin), school("Caf\u{e9}幼儿园"))
        .await
        .assert_problem(409, "school_name_taken");
}

#[actix_web::test]
async fn login_names_are_compared_in_nfkc_lower_case() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.user(Role::Admin, "office");

    // Full-width letters spell the same name.
    app.post(
        "/api/v1/users",
        Some(&admin),
        json!({ "login": "ＯＦＦＩＣＥ", "display_name": "冒充", "role": "admin" }),
    )
    .await
    .assert_problem(409, "login_taken");
    let created = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({ "login": "Ｔｅａｃｈｅｒ.Li", "display_name": "李老师", "role": "admin",
                    "initial_password": "a passphrase of ours" }),
        )
        .await;
    assert_eq!(created.assert_status(201)["user"]["login"], "teacher.li");
    app.login("ＴＥＡＣＨＥＲ.ＬＩ", "a passphrase of ours")
        .await
        .assert_status(200);
}

#[test]
fn stored_login_names_are_normalized_at_start_up_unless_two_would_collide() {
    let (test_db, target) = TestDb::create_empty();
    let mut conn = db::connect_one(&target).unwrap();
    db::run_migrations(&mut conn).unwrap();
    let insert = |conn: &mut db::DbConnection, id: &str, login: &str| {
        diesel::sql_query(format!(
            "INSERT INTO users (id, login, display_name, role, active, must_change_password, \
             token_version, version, created_at, updated_at) VALUES ('{id}', '{login}', 'x', \
             'admin', TRUE, FALSE, 1, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        ))
        .execute(conn)
        .unwrap();
    };
    insert(&mut conn, "u1", "Ｗａｎｇ");
    insert(&mut conn, "u2", "zhang");
    db::run_migrations(&mut conn).unwrap();
    let logins: Vec<String> = {
        use diesel::prelude::*;
        use guanai::db::schema::users;
        users::table
            .order(users::id)
            .select(users::login)
            .load(&mut conn)
            .unwrap()
    };
    assert_eq!(logins, ["wang", "zhang"]);

    insert(&mut conn, "u3", "ＺＨＡＮＧ");
    let refused = db::run_migrations(&mut conn).unwrap_err().to_string();
    assert!(
        refused.contains("`zhang`") && refused.contains("`ＺＨＡＮＧ`"),
        "{refused}"
    );
    drop(conn);
    drop(test_db);
}

#[actix_web::test]
async fn a_roster_cell_with_a_hidden_character_is_refused_by_line_and_column() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let file = "login,name,category,primary_team,bio\n\
                li.ok,李明,老教师,reading,\"第一段\n第二段\"\n\
                zhou.bad,周\u{200d}华,老教师,reading,\n";
    let response = app
        .call(
            TestRequest::post()
                .uri("/api/v1/experts/import")
                .insert_header((header::AUTHORIZATION, format!("Bearer {admin}")))
                .insert_header((header::CONTENT_TYPE, "text/csv"))
                .set_payload(file),
        )
        .await;
    assert_invalid_characters(&response, "rows[4].name");
}
