//! Claims about concurrent requests, tested with real concurrency over a real socket.

use crate::common;

use std::sync::Arc;

use common::{TestServer, http};
use guanai::audit::AuditContext;
use guanai::auth::actor::Actor;
use guanai::clock::Clock as _;
use guanai::domain::lecture::LectureMode;
use guanai::domain::role::Role;
use guanai::domain::roster::{Audience, ExpertStatus};
use guanai::domain::schedule::Span;
use guanai::models::busy_interval::BusyInterval;
use guanai::usecase::Uow;
use guanai::usecase::lecture::{LectureInput, create};
use serde_json::{Value, json};

#[test]
fn concurrent_writes_never_fail_with_a_server_error() {
    let server = Arc::new(TestServer::start());
    server.user(Role::Admin, "office");
    let token = server.login("office")["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let threads: Vec<_> = (0..24)
        .map(|i| {
            let (server, token) = (server.clone(), token.clone());
            std::thread::spawn(move || {
                let body = json!({ "login": format!("officer.{i}"), "display_name": format!("干事{i}"), "role": "admin" });
                http(server.addr, "POST", "/api/v1/users", Some(&token), Some(&body)).0
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();

    assert!(statuses.iter().all(|s| *s == 201), "statuses: {statuses:?}");
    let (_, list) = http(
        server.addr,
        "GET",
        "/api/v1/users?role=admin&q=officer.&limit=100",
        Some(&token),
        None,
    );
    assert_eq!(list["items"].as_array().unwrap().len(), 24);
}

#[test]
fn of_many_concurrent_refreshes_with_one_token_exactly_one_wins() {
    let server = Arc::new(TestServer::start());
    server.user(Role::Expert, "racer");
    let refresh = server.login("racer")["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (server, refresh) = (server.clone(), refresh.clone());
            std::thread::spawn(move || {
                http(
                    server.addr,
                    "POST",
                    "/api/v1/auth/refresh",
                    None,
                    Some(&json!({ "refresh_token": refresh })),
                )
            })
        })
        .collect();
    let results: Vec<(u16, serde_json::Value)> =
        threads.into_iter().map(|t| t.join().unwrap()).collect();

    let winners = results.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(winners, 1, "{winners} refreshes succeeded: {results:?}");
    assert!(
        results.iter().all(|(s, _)| *s == 200 || *s == 401),
        "{results:?}"
    );
    // The losers came within seconds of the winner: retries of a client that lost its
    // answer, not theft, so the winner's new tokens still work.
    for (status, body) in &results {
        if *status == 200 {
            let (me, _) = http(
                server.addr,
                "GET",
                "/api/v1/me",
                body["access_token"].as_str(),
                None,
            );
            assert_eq!(me, 200);
            let (again, _) = http(
                server.addr,
                "POST",
                "/api/v1/auth/refresh",
                None,
                Some(&json!({ "refresh_token": body["refresh_token"] })),
            );
            assert_eq!(again, 200);
        }
    }
}

#[test]
fn concurrent_failed_logins_cannot_exceed_the_account_limit() {
    let server = Arc::new(TestServer::start());
    server.user(Role::School, "target");

    let threads: Vec<_> = (0..16)
        .map(|_| {
            let server = server.clone();
            std::thread::spawn(move || {
                http(
                    server.addr,
                    "POST",
                    "/api/v1/auth/login",
                    None,
                    Some(&json!({ "login": "target", "password": "wrong password!!" })),
                )
                .0
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();

    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        6,
        "{statuses:?}"
    );
}

/// The office, a school and an active expert (`lin`, reading) on a served app, and a
/// function that makes lectures through the use case: (ids, tokens).
pub(crate) struct LectureWorld {
    pub(crate) server: Arc<TestServer>,
    office: Actor,
    school_id: String,
    pub(crate) expert_id: String,
}

impl LectureWorld {
    pub(crate) fn new(max_per_week: i32) -> LectureWorld {
        let server = Arc::new(TestServer::start());
        let now = server.clock.now_naive();
        let admin = server.user(Role::Admin, "office");
        let mut conn = server.state.db.get().expect("connection");
        let school = common::insert_school(&mut conn, "并发小学", now);
        common::insert_user(&mut conn, Role::School, "school.a", Some(&school.id), now);
        let profile = guanai::domain::profile::Profile {
            max_per_week,
            ..common::profile("林老师", "reading")
        };
        let expert = common::insert_expert(&mut conn, "lin", profile, ExpertStatus::Active, now);
        LectureWorld {
            server,
            office: Actor {
                user_id: admin.id,
                role: Role::Admin,
                expert_id: None,
                expert_status: None,
                school_id: None,
                lead_teams: vec![],
            },
            school_id: school.id,
            expert_id: expert.id,
        }
    }

    pub(crate) fn token(&self, login: &str) -> String {
        self.server.login(login)["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A dispatched on-site lecture for the school on `day` of March 2026 at `hour` (UTC),
    /// one hour; offered to the expert when `offer` is set.
    pub(crate) fn lecture(&self, day: u32, hour: u32, offer: bool) -> String {
        let start = chrono::NaiveDate::from_ymd_opt(2026, 3, day)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .unwrap();
        let input = LectureInput {
            course_id: None,
            team: Some("reading".to_owned()),
            topic: Some("并发".to_owned()),
            mode: LectureMode::Offline,
            audiences: vec![Audience::Parents],
            grade_bands: vec![],
            expected_size: 30,
            slots: vec![Span {
                start,
                end: start + chrono::Duration::hours(1),
            }],
            school_id: Some(self.school_id.clone()),
            expert_id: offer.then(|| self.expert_id.clone()),
            address: None,
            platform: None,
            link: None,
            meeting_id: None,
            passcode: None,
            note: None,
            override_reason: None,
        };
        let mut conn = self.server.state.db.get().expect("connection");
        let now = self.server.clock.now_naive();
        Uow::within(
            &mut conn,
            &self.server.state.settings,
            AuditContext::system(now),
            |uow| create(uow, &self.office, input),
        )
        .expect("lecture")
        .id
    }

    pub(crate) fn busy_rows(&self) -> usize {
        let mut conn = self.server.state.db.get().expect("connection");
        BusyInterval::of_expert(&mut conn, &self.expert_id)
            .unwrap()
            .len()
    }

    /// `n` threads, each sending what `request(i)` gives; their answers in order.
    pub(crate) fn race(
        &self,
        n: usize,
        request: impl Fn(usize) -> (String, String, Value) + Send + Sync + 'static,
    ) -> Vec<(u16, Value)> {
        let request = Arc::new(request);
        let barrier = Arc::new(std::sync::Barrier::new(n));
        let threads: Vec<_> = (0..n)
            .map(|i| {
                let (server, request, barrier) =
                    (self.server.clone(), request.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let (path, token, body) = request(i);
                    barrier.wait();
                    http(server.addr, "POST", &path, Some(&token), Some(&body))
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    }
}

pub(crate) fn codes(results: &[(u16, Value)]) -> Vec<(u16, String)> {
    results
        .iter()
        .map(|(s, b)| (*s, b["code"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[test]
fn of_a_hundred_offers_at_one_time_to_one_expert_exactly_one_holds() {
    let world = LectureWorld::new(50);
    let lectures: Vec<String> = (0..100).map(|_| world.lecture(4, 6, false)).collect();
    let admin = world.token("office");
    let expert = world.expert_id.clone();
    let results = world.race(100, move |i| {
        (
            format!("/api/v1/lectures/{}/offer", lectures[i]),
            admin.clone(),
            json!({ "expert_id": expert }),
        )
    });
    let outcome = codes(&results);
    assert_eq!(
        outcome.iter().filter(|(s, _)| *s == 200).count(),
        1,
        "{outcome:?}"
    );
    assert!(
        outcome
            .iter()
            .all(|(s, c)| *s == 200 || (*s == 409 && c == "expert_busy")),
        "{outcome:?}"
    );
    assert_eq!(world.busy_rows(), 1);
}

#[test]
fn of_a_hundred_accepts_of_one_offer_exactly_one_wins() {
    let world = LectureWorld::new(3);
    let lecture = world.lecture(4, 6, true);
    let expert = world.token("lin");
    let results = world.race(100, move |_| {
        (
            format!("/api/v1/lectures/{lecture}/accept"),
            expert.clone(),
            json!({}),
        )
    });
    let outcome = codes(&results);
    assert_eq!(
        outcome.iter().filter(|(s, _)| *s == 200).count(),
        1,
        "{outcome:?}"
    );
    assert!(
        outcome
            .iter()
            .all(|(s, c)| *s == 200 || (*s == 409 && c == "illegal_transition")),
        "{outcome:?}"
    );
}

#[test]
fn an_accept_racing_a_cancel_leaves_state_and_history_in_agreement() {
    for _ in 0..3 {
        let world = LectureWorld::new(3);
        let lecture = world.lecture(4, 6, true);
        let (expert, school) = (world.token("lin"), world.token("school.a"));
        let id = lecture.clone();
        let results = world.race(2, move |i| {
            if i == 0 {
                (
                    format!("/api/v1/lectures/{id}/accept"),
                    expert.clone(),
                    json!({}),
                )
            } else {
                (
                    format!("/api/v1/lectures/{id}/cancel"),
                    school.clone(),
                    json!({ "reason": "停课" }),
                )
            }
        });
        let outcome = codes(&results);
        // The cancel always succeeds (before or after the accept); the accept may find the
        // lecture cancelled already.
        assert_eq!(outcome[1].0, 200, "{outcome:?}");
        assert!(
            outcome[0] == (200, String::new()) || outcome[0] == (409, "illegal_transition".into()),
            "{outcome:?}"
        );
        let admin = world.token("office");
        let (_, body) = http(
            world.server.addr,
            "GET",
            &format!("/api/v1/lectures/{lecture}"),
            Some(&admin),
            None,
        );
        assert_eq!(body["state"], "cancelled");
        let history = body["history"].as_array().unwrap();
        let last = history.last().unwrap();
        assert_eq!(last["to"], body["state"]);
        let seqs: Vec<i64> = history.iter().map(|h| h["seq"].as_i64().unwrap()).collect();
        assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
        assert_eq!(history.len(), if outcome[0].0 == 200 { 4 } else { 3 });
        assert_eq!(world.busy_rows(), 0);
    }
}

#[test]
fn two_offers_racing_past_the_weekly_limit_are_not_both_made() {
    let world = LectureWorld::new(3);
    // Two lectures already that week (Tuesday and Wednesday), two more racing for the third place.
    world.lecture(3, 2, true);
    world.lecture(4, 2, true);
    let racing = [world.lecture(5, 2, false), world.lecture(6, 2, false)];
    let admin = world.token("office");
    let expert = world.expert_id.clone();
    let results = world.race(2, move |i| {
        (
            format!("/api/v1/lectures/{}/offer", racing[i]),
            admin.clone(),
            json!({ "expert_id": expert }),
        )
    });
    let mut outcome = codes(&results);
    outcome.sort();
    assert_eq!(
        outcome,
        [
            (200, String::new()),
            (409, "weekly_limit_reached".to_owned())
        ]
    );
    assert_eq!(world.busy_rows(), 3);
}

#[actix_web::test]
async fn a_write_that_panicked_does_not_stop_the_writes_after_it() {
    use diesel::RunQueryDsl as _;
    let app = common::TestApp::new().await;
    let count = |conn: &mut guanai::db::DbConnection| -> i64 {
        diesel::sql_query("SELECT COUNT(*) AS n FROM rate_events WHERE kind = 'test'")
            .get_result::<Count>(conn)
            .expect("count")
            .n
    };
    // The request's thread dies inside its transaction, after a write.
    let panicked = guanai::db::run(app.pool(), |conn| {
        guanai::db::transaction(conn, |tx| -> guanai::error::ApiResult<()> {
            diesel::sql_query(
                "INSERT INTO rate_events (id, kind, subject, at) VALUES ('a', 'test', 'x', '2026-01-01 00:00:00')",
            )
            .execute(tx)?;
            panic!("a bug in the middle of a write");
        })
    })
    .await;
    assert!(panicked.is_err());
    // The next write goes through, and the half-done one was never kept.
    guanai::db::run(app.pool(), |conn| {
        guanai::db::transaction(conn, |tx| -> guanai::error::ApiResult<()> {
            diesel::sql_query(
                "INSERT INTO rate_events (id, kind, subject, at) VALUES ('b', 'test', 'y', '2026-01-01 00:00:01')",
            )
            .execute(tx)?;
            Ok(())
        })
    })
    .await
    .expect("a write after the panic");
    assert_eq!(app.with_conn(count), 1);
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

impl LectureWorld {
    /// Lectures that are offered to or held by the expert.
    fn held(&self) -> Vec<String> {
        use guanai::domain::lecture::LectureState;
        let mut conn = self.server.state.db.get().expect("connection");
        guanai::models::lecture::Lecture::held_by(
            &mut conn,
            &self.expert_id,
            &LectureState::HOLDING,
        )
        .unwrap()
    }
}

impl LectureWorld {
    /// The office suspends the expert while `n` other requests (`request(0..n)`) race it:
    /// the suspension's answer first, then theirs in order.
    fn race_a_suspension(
        &self,
        n: usize,
        request: impl Fn(usize) -> (String, String, Value) + Send + Sync + 'static,
    ) -> Vec<(u16, Value)> {
        let admin = self.token("office");
        let expert = self.expert_id.clone();
        self.race(n + 1, move |i| match i {
            0 => (
                format!("/api/v1/experts/{expert}/status"),
                admin.clone(),
                json!({ "to": "suspended", "reason": "住院" }),
            ),
            _ => request(i - 1),
        })
    }
}

/// Days of March 2026 that are neither Sundays (the fixture expert's rest day) nor past.
const WEEKDAYS: [u32; 8] = [3, 4, 5, 6, 9, 10, 11, 12];

#[test]
fn offers_racing_a_suspension_leave_the_suspended_expert_nothing() {
    for _ in 0..3 {
        let world = LectureWorld::new(50);
        let lectures: Vec<String> = WEEKDAYS
            .iter()
            .map(|day| world.lecture(*day, 2, false))
            .collect();
        let admin = world.token("office");
        let expert = world.expert_id.clone();
        let results = world.race_a_suspension(lectures.len(), move |i| {
            (
                format!("/api/v1/lectures/{}/offer", lectures[i]),
                admin.clone(),
                json!({ "expert_id": expert }),
            )
        });
        let outcome = codes(&results);
        assert_eq!(outcome[0].0, 200, "{outcome:?}");
        assert!(
            outcome[1..]
                .iter()
                .all(|(s, c)| *s == 200 || (*s == 409 && c == "expert_not_active")),
            "{outcome:?}"
        );
        // An offer that came first was released by the suspension; none came after it.
        assert_eq!(world.held(), Vec::<String>::new(), "{outcome:?}");
        assert_eq!(world.busy_rows(), 0);
    }
}

#[test]
fn a_suspension_racing_cancels_releases_only_what_is_still_the_expert_s() {
    for _ in 0..3 {
        let world = LectureWorld::new(50);
        let lectures: Vec<String> = WEEKDAYS
            .iter()
            .map(|day| world.lecture(*day, 2, true))
            .collect();
        assert_eq!(world.held().len(), lectures.len());
        let school = world.token("school.a");
        let results = world.race_a_suspension(lectures.len(), move |i| {
            (
                format!("/api/v1/lectures/{}/cancel", lectures[i]),
                school.clone(),
                json!({ "reason": "学校另有安排" }),
            )
        });
        // Each cancel ends its lecture, whether before or after the suspension released it;
        // the suspension skips what a cancel ended first.
        let outcome = codes(&results);
        assert!(outcome.iter().all(|(s, _)| *s == 200), "{outcome:?}");
        assert_eq!(world.held(), Vec::<String>::new());
        assert_eq!(world.busy_rows(), 0);
    }
}

#[test]
fn reschedules_racing_a_suspension_neither_wait_on_each_other_nor_leave_a_hold() {
    let world = LectureWorld::new(50);
    // Days at least the booking lead time (48 hours) ahead of the clock's Monday morning.
    let days: Vec<u32> = WEEKDAYS.iter().copied().filter(|d| *d >= 4).collect();
    let lectures: Vec<String> = days
        .iter()
        .map(|day| world.lecture(*day, 2, true))
        .collect();
    let school = world.token("school.a");
    // Each to 14:00 (06:00Z) of the same day: free for the expert.
    let results = world.race_a_suspension(lectures.len(), move |i| {
        let day = days[i];
        (
            format!("/api/v1/lectures/{}/reschedule", lectures[i]),
            school.clone(),
            json!({ "start": format!("2026-03-{day:02}T14:00:00+08:00"),
                    "end": format!("2026-03-{day:02}T15:00:00+08:00") }),
        )
    });
    let outcome = codes(&results);
    assert_eq!(outcome[0].0, 200, "{outcome:?}");
    // A reschedule before the suspension moved its lecture (which the suspension then
    // released); one after it found the lecture no longer the expert's to move.
    assert!(
        outcome[1..]
            .iter()
            .all(|(s, c)| *s == 200 || (*s == 409 && c == "illegal_transition")),
        "{outcome:?}"
    );
    assert_eq!(world.held(), Vec::<String>::new());
    assert_eq!(world.busy_rows(), 0);
}
