//! The delivery report (授课记录): the expert reports a given lecture once, late after
//! `GUANAI_REPORT_DAYS`; each joined school confirms its own count of a city-wide online
//! lecture; the beneficiaries (受益人次) add up.
//!
//! The world is the lectures' one (`crate::lectures`); lectures on Wednesday 4 March 2026.

use crate::lectures::{World, id_of, slot, world};

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// The world with the clock at `at` and fresh tokens.
pub(crate) async fn at(w: World, at: DateTime<Utc>) -> World {
    w.app.clock.set(at);
    World {
        admin: w.app.tokens(&w.admin_login).await.0,
        school: w.app.tokens("school.a").await.0,
        lin: w.app.tokens("lin").await.0,
        ..w
    }
}

pub(crate) fn on_the_day(time: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("2026-03-04T{time}+08:00"))
        .unwrap()
        .with_timezone(&Utc)
}

/// Confirms `id` for 林, then (at 14:00 and 15:00 on the day) the office checks 林 in and 林
/// checks out: the lecture is delivered. The world comes back at 15:00.
pub(crate) async fn give(w: World, id: &str) -> World {
    w.act(id, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    let w = at(w, on_the_day("14:00:00")).await;
    w.act(
        id,
        "check-in",
        &w.admin,
        json!({ "reason": "电话确认已到场" }),
    )
    .await
    .assert_status(200);
    let w = at(w, on_the_day("15:00:00")).await;
    w.act(id, "check-out", &w.lin, json!({}))
        .await
        .assert_status(200);
    w
}

#[actix_web::test]
async fn the_expert_reports_a_given_lecture_once() {
    let w = world().await;
    let id = id_of(
        &w.dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    let report = json!({ "audience": 120, "summary": "亲子共读的方法与书目推荐。" });
    let w = give(w, &id).await;
    w.act(&id, "report", &w.school, report.clone())
        .await
        .assert_problem(403, "forbidden");
    let filed = w.act(&id, "report", &w.lin, report.clone()).await;
    let body = filed.assert_status(201);
    assert_eq!(body["report"]["audience"], 120);
    assert_eq!(body["report"]["late"], false);
    assert_eq!(body["beneficiaries"], 120);
    w.act(&id, "report", &w.lin, report.clone())
        .await
        .assert_problem(409, "already_reported");
    // The school reads it on the lecture's page.
    let page = w
        .app
        .get(&format!("/api/v1/lectures/{id}"), &w.school)
        .await;
    assert_eq!(
        page.assert_status(200)["report"]["summary"],
        "亲子共读的方法与书目推荐。"
    );

    // Bad counts and a blank summary, all at once.
    let other = id_of(
        &w.dispatch("online", slot(5, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    let bad = w
        .act(
            &other,
            "report",
            &w.lin,
            json!({ "audience": -1, "summary": " " }),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(
        bad.body["errors"].as_array().unwrap().len(),
        2,
        "{}",
        bad.body
    );
    // Not given yet.
    w.act(&other, "report", &w.lin, report)
        .await
        .assert_problem(409, "lecture_not_delivered");
}

#[actix_web::test]
async fn a_report_filed_more_than_three_days_after_the_end_is_late() {
    let w = world().await;
    let id = id_of(
        &w.dispatch("online", slot(4, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    let w = give(w, &id).await;
    let w = at(w, on_the_day("15:01:00") + Duration::days(3)).await;
    let filed = w
        .act(
            &id,
            "report",
            &w.lin,
            json!({ "audience": 40, "summary": "补交记录" }),
        )
        .await;
    assert_eq!(filed.assert_status(201)["report"]["late"], true);
}

#[actix_web::test]
async fn a_city_wide_lecture_counts_the_joined_schools_and_the_expert() {
    let w = world().await;
    let id = w
        .city_wide(slot(4, 14, 0, 60), json!({ "expert_id": w.lin_id }))
        .await;
    w.app
        .post(
            &format!("/api/v1/lectures/{id}/participants"),
            Some(&w.school),
            json!({ "expected_size": 300 }),
        )
        .await
        .assert_status(201);
    w.app.school_account("school.b");
    let w = give(w, &id).await;
    let (other, _) = w.app.tokens("school.b").await;
    let head_count = |n: i64| json!({ "audience": n });
    w.act(&id, "attendance", &other, head_count(10))
        .await
        .assert_problem(403, "forbidden");
    let confirmed = w.act(&id, "attendance", &w.school, head_count(280)).await;
    confirmed.assert_status(201);
    w.act(&id, "attendance", &w.school, head_count(290))
        .await
        .assert_problem(409, "already_reported");
    let filed = w
        .act(
            &id,
            "report",
            &w.lin,
            json!({ "audience": 35, "summary": "平台直播，另有散户家长在线" }),
        )
        .await;
    assert_eq!(filed.assert_status(201)["beneficiaries"], 315);

    // A school's own lecture has no schools' counts to confirm.
    let own = id_of(
        &w.dispatch("offline", slot(5, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    w.act(&own, "attendance", &w.school, head_count(50))
        .await
        .assert_problem(409, "not_city_wide");
}
