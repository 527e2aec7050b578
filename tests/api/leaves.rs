//! Leave (请假制度): an expert asks, the office or a lead of their team decides, the office
//! records one at once; approved leave holds the expert's days, gives back the lectures held
//! inside them, and keeps every later offer out.
//!
//! The world is the lectures' one (`crate::lectures`): the clock starts on Monday 2026-03-02
//! 09:00 (+08:00); 林 is an active expert of `reading`.

use crate::common;
use crate::concurrency::{LectureWorld, codes};
use crate::lectures::{World, id_of, slot, world};

use chrono::Duration;
use common::http;
use guanai::domain::roster::ExpertStatus;
use serde_json::{Value, json};

impl World {
    /// A leave asked for (or, by the office, recorded) with `token`; the answer.
    async fn leave(&self, token: &str, body: Value) -> common::TestResponse {
        self.app.post("/api/v1/leaves", Some(token), body).await
    }

    async fn leave_step(
        &self,
        id: &str,
        step: &str,
        token: &str,
        body: Value,
    ) -> common::TestResponse {
        self.app
            .post(&format!("/api/v1/leaves/{id}/{step}"), Some(token), body)
            .await
    }

    /// 林's pending leave over March `first..=last`; its id.
    async fn lin_asks(&self, first: u32, last: u32) -> String {
        let asked = self
            .leave(
                &self.lin,
                json!({ "start_date": format!("2026-03-{first:02}"),
                        "end_date": format!("2026-03-{last:02}"), "reason": "回老家探亲" }),
            )
            .await;
        let body = asked.assert_status(201);
        assert_eq!(body["state"], "pending", "{body}");
        id_of(body)
    }

    /// Another active expert of `reading` who leads it; their id and token.
    async fn reading_lead(&self) -> (String, String) {
        let zhao = self.app.expert("zhao", "reading", ExpertStatus::Active);
        self.app.make_lead("reading", &zhao.id);
        let (token, _) = self.app.tokens("zhao").await;
        (zhao.id, token)
    }
}

fn day(d: u32) -> String {
    format!("2026-03-{d:02}")
}

#[actix_web::test]
async fn an_expert_asks_and_a_lead_of_their_team_approves_with_the_days_held() {
    let w = world().await;
    let (_, zhao) = w.reading_lead().await;
    let id = w.lin_asks(4, 5).await;

    // The office and the team's lead are asked; the expert is not told of their own request.
    assert!(
        w.kinds(&w.admin)
            .await
            .contains(&"leave_requested".to_owned())
    );
    assert!(w.kinds(&zhao).await.contains(&"leave_requested".to_owned()));
    assert!(
        !w.kinds(&w.lin)
            .await
            .contains(&"leave_requested".to_owned())
    );
    assert_eq!(w.busy_rows(&w.lin_id), 0, "a pending leave holds nothing");

    let approved = w.leave_step(&id, "approve", &zhao, json!({})).await;
    let body = approved.assert_status(200);
    assert_eq!(body["state"], "approved");
    assert_eq!(body["days"], 2);
    assert_eq!(body["released_lectures"], json!([]));
    let steps: Vec<&str> = body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["request", "approve"]);
    assert!(w.kinds(&w.lin).await.contains(&"leave_approved".to_owned()));
    // The notices read the days as a Chinese calendar does.
    let inbox = w.app.get("/api/v1/me/notifications", &zhao).await;
    let asked = inbox.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "leave_requested")
        .unwrap()
        .clone();
    let body = asked["body"].as_str().unwrap();
    assert!(
        body.contains("2026年3月4日（周三） 至 2026年3月5日（周四），共 2 天"),
        "{body}"
    );
    assert!(body.contains("事由：回老家探亲"), "{body}");
    // Whole local days: 4 March 00:00 to 6 March 00:00 (+08:00) is 3 March 16:00 to 5 March
    // 16:00 UTC.
    let hold = w.app.with_conn(|conn| {
        guanai::models::busy_interval::BusyInterval::of_expert(conn, &w.lin_id).unwrap()
    });
    assert_eq!(hold.len(), 1);
    assert_eq!(hold[0].source_type, "leave");
    assert_eq!(hold[0].starts_at.to_string(), "2026-03-03 16:00:00");
    assert_eq!(hold[0].ends_at.to_string(), "2026-03-05 16:00:00");

    // Deciding again is not a step the leave has.
    let again = w
        .leave_step(&id, "reject", &w.admin, json!({ "reason": "重复" }))
        .await;
    again.assert_problem(409, "illegal_transition");
}

#[actix_web::test]
async fn nobody_approves_their_own_leave_nor_one_outside_their_team() {
    let w = world().await;
    w.app.make_lead("reading", &w.lin_id);
    let id = w.lin_asks(4, 4).await;
    let own = w.leave_step(&id, "approve", &w.lin, json!({})).await;
    own.assert_problem(403, "forbidden");

    // A lead of another team does not see it; a plain expert of the same team neither.
    let wu = w.app.expert("wu", "mental_health", ExpertStatus::Active);
    w.app.make_lead("mental_health", &wu.id);
    let (wu_token, _) = w.app.tokens("wu").await;
    w.leave_step(&id, "approve", &wu_token, json!({}))
        .await
        .assert_problem(404, "not_found");
    w.app.expert("qian", "reading", ExpertStatus::Active);
    let (qian, _) = w.app.tokens("qian").await;
    w.app
        .get(&format!("/api/v1/leaves/{id}"), &qian)
        .await
        .assert_problem(404, "not_found");
    // A school has no business with leave.
    w.app
        .get("/api/v1/leaves", &w.school)
        .await
        .assert_problem(403, "forbidden");

    // The office rejects, saying why; the expert is told.
    let rejected = w
        .leave_step(
            &id,
            "reject",
            &w.admin,
            json!({ "reason": "那天有全市培训" }),
        )
        .await;
    let body = rejected.assert_status(200);
    assert_eq!(body["state"], "rejected");
    assert_eq!(body["rejection_reason"], "那天有全市培训");
    assert!(w.kinds(&w.lin).await.contains(&"leave_rejected".to_owned()));
}

#[actix_web::test]
async fn approved_leave_gives_back_the_lectures_held_inside_it_for_another_expert() {
    let w = world().await;
    let offered = w
        .dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
        .await;
    let confirmed = w
        .dispatch("offline", slot(5, 14, 0, 60), Some(&w.lin_id))
        .await;
    w.act(&id_of(&confirmed), "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    let outside = w
        .dispatch("offline", slot(9, 14, 0, 60), Some(&w.lin_id))
        .await;
    let id = w.lin_asks(4, 6).await;

    let approved = w.leave_step(&id, "approve", &w.admin, json!({})).await;
    let body = approved.assert_status(200).clone();
    let mut released: Vec<(String, String)> = body["released_lectures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    released.sort_by_key(|(_, s)| s.clone());
    assert_eq!(
        released,
        [
            (id_of(&confirmed), "needs_reassignment".to_owned()),
            (id_of(&offered), "requested".to_owned()),
        ]
    );
    assert_eq!(w.state(&offered).await, "requested");
    assert_eq!(w.state(&confirmed).await, "needs_reassignment");
    assert_eq!(
        w.state(&outside).await,
        "offered",
        "outside the leave, untouched"
    );
    // The history names the leave; the office and the school are told.
    let page = w
        .app
        .get(&format!("/api/v1/lectures/{}", id_of(&confirmed)), &w.admin)
        .await;
    let last = page.assert_status(200)["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "release");
    assert_eq!(last["reason"], "请假：2026-03-04 至 2026-03-06");
    assert!(
        w.kinds(&w.admin)
            .await
            .contains(&"lecture_needs_expert".to_owned())
    );
    assert!(
        w.kinds(&w.school)
            .await
            .contains(&"lecture_needs_expert".to_owned())
    );

    // Another expert takes it; 林 is refused, naming the leave.
    let zhao = w.app.expert("zhao", "reading", ExpertStatus::Active);
    w.act(
        &id_of(&offered),
        "offer",
        &w.admin,
        json!({ "expert_id": zhao.id }),
    )
    .await
    .assert_status(200);
    let refused = w
        .act(
            &id_of(&confirmed),
            "offer",
            &w.admin,
            json!({ "expert_id": w.lin_id }),
        )
        .await;
    refused.assert_problem(409, "expert_on_leave");
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("2026-03-04 至 2026-03-06"),
        "{}",
        refused.body
    );
}

#[actix_web::test]
async fn the_office_records_leave_approved_at_once_and_offers_and_suggestions_respect_it() {
    let w = world().await;
    let recorded = w
        .leave(
            &w.admin,
            json!({ "expert_id": w.lin_id, "start_date": day(6), "end_date": day(6),
                    "reason": "电话请假：身体不适" }),
        )
        .await;
    let body = recorded.assert_status(201).clone();
    assert_eq!(body["state"], "approved");
    assert_eq!(body["released_lectures"], json!([]));
    assert!(w.kinds(&w.lin).await.contains(&"leave_approved".to_owned()));

    // A lecture inside it: refused at once when dispatched to 林, and so by suggestions.
    let dispatched = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&w.admin),
            json!({ "team": "reading", "topic": "亲子共读", "mode": "online",
                    "audiences": ["parents"], "expected_size": 80, "slots": [slot(6, 10, 0, 60)],
                    "school_id": w.school_id, "expert_id": w.lin_id }),
        )
        .await;
    dispatched.assert_problem(409, "expert_on_leave");
    let lecture = w.dispatch("online", slot(6, 10, 0, 60), None).await;
    let path = format!(
        "/api/v1/lectures/{}/suggestions?include_ineligible=true",
        id_of(&lecture)
    );
    let suggestions = w.app.get(&path, &w.admin).await;
    let lin = suggestions.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["expert_id"] == w.lin_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(lin["eligible"], false);
    assert_eq!(lin["not_eligible"][0]["code"], "expert_on_leave", "{lin}");

    // Withdrawn, the day is free again at once.
    let id = id_of(&body);
    w.leave_step(&id, "withdraw", &w.admin, json!({ "reason": "身体已好" }))
        .await
        .assert_status(200);
    assert_eq!(w.busy_rows(&w.lin_id), 0);
    w.act(
        &id_of(&lecture),
        "offer",
        &w.admin,
        json!({ "expert_id": w.lin_id }),
    )
    .await
    .assert_status(200);
}

#[actix_web::test]
async fn an_expert_withdraws_only_before_the_leave_begins_and_the_office_any_time() {
    let w = world().await;
    let early = w.lin_asks(3, 3).await;
    let late = w.lin_asks(10, 11).await;
    // A withdrawal needs no body.
    let withdrawn = w
        .app
        .send(
            actix_web::http::Method::POST,
            &format!("/api/v1/leaves/{late}/withdraw"),
            Some(&w.lin),
            None,
        )
        .await;
    assert_eq!(withdrawn.assert_status(200)["state"], "withdrawn");
    // Nor does a JSON `null` for one.
    let third = w.lin_asks(12, 12).await;
    let withdrawn = w
        .app
        .send(
            actix_web::http::Method::POST,
            &format!("/api/v1/leaves/{third}/withdraw"),
            Some(&w.lin),
            Some(Value::Null),
        )
        .await;
    assert_eq!(withdrawn.assert_status(200)["state"], "withdrawn");

    w.leave_step(&early, "approve", &w.admin, json!({}))
        .await
        .assert_status(200);
    w.app.clock.advance(Duration::days(1));
    let (lin, _) = w.app.tokens("lin").await;
    let (admin, _) = w.app.tokens(&w.admin_login).await;
    let refused = w.leave_step(&early, "withdraw", &lin, json!({})).await;
    refused.assert_problem(409, "leave_started");
    w.leave_step(&early, "withdraw", &admin, json!({}))
        .await
        .assert_status(200);
    // Withdrawn is final.
    w.leave_step(&early, "withdraw", &admin, json!({}))
        .await
        .assert_problem(409, "illegal_transition");
}

#[actix_web::test]
async fn leave_refuses_bad_days_all_at_once_and_overlaps() {
    let w = world().await;
    let bad = w
        .leave(
            &w.lin,
            json!({ "start_date": day(1), "end_date": "2026-02-27", "reason": " " }),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    let mut fields: Vec<(String, String)> = bad.body["errors"]
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
    fields.sort();
    assert_eq!(
        fields,
        [
            ("end_date".to_owned(), "end_before_start".to_owned()),
            ("reason".to_owned(), "required".to_owned()),
            ("start_date".to_owned(), "in_the_past".to_owned()),
        ]
    );
    let unreadable = w
        .leave(
            &w.lin,
            json!({ "start_date": "明天", "reason": "x", "days": 2 }),
        )
        .await;
    unreadable.assert_problem(422, "validation_failed");
    assert_eq!(
        unreadable.body["errors"].as_array().unwrap().len(),
        3,
        "{}",
        unreadable.body
    );

    // The office names the expert; an expert asks only for their own.
    w.leave(
        &w.admin,
        json!({ "start_date": day(4), "end_date": day(4), "reason": "x" }),
    )
    .await
    .assert_problem(422, "validation_failed");
    let zhao = w.app.expert("zhao", "reading", ExpertStatus::Active);
    w.leave(
        &w.lin,
        json!({ "expert_id": zhao.id, "start_date": day(4), "end_date": day(4), "reason": "x" }),
    )
    .await
    .assert_problem(403, "forbidden");

    w.lin_asks(4, 6).await;
    let overlapping = w
        .leave(
            &w.lin,
            json!({ "start_date": day(6), "end_date": day(9), "reason": "x" }),
        )
        .await;
    overlapping.assert_problem(409, "leave_overlaps");
}

#[actix_web::test]
async fn leave_lists_show_each_caller_what_they_may_see() {
    let w = world().await;
    let (_, zhao) = w.reading_lead().await;
    w.lin_asks(4, 4).await;
    let approved = w.lin_asks(9, 10).await;
    w.leave_step(&approved, "approve", &w.admin, json!({}))
        .await
        .assert_status(200);
    w.app.expert("wu", "mental_health", ExpertStatus::Active);
    let (wu_token, _) = w.app.tokens("wu").await;
    w.leave(
        &wu_token,
        json!({ "start_date": day(5), "end_date": day(5), "reason": "看病" }),
    )
    .await
    .assert_status(201);

    let names = |body: &Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                format!(
                    "{}:{}",
                    l["start_date"].as_str().unwrap(),
                    l["state"].as_str().unwrap()
                )
            })
            .collect()
    };
    let all = w.app.get("/api/v1/leaves", &w.admin).await;
    assert_eq!(
        names(all.assert_status(200)),
        [
            "2026-03-04:pending",
            "2026-03-05:pending",
            "2026-03-09:approved"
        ]
    );
    assert!(all.body["items"][0].get("reason").is_none(), "briefs only");
    let lead = w.app.get("/api/v1/leaves", &zhao).await;
    assert_eq!(
        names(lead.assert_status(200)),
        ["2026-03-04:pending", "2026-03-09:approved"]
    );
    let own = w.app.get("/api/v1/leaves", &wu_token).await;
    assert_eq!(names(own.assert_status(200)), ["2026-03-05:pending"]);

    let filtered = w
        .app
        .get(
            &format!(
                "/api/v1/leaves?state=pending&expert_id={}&limit=1",
                w.lin_id
            ),
            &w.admin,
        )
        .await;
    assert_eq!(names(filtered.assert_status(200)), ["2026-03-04:pending"]);
    let range = w
        .app
        .get("/api/v1/leaves?from=2026-03-05&to=2026-03-09", &w.admin)
        .await;
    assert_eq!(
        names(range.assert_status(200)),
        ["2026-03-05:pending", "2026-03-09:approved"]
    );
    // Paged by cursor, nothing lost or repeated.
    let first = w.app.get("/api/v1/leaves?limit=2", &w.admin).await;
    let cursor = first.assert_status(200)["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = w
        .app
        .get(&format!("/api/v1/leaves?limit=2&cursor={cursor}"), &w.admin)
        .await;
    assert_eq!(names(second.assert_status(200)), ["2026-03-09:approved"]);
    assert!(second.body["next_cursor"].is_null());
    w.app
        .get("/api/v1/leaves?from=2026-03-09&to=2026-03-05", &w.admin)
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn a_leave_hold_written_or_freed_by_hand_is_refused() {
    use diesel::RunQueryDsl as _;
    let w = world().await;
    let id = w.lin_asks(4, 4).await;
    w.leave_step(&id, "approve", &w.admin, json!({}))
        .await
        .assert_status(200);
    let refusal = |sql: String| {
        w.app.with_conn(|conn| {
            let error = diesel::sql_query(sql).execute(conn).unwrap_err();
            guanai::db::constraint::problem_for(&error, guanai::db::constraint::CONSTRAINTS)
                .map(|p| p.code().to_owned())
        })
    };
    let freed = refusal(format!(
        "DELETE FROM busy_intervals WHERE source_type = 'leave' AND source_id = '{id}'"
    ));
    assert_eq!(freed.as_deref(), Some("hold_out_of_step"));
    let widened = refusal(format!(
        "UPDATE busy_intervals SET ends_at = '2026-03-09 16:00:00' WHERE source_id = '{id}'"
    ));
    assert_eq!(widened.as_deref(), Some("hold_out_of_step"));
    let invented = refusal(format!(
        "INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at) \
         VALUES ('x', '{}', 'leave', 'nothing', '2026-03-20 00:00:00', '2026-03-21 00:00:00')",
        w.lin_id
    ));
    assert_eq!(invented.as_deref(), Some("hold_out_of_step"));
}

/// Approving leave and accepting an offer inside it, at one moment: whichever runs first,
/// the expert ends with the leave and without the lecture, and nothing overlaps.
#[test]
fn leave_approval_racing_an_accept_inside_it_leaves_the_expert_only_the_leave() {
    for _ in 0..3 {
        let world = LectureWorld::new(50);
        let lecture = world.lecture(4, 2, true);
        let office = world.token("office");
        let lin = world.token("lin");
        let (status, asked) = http(
            world.server.addr,
            "POST",
            "/api/v1/leaves",
            Some(&lin),
            Some(
                &json!({ "start_date": "2026-03-04", "end_date": "2026-03-04", "reason": "家中有事" }),
            ),
        );
        assert_eq!(status, 201, "{asked}");
        let leave = asked["id"].as_str().unwrap().to_owned();
        let results = world.race(2, move |i| match i {
            0 => (
                format!("/api/v1/leaves/{leave}/approve"),
                office.clone(),
                json!({}),
            ),
            _ => (
                format!("/api/v1/lectures/{lecture}/accept"),
                lin.clone(),
                json!({}),
            ),
        });
        let outcome = codes(&results);
        assert_eq!(outcome[0].0, 200, "{outcome:?}");
        // The accept either came first (then the approval released it) or found the
        // lecture given back already, no longer the expert's to see.
        assert!(
            outcome[1].0 == 200 || (outcome[1].0 == 404 && outcome[1].1 == "not_found"),
            "{outcome:?}"
        );
        assert_eq!(results[0].1["state"], "approved");
        assert_eq!(
            results[0].1["released_lectures"].as_array().unwrap().len(),
            1,
            "{outcome:?}"
        );
        assert_eq!(world.busy_rows(), 1, "only the leave holds the expert");
    }
}
