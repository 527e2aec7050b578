//! 评课 (evaluation): the school of a delivered lecture (each joined school of a city-wide
//! one) scores it once and may edit its scores for 7 days; the lecture closes once every
//! school that may evaluate it has; the office, the team's leads and the expert read them
//! all, a school its own.
//!
//! The world is the lectures' one (`crate::lectures`); lectures on Wednesday 4 March 2026,
//! given by 林 (`crate::lecture_reports::give`).

use crate::common;
use crate::lecture_reports::{at, give, on_the_day};
use crate::lectures::{World, id_of, slot, world};

use chrono::Duration;
use guanai::domain::roster::ExpertStatus;
use serde_json::{Value, json};

fn scores() -> Value {
    json!({ "content": 5, "delivery": 5, "interaction": 4, "effect": 4, "relevance": 5,
            "comment": "贴合我校家长的困惑，案例生动。" })
}

async fn evaluate(w: &World, id: &str, token: &str, body: Value) -> common::TestResponse {
    w.act(id, "evaluations", token, body).await
}

async fn evaluations(w: &World, id: &str, token: &str) -> common::TestResponse {
    w.app
        .get(&format!("/api/v1/lectures/{id}/evaluations"), token)
        .await
}

async fn edit(
    w: &World,
    id: &str,
    evaluation: &str,
    if_match: Option<&str>,
    body: Value,
) -> common::TestResponse {
    w.app
        .patch(
            &format!("/api/v1/lectures/{id}/evaluations/{evaluation}"),
            &w.school,
            if_match,
            body,
        )
        .await
}

#[actix_web::test]
async fn the_school_evaluates_its_delivered_lecture_once_and_it_closes() {
    let w = world().await;
    let id = id_of(
        &w.dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    // Not before it has been given.
    evaluate(&w, &id, &w.school, scores())
        .await
        .assert_problem(409, "not_evaluable");
    let w = give(w, &id).await;
    let filed = evaluate(&w, &id, &w.school, scores()).await;
    let body = filed.assert_status(201);
    assert_eq!(body["school_id"], w.school_id.as_str());
    assert_eq!(body["relevance"], 5);
    assert_eq!(body["version"], 1);
    assert_eq!(body["editable_until"], "2026-03-11T15:00:00+08:00");
    // The only school that may evaluate it has: the lecture is closed.
    let lecture = w.app.get(&format!("/api/v1/lectures/{id}"), &w.admin).await;
    let lecture = lecture.assert_status(200);
    assert_eq!(lecture["state"], "closed");
    assert_eq!(
        lecture["history"].as_array().unwrap().last().unwrap()["action"],
        "close"
    );
    evaluate(&w, &id, &w.school, scores())
        .await
        .assert_problem(409, "already_evaluated");
    // The office, the team's leads and the expert evaluate nothing.
    evaluate(&w, &id, &w.admin, scores())
        .await
        .assert_problem(403, "forbidden");
    evaluate(&w, &id, &w.lin, scores())
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn scores_are_whole_numbers_from_one_to_five_and_the_comment_is_not_blank() {
    let w = world().await;
    let id = id_of(
        &w.dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    let mut body = scores();
    body["relevance"] = json!(9);
    body["comment"] = json!("  ");
    let refused = evaluate(&w, &id, &w.school, body).await;
    refused.assert_field_error("relevance", "out_of_range");
    refused.assert_field_error("comment", "required");
}

#[actix_web::test]
async fn an_evaluation_is_edited_at_its_version_for_seven_days_then_locked() {
    let w = world().await;
    let id = id_of(
        &w.dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    let w = give(w, &id).await;
    let filed = evaluate(&w, &id, &w.school, scores()).await;
    let evaluation = filed.assert_status(201)["id"].as_str().unwrap().to_owned();

    let edited = edit(&w, &id, &evaluation, Some("\"1\""), json!({ "effect": 2 })).await;
    let body = edited.assert_status(200);
    assert_eq!(body["effect"], 2);
    assert_eq!(body["content"], 5, "what is left out stays");
    assert_eq!(body["version"], 2);
    assert_eq!(edited.header("etag"), Some("\"2\""));
    // An edit at the version it replaced is refused.
    edit(&w, &id, &evaluation, Some("\"1\""), json!({ "effect": 3 }))
        .await
        .assert_problem(412, "version_mismatch");
    // Another school's evaluation is none of this school's business.
    w.app.school_account("school.b");
    let (other, _) = w.app.tokens("school.b").await;
    let theirs = w
        .app
        .patch(
            &format!("/api/v1/lectures/{id}/evaluations/{evaluation}"),
            &other,
            None,
            json!({ "effect": 1 }),
        )
        .await;
    theirs.assert_problem(404, "not_found");

    // Seven days after filing it is still open; a moment later, locked.
    let filed_at = on_the_day("15:00:00");
    let w = at(w, filed_at + Duration::days(7)).await;
    edit(&w, &id, &evaluation, None, json!({ "effect": 3 }))
        .await
        .assert_status(200);
    let w = at(w, filed_at + Duration::days(7) + Duration::seconds(1)).await;
    edit(&w, &id, &evaluation, None, json!({ "effect": 4 }))
        .await
        .assert_problem(409, "evaluation_locked");
}

#[actix_web::test]
async fn a_city_wide_lecture_closes_once_every_joined_school_has_evaluated() {
    let w = world().await;
    let id = w
        .city_wide(slot(4, 14, 0, 60), json!({ "expert_id": w.lin_id }))
        .await;
    w.app.school_account("school.b");
    w.app.school_account("school.c");
    let (b, _) = w.app.tokens("school.b").await;
    for token in [&w.school, &b] {
        w.app
            .post(
                &format!("/api/v1/lectures/{id}/participants"),
                Some(token),
                json!({ "expected_size": 100 }),
            )
            .await
            .assert_status(201);
    }
    let w = give(w, &id).await;
    let (b, _) = w.app.tokens("school.b").await;
    let (c, _) = w.app.tokens("school.c").await;
    // A school that did not join sees the lecture but does not evaluate or read it.
    evaluate(&w, &id, &c, scores())
        .await
        .assert_problem(403, "forbidden");
    evaluations(&w, &id, &c)
        .await
        .assert_problem(403, "forbidden");

    evaluate(&w, &id, &w.school, scores())
        .await
        .assert_status(201);
    assert_eq!(w.state(&json!({ "id": id })).await, "delivered");
    let mut theirs = scores();
    theirs["content"] = json!(3);
    evaluate(&w, &id, &b, theirs).await.assert_status(201);
    assert_eq!(w.state(&json!({ "id": id })).await, "closed");

    // The office, the team's leads and the expert read both; each school its own.
    let zhao = w.app.expert("zhao", "reading", ExpertStatus::Active);
    w.app.make_lead("reading", &zhao.id);
    let (lead, _) = w.app.tokens("zhao").await;
    for token in [&w.admin, &lead, &w.lin] {
        let page = evaluations(&w, &id, token).await;
        assert_eq!(
            page.assert_status(200)["items"].as_array().unwrap().len(),
            2
        );
    }
    let own = evaluations(&w, &id, &b).await;
    let items = own.assert_status(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["content"], 3);
    // Pages follow the keyset.
    let first = w
        .app
        .get(
            &format!("/api/v1/lectures/{id}/evaluations?limit=1"),
            &w.admin,
        )
        .await;
    let cursor = first.assert_status(200)["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = w
        .app
        .get(
            &format!("/api/v1/lectures/{id}/evaluations?limit=1&cursor={cursor}"),
            &w.admin,
        )
        .await;
    let body = second.assert_status(200);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    assert!(body["next_cursor"].is_null());
}

#[actix_web::test]
async fn another_schools_own_lecture_stays_hidden() {
    let w = world().await;
    let id = id_of(
        &w.dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    let w = give(w, &id).await;
    w.app.school_account("school.b");
    let (other, _) = w.app.tokens("school.b").await;
    evaluate(&w, &id, &other, scores())
        .await
        .assert_problem(404, "not_found");
    evaluations(&w, &id, &other)
        .await
        .assert_problem(404, "not_found");
}
