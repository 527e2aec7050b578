//! 热线咨询: one-off answers recorded as counts by the office or the expert who answered,
//! nothing personal (a note that looks like a phone or identity-card number is refused);
//! read by the office (all) and the expert (their own), newest first.
//!
//! The clock starts on Monday 2026-03-02 09:00 (+08:00).

use crate::common::{self, TestApp};

use guanai::domain::roster::ExpertStatus;
use serde_json::{Value, json};

struct World {
    app: TestApp,
    admin: String,
    lin: String,
    lin_id: String,
    wang: String,
    school_id: String,
}

async fn world() -> World {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let lin = app.expert("lin", "family_education", ExpertStatus::Active);
    let _wang = app.expert("wang", "mental_health", ExpertStatus::Active);
    let school = app.school("晋安第一中学");
    let (lin_token, _) = app.tokens("lin").await;
    let (wang_token, _) = app.tokens("wang").await;
    World {
        app,
        admin,
        lin: lin_token,
        lin_id: lin.id,
        wang: wang_token,
        school_id: school.id,
    }
}

fn answer(at: &str) -> Value {
    json!({ "channel": "hotline", "topics": ["internet_addiction", "family_conflict"],
            "minutes": 25, "families": 1, "at": at })
}

impl World {
    async fn record(&self, token: &str, body: Value) -> common::TestResponse {
        self.app
            .post("/api/v1/consultations", Some(token), body)
            .await
    }

    async fn list(&self, token: &str, query: &str) -> Value {
        let response = self
            .app
            .get(&format!("/api/v1/consultations{query}"), token)
            .await;
        response.assert_status(200).clone()
    }
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn an_expert_records_their_own_answer_as_counts_and_it_is_audited() {
    let w = world().await;
    let mut body = answer("2026-03-01T20:15:00+08:00");
    body["school_id"] = json!(w.school_id);
    body["note"] = json!("孩子周末玩手机到深夜，家长问怎样约定时间");
    let recorded = w.record(&w.lin, body).await;
    let c = recorded.assert_status(201).clone();
    assert_eq!(
        recorded.header("location"),
        Some(format!("/api/v1/consultations/{}", c["id"].as_str().unwrap()).as_str())
    );
    assert_eq!(c["expert_id"], json!(w.lin_id), "credited to the expert");
    assert_eq!(c["expert_name"], "lin专家");
    assert_eq!(c["school_name"], "晋安第一中学");
    assert_eq!(
        c["topics"],
        json!(["family_conflict", "internet_addiction"])
    );
    assert_eq!(
        (c["minutes"].clone(), c["families"].clone()),
        (json!(25), json!(1))
    );
    assert_eq!(c["at"], "2026-03-01T20:15:00+08:00");

    let audited = w.app.audit_actions("consultation.recorded");
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].entity_id.as_deref(), c["id"].as_str());
    let detail: Value = serde_json::from_str(&audited[0].detail).unwrap();
    assert_eq!(detail["families"], 1);

    // Read back by the expert and the office; the same answer.
    let path = format!("/api/v1/consultations/{}", c["id"].as_str().unwrap());
    assert_eq!(w.app.get(&path, &w.lin).await.assert_status(200), &c);
    assert_eq!(w.app.get(&path, &w.admin).await.assert_status(200), &c);
    // Another expert is not told it exists.
    w.app
        .get(&path, &w.wang)
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn the_office_records_for_an_expert_or_for_itself_an_expert_only_their_own() {
    let w = world().await;
    let mut for_lin = answer("2026-03-01T10:00:00+08:00");
    for_lin["expert_id"] = json!(w.lin_id);
    let body = w.record(&w.admin, for_lin.clone()).await;
    assert_eq!(body.assert_status(201)["expert_id"], json!(w.lin_id));
    let office = w
        .record(&w.admin, answer("2026-03-01T11:00:00+08:00"))
        .await;
    assert_eq!(office.assert_status(201)["expert_id"], Value::Null);

    // 王 records an answer of 林's: refused, nothing stored.
    w.record(&w.wang, for_lin)
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(w.app.audit_actions("consultation.recorded").len(), 2);

    // The office names an expert or a school that does not exist.
    let mut unknown = answer("2026-03-01T11:00:00+08:00");
    unknown["expert_id"] = json!(uuid::Uuid::new_v4().to_string());
    w.record(&w.admin, unknown)
        .await
        .assert_field_error("expert_id", "not_found");
    let mut unknown = answer("2026-03-01T11:00:00+08:00");
    unknown["school_id"] = json!(uuid::Uuid::new_v4().to_string());
    w.record(&w.admin, unknown)
        .await
        .assert_field_error("school_id", "not_found");
}

#[actix_web::test]
async fn a_note_with_a_phone_or_identity_number_is_refused_and_nothing_is_stored() {
    let w = world().await;
    for note in [
        "家长电话 138 0013 8000，请回电",
        "孩子身份证350102200801011234",
        "座机0591-87654321",
    ] {
        let mut body = answer("2026-03-01T20:15:00+08:00");
        body["note"] = json!(note);
        w.record(&w.lin, body)
            .await
            .assert_field_error("note", "personal_data");
    }
    assert!(w.app.audit_actions("consultation.recorded").is_empty());
    assert_eq!(w.list(&w.admin, "").await["items"], json!([]));
}

#[actix_web::test]
async fn bad_counts_topics_and_times_are_each_named() {
    let w = world().await;
    let refused = w
        .record(
            &w.lin,
            json!({ "channel": "hotline", "topics": [], "minutes": 0, "families": 1001,
                    "at": "2026-03-02T09:30:00+08:00" }),
        )
        .await;
    for (field, code) in [
        ("topics", "required"),
        ("minutes", "out_of_range"),
        ("families", "out_of_range"),
        ("at", "in_the_future"),
    ] {
        refused.assert_field_error(field, code);
    }
    // A channel or topic outside the lists, and a field that is not there (a name).
    let mut body = answer("2026-03-01T20:15:00+08:00");
    body["channel"] = json!("wechat");
    assert_eq!(w.record(&w.lin, body).await.status.as_u16(), 422);
    let mut body = answer("2026-03-01T20:15:00+08:00");
    body["topics"] = json!(["gaming"]);
    assert_eq!(w.record(&w.lin, body).await.status.as_u16(), 422);
    let mut body = answer("2026-03-01T20:15:00+08:00");
    body["guardian_name"] = json!("张女士");
    assert_eq!(w.record(&w.lin, body).await.status.as_u16(), 422);
    // A topic given twice counts once.
    let mut body = answer("2026-03-01T20:15:00+08:00");
    body["topics"] = json!(["exam_anxiety", "exam_anxiety"]);
    let once = w.record(&w.lin, body).await;
    assert_eq!(once.assert_status(201)["topics"], json!(["exam_anxiety"]));
}

#[actix_web::test]
async fn lists_are_newest_first_paged_filtered_and_an_expert_sees_only_their_own() {
    let w = world().await;
    let mut recorded = Vec::new();
    for (token, day, channel) in [
        (&w.lin, 1, "hotline"),
        (&w.wang, 1, "platform"),
        (&w.lin, 2, "walk_in"),
        (&w.lin, 2, "hotline"),
    ] {
        let mut body = answer(&format!("2026-02-2{day}T1{day}:00:00+08:00"));
        body["channel"] = json!(channel);
        let id = w.record(token, body).await.assert_status(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        recorded.push(id);
    }
    // Two at the same time: the later id comes first.
    let newest_first = {
        let mut same_time = [recorded[2].clone(), recorded[3].clone()];
        same_time.sort();
        vec![
            same_time[1].clone(),
            same_time[0].clone(),
            recorded[1].clone(),
            recorded[0].clone(),
        ]
    };
    let first = w.list(&w.admin, "?limit=3").await;
    assert_eq!(ids(&first), newest_first[..3]);
    assert!(first["items"][0].get("note").is_none(), "briefs: {first}");
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = w.list(&w.admin, &format!("?limit=3&cursor={cursor}")).await;
    assert_eq!(ids(&second), newest_first[3..]);
    assert_eq!(second["next_cursor"], Value::Null);

    // Filters: channel, days (local), expert.
    let hotline = w.list(&w.admin, "?channel=hotline&expert_id=").await;
    assert_eq!(hotline["items"].as_array().unwrap().len(), 2);
    let day = w.list(&w.admin, "?from=2026-02-21&to=2026-02-21").await;
    assert_eq!(ids(&day), [recorded[1].clone(), recorded[0].clone()]);
    let lins = w.list(&w.admin, &format!("?expert_id={}", w.lin_id)).await;
    assert_eq!(lins["items"].as_array().unwrap().len(), 3);

    // An expert's list is their own; asking for another's is refused.
    let own = w.list(&w.wang, "").await;
    assert_eq!(ids(&own), [recorded[1].clone()]);
    w.app
        .get(
            &format!("/api/v1/consultations?expert_id={}", w.lin_id),
            &w.wang,
        )
        .await
        .assert_problem(403, "forbidden");
    w.app
        .get(
            "/api/v1/consultations?from=2026-02-22&to=2026-02-21",
            &w.admin,
        )
        .await
        .assert_field_error("to", "end_before_start");
}
