//! Attendance (签到 / 签退): the school shows a code that changes every five minutes, the
//! expert checks in with it and out after; the service marks no-shows, checks out the
//! forgetful and closes delivered lectures; the office corrects a no-show.
//!
//! The world is the lectures' one (`crate::lectures`). The lecture under test is 林's, on
//! Wednesday 4 March 2026 14:00-15:00 (+08:00), which is 06:00-07:00 UTC.

use crate::common;
use crate::lectures::{World, id_of, slot, world};

use chrono::{DateTime, Utc};
use guanai::domain::roster::ExpertStatus;
use guanai::jobs::{Job, LectureTimers, Outcome, Ran, run_due};
use serde_json::{Value, json};

/// 4 March 2026 at `hh:mm:ss` in the service zone.
fn on_the_day(time: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("2026-03-04T{time}+08:00"))
        .unwrap()
        .with_timezone(&Utc)
}

/// The world after the clock moved: fresh tokens for everyone (access tokens last minutes).
async fn at(w: World, time: &str) -> World {
    w.app.clock.set(on_the_day(time));
    World {
        admin: w.app.tokens(&w.admin_login).await.0,
        school: w.app.tokens("school.a").await.0,
        lin: w.app.tokens("lin").await.0,
        ..w
    }
}

/// 林's confirmed online lecture for the school, 14:00-15:00 on 4 March; its id.
async fn confirmed(w: &World) -> String {
    let lecture = w
        .dispatch("online", slot(4, 14, 0, 60), Some(&w.lin_id))
        .await;
    let id = id_of(&lecture);
    w.act(&id, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    id
}

async fn code(w: &World, id: &str, token: &str) -> common::TestResponse {
    w.app
        .get(&format!("/api/v1/lectures/{id}/check-in-code"), token)
        .await
}

fn wrong(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c == '9' {
                '0'
            } else {
                char::from(c as u8 + 1)
            }
        })
        .collect()
}

fn timers(w: &World) -> Vec<Box<dyn Job>> {
    vec![Box::new(LectureTimers::new(w.app.state.settings.clone()))]
}

#[actix_web::test]
async fn the_school_shows_the_code_and_the_expert_checks_in_with_it_and_out() {
    let w = world().await;
    let id = confirmed(&w).await;
    // Not before half an hour ahead of the start.
    code(&w, &id, &w.school)
        .await
        .assert_problem(409, "outside_check_in_window");
    let w = at(w, "13:44:00").await;
    // Never an expert: not the lecture's, not a lead of its team.
    code(&w, &id, &w.lin).await.assert_problem(403, "forbidden");
    let zhao = w.app.expert("zhao", "reading", ExpertStatus::Active);
    w.app.make_lead("reading", &zhao.id);
    let (lead, _) = w.app.tokens("zhao").await;
    code(&w, &id, &lead).await.assert_problem(403, "forbidden");
    // Another school does not see the lecture at all.
    w.app.school_account("school.b");
    let (other, _) = w.app.tokens("school.b").await;
    code(&w, &id, &other).await.assert_problem(404, "not_found");

    let shown = code(&w, &id, &w.school).await;
    let body = shown.assert_status(200).clone();
    let digits = body["code"].as_str().unwrap().to_owned();
    assert_eq!(digits.len(), 6);
    assert_eq!(body["valid_until"], "2026-03-04T13:45:00+08:00");
    assert_eq!(shown.header("cache-control"), Some("no-store"));
    // The office reads the same code.
    let office = code(&w, &id, &w.admin).await;
    assert_eq!(office.assert_status(200)["code"], digits.as_str());

    let checked_in = w
        .act(&id, "check-in", &w.lin, json!({ "code": digits }))
        .await;
    let body = checked_in.assert_status(200);
    assert_eq!(body["state"], "in_progress");
    assert_eq!(body["attendance"]["late"], false);
    assert_eq!(
        body["attendance"]["checked_in_at"],
        "2026-03-04T13:44:00+08:00"
    );
    assert_eq!(
        w.busy_rows(&w.lin_id),
        1,
        "a running lecture still holds its time"
    );

    let w = at(w, "14:54:00").await;
    let out = w.act(&id, "check-out", &w.lin, json!({})).await;
    let body = out.assert_status(200);
    assert_eq!(body["state"], "delivered");
    assert_eq!(body["attendance"]["delivered_minutes"], 70);
    assert_eq!(body["attendance"]["auto_checked_out"], false);
    assert_eq!(w.busy_rows(&w.lin_id), 0, "a given lecture holds nothing");
    let steps: Vec<&str> = body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(steps[steps.len() - 2..], ["check_in", "check_out"]);
}

#[actix_web::test]
async fn the_previous_code_is_taken_two_minutes_and_a_late_check_in_is_marked_and_minutes_capped() {
    let w = world().await;
    let id = confirmed(&w).await;
    let w = at(w, "14:14:00").await;
    let old = code(&w, &id, &w.school).await.assert_status(200)["code"]
        .as_str()
        .unwrap()
        .to_owned();
    // The same code tried at two moments (the clock set back between them): two and a half
    // minutes into the next step it is stale.
    let w = at(w, "14:17:30").await;
    let stale = w.act(&id, "check-in", &w.lin, json!({ "code": old })).await;
    stale.assert_problem(422, "validation_failed");
    assert_eq!(stale.body["errors"][0]["code"], "invalid_code");
    // One minute into it, it is still taken.
    let w = at(w, "14:16:00").await;
    let taken = w.act(&id, "check-in", &w.lin, json!({ "code": old })).await;
    let body = taken.assert_status(200);
    assert_eq!(
        body["attendance"]["late"], true,
        "more than 10 minutes after the start"
    );
    // Checked out long after: at most the planned hour plus 30 minutes count.
    let w = at(w, "17:00:00").await;
    let out = w.act(&id, "check-out", &w.lin, json!({})).await;
    assert_eq!(
        out.assert_status(200)["attendance"]["delivered_minutes"],
        90
    );
}

#[actix_web::test]
async fn five_wrong_codes_lock_the_check_in_and_each_is_recorded() {
    let w = world().await;
    let id = confirmed(&w).await;
    let w = at(w, "13:50:00").await;
    let right = code(&w, &id, &w.school).await.assert_status(200)["code"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..5 {
        let refused = w
            .act(&id, "check-in", &w.lin, json!({ "code": wrong(&right) }))
            .await;
        refused.assert_problem(422, "validation_failed");
    }
    assert_eq!(w.app.audit_actions("lecture.check_in_failed").len(), 5);
    let locked = w
        .act(&id, "check-in", &w.lin, json!({ "code": right }))
        .await;
    locked.assert_problem(429, "rate_limited");
    let wait: i64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait), "{wait}");
    assert_eq!(w.state(&json!({ "id": id })).await, "confirmed");

    // Ten minutes on, the current code works again.
    let w = at(w, "14:00:30").await;
    let right = code(&w, &id, &w.school).await.assert_status(200)["code"]
        .as_str()
        .unwrap()
        .to_owned();
    w.act(&id, "check-in", &w.lin, json!({ "code": right }))
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn the_office_checks_in_with_a_reason_and_nobody_mixes_the_two() {
    let w = world().await;
    let id = confirmed(&w).await;
    let w = at(w, "14:05:00").await;
    w.act(&id, "check-in", &w.lin, json!({ "reason": "手机没电" }))
        .await
        .assert_problem(422, "validation_failed");
    w.act(&id, "check-in", &w.admin, json!({ "code": "123456" }))
        .await
        .assert_problem(422, "validation_failed");
    w.act(&id, "check-in", &w.lin, json!({}))
        .await
        .assert_problem(422, "validation_failed");
    w.act(&id, "check-in", &w.school, json!({ "reason": "x" }))
        .await
        .assert_problem(403, "forbidden");
    let by_office = w
        .act(
            &id,
            "check-in",
            &w.admin,
            json!({ "reason": "专家手机没电，电话确认已到场" }),
        )
        .await;
    let body = by_office.assert_status(200);
    assert_eq!(body["state"], "in_progress");
    assert_eq!(
        body["attendance"]["check_in_reason"],
        "专家手机没电，电话确认已到场"
    );
    // Checked in once: a second check-in is no step from here.
    w.act(&id, "check-in", &w.admin, json!({ "reason": "again" }))
        .await
        .assert_problem(409, "illegal_transition");
}

#[actix_web::test]
async fn the_timers_mark_no_shows_check_out_the_forgetful_and_close_after_fourteen_days() {
    let w = world().await;
    let missed = confirmed(&w).await;
    let forgotten = id_of(
        &w.dispatch("online", slot(4, 16, 0, 60), Some(&w.lin_id))
            .await,
    );
    w.act(&forgotten, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    let w = at(w, "15:50:00").await;
    let digits = code(&w, &forgotten, &w.school).await.assert_status(200)["code"]
        .as_str()
        .unwrap()
        .to_owned();
    w.act(&forgotten, "check-in", &w.lin, json!({ "code": digits }))
        .await
        .assert_status(200);

    // An hour after 15:00 the first is a no-show; 17:00 is not yet an hour past the second.
    let w = at(w, "16:30:00").await;
    run_due(w.app.pool(), &w.app.clock, &timers(&w));
    assert_eq!(w.state(&json!({ "id": missed })).await, "no_show");
    assert_eq!(w.state(&json!({ "id": forgotten })).await, "in_progress");
    assert!(
        w.kinds(&w.admin)
            .await
            .contains(&"lecture_no_show".to_owned())
    );
    assert!(
        w.kinds(&w.school)
            .await
            .contains(&"lecture_no_show".to_owned())
    );
    // A no-show does not count against the load; it frees the time.
    assert_eq!(w.busy_rows(&w.lin_id), 1);

    let w = at(w, "18:01:00").await;
    run_due(w.app.pool(), &w.app.clock, &timers(&w));
    let page = w
        .app
        .get(&format!("/api/v1/lectures/{forgotten}"), &w.admin)
        .await;
    let body = page.assert_status(200);
    assert_eq!(body["state"], "delivered");
    assert_eq!(body["attendance"]["auto_checked_out"], true);
    assert_eq!(
        body["attendance"]["checked_out_at"],
        "2026-03-04T17:00:00+08:00"
    );
    assert_eq!(body["attendance"]["delivered_minutes"], 70);

    // The office corrects the no-show with the times it really ran.
    let corrected = w
        .act(
            &missed,
            "correct",
            &w.admin,
            json!({ "reason": "学校确认讲座已举行，专家忘记签到",
                    "start": "2026-03-04T14:05:00+08:00", "end": "2026-03-04T15:00:00+08:00" }),
        )
        .await;
    let body = corrected.assert_status(200);
    assert_eq!(body["state"], "delivered");
    assert_eq!(body["attendance"]["delivered_minutes"], 55);
    w.act(
        &missed,
        "correct",
        &w.lin,
        json!({ "reason": "x", "start": "2026-03-04T14:05:00+08:00", "end": "2026-03-04T15:00:00+08:00" }),
    )
    .await
    .assert_problem(403, "forbidden");

    // Fourteen days after its end, a delivered lecture closes.
    w.app
        .clock
        .set(on_the_day("18:02:00") + chrono::Duration::days(14));
    run_due(w.app.pool(), &w.app.clock, &timers(&w));
    let (admin, _) = w.app.tokens(&w.admin_login).await;
    for id in [&missed, &forgotten] {
        let page = w.app.get(&format!("/api/v1/lectures/{id}"), &admin).await;
        assert_eq!(page.assert_status(200)["state"], "closed");
    }
}

#[actix_web::test]
async fn given_lectures_count_against_the_load_and_no_shows_do_not() {
    let w = world().await;
    let given = confirmed(&w).await;
    let missed = id_of(
        &w.dispatch("online", slot(4, 17, 0, 60), Some(&w.lin_id))
            .await,
    );
    w.act(&missed, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    let w = at(w, "14:00:00").await;
    w.act(
        &given,
        "check-in",
        &w.admin,
        json!({ "reason": "电话确认" }),
    )
    .await
    .assert_status(200);
    let w = at(w, "15:00:00").await;
    w.act(&given, "check-out", &w.lin, json!({}))
        .await
        .assert_status(200);
    let w = at(w, "19:30:00").await;
    run_due(w.app.pool(), &w.app.clock, &timers(&w));
    assert_eq!(w.state(&json!({ "id": missed })).await, "no_show");

    // A lecture later that week: 林 has one given lecture counted, not the no-show.
    let later = w.dispatch("online", slot(6, 10, 0, 60), None).await;
    let path = format!(
        "/api/v1/lectures/{}/suggestions?include_ineligible=true",
        id_of(&later)
    );
    let page = w.app.get(&path, &w.admin).await;
    let lin: Value = page.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["expert_id"] == w.lin_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(lin["lectures_this_week"], 1, "{lin}");
}

#[actix_web::test]
async fn a_city_wide_lecture_shows_its_code_to_the_schools_that_joined() {
    let w = world().await;
    let id = w
        .city_wide(slot(4, 14, 0, 60), json!({ "expert_id": w.lin_id }))
        .await;
    w.act(&id, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    w.app
        .post(
            &format!("/api/v1/lectures/{id}/participants"),
            Some(&w.school),
            json!({ "expected_size": 300 }),
        )
        .await
        .assert_status(201);
    w.app.school_account("school.b");
    let w = at(w, "13:45:00").await;
    let (other, _) = w.app.tokens("school.b").await;
    code(&w, &id, &w.school).await.assert_status(200);
    code(&w, &id, &other).await.assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn the_timers_work_off_a_backlog_a_batch_at_a_time() {
    let w = world().await;
    let mut ids = Vec::new();
    for hour in [9, 11, 13] {
        let lecture = w
            .dispatch("online", slot(4, hour, 0, 60), Some(&w.lin_id))
            .await;
        let id = id_of(&lecture);
        w.act(&id, "accept", &w.lin, json!({}))
            .await
            .assert_status(200);
        ids.push(id);
    }
    let w = at(w, "17:00:00").await;
    let timers: Vec<Box<dyn Job>> = vec![Box::new(LectureTimers {
        batch: 2,
        ..LectureTimers::new(w.app.state.settings.clone())
    })];
    // Three missed lectures, two a run: the first run asks to run again at once.
    let first = run_due(w.app.pool(), &w.app.clock, &timers);
    assert!(
        matches!(
            first[0].1,
            Ran::Done(Outcome {
                handled: 2,
                more: true
            })
        ),
        "{first:?}"
    );
    let second = run_due(w.app.pool(), &w.app.clock, &timers);
    assert!(
        matches!(
            second[0].1,
            Ran::Done(Outcome {
                handled: 1,
                more: false
            })
        ),
        "{second:?}"
    );
    for id in &ids {
        assert_eq!(w.state(&json!({ "id": id })).await, "no_show");
    }
}
