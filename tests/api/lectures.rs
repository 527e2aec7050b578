//! Lectures: 约课 by schools, 派课 by the office and team leads, offers and their answers,
//! cancellation and rescheduling, release when an expert leaves, the timers, and the
//! scheduling rules (no overlap with the travel buffer, rest days, load limits).
//!
//! The clock starts on Monday 2026-03-02 09:00 (+08:00). Fixture experts give online and
//! on-site lectures, rest on Sundays, and take at most 3 lectures a week and 10 a month.

use crate::common;

use chrono::Duration;
use common::TestApp;
use guanai::clock::Clock as _;
use guanai::domain::roster::ExpertStatus;
use guanai::jobs::{Job, LectureTimers, run_due};
use serde_json::{Value, json};

/// A time in the service zone (+08:00) in March 2026.
pub(crate) fn at(day: u32, hour: u32, minute: u32) -> String {
    format!("2026-03-{day:02}T{hour:02}:{minute:02}:00+08:00")
}

pub(crate) fn slot(day: u32, hour: u32, minute: u32, minutes: i64) -> Value {
    let start = chrono::DateTime::parse_from_rfc3339(&at(day, hour, minute)).unwrap();
    let end = start + Duration::minutes(minutes);
    json!({ "start": start.to_rfc3339(), "end": end.to_rfc3339() })
}

pub(crate) struct World {
    pub(crate) app: TestApp,
    pub(crate) admin_login: String,
    pub(crate) admin: String,
    pub(crate) school: String,
    pub(crate) school_id: String,
    pub(crate) lin: String,
    pub(crate) lin_id: String,
}

/// The office, a school account, and 林 (an active expert of `reading`).
pub(crate) async fn world() -> World {
    let app = TestApp::new().await;
    let (admin_user, admin) = app.admin().await;
    let (school, _) = app.school_account("school.a");
    let lin = app.expert("lin", "reading", ExpertStatus::Active);
    let (school_token, _) = app.tokens("school.a").await;
    let (lin_token, _) = app.tokens("lin").await;
    World {
        app,
        admin_login: admin_user.login,
        admin,
        school: school_token,
        school_id: school.id,
        lin: lin_token,
        lin_id: lin.id,
    }
}

impl World {
    /// Writes a commitment of Lin's time directly (past every check in the service) from
    /// 4 March at `start` (UTC hours, minutes) for `hours`, and answers the refusal's detail
    /// (the database must refuse it as `expert_busy`).
    pub(crate) fn refused_direct_hold(&self, start: (u32, u32), hours: i64) -> String {
        let refused = self.app.with_conn(|conn| {
            let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 4)
                .unwrap()
                .and_hms_opt(start.0, start.1, 0)
                .unwrap();
            let span = guanai::domain::schedule::Span {
                start,
                end: start + Duration::hours(hours),
            };
            guanai::models::busy_interval::BusyInterval::hold(
                conn,
                &self.lin_id,
                ("case_session", "x"),
                span,
            )
            .unwrap_err()
        });
        let problem =
            guanai::db::constraint::problem_for(&refused, guanai::db::constraint::CONSTRAINTS)
                .expect("a refusal");
        assert_eq!(problem.code(), "expert_busy");
        problem.problem().detail.clone()
    }

    /// An approved 90-minute course of `expert_id`, online and on site.
    pub(crate) async fn course(&self, expert_id: &str) -> String {
        let body = self
            .app
            .post(
                "/api/v1/courses",
                Some(&self.admin),
                json!({
                    "expert_id": expert_id, "team": "reading", "title": "整本书阅读指导",
                    "description": "带领学生读完一本书的方法。", "outline": "",
                    "audiences": ["students", "parents"], "grade_bands": ["primary_upper"],
                    "modes": ["online", "offline"], "duration_minutes": 90, "max_audience": 300
                }),
            )
            .await;
        let id = body.assert_status(201)["id"].as_str().unwrap().to_owned();
        self.app
            .post(
                &format!("/api/v1/courses/{id}/review"),
                Some(&self.admin),
                json!({ "decision": "approve" }),
            )
            .await
            .assert_status(200);
        id
    }

    /// A school's booking of `course` at these slots, on site.
    pub(crate) async fn book(&self, course: &str, slots: Vec<Value>) -> Value {
        let response = self
            .app
            .post(
                "/api/v1/lectures",
                Some(&self.school),
                json!({
                    "course_id": course, "mode": "offline", "audiences": ["parents"],
                    "expected_size": 120, "slots": slots, "note": "请提前十分钟到"
                }),
            )
            .await;
        response.assert_status(201).clone()
    }

    /// A dispatch by the office for the school: `reading`, a topic, one slot.
    pub(crate) async fn dispatch(&self, mode: &str, slot: Value, expert: Option<&str>) -> Value {
        let mut body = json!({
            "team": "reading", "topic": "亲子共读", "mode": mode, "audiences": ["parents"],
            "expected_size": 80, "slots": [slot], "school_id": self.school_id,
        });
        if let Some(expert) = expert {
            body["expert_id"] = json!(expert);
        }
        let response = self
            .app
            .post("/api/v1/lectures", Some(&self.admin), body)
            .await;
        response.assert_status(201).clone()
    }

    /// A city-wide online lecture (派课 for no school) at `slot`, with `extra` fields; its id.
    pub(crate) async fn city_wide(&self, slot: Value, extra: Value) -> String {
        let mut body = json!({ "team": "reading", "topic": "全市家长课堂", "mode": "online",
                               "audiences": ["parents"], "expected_size": 5000, "slots": [slot] });
        if let (Some(fields), Value::Object(extra)) = (body.as_object_mut(), extra) {
            fields.extend(extra);
        }
        let response = self
            .app
            .post("/api/v1/lectures", Some(&self.admin), body)
            .await;
        id_of(response.assert_status(201))
    }

    pub(crate) async fn act(
        &self,
        id: &str,
        action: &str,
        token: &str,
        body: Value,
    ) -> common::TestResponse {
        self.app
            .post(
                &format!("/api/v1/lectures/{id}/{action}"),
                Some(token),
                body,
            )
            .await
    }

    pub(crate) async fn kinds(&self, token: &str) -> Vec<String> {
        let inbox = self.app.get("/api/v1/me/notifications", token).await;
        inbox.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap().to_owned())
            .collect()
    }

    pub(crate) async fn state(&self, lecture: &Value) -> String {
        let path = format!("/api/v1/lectures/{}", id_of(lecture));
        let body = self.app.get(&path, &self.admin).await.body;
        body["state"].as_str().unwrap_or_default().to_owned()
    }

    pub(crate) fn busy_rows(&self, expert_id: &str) -> usize {
        self.app.with_conn(|conn| {
            guanai::models::busy_interval::BusyInterval::of_expert(conn, expert_id)
                .unwrap()
                .len()
        })
    }
}

pub(crate) fn id_of(body: &Value) -> String {
    body["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_booked_course_is_offered_to_its_expert_who_confirms_it() {
    let w = world().await;
    let course = w.course(&w.lin_id).await;
    let booked = w.book(&course, vec![slot(4, 14, 0, 90)]).await;
    assert_eq!(booked["origin"], "booking");
    assert_eq!(booked["state"], "offered");
    assert_eq!(booked["expert_id"], w.lin_id.as_str());
    assert_eq!(booked["start"], at(4, 14, 0));
    assert_eq!(booked["topic"], "整本书阅读指导");
    assert_eq!(booked["team"], "reading");
    assert_eq!(booked["address"], "school.a学校路1号", "{booked}");
    // The offer waits 48 hours, but never past the start.
    assert_eq!(booked["offer_expires_at"], at(4, 9, 0));
    assert!(
        w.kinds(&w.lin)
            .await
            .contains(&"lecture_offered".to_owned())
    );
    assert_eq!(w.busy_rows(&w.lin_id), 1);

    let id = id_of(&booked);
    let accepted = w.act(&id, "accept", &w.lin, json!({})).await;
    let body = accepted.assert_status(200);
    assert_eq!(body["state"], "confirmed");
    assert_eq!(body["offer_expires_at"], Value::Null);
    assert!(
        w.kinds(&w.school)
            .await
            .contains(&"lecture_confirmed".to_owned())
    );

    let history: Vec<(String, String)> = body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["action"].as_str().unwrap().to_owned(),
                h["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            ("create".to_owned(), "requested".to_owned()),
            ("offer".to_owned(), "offered".to_owned()),
            ("accept".to_owned(), "confirmed".to_owned()),
        ]
    );
    // A second accept is an illegal step, naming the state.
    let again = w.act(&id, "accept", &w.lin, json!({})).await;
    again.assert_problem(409, "illegal_transition");
    assert!(again.body["detail"].as_str().unwrap().contains("已确认"));
}

#[actix_web::test]
async fn a_booking_whose_slots_do_not_suit_the_expert_waits_and_says_why() {
    let w = world().await;
    let course = w.course(&w.lin_id).await;
    // Sunday 8 March is 林's rest day; the second slot is taken by another lecture.
    let first = w
        .dispatch("offline", slot(5, 14, 0, 90), Some(&w.lin_id))
        .await;
    assert_eq!(first["state"], "offered");
    let booked = w
        .book(&course, vec![slot(8, 10, 0, 90), slot(5, 15, 0, 90)])
        .await;
    assert_eq!(booked["state"], "requested");
    assert_eq!(booked["expert_id"], Value::Null);
    let why: Vec<&str> = booked["not_offered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(why, ["rest_day", "expert_busy"]);
    assert!(
        w.kinds(&w.admin)
            .await
            .contains(&"lecture_requested".to_owned())
    );
}

#[actix_web::test]
async fn slots_are_checked_before_anything_is_stored() {
    let w = world().await;
    let course = w.course(&w.lin_id).await;
    let bad = |slots: Vec<Value>| {
        json!({ "course_id": course, "mode": "offline", "audiences": ["parents"],
                "expected_size": 50, "slots": slots })
    };
    let cases = [
        (vec![slot(1, 14, 0, 90)], "slots[0]", "in_the_past"),
        (vec![slot(4, 14, 0, 60)], "slots[0]", "wrong_length"),
        (
            vec![
                slot(4, 14, 0, 90),
                slot(5, 14, 0, 90),
                slot(6, 14, 0, 90),
                slot(9, 14, 0, 90),
            ],
            "slots",
            "too_many",
        ),
        (vec![], "slots", "required"),
    ];
    for (slots, field, code) in cases {
        let response = w
            .app
            .post("/api/v1/lectures", Some(&w.school), bad(slots))
            .await;
        response.assert_problem(422, "validation_failed");
        let errors = response.body["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{field} {code}: {}",
            response.body
        );
    }
    // Students need grade bands; the course's size limit holds.
    for (audience, size, field) in [
        ("students", 50, "grade_bands"),
        ("parents", 500, "expected_size"),
    ] {
        let response = w
            .app
            .post(
                "/api/v1/lectures",
                Some(&w.school),
                json!({ "course_id": course, "mode": "offline", "audiences": [audience],
                        "expected_size": size, "slots": [slot(4, 14, 0, 90)] }),
            )
            .await;
        response.assert_problem(422, "validation_failed");
        assert_eq!(
            response.body["errors"][0]["field"], field,
            "{}",
            response.body
        );
    }
    let stored = w.app.get("/api/v1/lectures", &w.admin).await;
    assert!(
        stored.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[actix_web::test]
async fn an_offline_lecture_keeps_the_travel_buffer_and_touching_times_fit() {
    let w = world().await;
    // Wednesday 4 March 14:00-15:30 on site: busy 13:30-16:00.
    w.dispatch("offline", slot(4, 14, 0, 90), Some(&w.lin_id))
        .await;
    let too_close = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&w.admin),
            json!({ "team": "reading", "topic": "第二场", "mode": "offline",
                    "audiences": ["parents"], "expected_size": 80,
                    "slots": [slot(4, 16, 0, 60)], "school_id": w.school_id,
                    "expert_id": w.lin_id }),
        )
        .await;
    too_close.assert_problem(409, "expert_busy");
    assert!(
        too_close.body["detail"]
            .as_str()
            .unwrap()
            .contains("2026-03-04T13:30:00+08:00")
    );
    // On site at 16:30 (busy from 16:00) touches the first interval: it fits.
    let touching = w
        .dispatch("offline", slot(4, 16, 30, 60), Some(&w.lin_id))
        .await;
    assert_eq!(touching["state"], "offered");
    // Online needs no buffer, but not inside another's buffer.
    let online = w
        .dispatch("online", slot(4, 12, 0, 90), Some(&w.lin_id))
        .await;
    assert_eq!(online["state"], "offered", "12:00-13:30 touches 13:30");
    let inside = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&w.admin),
            json!({ "team": "reading", "topic": "晚间", "mode": "online",
                    "audiences": ["parents"], "expected_size": 80,
                    "slots": [slot(4, 17, 45, 60)], "expert_id": w.lin_id }),
        )
        .await;
    inside.assert_problem(409, "expert_busy");
    assert_eq!(w.busy_rows(&w.lin_id), 3);
}

#[actix_web::test]
async fn the_weekly_limit_counts_in_the_service_zone_and_is_never_overridden() {
    let w = world().await;
    // Three lectures (the limit) in the week of Monday 2 March.
    for day in [3, 4, 5] {
        w.dispatch("online", slot(day, 10, 0, 60), Some(&w.lin_id))
            .await;
    }
    let fourth = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&w.admin),
            json!({ "team": "reading", "topic": "第四场", "mode": "online",
                    "audiences": ["parents"], "expected_size": 80,
                    // Saturday 7 March 20:00 in Shanghai is still that week …
                    "slots": [slot(7, 20, 0, 60)], "expert_id": w.lin_id,
                    "override_reason": "急需" }),
        )
        .await;
    fourth.assert_problem(409, "weekly_limit_reached");
    // … while Monday 9 March 07:00 in Shanghai (Sunday 23:00 UTC) is the next week.
    let next_week = w
        .dispatch("online", slot(9, 7, 0, 60), Some(&w.lin_id))
        .await;
    assert_eq!(next_week["state"], "offered");
}

#[actix_web::test]
async fn a_decline_returns_the_lecture_and_the_expert_is_not_asked_again_without_a_reason() {
    let w = world().await;
    let lecture = w
        .dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
        .await;
    let id = id_of(&lecture);
    w.act(&id, "decline", &w.lin, json!({ "reason": "" }))
        .await
        .assert_problem(422, "validation_failed");
    let declined = w
        .act(&id, "decline", &w.lin, json!({ "reason": "那天身体不适" }))
        .await;
    let body = declined.assert_status(200);
    assert_eq!(body["state"], "requested");
    assert_eq!(body["expert_id"], Value::Null);
    assert_eq!(w.busy_rows(&w.lin_id), 0);
    assert!(
        w.kinds(&w.admin)
            .await
            .contains(&"lecture_declined".to_owned())
    );

    // The school sees the steps, not who declined or why.
    let seen = w
        .app
        .get(&format!("/api/v1/lectures/{id}"), &w.school)
        .await;
    let decline = seen.assert_status(200)["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["action"] == "decline")
        .unwrap()
        .clone();
    assert_eq!(decline["actor"], Value::Null);
    assert_eq!(decline["reason"], Value::Null);

    let offer = json!({ "expert_id": w.lin_id });
    w.act(&id, "offer", &w.admin, offer)
        .await
        .assert_problem(409, "previously_refused");
    let again = w
        .act(
            &id,
            "offer",
            &w.admin,
            json!({ "expert_id": w.lin_id, "override_reason": "已康复，本人同意" }),
        )
        .await;
    assert_eq!(again.assert_status(200)["state"], "offered");
}

#[actix_web::test]
async fn roles_reach_only_their_own_lectures() {
    let w = world().await;
    let course = w.course(&w.lin_id).await;
    let lecture = w.book(&course, vec![slot(4, 14, 0, 90)]).await;
    let id = id_of(&lecture);
    let path = format!("/api/v1/lectures/{id}");
    // Another school neither sees nor touches it.
    w.app.school_account("school.b");
    let (other, _) = w.app.tokens("school.b").await;
    w.app
        .get(&path, &other)
        .await
        .assert_problem(404, "not_found");
    w.act(&id, "cancel", &other, json!({ "reason": "不要了" }))
        .await
        .assert_problem(404, "not_found");
    w.act(&id, "reschedule", &other, slot(5, 14, 0, 90))
        .await
        .assert_problem(404, "not_found");
    let listed = w.app.get("/api/v1/lectures", &other).await;
    assert!(
        listed.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Another expert cannot answer 林's offer; a school never offers.
    w.app.expert("zhao", "reading", ExpertStatus::Active);
    let (zhao, _) = w.app.tokens("zhao").await;
    w.act(&id, "accept", &zhao, json!({}))
        .await
        .assert_problem(404, "not_found");
    w.act(&id, "accept", &w.school, json!({}))
        .await
        .assert_problem(403, "forbidden");
    // A lead of another team cannot offer or dispatch for reading.
    let wu = w.app.expert("wu", "legal_safety", ExpertStatus::Active);
    w.app.make_lead("legal_safety", &wu.id);
    let (wu_token, _) = w.app.tokens("wu").await;
    w.act(&id, "decline", &w.lin, json!({ "reason": "冲突" }))
        .await
        .assert_status(200);
    w.act(&id, "offer", &wu_token, json!({ "expert_id": wu.id }))
        .await
        .assert_problem(404, "not_found");
    let dispatched = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&wu_token),
            json!({ "team": "reading", "topic": "越权", "mode": "online",
                    "audiences": ["parents"], "expected_size": 10,
                    "slots": [slot(5, 10, 0, 60)] }),
        )
        .await;
    dispatched.assert_problem(403, "forbidden");
    // A lead of reading may offer it, but not to themselves.
    let zhao_expert = w.app.with_conn(|c| {
        let user = guanai::models::user::User::find_by_login(c, "zhao")
            .unwrap()
            .unwrap();
        guanai::models::expert::Expert::find_by_user(c, &user.id)
            .unwrap()
            .unwrap()
    });
    w.app.make_lead("reading", &zhao_expert.id);
    w.act(&id, "offer", &zhao, json!({ "expert_id": zhao_expert.id }))
        .await
        .assert_problem(403, "forbidden");
    let qian = w.app.expert("qian", "reading", ExpertStatus::Active);
    let offered = w
        .act(&id, "offer", &zhao, json!({ "expert_id": qian.id }))
        .await;
    assert_eq!(offered.assert_status(200)["state"], "offered");
}

#[actix_web::test]
async fn the_holding_expert_never_cancels_and_a_cancel_frees_the_time() {
    let w = world().await;
    let lecture = w
        .dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
        .await;
    let id = id_of(&lecture);
    w.act(&id, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    w.act(&id, "cancel", &w.lin, json!({ "reason": "不想去" }))
        .await
        .assert_problem(403, "forbidden");
    let cancelled = w
        .act(
            &id,
            "cancel",
            &w.school,
            json!({ "reason": "学校临时停课" }),
        )
        .await;
    assert_eq!(cancelled.assert_status(200)["state"], "cancelled");
    assert_eq!(w.busy_rows(&w.lin_id), 0);
    assert!(
        w.kinds(&w.lin)
            .await
            .contains(&"lecture_cancelled".to_owned())
    );
    w.act(&id, "cancel", &w.admin, json!({ "reason": "再取消" }))
        .await
        .assert_problem(409, "illegal_transition");
    w.act(&id, "reject", &w.admin, json!({ "reason": "不行" }))
        .await
        .assert_problem(409, "illegal_transition");
}

#[actix_web::test]
async fn a_reschedule_goes_back_to_the_expert_and_releases_the_old_time() {
    let w = world().await;
    let lecture = w
        .dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
        .await;
    let id = id_of(&lecture);
    w.act(&id, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    // The new time overlaps the old one's buffer: the old time is let go first.
    let moved = w
        .act(&id, "reschedule", &w.school, slot(4, 15, 0, 60))
        .await;
    let body = moved.assert_status(200);
    assert_eq!(body["state"], "offered");
    assert_eq!(body["expert_id"], w.lin_id.as_str());
    assert_eq!(body["start"], at(4, 15, 0));
    assert_eq!(w.busy_rows(&w.lin_id), 1);
    assert!(
        w.kinds(&w.lin)
            .await
            .contains(&"lecture_rescheduled".to_owned())
    );
    // The old time is free for another lecture at once (13:00-14:00 online: busy until 14:30
    // would have overlapped the old 13:30-15:30 hold).
    let other = w
        .dispatch("online", slot(4, 13, 0, 60), Some(&w.lin_id))
        .await;
    assert_eq!(other["state"], "offered");
    let confirmed = w.act(&id, "accept", &w.lin, json!({})).await;
    assert_eq!(confirmed.assert_status(200)["state"], "confirmed");
    // Into the past: refused.
    w.act(&id, "reschedule", &w.admin, slot(1, 15, 0, 60))
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn an_expert_accepts_another_proposed_slot_that_is_free_for_them() {
    let w = world().await;
    let course = w.course(&w.lin_id).await;
    let booked = w
        .book(&course, vec![slot(4, 14, 0, 90), slot(6, 9, 0, 90)])
        .await;
    let id = id_of(&booked);
    assert_eq!(booked["start"], at(4, 14, 0));
    let accepted = w.act(&id, "accept", &w.lin, json!({ "slot": 1 })).await;
    let body = accepted.assert_status(200);
    assert_eq!(body["state"], "confirmed");
    assert_eq!(body["start"], at(6, 9, 0));
    // The hold moved with it: Wednesday is free again.
    let wednesday = w
        .dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
        .await;
    assert_eq!(wednesday["state"], "offered");
    assert_eq!(w.busy_rows(&w.lin_id), 2);
}

#[actix_web::test]
async fn a_suspended_expert_s_lectures_go_back_to_the_office() {
    let w = world().await;
    let offered = w
        .dispatch("online", slot(4, 10, 0, 60), Some(&w.lin_id))
        .await;
    let confirmed = w
        .dispatch("offline", slot(5, 14, 0, 60), Some(&w.lin_id))
        .await;
    w.act(&id_of(&confirmed), "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    w.app
        .post(
            &format!("/api/v1/experts/{}/status", w.lin_id),
            Some(&w.admin),
            json!({ "to": "suspended", "reason": "住院" }),
        )
        .await
        .assert_status(200);
    let get = |id: String| {
        let app = &w.app;
        let admin = w.admin.clone();
        async move {
            app.get(&format!("/api/v1/lectures/{id}"), &admin)
                .await
                .body
        }
    };
    let a = get(id_of(&offered)).await;
    assert_eq!(a["state"], "requested");
    let b = get(id_of(&confirmed)).await;
    assert_eq!(b["state"], "needs_reassignment");
    assert_eq!(b["start"], at(5, 14, 0), "it keeps the promised time");
    assert_eq!(w.busy_rows(&w.lin_id), 0);
    assert!(
        w.kinds(&w.school)
            .await
            .contains(&"lecture_needs_expert".to_owned())
    );
    // Another expert takes it at the same time.
    let zhao = w.app.expert("zhao", "reading", ExpertStatus::Active);
    let offered = w
        .act(
            &id_of(&confirmed),
            "offer",
            &w.admin,
            json!({ "expert_id": zhao.id }),
        )
        .await;
    let body = offered.assert_status(200);
    assert_eq!(body["state"], "offered");
    assert_eq!(body["start"], at(5, 14, 0));
}

#[actix_web::test]
async fn timers_return_lapsed_offers_expire_old_requests_and_remind_once() {
    let w = world().await;
    let timers: Vec<Box<dyn Job>> =
        vec![Box::new(LectureTimers::new(w.app.state.settings.clone()))];
    // Offered on Monday for Friday: the offer lapses after 48 hours.
    let lapsing = w
        .dispatch("online", slot(6, 10, 0, 60), Some(&w.lin_id))
        .await;
    // A request nobody offers, for Tuesday.
    let waiting = w.dispatch("online", slot(3, 10, 0, 60), None).await;
    // Confirmed for Thursday 10:00.
    let held = w
        .dispatch("online", slot(5, 10, 0, 60), Some(&w.lin_id))
        .await;
    w.act(&id_of(&held), "accept", &w.lin, json!({}))
        .await
        .assert_status(200);

    // Wednesday 10:30: Tuesday's request has expired; Thursday's reminder is due.
    w.app
        .clock
        .advance(Duration::hours(49) + Duration::minutes(30));
    run_due(w.app.pool(), &w.app.clock, &timers);
    let w = World {
        admin: w.app.tokens(&w.admin_login).await.0,
        school: w.app.tokens("school.a").await.0,
        lin: w.app.tokens("lin").await.0,
        ..w
    };
    assert_eq!(w.state(&lapsing).await, "requested");
    assert_eq!(w.state(&waiting).await, "expired");
    assert_eq!(w.state(&held).await, "confirmed");
    let reminders = |kinds: Vec<String>| kinds.iter().filter(|k| *k == "lecture_reminder").count();
    assert_eq!(reminders(w.kinds(&w.lin).await), 1);
    assert_eq!(reminders(w.kinds(&w.school).await), 1);
    assert!(
        w.kinds(&w.school)
            .await
            .contains(&"lecture_expired".to_owned())
    );
    assert!(
        w.kinds(&w.admin)
            .await
            .contains(&"lecture_lapsed".to_owned())
    );
    // A lapsed offer is not made to the same expert again without a reason.
    w.act(
        &id_of(&lapsing),
        "offer",
        &w.admin,
        json!({ "expert_id": w.lin_id }),
    )
    .await
    .assert_problem(409, "previously_refused");
    // Once only.
    w.app.clock.advance(Duration::minutes(5));
    run_due(w.app.pool(), &w.app.clock, &timers);
    assert_eq!(reminders(w.kinds(&w.lin).await), 1);
}

#[actix_web::test]
async fn an_expired_offer_cannot_be_accepted_even_before_the_timer_runs() {
    let w = world().await;
    let lecture = w
        .dispatch("online", slot(6, 10, 0, 60), Some(&w.lin_id))
        .await;
    w.app.clock.advance(Duration::hours(49));
    let (lin, _) = w.app.tokens("lin").await;
    w.act(&id_of(&lecture), "accept", &lin, json!({}))
        .await
        .assert_problem(409, "offer_expired");
}

#[actix_web::test]
async fn a_time_spanning_several_commitments_is_refused_naming_the_earliest() {
    let w = world().await;
    // Wednesday 4 March, online: 10:00-11:00 and 13:00-14:00.
    w.dispatch("online", slot(4, 10, 0, 60), Some(&w.lin_id))
        .await;
    w.dispatch("online", slot(4, 13, 0, 60), Some(&w.lin_id))
        .await;
    // 09:30-13:30 covers the first and reaches into the second.
    let across = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&w.admin),
            json!({ "team": "reading", "topic": "长讲座", "mode": "online",
                    "audiences": ["parents"], "expected_size": 80,
                    "slots": [slot(4, 9, 30, 240)], "expert_id": w.lin_id }),
        )
        .await;
    across.assert_problem(409, "expert_busy");
    assert!(
        across.body["detail"]
            .as_str()
            .unwrap()
            .contains("2026-03-04T10:00:00+08:00"),
        "{}",
        across.body
    );
    // Between the two (11:00-13:00, touching both) is free.
    let between = w
        .dispatch("online", slot(4, 11, 0, 120), Some(&w.lin_id))
        .await;
    assert_eq!(between["state"], "offered");
    // The database itself refuses a commitment over all three, naming one of them
    // (SQLite the earliest; PostgreSQL the one its exclusion constraint met first).
    let detail = w.refused_direct_hold((0, 0), 8);
    assert!(
        ["02:00:00Z", "03:00:00Z", "05:00:00Z"]
            .iter()
            .any(|t| detail.contains(&format!("2026-03-04T{t}"))),
        "{detail}"
    );
    assert_eq!(w.busy_rows(&w.lin_id), 3);
}

#[actix_web::test]
async fn the_database_refuses_an_overlapping_commitment_itself() {
    let w = world().await;
    let lecture = w
        .dispatch("online", slot(4, 10, 0, 60), Some(&w.lin_id))
        .await;
    // Past every check in the service: a second commitment written directly.
    let detail = w.refused_direct_hold((2, 30), 1);
    assert!(detail.contains("2026-03-04T02:00:00Z"), "{detail}");
    assert_eq!(lecture["state"], "offered");
}

#[actix_web::test]
async fn a_school_edits_the_details_and_the_expert_is_told() {
    let w = world().await;
    let course = w.course(&w.lin_id).await;
    let booked = w.book(&course, vec![slot(4, 14, 0, 90)]).await;
    let id = id_of(&booked);
    let path = format!("/api/v1/lectures/{id}");
    let version = format!("\"{}\"", booked["version"]);
    let edited = w
        .app
        .patch(
            &path,
            &w.school,
            Some(&version),
            json!({ "expected_size": 150, "note": null }),
        )
        .await;
    let body = edited.assert_status(200);
    assert_eq!(body["expected_size"], 150);
    assert_eq!(body["note"], Value::Null);
    assert!(
        w.kinds(&w.lin)
            .await
            .contains(&"lecture_changed".to_owned())
    );
    let unchanged = w
        .app
        .patch(&path, &w.school, None, json!({ "expected_size": 150 }))
        .await;
    assert_eq!(unchanged.assert_status(200)["version"], body["version"]);
    w.app
        .patch(&path, &w.school, None, json!({ "expected_size": 301 }))
        .await
        .assert_problem(422, "validation_failed");
    w.app
        .patch(
            &path,
            &w.school,
            Some("\"1\""),
            json!({ "platform": "腾讯会议" }),
        )
        .await
        .assert_problem(412, "version_mismatch");
    w.app
        .patch(&path, &w.lin, None, json!({ "note": "我来改" }))
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn lists_are_scoped_by_role_and_paged_by_time() {
    let w = world().await;
    for day in [5, 3, 4] {
        w.dispatch("online", slot(day, 10, 0, 60), None).await;
    }
    w.dispatch("online", slot(6, 10, 0, 60), Some(&w.lin_id))
        .await;
    w.app.school_account("school.b");
    let (other, _) = w.app.tokens("school.b").await;
    let starts = |body: &Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["sort_at"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = w.app.get("/api/v1/lectures?limit=2", &w.school).await;
    let body = first.assert_status(200).clone();
    assert_eq!(starts(&body), [at(3, 10, 0), at(4, 10, 0)]);
    let cursor = body["next_cursor"].as_str().unwrap();
    let second = w
        .app
        .get(
            &format!("/api/v1/lectures?limit=2&cursor={cursor}"),
            &w.school,
        )
        .await;
    assert_eq!(
        starts(second.assert_status(200)),
        [at(5, 10, 0), at(6, 10, 0)]
    );
    let mine = w.app.get("/api/v1/lectures", &w.lin).await;
    assert_eq!(starts(mine.assert_status(200)), [at(6, 10, 0)]);
    let none = w.app.get("/api/v1/lectures", &other).await;
    assert!(starts(none.assert_status(200)).is_empty());
    let offered = w.app.get("/api/v1/lectures?state=offered", &w.admin).await;
    assert_eq!(starts(offered.assert_status(200)), [at(6, 10, 0)]);
    w.app
        .get("/api/v1/lectures?state=flying", &w.admin)
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn a_list_shows_each_lecture_in_brief_as_its_own_page_does() {
    let w = world().await;
    let held = w
        .dispatch("offline", slot(4, 10, 0, 60), Some(&w.lin_id))
        .await;
    w.act(id_of(&held).as_str(), "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    w.dispatch("online", slot(3, 10, 0, 60), None).await;
    let city = w
        .city_wide(
            slot(5, 19, 0, 60),
            json!({ "link": "https://meeting.example.cn/9" }),
        )
        .await;
    w.app
        .post(
            &format!("/api/v1/lectures/{city}/participants"),
            Some(&w.school),
            json!({ "expected_size": 300 }),
        )
        .await
        .assert_status(201);

    let brief = [
        "id",
        "origin",
        "state",
        "team",
        "topic",
        "mode",
        "school_id",
        "school_name",
        "sort_at",
        "start",
        "end",
        "expert_id",
        "expert_name",
        "offer_expires_at",
        "version",
    ];
    for token in [&w.school, &w.admin] {
        let list = w.app.get("/api/v1/lectures", token).await;
        let items = list.assert_status(200)["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 3);
        for item in &items {
            let id = item["id"].as_str().unwrap();
            let page = w.app.get(&format!("/api/v1/lectures/{id}"), token).await;
            let page = page.assert_status(200);
            for key in brief {
                if key == "sort_at" {
                    continue;
                }
                assert_eq!(item[key], page[key], "{key} of {id}");
            }
            let keys: Vec<&str> = item
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let joined = token == &w.school && id == city;
            let expected: Vec<&str> = brief
                .iter()
                .copied()
                .chain(joined.then_some("joined"))
                .collect();
            assert_eq!(
                keys.iter()
                    .copied()
                    .collect::<std::collections::BTreeSet<_>>(),
                expected.into_iter().collect(),
                "a list item is the brief, the link and the slots only on the lecture's own page"
            );
            let first_slot = &page["slots"][0]["start"];
            let expected_sort = if page["start"].is_null() {
                first_slot
            } else {
                &page["start"]
            };
            assert_eq!(&item["sort_at"], expected_sort);
        }
        let own = items.iter().find(|i| i["id"] == id_of(&held)).unwrap();
        assert!(own["school_name"].is_string());
        assert_eq!(own["expert_name"], "lin专家");
        let city_item = items.iter().find(|i| i["id"] == city).unwrap();
        assert_eq!(city_item["school_name"], Value::Null);
        if token == &w.school {
            assert_eq!(city_item["joined"], true);
        }
    }
}

#[actix_web::test]
async fn a_retried_booking_with_the_same_key_creates_one_lecture() {
    let w = world().await;
    let course = w.course(&w.lin_id).await;
    let body = json!({ "course_id": course, "mode": "online", "audiences": ["parents"],
                       "expected_size": 40, "slots": [slot(4, 14, 0, 90)] });
    let send = || {
        let req = actix_web::test::TestRequest::post()
            .uri("/api/v1/lectures")
            .insert_header(("Authorization", format!("Bearer {}", w.school)))
            .insert_header(("Idempotency-Key", "booking-1"))
            .set_json(body.clone());
        w.app.call(req)
    };
    let first = send().await;
    let second = send().await;
    assert_eq!(first.status, 201);
    assert_eq!(second.status, 201);
    assert_eq!(first.body["id"], second.body["id"]);
    let all = w.app.get("/api/v1/lectures", &w.admin).await;
    assert_eq!(all.assert_status(200)["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn schools_join_a_city_wide_online_lecture_and_see_its_link_once_confirmed() {
    let w = world().await;
    let id = w
        .city_wide(
            slot(6, 19, 0, 60),
            json!({ "expert_id": w.lin_id, "platform": "腾讯会议",
                    "link": "https://meeting.example.cn/123" }),
        )
        .await;
    let joinable = w.app.get("/api/v1/lectures?joinable=true", &w.school).await;
    let items = joinable.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["link"], Value::Null, "not before joining");
    assert_eq!(items[0]["joined"], false);
    // Not in the school's own list until it joins.
    let own = w.app.get("/api/v1/lectures", &w.school).await;
    assert!(
        own.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let path = format!("/api/v1/lectures/{id}/participants");
    let joined = w
        .app
        .post(&path, Some(&w.school), json!({ "expected_size": 300 }))
        .await;
    let body = joined.assert_status(201);
    assert_eq!(body["joined"], true);
    assert_eq!(body["link"], Value::Null, "shown once confirmed");
    let own = w.app.get("/api/v1/lectures", &w.school).await;
    assert_eq!(own.assert_status(200)["items"].as_array().unwrap().len(), 1);

    w.act(&id, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    assert!(
        w.kinds(&w.school)
            .await
            .contains(&"lecture_confirmed".to_owned())
    );
    let seen = w
        .app
        .get(&format!("/api/v1/lectures/{id}"), &w.school)
        .await;
    assert_eq!(
        seen.assert_status(200)["link"],
        "https://meeting.example.cn/123"
    );

    // A reschedule is told to the participants.
    w.act(&id, "reschedule", &w.admin, slot(7, 19, 0, 60))
        .await
        .assert_status(200);
    assert!(
        w.kinds(&w.school)
            .await
            .contains(&"lecture_rescheduled".to_owned())
    );

    let withdrawn = w
        .app
        .send(
            actix_web::http::Method::DELETE,
            &path,
            Some(&w.school),
            None,
        )
        .await;
    assert_eq!(withdrawn.assert_status(200)["joined"], false);
    w.app
        .send(
            actix_web::http::Method::DELETE,
            &path,
            Some(&w.school),
            None,
        )
        .await
        .assert_problem(404, "not_found");

    // A school's own on-site lecture is not joined by others.
    let own_lecture = w.dispatch("offline", slot(4, 14, 0, 60), None).await;
    w.app.school_account("school.b");
    let (other, _) = w.app.tokens("school.b").await;
    w.app
        .post(
            &format!("/api/v1/lectures/{}/participants", id_of(&own_lecture)),
            Some(&other),
            json!({ "expected_size": 10 }),
        )
        .await
        .assert_problem(404, "not_found");
    // Once it has begun, no one joins.
    w.app.clock.advance(Duration::days(6));
    let (late, _) = w.app.tokens("school.b").await;
    w.app
        .post(&path, Some(&late), json!({ "expected_size": 10 }))
        .await
        .assert_problem(409, "not_joinable");
}

#[actix_web::test]
async fn whole_numbers_may_be_written_with_a_zero_fraction() {
    let w = world().await;
    let course = w.course(&w.lin_id).await;
    let booked = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&w.school),
            json!({ "course_id": course, "mode": "online", "audiences": ["parents"],
                    "expected_size": 40.0, "slots": [slot(4, 14, 0, 90)] }),
        )
        .await;
    assert_eq!(booked.assert_status(201)["expected_size"], 40);
    let half = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&w.school),
            json!({ "course_id": course, "mode": "online", "audiences": ["parents"],
                    "expected_size": 40.5, "slots": [slot(5, 14, 0, 90)] }),
        )
        .await;
    half.assert_problem(422, "validation_failed");
    assert_eq!(half.body["errors"][0]["field"], "expected_size");
}

#[actix_web::test]
async fn an_expert_s_availability_decides_offers_unless_an_admin_sets_it_aside() {
    let w = world().await;
    let path = format!("/api/v1/experts/{}/availability", w.lin_id);
    // Wednesdays 9:00-12:00 only, and not on Wednesday 11 March.
    let set = w
        .app
        .send(
            actix_web::http::Method::PUT,
            &path,
            Some(&w.lin),
            Some(json!({
                "rules": [{ "weekday": 3, "start": "09:00", "end": "12:00" }],
                "exceptions": [{ "date": "2026-03-11", "kind": "blocked" }]
            })),
        )
        .await;
    assert_eq!(set.assert_status(200)["rules"][0]["start"], "09:00");
    let read = w.app.get(&path, &w.admin).await;
    assert_eq!(read.assert_status(200)["exceptions"][0]["kind"], "blocked");
    w.app
        .get(&path, &w.school)
        .await
        .assert_problem(403, "forbidden");

    let inside = w
        .dispatch("online", slot(4, 9, 30, 60), Some(&w.lin_id))
        .await;
    assert_eq!(inside["state"], "offered");
    for (day, hour) in [(4, 14), (5, 10), (11, 10)] {
        let outside = w
            .app
            .post(
                "/api/v1/lectures",
                Some(&w.admin),
                json!({ "team": "reading", "topic": "窗口外", "mode": "online",
                        "audiences": ["parents"], "expected_size": 20,
                        "slots": [slot(day, hour, 0, 60)], "expert_id": w.lin_id }),
            )
            .await;
        outside.assert_problem(409, "outside_availability");
    }
    let overridden = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&w.admin),
            json!({ "team": "reading", "topic": "破例", "mode": "online",
                    "audiences": ["parents"], "expected_size": 20,
                    "slots": [slot(5, 10, 0, 60)], "expert_id": w.lin_id,
                    "override_reason": "本人电话同意" }),
        )
        .await;
    assert_eq!(overridden.assert_status(201)["state"], "offered");
    // Bad input is refused whole.
    w.app
        .send(
            actix_web::http::Method::PUT,
            &path,
            Some(&w.lin),
            Some(json!({ "rules": [{ "weekday": 8, "start": "12:00", "end": "09:00" }] })),
        )
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn bookings_stay_out_of_blackouts_and_dispatch_needs_a_reason() {
    let w = world().await;
    let course = w.course(&w.lin_id).await;
    // The district's exam days, set by the office; a school's own sports day.
    let exams = w
        .app
        .post(
            "/api/v1/blackouts",
            Some(&w.admin),
            json!({ "name": "期中考试", "start_date": "2026-03-09", "end_date": "2026-03-10",
                    "scope": "district", "district": "鼓楼区" }),
        )
        .await;
    let exams_id = id_of(exams.assert_status(201));
    let sports = w
        .app
        .post(
            "/api/v1/blackouts",
            Some(&w.school),
            json!({ "name": "运动会", "start_date": "2026-03-12", "end_date": "2026-03-12", "scope": "school" }),
        )
        .await;
    assert_eq!(sports.assert_status(201)["school_id"], w.school_id.as_str());
    w.app
        .post(
            "/api/v1/blackouts",
            Some(&w.school),
            json!({ "name": "全市假期", "start_date": "2026-03-20", "end_date": "2026-03-21", "scope": "city" }),
        )
        .await
        .assert_problem(403, "forbidden");

    let refused = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&w.school),
            json!({ "course_id": course, "mode": "offline", "audiences": ["parents"],
                    "expected_size": 50, "slots": [slot(9, 14, 0, 90), slot(12, 14, 0, 90)] }),
        )
        .await;
    refused.assert_problem(422, "validation_failed");
    let errors = refused.body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{}", refused.body);
    assert!(errors[0]["message"].as_str().unwrap().contains("期中考试"));
    assert_eq!(errors[1]["code"], "blackout");

    // Another district's school is not covered.
    let other = w.app.with_conn(|conn| {
        use diesel::prelude::*;
        let school = common::insert_school(conn, "台江小学", w.app.clock.now_naive());
        diesel::update(guanai::db::schema::schools::table.find(&school.id))
            .set(guanai::db::schema::schools::district.eq("台江区"))
            .execute(conn)
            .unwrap();
        school.id
    });
    let dispatch = |school: String, reason: Option<&str>| {
        let mut body = json!({ "team": "reading", "topic": "考试周", "mode": "offline",
                               "audiences": ["parents"], "expected_size": 50,
                               "slots": [slot(10, 14, 0, 60)], "school_id": school });
        if let Some(r) = reason {
            body["override_reason"] = json!(r);
        }
        w.app.post("/api/v1/lectures", Some(&w.admin), body)
    };
    dispatch(other, None).await.assert_status(201);
    dispatch(w.school_id.clone(), None)
        .await
        .assert_problem(422, "validation_failed");
    dispatch(w.school_id.clone(), Some("考后心理疏导，学校同意"))
        .await
        .assert_status(201);

    // The school sees the periods that cover it; removing the office's is not its to do.
    let listed = w.app.get("/api/v1/blackouts", &w.school).await;
    assert_eq!(
        listed.assert_status(200)["items"].as_array().unwrap().len(),
        2
    );
    let path = format!("/api/v1/blackouts/{exams_id}");
    w.app
        .send(
            actix_web::http::Method::DELETE,
            &path,
            Some(&w.school),
            None,
        )
        .await
        .assert_problem(403, "forbidden");
    let removed = w
        .app
        .send(actix_web::http::Method::DELETE, &path, Some(&w.admin), None)
        .await;
    assert_eq!(removed.status, 204);
    let booked = w.book(&course, vec![slot(9, 14, 0, 90)]).await;
    assert_eq!(booked["state"], "offered");
}

#[actix_web::test]
async fn suggestions_rank_who_could_take_it_and_say_why_the_others_cannot() {
    let w = world().await;
    // 林 (reading) has a course and is busy on Wednesday afternoon; 赵 (reading) is free;
    // 吴 serves another team; 钱 (reading) rests on Wednesdays.
    let course = w.course(&w.lin_id).await;
    let zhao = w.app.expert("zhao", "reading", ExpertStatus::Active);
    w.app.expert("wu", "legal_safety", ExpertStatus::Active);
    let qian = w.app.with_conn(|conn| {
        let profile = guanai::domain::profile::Profile {
            rest_weekdays: vec![3],
            ..common::profile("钱老师", "reading")
        };
        common::insert_expert(
            conn,
            "qian",
            profile,
            ExpertStatus::Active,
            w.app.clock.now_naive(),
        )
    });
    let lecture = w.dispatch("offline", slot(4, 14, 0, 60), None).await;
    let id = id_of(&lecture);
    let path = format!("/api/v1/lectures/{id}/suggestions");
    let found = w.app.get(&path, &w.admin).await;
    let body = found.assert_status(200).clone();
    let names: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["expert_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["lin专家", "zhao专家"], "{body}");
    assert_eq!(body["items"][0]["course_id"], course.as_str());
    assert_eq!(body["items"][0]["rank"], 1);
    assert_eq!(body["items"][1]["team"], "primary");
    assert_eq!(body["items"][1]["serves_district"], true);

    // Busy 林 drops out; with include_ineligible everyone shows, with reasons.
    w.dispatch("offline", slot(4, 15, 0, 60), Some(&w.lin_id))
        .await;
    let all = w
        .app
        .get(&format!("{path}?include_ineligible=true"), &w.admin)
        .await;
    let body = all.assert_status(200).clone();
    let reasons = |name: &str| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["expert_name"] == name)
            .unwrap()["not_eligible"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(body["items"][0]["expert_id"], zhao.id.as_str());
    assert_eq!(reasons("lin专家"), ["expert_busy"]);
    assert_eq!(reasons("wu专家"), ["team_not_served"]);
    assert_eq!(reasons("钱老师"), ["rest_day"]);
    assert!(
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["expert_id"] != qian.user_id.as_str())
    );
    // Schools and plain experts do not get suggestions.
    w.app
        .get(&path, &w.school)
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn an_expert_s_calendar_feed_moves_a_rescheduled_lecture_instead_of_doubling_it() {
    use icalendar::Component as _;
    let w = world().await;
    let issued = w
        .app
        .post(
            &format!("/api/v1/experts/{}/calendar-token", w.lin_id),
            Some(&w.lin),
            json!({}),
        )
        .await;
    let body = issued.assert_status(201).clone();
    let token = body["token"].as_str().unwrap().to_owned();
    assert!(
        body["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("calendar.ics?token={token}"))
    );
    let confirmed = w
        .dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
        .await;
    let id = id_of(&confirmed);
    w.act(&id, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    w.dispatch("online", slot(5, 19, 0, 60), Some(&w.lin_id))
        .await;

    let app = &w.app;
    let lin_id = w.lin_id.clone();
    let feed = |token: String| {
        let path = format!("/api/v1/experts/{lin_id}/calendar.ics?token={token}");
        let req = actix_web::test::TestRequest::get().uri(&path);
        async move { app.call(req).await }
    };
    let read = |response: &common::TestResponse| -> icalendar::Calendar {
        let text = response.body.as_str().unwrap_or_default().to_owned();
        text.parse().unwrap()
    };
    let first = feed(token.clone()).await;
    assert_eq!(first.status, 200);
    assert!(
        first
            .header("content-type")
            .unwrap()
            .starts_with("text/calendar")
    );
    let calendar = read(&first);
    let events: Vec<_> = calendar.events().collect();
    assert_eq!(events.len(), 2);
    let lecture = events
        .iter()
        .find(|e| e.get_uid().unwrap().contains(&id))
        .unwrap();
    // 14:00 in Shanghai is 06:00 UTC, written with Z.
    assert_eq!(lecture.properties()["DTSTART"].value(), "20260304T060000Z");
    assert_eq!(lecture.get_sequence(), Some(0));
    let uid = lecture.get_uid().unwrap().to_owned();

    w.act(&id, "reschedule", &w.admin, slot(6, 9, 0, 60))
        .await
        .assert_status(200);
    let moved = read(&feed(token.clone()).await);
    let events: Vec<_> = moved.events().collect();
    assert_eq!(events.len(), 2, "moved, not doubled");
    let lecture = events
        .iter()
        .find(|e| e.get_uid() == Some(uid.as_str()))
        .unwrap();
    assert_eq!(lecture.properties()["DTSTART"].value(), "20260306T010000Z");
    assert_eq!(lecture.get_sequence(), Some(1));

    // A new link retires the old one; a wrong token finds nothing.
    w.app
        .post(
            &format!("/api/v1/experts/{}/calendar-token", w.lin_id),
            Some(&w.admin),
            json!({}),
        )
        .await
        .assert_status(201);
    assert_eq!(feed(token).await.status, 404);
    w.app
        .post(
            &format!("/api/v1/experts/{}/calendar-token", w.lin_id),
            Some(&w.school),
            json!({}),
        )
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn the_dispatch_queue_puts_lectures_that_lost_their_expert_first() {
    let w = world().await;
    let early = w.dispatch("online", slot(3, 10, 0, 60), None).await;
    let late = w.dispatch("online", slot(6, 10, 0, 60), None).await;
    let held = w
        .dispatch("offline", slot(5, 14, 0, 60), Some(&w.lin_id))
        .await;
    w.act(&id_of(&held), "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    // Offered to someone: not waiting for the office.
    let zhao = w.app.expert("zhao", "reading", ExpertStatus::Active);
    w.dispatch("online", slot(4, 10, 0, 60), Some(&zhao.id))
        .await;
    w.app
        .post(
            &format!("/api/v1/experts/{}/status", w.lin_id),
            Some(&w.admin),
            json!({ "to": "suspended", "reason": "住院" }),
        )
        .await
        .assert_status(200);

    let ids = |body: &Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(id_of)
            .collect()
    };
    // Page by page across the two parts: the lecture that lost its expert first, though it
    // is later than the first request.
    let first = w.app.get("/api/v1/lectures/queue?limit=2", &w.admin).await;
    let body = first.assert_status(200).clone();
    assert_eq!(ids(&body), [id_of(&held), id_of(&early)]);
    let cursor = body["next_cursor"].as_str().unwrap();
    let second = w
        .app
        .get(
            &format!("/api/v1/lectures/queue?limit=2&cursor={cursor}"),
            &w.admin,
        )
        .await;
    let body = second.assert_status(200).clone();
    assert_eq!(ids(&body), [id_of(&late)]);
    assert_eq!(body["next_cursor"], Value::Null);
    let one = w.app.get("/api/v1/lectures/queue?limit=1", &w.admin).await;
    let cursor = one.assert_status(200)["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let rest = w
        .app
        .get(&format!("/api/v1/lectures/queue?cursor={cursor}"), &w.admin)
        .await;
    assert_eq!(ids(rest.assert_status(200)), [id_of(&early), id_of(&late)]);
    // A cursor of another list is refused.
    w.app
        .get("/api/v1/lectures/queue?cursor=bm9wZQ", &w.admin)
        .await
        .assert_problem(400, "invalid_cursor");

    // A lead of the team sees the same queue; a lead of another team an empty one.
    let wu = w.app.expert("wu", "reading", ExpertStatus::Active);
    w.app.make_lead("reading", &wu.id);
    let ma = w.app.expert("ma", "ideology", ExpertStatus::Active);
    w.app.make_lead("ideology", &ma.id);
    let (wu_token, _) = w.app.tokens("wu").await;
    let (ma_token, _) = w.app.tokens("ma").await;
    let theirs = w.app.get("/api/v1/lectures/queue", &wu_token).await;
    assert_eq!(
        ids(theirs.assert_status(200)),
        [id_of(&held), id_of(&early), id_of(&late)]
    );
    let other = w.app.get("/api/v1/lectures/queue", &ma_token).await;
    assert!(ids(other.assert_status(200)).is_empty());
    // Neither a school nor an expert who leads nothing has a queue.
    let (zhao_token, _) = w.app.tokens("zhao").await;
    w.app
        .get("/api/v1/lectures/queue", &zhao_token)
        .await
        .assert_problem(403, "forbidden");
    w.app
        .get("/api/v1/lectures/queue", &w.school)
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn a_school_s_list_follows_its_lectures_when_they_move_and_when_it_joins_or_leaves() {
    let w = world().await;
    let moved = w
        .dispatch("offline", slot(3, 10, 0, 60), Some(&w.lin_id))
        .await;
    w.act(&id_of(&moved), "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    let stays = w.dispatch("offline", slot(5, 10, 0, 60), None).await;
    let city = w.city_wide(slot(4, 19, 0, 60), json!({})).await;
    let participants = format!("/api/v1/lectures/{city}/participants");
    w.app
        .post(
            &participants,
            Some(&w.school),
            json!({ "expected_size": 300 }),
        )
        .await
        .assert_status(201);
    let listed = |token: String| {
        let app = &w.app;
        async move {
            let page = app.get("/api/v1/lectures?limit=2", &token).await;
            let mut body = page.assert_status(200).clone();
            let mut ids: Vec<String> = Vec::new();
            loop {
                ids.extend(body["items"].as_array().unwrap().iter().map(id_of));
                let Some(cursor) = body["next_cursor"].as_str() else {
                    break;
                };
                let next = app
                    .get(&format!("/api/v1/lectures?limit=2&cursor={cursor}"), &token)
                    .await;
                body = next.assert_status(200).clone();
            }
            ids
        }
    };
    assert_eq!(
        listed(w.school.clone()).await,
        [id_of(&moved), city.clone(), id_of(&stays)]
    );
    // Moved to after the others, it is listed after them.
    w.act(&id_of(&moved), "reschedule", &w.admin, slot(6, 10, 0, 60))
        .await
        .assert_status(200);
    assert_eq!(
        listed(w.school.clone()).await,
        [city.clone(), id_of(&stays), id_of(&moved)]
    );
    // Left, it is gone from the list.
    w.app
        .send(
            actix_web::http::Method::DELETE,
            &participants,
            Some(&w.school),
            None,
        )
        .await
        .assert_status(200);
    assert_eq!(
        listed(w.school.clone()).await,
        [id_of(&stays), id_of(&moved)]
    );
}

#[actix_web::test]
async fn lectures_at_one_time_are_each_listed_once_page_by_page() {
    let w = world().await;
    let mut made = Vec::new();
    for _ in 0..5 {
        made.push(id_of(&w.dispatch("online", slot(4, 10, 0, 60), None).await));
    }
    made.sort();
    for token in [&w.admin, &w.school] {
        let mut seen = Vec::new();
        let mut path = "/api/v1/lectures?limit=2".to_owned();
        loop {
            let page = w.app.get(&path, token).await;
            let body = page.assert_status(200).clone();
            seen.extend(body["items"].as_array().unwrap().iter().map(id_of));
            let Some(cursor) = body["next_cursor"].as_str() else {
                break;
            };
            path = format!("/api/v1/lectures?limit=2&cursor={cursor}");
        }
        assert_eq!(seen, made, "in id order, none twice, none left out");
    }
}
