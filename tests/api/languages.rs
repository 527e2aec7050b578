//! Errors a person can read: Chinese when the request prefers it or names no language, English
//! when it prefers English; the codes never change, and serde's English never reaches a
//! client.

use crate::common::{TestApp, TestResponse};

use actix_web::http::header;
use actix_web::test::TestRequest;
use serde_json::{Value, json};

/// POSTs `body` to `path` with `Accept-Language: accept` (none when `None`).
async fn post(app: &TestApp, path: &str, accept: Option<&str>, body: Value) -> TestResponse {
    let mut req = TestRequest::post().uri(path).set_json(body);
    if let Some(accept) = accept {
        req = req.insert_header((header::ACCEPT_LANGUAGE, accept));
    }
    app.call(req).await
}

#[actix_web::test]
async fn field_errors_read_in_chinese_by_default_and_in_english_when_asked() {
    let app = TestApp::new().await;
    let body = json!({ "login": "a" });
    for accept in [None, Some("zh-CN,zh;q=0.9,en;q=0.8"), Some("fr")] {
        let zh = post(&app, "/api/v1/auth/login", accept, body.clone()).await;
        zh.assert_problem(422, "validation_failed");
        assert_eq!(zh.body["errors"][0]["code"], "required");
        assert_eq!(
            zh.body["errors"][0]["message"], "password：此项必填",
            "{accept:?}"
        );
        assert_eq!(zh.body["detail"], "password：此项必填");
    }
    let en = post(&app, "/api/v1/auth/login", Some("en-US,en;q=0.9"), body).await;
    assert_eq!(en.body["errors"][0]["code"], "required");
    assert_eq!(
        en.body["errors"][0]["message"],
        "password: this field is required"
    );
}

#[actix_web::test]
async fn serde_s_words_never_reach_a_client() {
    let app = TestApp::new().await;
    let cases = [
        (
            json!({ "login": 42, "password": "b" }),
            "login",
            "invalid_type",
            "login：应为文字",
        ),
        (
            json!({ "login": "a", "password": "b", "role": "admin" }),
            "role",
            "unknown_field",
            "role：没有这个字段，请删去",
        ),
    ];
    for (body, field, code, message) in cases {
        let answer = post(&app, "/api/v1/auth/login", None, body).await;
        assert_eq!(answer.body["errors"][0]["field"], field);
        assert_eq!(answer.body["errors"][0]["code"], code);
        assert_eq!(answer.body["errors"][0]["message"], message);
        let text = answer.body.to_string();
        for serde_words in ["invalid type", "expected", "unknown field", "at line"] {
            assert!(!text.contains(serde_words), "{text}");
        }
    }
    // A choice names the allowed values, in either language.
    let (_, token) = app.admin().await;
    let mut req = TestRequest::post()
        .uri("/api/v1/lectures")
        .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
        .set_json(
            json!({ "team": "reading", "topic": "亲子", "mode": "线下", "audiences": ["parents"],
                          "expected_size": 10, "slots": [] }),
        );
    let zh = app.call(req).await;
    assert_eq!(zh.body["errors"][0]["code"], "invalid_choice");
    assert_eq!(
        zh.body["errors"][0]["message"],
        "mode：应为以下之一：online, offline"
    );
    req = TestRequest::post()
        .uri("/api/v1/lectures")
        .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
        .insert_header((header::ACCEPT_LANGUAGE, "en"))
        .set_json(json!({ "mode": "线下" }));
    let en = app.call(req).await;
    assert!(
        en.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["message"] == "mode: expected one of online, offline"),
        "{}",
        en.body
    );
    // Malformed JSON says where, not what serde thought.
    let broken = app
        .call(
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .set_payload("{\"login\": "),
        )
        .await;
    broken.assert_problem(400, "malformed_json");
    assert_eq!(
        broken.body["detail"],
        "请求体不是有效的 JSON（第 1 行第 10 列）"
    );
}

/// The (field, code) pairs of a 422.
fn pairs(response: &TestResponse) -> Vec<(String, String)> {
    response.assert_problem(422, "validation_failed");
    let mut pairs: Vec<(String, String)> = response.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

#[actix_web::test]
async fn a_body_with_several_problems_answers_all_of_them() {
    let app = TestApp::new().await;
    let (_, token) = app.admin().await;
    let lecture = |body: Value| {
        TestRequest::post()
            .uri("/api/v1/lectures")
            .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
            .set_json(body)
    };
    // `{}`: every missing field.
    let empty = app.call(lecture(json!({}))).await;
    assert_eq!(
        pairs(&empty),
        vec![
            pair("audiences", "required"),
            pair("expected_size", "required"),
            pair("mode", "required"),
            pair("slots", "required"),
        ]
    );
    assert_eq!(empty.body["detail"], "有 4 处填写有误，见 errors");
    // Two unknown fields are two errors; a bad start and a bad end are two errors.
    let body = json!({
        "team": "reading", "topic": "亲子", "mode": "online", "audiences": ["parents"],
        "expected_size": 10, "colour": "red", "room": 3,
        "slots": [{ "start": "明天下午", "end": "2026-03-05 16:00" }]
    });
    assert_eq!(
        pairs(&app.call(lecture(body)).await),
        vec![
            pair("colour", "unknown_field"),
            pair("room", "unknown_field"),
            pair("slots[0].end", "invalid_datetime"),
            pair("slots[0].start", "invalid_datetime"),
        ]
    );
    // A wrong type and a wrong choice together.
    let body = json!({ "mode": "线下", "audiences": "parents", "expected_size": "120",
                       "slots": [] });
    assert_eq!(
        pairs(&app.call(lecture(body)).await),
        vec![
            pair("audiences", "invalid_type"),
            pair("expected_size", "invalid_type"),
            pair("mode", "invalid_choice"),
        ]
    );
}

#[actix_web::test]
async fn the_scheduling_rules_speak_both_languages() {
    let w = crate::lectures::world().await;
    let soon = |accept: &'static str| {
        TestRequest::post()
            .uri("/api/v1/lectures")
            .insert_header((header::AUTHORIZATION, format!("Bearer {}", w.school)))
            .insert_header((header::ACCEPT_LANGUAGE, accept))
            .set_json(
                json!({ "team": "reading", "topic": "亲子", "mode": "online",
                "audiences": ["parents"], "expected_size": 10,
                "slots": [crate::lectures::slot(3, 14, 0, 60)] }),
            )
    };
    let zh = w.app.call(soon("zh-CN")).await;
    assert_eq!(zh.body["errors"][0]["code"], "too_soon");
    assert_eq!(
        zh.body["errors"][0]["message"],
        "slots[0]：学校至少提前 48 小时预约；更急的讲座请联系办公室"
    );
    let en = w.app.call(soon("en")).await;
    assert_eq!(en.body["errors"][0]["code"], "too_soon");
    assert_eq!(
        en.body["errors"][0]["message"],
        "slots[0]: a school books at least 48 hours ahead; for anything sooner, call the office"
    );
    // A step that is not the caller's says why in Chinese.
    let offered = crate::lectures::id_of(
        &w.dispatch(
            "online",
            crate::lectures::slot(4, 10, 0, 60),
            Some(&w.lin_id),
        )
        .await,
    );
    let cancel = w
        .act(&offered, "cancel", &w.lin, json!({ "reason": "身体不适" }))
        .await;
    cancel.assert_problem(403, "forbidden");
    assert_eq!(
        cancel.body["detail"],
        "承担讲座的专家不取消讲座：请提交请假，由办公室改派"
    );
}

#[actix_web::test]
async fn a_step_that_leads_nowhere_names_states_and_steps_in_chinese() {
    let w = crate::lectures::world().await;
    let waiting = crate::lectures::id_of(
        &w.dispatch("online", crate::lectures::slot(4, 10, 0, 60), None)
            .await,
    );
    let reschedule = w
        .act(
            &waiting,
            "reschedule",
            &w.admin,
            crate::lectures::slot(5, 10, 0, 60),
        )
        .await;
    reschedule.assert_problem(409, "illegal_transition");
    let detail = reschedule.body["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("这个讲座目前是“待派课”，不能改期；此状态下可以："),
        "{detail}"
    );
    assert!(detail.contains("派单（→待接受）"), "{detail}");
}
