//! 听课 (observation): the office or a lead of the lecture's team assigns observers before it
//! begins; an observer's time is held like a lecture's, moves with a reschedule and is freed
//! by a cancel, a removal or their own leave; each files one observation once the lecture
//! has begun, read by the office, the team's leads and the observed expert, never a school.
//!
//! The world is the lectures' one (`crate::lectures`): the clock starts on Monday 2026-03-02
//! 09:00 (+08:00); 林 gives the lecture, 周 (another expert of `reading`) observes it.

use crate::common;
use crate::lectures::{World, id_of, slot, world};

use chrono::{DateTime, Utc};
use guanai::domain::roster::ExpertStatus;
use serde_json::{Value, json};

struct Observed {
    w: World,
    /// 林's confirmed online lecture, 4 March 14:00-15:00.
    id: String,
    zhou_id: String,
    zhou: String,
}

/// 林's confirmed lecture and 周, an expert of the same team, not yet assigned.
async fn observed() -> Observed {
    let w = world().await;
    let lecture = w
        .dispatch("online", slot(4, 14, 0, 60), Some(&w.lin_id))
        .await;
    let id = id_of(&lecture);
    w.act(&id, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    let zhou = w.app.expert("zhou", "reading", ExpertStatus::Active);
    let (token, _) = w.app.tokens("zhou").await;
    Observed {
        w,
        id,
        zhou_id: zhou.id,
        zhou: token,
    }
}

impl Observed {
    async fn assign(&self, token: &str, expert_id: &str) -> common::TestResponse {
        self.w
            .act(
                &self.id,
                "observers",
                token,
                json!({ "expert_id": expert_id }),
            )
            .await
    }

    async fn file(&self, token: &str, body: Value) -> common::TestResponse {
        self.w.act(&self.id, "observations", token, body).await
    }

    async fn observations(&self, token: &str) -> common::TestResponse {
        self.w
            .app
            .get(&format!("/api/v1/lectures/{}/observations", self.id), token)
            .await
    }

    /// The times (UTC, as stored) of `expert_id`'s commitments.
    fn holds(&self, expert_id: &str) -> Vec<String> {
        self.w.app.with_conn(|conn| {
            guanai::models::busy_interval::BusyInterval::of_expert(conn, expert_id)
                .unwrap()
                .into_iter()
                .map(|b| format!("{} {}", b.source_type, b.starts_at))
                .collect()
        })
    }

    /// Moves the clock to 4 March at `time` (+08:00), with fresh tokens.
    async fn at(self, time: &str) -> Observed {
        let at = DateTime::parse_from_rfc3339(&format!("2026-03-04T{time}+08:00")).unwrap();
        self.w.app.clock.set(at.with_timezone(&Utc));
        let w = World {
            admin: self.w.app.tokens(&self.w.admin_login).await.0,
            school: self.w.app.tokens("school.a").await.0,
            lin: self.w.app.tokens("lin").await.0,
            ..self.w
        };
        let zhou = w.app.tokens("zhou").await.0;
        Observed { w, zhou, ..self }
    }

    /// 林 checks in with the school's code (the clock inside the window).
    async fn lin_checks_in(&self) {
        let code = self
            .w
            .app
            .get(
                &format!("/api/v1/lectures/{}/check-in-code", self.id),
                &self.w.school,
            )
            .await;
        let code = code.assert_status(200)["code"].as_str().unwrap().to_owned();
        self.w
            .act(&self.id, "check-in", &self.w.lin, json!({ "code": code }))
            .await
            .assert_status(200);
    }
}

fn scores() -> Value {
    json!({ "content": 5, "delivery": 4, "interaction": 3, "effect": 4,
            "comment": "案例贴近家长，互动环节可以再长一些。" })
}

#[actix_web::test]
async fn an_assigned_observer_is_held_told_and_files_once_the_lecture_has_begun() {
    let o = observed().await;
    let assigned = o.assign(&o.w.admin, &o.zhou_id).await;
    let page = assigned.assert_status(201);
    assert_eq!(page["observers"][0]["expert_id"], o.zhou_id.as_str());
    assert_eq!(page["observers"][0]["observed"], false);
    assert_eq!(
        o.holds(&o.zhou_id),
        ["observation 2026-03-04 06:00:00"],
        "the observer's time is held as the lecture's"
    );
    assert!(
        o.w.kinds(&o.zhou)
            .await
            .contains(&"lecture_observer_assigned".to_owned())
    );
    // The observer sees the lecture and who observes it; the school does not see who
    // observes.
    let seen =
        o.w.app
            .get(&format!("/api/v1/lectures/{}", o.id), &o.zhou)
            .await;
    assert_eq!(
        seen.assert_status(200)["observers"][0]["expert_id"],
        o.zhou_id.as_str()
    );
    let school =
        o.w.app
            .get(&format!("/api/v1/lectures/{}", o.id), &o.w.school)
            .await;
    assert!(school.assert_status(200).get("observers").is_none());

    // Not before the lecture has begun.
    o.file(&o.zhou, scores())
        .await
        .assert_problem(409, "lecture_not_begun");
    let o = o.at("13:50:00").await;
    o.lin_checks_in().await;
    // Only an assigned observer files.
    o.file(&o.w.lin, scores())
        .await
        .assert_problem(403, "forbidden");
    let filed = o.file(&o.zhou, scores()).await;
    let body = filed.assert_status(201);
    assert_eq!(body["observer_id"], o.zhou_id.as_str());
    assert_eq!(body["content"], 5);
    assert_eq!(body["filed_at"], "2026-03-04T13:50:00+08:00");
    o.file(&o.zhou, scores())
        .await
        .assert_problem(409, "already_observed");

    // The office, the observed expert and the observer read it; a school never does.
    for token in [&o.w.admin, &o.w.lin, &o.zhou] {
        let page = o.observations(token).await;
        let items = page.assert_status(200)["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["comment"], scores()["comment"]);
    }
    o.observations(&o.w.school)
        .await
        .assert_problem(403, "forbidden");
    let page =
        o.w.app
            .get(&format!("/api/v1/lectures/{}", o.id), &o.w.admin)
            .await;
    assert_eq!(page.assert_status(200)["observers"][0]["observed"], true);
}

#[actix_web::test]
async fn who_may_assign_and_whom() {
    let o = observed().await;
    // Never the lecture's own expert.
    o.assign(&o.w.admin, &o.w.lin_id)
        .await
        .assert_field_error("expert_id", "own_lecture");
    // A school is no assigner; a plain expert of the team does not even see the lecture.
    o.assign(&o.w.school, &o.zhou_id)
        .await
        .assert_problem(403, "forbidden");
    o.assign(&o.zhou, &o.zhou_id)
        .await
        .assert_problem(404, "not_found");
    // A lead of the lecture's team may.
    let zhao = o.w.app.expert("zhao", "reading", ExpertStatus::Active);
    o.w.app.make_lead("reading", &zhao.id);
    let (lead, _) = o.w.app.tokens("zhao").await;
    o.assign(&lead, &o.zhou_id).await.assert_status(201);
    o.assign(&o.w.admin, &o.zhou_id)
        .await
        .assert_problem(409, "already_observer");
    o.assign(&o.w.admin, "00000000-0000-0000-0000-000000000000")
        .await
        .assert_field_error("expert_id", "not_found");
    // Not once the lecture has begun.
    let o = o.at("14:05:00").await;
    let wang = o.w.app.expert("wang", "reading", ExpertStatus::Active);
    o.assign(&o.w.admin, &wang.id)
        .await
        .assert_problem(409, "not_observable");
}

#[actix_web::test]
async fn scores_are_whole_numbers_from_one_to_five() {
    let o = observed().await;
    let mut body = scores();
    body["interaction"] = json!(6);
    body["effect"] = json!(0);
    let refused = o.file(&o.zhou, body).await;
    refused.assert_field_error("interaction", "out_of_range");
    refused.assert_field_error("effect", "out_of_range");
}

#[actix_web::test]
async fn an_observer_is_not_assigned_into_their_leave_or_another_commitment() {
    let o = observed().await;
    // 周's own lecture at the same time.
    o.w.dispatch("online", slot(4, 14, 30, 60), Some(&o.zhou_id))
        .await;
    o.assign(&o.w.admin, &o.zhou_id)
        .await
        .assert_problem(409, "expert_busy");
    let wang = o.w.app.expert("wang", "reading", ExpertStatus::Active);
    o.w.app
        .post(
            "/api/v1/leaves",
            Some(&o.w.admin),
            json!({ "expert_id": wang.id, "start_date": "2026-03-04",
                    "end_date": "2026-03-04", "reason": "住院" }),
        )
        .await
        .assert_status(201);
    o.assign(&o.w.admin, &wang.id)
        .await
        .assert_problem(409, "expert_on_leave");
}

#[actix_web::test]
async fn an_observer_moves_with_a_reschedule_and_is_freed_by_a_cancel() {
    let o = observed().await;
    o.assign(&o.w.admin, &o.zhou_id).await.assert_status(201);
    o.w.act(&o.id, "reschedule", &o.w.admin, slot(5, 10, 0, 60))
        .await
        .assert_status(200);
    assert_eq!(
        o.holds(&o.zhou_id),
        ["observation 2026-03-05 02:00:00"],
        "the observer's hold moved with the lecture"
    );
    let told = o.w.kinds(&o.zhou).await;
    assert_eq!(
        told.iter()
            .filter(|k| *k == "lecture_observer_assigned")
            .count(),
        2,
        "told of the assignment and of the new time: {told:?}"
    );

    o.w.act(&o.id, "cancel", &o.w.admin, json!({ "reason": "学校停课" }))
        .await
        .assert_status(200);
    assert!(
        o.holds(&o.zhou_id).is_empty(),
        "a cancel frees the observer"
    );
    assert!(
        o.w.kinds(&o.zhou)
            .await
            .contains(&"lecture_observer_removed".to_owned())
    );
    let page =
        o.w.app
            .get(&format!("/api/v1/lectures/{}", o.id), &o.w.admin)
            .await;
    assert_eq!(page.assert_status(200)["observers"], json!([]));
}

#[actix_web::test]
async fn an_observer_not_free_at_the_new_time_is_let_go_and_the_lecture_moves() {
    let o = observed().await;
    o.assign(&o.w.admin, &o.zhou_id).await.assert_status(201);
    o.w.dispatch("online", slot(5, 10, 0, 60), Some(&o.zhou_id))
        .await;
    o.w.act(&o.id, "reschedule", &o.w.admin, slot(5, 10, 0, 60))
        .await
        .assert_status(200);
    assert_eq!(
        o.holds(&o.zhou_id),
        ["lecture 2026-03-05 02:00:00"],
        "only 周's own lecture holds them"
    );
    assert!(
        o.w.kinds(&o.zhou)
            .await
            .contains(&"lecture_observer_removed".to_owned())
    );
}

#[actix_web::test]
async fn an_observers_leave_and_a_removal_free_their_time() {
    let o = observed().await;
    o.assign(&o.w.admin, &o.zhou_id).await.assert_status(201);
    // The office takes 周 off: their time is free, they are told.
    let removed =
        o.w.app
            .delete(
                &format!("/api/v1/lectures/{}/observers/{}", o.id, o.zhou_id),
                &o.w.admin,
            )
            .await;
    assert_eq!(removed.assert_status(200)["observers"], json!([]));
    assert!(o.holds(&o.zhou_id).is_empty());
    o.w.app
        .delete(
            &format!("/api/v1/lectures/{}/observers/{}", o.id, o.zhou_id),
            &o.w.admin,
        )
        .await
        .assert_problem(404, "not_found");

    // Assigned again, then on approved leave over the day: let go, the leave holds the day.
    o.assign(&o.w.admin, &o.zhou_id).await.assert_status(201);
    o.w.app
        .post(
            "/api/v1/leaves",
            Some(&o.w.admin),
            json!({ "expert_id": o.zhou_id, "start_date": "2026-03-04",
                    "end_date": "2026-03-04", "reason": "住院" }),
        )
        .await
        .assert_status(201);
    assert_eq!(o.holds(&o.zhou_id), ["leave 2026-03-03 16:00:00"]);
    let page =
        o.w.app
            .get(&format!("/api/v1/lectures/{}", o.id), &o.w.admin)
            .await;
    assert_eq!(page.assert_status(200)["observers"], json!([]));
}

#[actix_web::test]
async fn the_database_keeps_an_observers_hold_in_step_with_the_lecture() {
    let o = observed().await;
    o.assign(&o.w.admin, &o.zhou_id).await.assert_status(201);
    let refused = o.w.app.with_conn(|conn| {
        let observer = guanai::models::observation::LectureObserver::find(conn, &o.id, &o.zhou_id)
            .unwrap()
            .unwrap();
        guanai::models::busy_interval::BusyInterval::release(conn, ("observation", &observer.id))
            .unwrap_err()
    });
    let problem =
        guanai::db::constraint::problem_for(&refused, guanai::db::constraint::CONSTRAINTS)
            .expect("a refusal");
    assert_eq!(problem.code(), "hold_out_of_step");
}
