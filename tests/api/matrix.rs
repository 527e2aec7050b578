//! The authorization matrix: every route of the route table, called by every kind of caller,
//! on objects of their own and of someone else. The expected status of each call is in
//! [`ROWS`]; a route without a row fails the test.
//!
//! The callers: no token, the office (admin), the lead of the `reading` team, a plain
//! expert of that team (`plain`), and a school (`school.a`). The objects: `plain`'s courses
//! (approved and pending), another team's expert (`outsider`) and courses, another school;
//! lectures offered to `plain`, to the lead (the lead as its expert) and to the outsider (the
//! lead as a lead of another team).

use std::collections::HashMap;

use actix_web::http::{Method, header};
use actix_web::test::TestRequest;
use guanai::audit::AuditContext;
use guanai::auth::actor::Actor;
use guanai::clock::Clock as _;
use guanai::domain::availability::BlackoutScope;
use guanai::domain::course::CourseDraft;
use guanai::domain::lecture::{LectureMode, Span};
use guanai::domain::role::Role;
use guanai::domain::roster::{Audience, ExpertStatus, Mode};
use guanai::models::notification::Notification;
use guanai::models::user::User;
use guanai::usecase::Uow;
use guanai::usecase::availability::{NewBlackout, add_blackout};
use guanai::usecase::course::{Decision, propose, review};
use guanai::usecase::lecture::{LectureInput, create};
use serde_json::{Value, json};

use crate::common::{PASSWORD, TestApp, TestResponse};

/// Caller columns, in the order of [`Row::expect`].
const CALLERS: [&str; 5] = ["no token", "admin", "lead", "expert", "school"];

/// One call: method, path (with `{placeholders}` for the world's objects), body, and the
/// status each caller gets: no token, admin, lead, expert, school.
struct Row {
    method: &'static str,
    path: &'static str,
    body: Body,
    expect: [u16; 5],
    /// The successes of different callers cannot disturb each other (each touches only
    /// the caller's own account, or nothing), so they may share one world.
    independent: bool,
}

#[derive(Clone, Copy)]
enum Body {
    None,
    Json(fn() -> Value),
    Csv(&'static str),
    /// `application/x-www-form-urlencoded`, as the served pages' forms post.
    Form(&'static str),
}

const fn row(method: &'static str, path: &'static str, body: Body, expect: [u16; 5]) -> Row {
    Row {
        method,
        path,
        body,
        expect,
        independent: false,
    }
}

/// A row whose callers' successes are independent of each other (see [`Row::independent`]).
const fn own(method: &'static str, path: &'static str, body: Body, expect: [u16; 5]) -> Row {
    Row {
        independent: true,
        ..row(method, path, body, expect)
    }
}

use Body::{Csv, Form, Json, None as Empty};

#[rustfmt::skip]
static ROWS: &[Row] = &[
    //                                                                        none admin lead expert school
    row("GET",   "/healthz", Empty,                                            [200, 200, 200, 200, 200]),
    row("GET",   "/readyz", Empty,                                             [200, 200, 200, 200, 200]),
    row("GET",   "/api/v1/openapi.json", Empty,                                [200, 200, 200, 200, 200]),
    own("POST",  "/api/v1/auth/login", Json(login_body),                       [200, 200, 200, 200, 200]),
    own("POST",  "/api/v1/auth/refresh", Json(bogus_refresh),                  [401, 401, 401, 401, 401]),
    own("POST",  "/api/v1/auth/logout", Json(bogus_refresh),                   [204, 204, 204, 204, 204]),
    own("POST",  "/api/v1/auth/password-reset", Json(reset_body),              [202, 202, 202, 202, 202]),
    own("POST",  "/api/v1/auth/set-password", Json(set_password_body),         [401, 401, 401, 401, 401]),
    row("GET",   "/api/v1/me", Empty,                                          [401, 200, 200, 200, 200]),
    own("PATCH", "/api/v1/me", Json(own_phone),                                [401, 200, 200, 200, 200]),
    own("POST",  "/api/v1/me/password", Json(change_password_body),            [401, 200, 200, 200, 200]),
    row("GET",   "/api/v1/me/notifications", Empty,                            [401, 200, 200, 200, 200]),
    own("POST",  "/api/v1/me/notifications/read-all", Empty,                   [401, 200, 200, 200, 200]),
    row("POST",  "/api/v1/me/notifications/{plain_notice}/read", Empty,        [401, 404, 404, 200, 404]),
    row("POST",  "/api/v1/me/notifications/{outsider_notice}/read", Empty,     [401, 404, 404, 404, 404]),
    row("GET",   "/api/v1/admin/outbox", Empty,                                [401, 200, 403, 403, 403]),
    row("POST",  "/api/v1/admin/outbox/{plain_notice}/retry", Empty,           [401, 409, 403, 403, 403]),
    row("GET",   "/api/v1/users", Empty,                                       [401, 200, 403, 403, 403]),
    row("POST",  "/api/v1/users", Json(new_user),                              [401, 201, 403, 403, 403]),
    row("GET",   "/api/v1/users/{plain_user}", Empty,                          [401, 200, 403, 403, 403]),
    row("PATCH", "/api/v1/users/{plain_user}", Json(rename_user),              [401, 200, 403, 403, 403]),
    row("POST",  "/api/v1/users/{plain_user}/password-reset", Empty,           [401, 201, 403, 403, 403]),
    row("GET",   "/api/v1/teams", Empty,                                       [401, 200, 200, 200, 200]),
    row("GET",   "/api/v1/teams/{team}", Empty,                                  [401, 200, 200, 200, 200]),
    row("PUT",   "/api/v1/teams/{team}/leads", Json(same_leads),              [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/schools", Empty,                                     [401, 200, 200, 403, 403]),
    row("POST",  "/api/v1/schools", Json(new_school),                          [401, 201, 403, 403, 403]),
    row("GET",   "/api/v1/schools/{school_a}", Empty,                          [401, 200, 200, 404, 200]),
    row("GET",   "/api/v1/schools/{school_b}", Empty,                          [401, 200, 200, 404, 404]),
    row("PATCH", "/api/v1/schools/{school_a}", Json(school_contact),           [401, 200, 403, 403, 200]),
    row("PATCH", "/api/v1/schools/{school_b}", Json(school_contact),           [401, 200, 403, 403, 404]),
    row("GET",   "/api/v1/experts", Empty,                                     [401, 200, 200, 200, 200]),
    row("POST",  "/api/v1/experts", Json(new_expert),                          [401, 201, 403, 403, 403]),
    row("POST",  "/api/v1/experts/import?dry_run=true", Csv(IMPORT_CSV),       [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/experts/export.csv", Empty,                          [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/experts/{plain_expert}", Empty,                      [401, 200, 200, 200, 200]),
    row("GET",   "/api/v1/experts/{outsider_expert}", Empty,                   [401, 200, 200, 200, 200]),
    row("PATCH", "/api/v1/experts/{plain_expert}", Json(new_bio),              [401, 200, 403, 200, 403]),
    row("PATCH", "/api/v1/experts/{outsider_expert}", Json(new_bio),           [401, 200, 403, 403, 403]),
    row("POST",  "/api/v1/experts/{plain_expert}/status", Json(suspend),       [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/experts/{plain_expert}/history", Empty,              [401, 200, 200, 200, 403]),
    row("GET",   "/api/v1/experts/{outsider_expert}/history", Empty,           [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/courses", Empty,                                     [401, 200, 200, 200, 200]),
    row("POST",  "/api/v1/courses", Json(plain_proposal),                      [401, 201, 403, 201, 403]),
    row("GET",   "/api/v1/courses/{pending_course}", Empty,                    [401, 200, 200, 200, 404]),
    row("GET",   "/api/v1/courses/{outsider_pending}", Empty,                  [401, 200, 404, 404, 404]),
    row("PATCH", "/api/v1/courses/{pending_course}", Json(new_title),          [401, 200, 403, 200, 404]),
    row("PATCH", "/api/v1/courses/{outsider_pending}", Json(new_title),        [401, 200, 404, 404, 404]),
    row("POST",  "/api/v1/courses/{pending_course}/review", Json(approve),     [401, 200, 200, 403, 404]),
    row("POST",  "/api/v1/courses/{outsider_pending}/review", Json(approve),   [401, 200, 404, 404, 404]),
    row("POST",  "/api/v1/courses/{plain_course}/retire", Empty,               [401, 200, 403, 200, 403]),
    row("POST",  "/api/v1/courses/{outsider_course}/retire", Empty,            [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/courses/{pending_course}/history", Empty,            [401, 200, 200, 200, 404]),
    row("GET",   "/api/v1/courses/{outsider_course}/history", Empty,           [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/lectures", Empty,                                    [401, 200, 200, 200, 200]),
    row("POST",  "/api/v1/lectures", Json(new_lecture),                        [401, 201, 201, 403, 201]),
    row("GET",   "/api/v1/lectures/queue", Empty,                              [401, 200, 200, 403, 403]),
    row("GET",   "/api/v1/lectures/{offered_lecture}", Empty,                  [401, 200, 200, 200, 200]),
    row("GET",   "/api/v1/lectures/{outsider_lecture}", Empty,                 [401, 200, 404, 404, 404]),
    row("PATCH", "/api/v1/lectures/{offered_lecture}", Json(lecture_note),     [401, 200, 200, 403, 200]),
    row("PATCH", "/api/v1/lectures/{outsider_lecture}", Json(lecture_note),    [401, 200, 404, 404, 404]),
    row("POST",  "/api/v1/lectures/{waiting_lecture}/offer", Json(offer_plain), [401, 200, 200, 404, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/offer", Json(offer_plain), [401, 409, 404, 404, 403]),
    row("POST",  "/api/v1/lectures/{offered_lecture}/accept", Json(empty),     [401, 403, 403, 200, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/accept", Json(empty),    [401, 403, 404, 404, 403]),
    row("POST",  "/api/v1/lectures/{offered_lecture}/decline", Json(reason),   [401, 403, 403, 200, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/decline", Json(reason),  [401, 403, 404, 404, 403]),
    row("POST",  "/api/v1/lectures/{waiting_lecture}/reject", Json(reason),    [401, 200, 200, 404, 403]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/reject", Json(reason),   [401, 409, 404, 404, 403]),
    row("POST",  "/api/v1/lectures/{offered_lecture}/cancel", Json(reason),    [401, 200, 403, 403, 200]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/cancel", Json(reason),   [401, 200, 404, 404, 404]),
    row("POST",  "/api/v1/lectures/{offered_lecture}/reschedule", Json(later), [401, 200, 403, 403, 200]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/reschedule", Json(later), [401, 200, 404, 404, 404]),
    // The lead is offered a lecture of their own team: they answer it as its expert, and
    // do not act as the office on it.
    row("PATCH", "/api/v1/lectures/{lead_lecture}", Json(lecture_note),        [401, 200, 403, 404, 200]),
    row("POST",  "/api/v1/lectures/{lead_lecture}/accept", Json(empty),        [401, 403, 200, 404, 403]),
    row("POST",  "/api/v1/lectures/{lead_lecture}/decline", Json(reason),      [401, 403, 200, 404, 403]),
    row("POST",  "/api/v1/lectures/{lead_lecture}/cancel", Json(reason),       [401, 200, 403, 404, 200]),
    row("POST",  "/api/v1/lectures/{lead_lecture}/reschedule", Json(later),    [401, 200, 403, 404, 200]),
    // A lead does not offer a lecture to themselves, nor to an expert outside the lecture's
    // team (the outsider; an admin may, with a reason).
    row("POST",  "/api/v1/lectures/{waiting_lecture}/offer", Json(offer_lead), [401, 200, 403, 404, 403]),
    row("POST",  "/api/v1/lectures/{waiting_lecture}/offer", Json(offer_outsider), [401, 409, 409, 404, 403]),
    row("POST",  "/api/v1/lectures/{waiting_lecture}/offer", Json(offer_outsider_anyway), [401, 200, 422, 404, 403]),
    row("GET",   "/api/v1/lectures/{waiting_lecture}/suggestions", Empty,      [401, 200, 200, 404, 403]),
    row("GET",   "/api/v1/lectures/{outsider_lecture}/suggestions", Empty,     [401, 200, 404, 404, 403]),
    row("POST",  "/api/v1/lectures/{citywide_lecture}/participants", Json(join), [401, 403, 403, 403, 201]),
    row("POST",  "/api/v1/lectures/{outsider_lecture}/participants", Json(join), [401, 403, 403, 403, 404]),
    row("DELETE", "/api/v1/lectures/{citywide_lecture}/participants", Empty,   [401, 403, 403, 403, 200]),
    row("DELETE", "/api/v1/lectures/{outsider_lecture}/participants", Empty,   [401, 403, 403, 403, 404]),
    row("POST",  "/api/v1/experts/{plain_expert}/calendar-token", Empty,       [401, 201, 403, 201, 403]),
    row("POST",  "/api/v1/experts/{outsider_expert}/calendar-token", Empty,    [401, 201, 403, 403, 403]),
    own("GET",   "/api/v1/experts/{plain_expert}/calendar.ics?token=not-a-token", Empty, [404, 404, 404, 404, 404]),
    row("GET",   "/api/v1/experts/{plain_expert}/availability", Empty,         [401, 200, 200, 200, 403]),
    row("GET",   "/api/v1/experts/{outsider_expert}/availability", Empty,      [401, 200, 403, 403, 403]),
    row("PUT",   "/api/v1/experts/{plain_expert}/availability", Json(weekly),  [401, 200, 403, 200, 403]),
    row("PUT",   "/api/v1/experts/{outsider_expert}/availability", Json(weekly), [401, 200, 403, 403, 403]),
    row("GET",   "/api/v1/blackouts", Empty,                                   [401, 200, 200, 200, 200]),
    row("POST",  "/api/v1/blackouts", Json(school_blackout),                   [401, 201, 403, 403, 201]),
    row("DELETE", "/api/v1/blackouts/{city_blackout}", Empty,                  [401, 204, 403, 403, 403]),
    row("DELETE", "/api/v1/blackouts/{school_b_blackout}", Empty,              [401, 204, 403, 403, 404]),
    row("GET",   "/api/v1/audit", Empty,                                       [401, 200, 403, 403, 403]),
    // Pages: whoever holds the link's token may use it; a bearer token changes nothing.
    own("GET",   "/set-password?token=not-a-token", Empty,                     [404, 404, 404, 404, 404]),
    own("POST",  "/set-password", Form(BOGUS_SET_PASSWORD_FORM),               [404, 404, 404, 404, 404]),
    own("GET",   "/confirm-email?token=not-a-token", Empty,                    [404, 404, 404, 404, 404]),
    own("POST",  "/confirm-email", Form("token=not-a-token"),                  [404, 404, 404, 404, 404]),
];

const BOGUS_SET_PASSWORD_FORM: &str =
    "token=not-a-token&new_password=a+brand+new+passphrase&confirm_password=a+brand+new+passphrase";

const IMPORT_CSV: &str = include_str!("../../api_docs/experts_sample.csv");

fn login_body() -> Value {
    json!({ "login": "plain", "password": PASSWORD })
}
fn own_phone() -> Value {
    json!({ "phone": "13700000000" })
}
fn bogus_refresh() -> Value {
    json!({ "refresh_token": "not-a-token" })
}
fn reset_body() -> Value {
    json!({ "login": "nobody.here" })
}
fn set_password_body() -> Value {
    json!({ "token": "not-a-token", "new_password": "a brand new passphrase 42" })
}
fn change_password_body() -> Value {
    json!({ "old_password": PASSWORD, "new_password": "a brand new passphrase 42" })
}
fn new_user() -> Value {
    json!({ "login": "new.officer", "display_name": "新同事", "role": "admin", "email": "new@example.cn" })
}
fn rename_user() -> Value {
    json!({ "display_name": "改名" })
}
fn same_leads() -> Value {
    json!({ "lead": "{lead_expert}", "deputies": [] })
}
fn new_school() -> Value {
    json!({ "name": "新建学校", "school_type": "primary", "district": "鼓楼区", "address": "新路1号", "contact_person": "张老师" })
}
fn school_contact() -> Value {
    json!({ "contact_person": "王老师" })
}
fn new_expert() -> Value {
    json!({
        "login": "new.expert", "name": "新专家", "category": "veteran_teacher", "bio": "退休教师。",
        "districts": ["鼓楼区"], "modes": ["online"], "primary_team": "reading",
        "phone": "13900000001", "email": "new.expert@example.cn"
    })
}
fn new_bio() -> Value {
    json!({ "bio": "新的简介。" })
}
fn suspend() -> Value {
    json!({ "to": "suspended", "reason": "矩阵测试" })
}
fn plain_proposal() -> Value {
    json!({
        "expert_id": "{plain_expert}", "team": "reading", "title": "新课程", "description": "新课程简介。",
        "audiences": ["parents"], "modes": ["online"], "duration_minutes": 60
    })
}
fn new_title() -> Value {
    json!({ "title": "改过的标题" })
}
fn approve() -> Value {
    json!({ "decision": "approve" })
}

fn new_lecture() -> Value {
    json!({
        "team": "reading", "topic": "亲子共读", "mode": "online", "audiences": ["parents"],
        "expected_size": 60, "slots": [{ "start": "2026-03-10T10:00:00+08:00", "end": "2026-03-10T11:00:00+08:00" }]
    })
}
fn lecture_note() -> Value {
    json!({ "note": "请带话筒" })
}
fn offer_plain() -> Value {
    json!({ "expert_id": "{plain_expert}" })
}
fn offer_lead() -> Value {
    json!({ "expert_id": "{lead_expert}" })
}
fn offer_outsider() -> Value {
    json!({ "expert_id": "{outsider_expert}" })
}
fn offer_outsider_anyway() -> Value {
    json!({ "expert_id": "{outsider_expert}", "override_reason": "阅读团人手不足" })
}
fn empty() -> Value {
    json!({})
}
fn reason() -> Value {
    json!({ "reason": "矩阵测试" })
}
fn weekly() -> Value {
    json!({ "rules": [{ "weekday": 3, "start": "09:00", "end": "17:00" }], "exceptions": [] })
}
fn school_blackout() -> Value {
    json!({ "name": "运动会", "start_date": "2026-04-01", "end_date": "2026-04-02", "scope": "school", "school_id": "{school_a}" })
}
fn join() -> Value {
    json!({ "expected_size": 30 })
}
fn later() -> Value {
    json!({ "start": "2026-03-05T15:00:00+08:00", "end": "2026-03-05T16:00:00+08:00" })
}

/// A lecture request on Wednesday 4 March 2026 at `hour` (UTC; +08:00 adds 8), one hour,
/// online.
fn lecture_input(course_id: Option<String>, team: Option<&str>, hour: u32) -> LectureInput {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 4)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .expect("time");
    LectureInput {
        course_id,
        team: team.map(str::to_owned),
        topic: team.map(|_| "等待派课".to_owned()),
        mode: LectureMode::Online,
        audiences: vec![Audience::Parents],
        grade_bands: vec![],
        expected_size: 50,
        slots: vec![Span {
            start,
            end: start + chrono::Duration::hours(1),
        }],
        school_id: None,
        expert_id: None,
        address: None,
        platform: None,
        link: None,
        meeting_id: None,
        passcode: None,
        note: None,
        override_reason: None,
    }
}

/// The fixture world: the callers' tokens and the ids the placeholders name.
struct World {
    app: TestApp,
    ids: HashMap<&'static str, String>,
    tokens: [Option<String>; 5],
}

fn draft(team: &str, title: &str) -> CourseDraft {
    CourseDraft {
        team: team.to_owned(),
        title: title.to_owned(),
        description: format!("{title}的简介。"),
        outline: String::new(),
        audiences: vec![Audience::Parents],
        grade_bands: vec![],
        modes: vec![Mode::Online],
        duration_minutes: 60,
        max_audience: None,
    }
}

impl World {
    async fn new() -> World {
        let app = TestApp::new().await;
        let admin = app.user(Role::Admin, "office");
        let lead = app.expert("lead", "reading", ExpertStatus::Active);
        app.make_lead("reading", &lead.id);
        let plain = app.expert("plain", "reading", ExpertStatus::Active);
        let outsider = app.expert("outsider", "ideology", ExpertStatus::Active);
        let (school_a, school_user) = app.school_account("school.a");
        let (school_b, _) = app.school_account("school.b");

        let now = app.clock.now_naive();
        let office = Actor {
            user_id: admin.id.clone(),
            role: Role::Admin,
            expert_id: None,
            expert_status: None,
            school_id: None,
            lead_teams: vec![],
        };
        let settings = &app.state.settings;
        let courses = app.with_conn(|conn| {
            Uow::within(conn, settings, AuditContext::system(now), |uow| {
                let mut ids = Vec::new();
                for (expert, team, title, approved) in [
                    (&plain.id, "reading", "家长课堂", true),
                    (&plain.id, "reading", "亲子共读", false),
                    (&outsider.id, "ideology", "红色故事", true),
                    (&outsider.id, "ideology", "少年志向", false),
                    (&lead.id, "reading", "读书分享会", true),
                ] {
                    let id = propose(uow, &office, Some(expert.clone()), &draft(team, title))?;
                    if approved {
                        review(uow, &office, &id, Decision::Approve, None)?;
                    }
                    ids.push(id);
                }
                Ok(ids)
            })
            .expect("courses")
        });
        // Lectures: school A's booking of plain's course (offered to plain), school A's
        // request to the reading team (waiting), school B's booking of the outsider's course,
        // school A's booking of the lead's course (offered to the lead).
        let school_actor = |school_id: &str| Actor {
            user_id: school_user.id.clone(),
            role: Role::School,
            expert_id: None,
            expert_status: None,
            school_id: Some(school_id.to_owned()),
            lead_teams: vec![],
        };
        let lectures = app.with_conn(|conn| {
            Uow::within(conn, settings, AuditContext::system(now), |uow| {
                let a = school_actor(&school_a.id);
                let b = school_actor(&school_b.id);
                let offered = create(uow, &a, lecture_input(Some(courses[0].clone()), None, 2))?;
                let waiting = create(uow, &a, lecture_input(None, Some("reading"), 6))?;
                let outsider = create(uow, &b, lecture_input(Some(courses[2].clone()), None, 2))?;
                let lead_held = create(uow, &a, lecture_input(Some(courses[4].clone()), None, 4))?;
                // A city-wide online lecture of the office, which school A has joined.
                let citywide = create(uow, &office, lecture_input(None, Some("reading"), 8))?;
                guanai::usecase::lecture::join(uow, &a, &citywide.id, 40)?;
                // Blackouts: one for the city, one of school B's own.
                let period = |name: &str, scope, school_id: Option<String>| NewBlackout {
                    name: name.to_owned(),
                    start_date: chrono::NaiveDate::from_ymd_opt(2026, 5, 1).expect("date"),
                    end_date: chrono::NaiveDate::from_ymd_opt(2026, 5, 5).expect("date"),
                    scope,
                    district: None,
                    school_id,
                };
                let city = add_blackout(uow, &office, period("劳动节", BlackoutScope::City, None))?;
                let own_b = add_blackout(uow, &b, period("校庆", BlackoutScope::School, None))?;
                Ok([
                    offered.id,
                    waiting.id,
                    outsider.id,
                    citywide.id,
                    city,
                    own_b,
                    lead_held.id,
                ])
            })
            .expect("lectures")
        });
        let notice_of = |user_id: &str| {
            app.with_conn(|conn| {
                Notification::inbox(conn, user_id, None, None, 10)
                    .expect("inbox")
                    .first()
                    .map(|n| n.id.clone())
                    .expect("a notification")
            })
        };
        let ids = HashMap::from([
            ("plain_expert", plain.id.clone()),
            ("outsider_expert", outsider.id.clone()),
            ("lead_expert", lead.id.clone()),
            ("team", "reading".to_owned()),
            ("plain_user", plain.user_id.clone()),
            ("school_a", school_a.id.clone()),
            ("school_b", school_b.id.clone()),
            ("plain_course", courses[0].clone()),
            ("pending_course", courses[1].clone()),
            ("outsider_course", courses[2].clone()),
            ("outsider_pending", courses[3].clone()),
            ("plain_notice", notice_of(&plain.user_id)),
            ("outsider_notice", notice_of(&outsider.user_id)),
            ("offered_lecture", lectures[0].clone()),
            ("waiting_lecture", lectures[1].clone()),
            ("outsider_lecture", lectures[2].clone()),
            ("citywide_lecture", lectures[3].clone()),
            ("city_blackout", lectures[4].clone()),
            ("school_b_blackout", lectures[5].clone()),
            ("lead_lecture", lectures[6].clone()),
        ]);
        let token = |user_id: &str| {
            let user =
                app.with_conn(|conn| User::find(conn, user_id).expect("find").expect("user"));
            let now = app.clock.now();
            let pair = app
                .with_conn(|conn| {
                    guanai::auth::session::issue_tokens(conn, &app.state, &user, None, now)
                })
                .expect("tokens");
            Some(pair.access_token)
        };
        let tokens = [
            None,
            token(&admin.id),
            token(&lead.user_id),
            token(&plain.user_id),
            token(&school_user.id),
        ];
        World { app, ids, tokens }
    }

    /// `text` with every `{placeholder}` replaced by the world's id.
    fn fill(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (name, id) in &self.ids {
            out = out.replace(&format!("{{{name}}}"), id);
        }
        out
    }

    async fn call(&self, row: &Row, caller: usize) -> TestResponse {
        let method = Method::from_bytes(row.method.as_bytes()).expect("method");
        let mut req = TestRequest::default()
            .method(method)
            .uri(&self.fill(row.path));
        if let Some(token) = &self.tokens[caller] {
            req = req.insert_header((header::AUTHORIZATION, format!("Bearer {token}")));
        }
        req = match row.body {
            Body::None => req,
            Body::Json(body) => req
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .set_payload(self.fill(&body().to_string())),
            Body::Csv(text) => req
                .insert_header((header::CONTENT_TYPE, "text/csv"))
                .set_payload(text.as_bytes().to_vec()),
            Body::Form(text) => req
                .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
                .set_payload(text.as_bytes().to_vec()),
        };
        self.app.call(req).await
    }
}

/// `/api/v1/courses/{pending_course}` and `/api/v1/courses/{id}` are the same route.
fn route_shape(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn every_route_in_the_table_has_a_row() {
    let missing: Vec<String> = guanai::api::ROUTES
        .iter()
        .filter(|route| {
            !ROWS.iter().any(|row| {
                row.method == route.method && route_shape(row.path) == route_shape(route.path)
            })
        })
        .map(|route| format!("{} {}", route.method, route.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a matrix row: {missing:?}"
    );
}

/// Calls `row` as `caller` in `world` and says what differs from the matrix, if anything.
async fn check(world: &World, row: &Row, caller: usize, wrong: &mut Vec<String>) {
    let expected = row.expect[caller];
    let response = world.call(row, caller).await;
    let status = response.status.as_u16();
    let is_page = guanai::api::ROUTES.iter().any(|route| {
        route.kind == guanai::api::RouteKind::Page
            && route.method == row.method
            && route_shape(route.path) == route_shape(row.path)
    });
    // An API refusal is problem+json; a page's is a page.
    let well_formed = if is_page {
        response
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    } else {
        response.header("content-type") == Some("application/problem+json")
            && response.body["status"] == status
    };
    if status != expected || (status >= 400 && !well_formed) {
        wrong.push(format!(
            "{} {} as {}: expected {expected}, got {status}: {}",
            row.method, row.path, CALLERS[caller], response.body
        ));
    }
}

#[actix_web::test]
async fn every_caller_gets_exactly_what_the_matrix_says() {
    let mut wrong = Vec::new();
    // Reads change nothing: one world serves them all.
    let readers = World::new().await;
    for row in ROWS.iter().filter(|r| r.method == "GET") {
        for caller in 0..CALLERS.len() {
            check(&readers, row, caller, &mut wrong).await;
        }
    }
    // A write gets a world per row: the refused calls first (they change nothing, and an
    // unexpected success shows up as a difference), then the first expected success; every
    // further success gets a fresh world, so one caller's change cannot hide another's.
    for row in ROWS.iter().filter(|r| r.method != "GET") {
        let world = World::new().await;
        let (allowed, refused): (Vec<usize>, Vec<usize>) =
            (0..CALLERS.len()).partition(|c| row.expect[*c] < 400);
        for caller in refused {
            check(&world, row, caller, &mut wrong).await;
        }
        for (n, caller) in allowed.into_iter().enumerate() {
            if n == 0 || row.independent {
                check(&world, row, caller, &mut wrong).await;
            } else {
                check(&World::new().await, row, caller, &mut wrong).await;
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} calls differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// A caller who names a field they may not set (`status`, `school_id`, `expert_id`, `role`,
/// `version`, or an admin-only profile field) is refused, and the object stays as it was.
#[actix_web::test]
async fn fields_a_caller_may_not_set_change_nothing() {
    const ADMIN: usize = 1;
    const LEAD: usize = 2;
    const EXPERT: usize = 3;
    const SCHOOL: usize = 4;
    // caller, method, path, body, expected status; then what to read back and its pointer.
    let cases: [(usize, &str, &str, Value, u16, &str, &str); 10] = [
        (
            EXPERT,
            "PATCH",
            "/api/v1/experts/{plain_expert}",
            json!({ "status": "suspended" }),
            422,
            "/api/v1/experts/{plain_expert}",
            "/status",
        ),
        (
            EXPERT,
            "PATCH",
            "/api/v1/experts/{plain_expert}",
            json!({ "version": 99 }),
            422,
            "/api/v1/experts/{plain_expert}",
            "/version",
        ),
        (
            EXPERT,
            "PATCH",
            "/api/v1/experts/{plain_expert}",
            json!({ "name": "冒名" }),
            403,
            "/api/v1/experts/{plain_expert}",
            "/name",
        ),
        (
            EXPERT,
            "PATCH",
            "/api/v1/courses/{pending_course}",
            json!({ "status": "approved" }),
            422,
            "/api/v1/courses/{pending_course}",
            "/status",
        ),
        (
            EXPERT,
            "PATCH",
            "/api/v1/courses/{pending_course}",
            json!({ "expert_id": "{outsider_expert}" }),
            422,
            "/api/v1/courses/{pending_course}",
            "/expert_id",
        ),
        (
            EXPERT,
            "POST",
            "/api/v1/courses",
            json!({ "team": "reading", "title": "Self approved", "description": "x", "audiences": ["parents"],
                    "modes": ["online"], "duration_minutes": 60, "status": "approved" }),
            422,
            "/api/v1/courses?q=self%20approved",
            "/items/0/status",
        ),
        (
            SCHOOL,
            "PATCH",
            "/api/v1/schools/{school_a}",
            json!({ "school_id": "{school_b}" }),
            422,
            "/api/v1/schools/{school_a}",
            "/id",
        ),
        (
            SCHOOL,
            "PATCH",
            "/api/v1/schools/{school_a}",
            json!({ "version": 7 }),
            422,
            "/api/v1/schools/{school_a}",
            "/version",
        ),
        (
            ADMIN,
            "PATCH",
            "/api/v1/users/{plain_user}",
            json!({ "role": "admin" }),
            422,
            "/api/v1/users/{plain_user}",
            "/role",
        ),
        (
            LEAD,
            "POST",
            "/api/v1/courses/{pending_course}/review",
            json!({ "decision": "approve", "status": "retired" }),
            422,
            "/api/v1/courses/{pending_course}",
            "/status",
        ),
    ];
    let world = World::new().await;
    // Read back as the office, which sees every object and field.
    for (caller, method, path, body, expected, read, pointer) in cases {
        let read_row = row("GET", read, Body::None, [0; 5]);
        let before = world.call(&read_row, ADMIN).await.body;
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let token = world.tokens[caller].clone().expect("token");
        let req = TestRequest::default()
            .method(method)
            .uri(&world.fill(path))
            .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload(world.fill(&body.to_string()));
        let response = world.app.call(req).await;
        assert_eq!(
            response.status.as_u16(),
            expected,
            "{path} with {body} as {}: {}",
            CALLERS[caller],
            response.body
        );
        let after = world.call(&read_row, ADMIN).await.body;
        assert_eq!(
            before.pointer(pointer),
            after.pointer(pointer),
            "{path} with {body} changed {pointer}"
        );
    }
}

/// Every creating POST of the route table honours `Idempotency-Key`: sent twice, the second
/// answer is the first one replayed.
#[actix_web::test]
async fn every_creating_post_replays_under_its_idempotency_key() {
    let creating: Vec<_> = guanai::api::ROUTES.iter().filter(|r| r.creates).collect();
    assert!(!creating.is_empty());
    for route in creating {
        let row = ROWS
            .iter()
            .find(|row| {
                row.method == route.method && route_shape(row.path) == route_shape(route.path)
            })
            .expect("a matrix row");
        let caller = (1..CALLERS.len())
            .find(|c| row.expect[*c] < 300)
            .expect("someone may create");
        let world = World::new().await;
        let send = || {
            let mut req = TestRequest::post()
                .uri(&world.fill(row.path))
                .insert_header((
                    header::AUTHORIZATION,
                    format!("Bearer {}", world.tokens[caller].clone().expect("token")),
                ))
                .insert_header(("Idempotency-Key", "matrix-key"));
            req = match row.body {
                Body::None => req,
                Body::Json(body) => req
                    .insert_header((header::CONTENT_TYPE, "application/json"))
                    .set_payload(world.fill(&body().to_string())),
                Body::Csv(text) => req
                    .insert_header((header::CONTENT_TYPE, "text/csv"))
                    .set_payload(text.as_bytes().to_vec()),
                Body::Form(text) => req
                    .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
                    .set_payload(text.as_bytes().to_vec()),
            };
            world.app.call(req)
        };
        let first = send().await;
        let again = send().await;
        assert!(
            first.status.is_success(),
            "{} {}: {}",
            route.method,
            route.path,
            first.body
        );
        assert_eq!(first.header("idempotency-replayed"), None, "{}", route.path);
        assert_eq!(again.status, first.status, "{}", route.path);
        assert_eq!(
            again.header("idempotency-replayed"),
            Some("true"),
            "{}",
            route.path
        );
        assert_eq!(
            again.header("location"),
            first.header("location"),
            "{}",
            route.path
        );
        let mut replayed = again.body.clone();
        if let Some(map) = replayed.as_object_mut() {
            map.remove("replay_note");
        }
        let mut original = first.body.clone();
        if let Some(map) = original.as_object_mut() {
            // One-time secrets are never kept for a replay.
            for secret in ["set_password_token", "token", "url"] {
                if map.contains_key(secret) {
                    map.insert(secret.into(), Value::Null);
                }
            }
        }
        assert_eq!(replayed, original, "{}", route.path);
    }
}

/// Who may not call a route at all is told so before the body is read: no token is 401 and a
/// role that may never call the route is 403, whatever the body holds (a body that would be
/// a 422 must not teach a stranger the schema). A role is refused outright when the matrix
/// refuses it on every row of the route; permissions that depend on the object or on the
/// body come after parsing and are not checked here.
#[actix_web::test]
async fn callers_who_may_never_call_a_route_are_refused_before_the_body_is_read() {
    let world = World::new().await;
    let mut wrong = Vec::new();
    for row in ROWS.iter().filter(|r| r.method != "GET") {
        let is_page = guanai::api::ROUTES.iter().any(|route| {
            route.kind == guanai::api::RouteKind::Page
                && route_shape(route.path) == route_shape(row.path)
        });
        if is_page {
            continue;
        }
        let same_route: Vec<&Row> = ROWS
            .iter()
            .filter(|r| r.method == row.method && route_shape(r.path) == route_shape(row.path))
            .collect();
        // The lead and the plain expert are both of the role `expert`.
        let role_of = |caller: usize| match caller {
            2 | 3 => 2,
            other => other,
        };
        for (caller, caller_name) in CALLERS.iter().enumerate() {
            let role_refused = caller > 0
                && same_route.iter().all(|r| {
                    (1..CALLERS.len())
                        .filter(|c| role_of(*c) == role_of(caller))
                        .all(|c| r.expect[c] == 403)
                });
            // No token: refused outright where the route wants one (a route that answers
            // 401 to everyone judges the body's own credentials, like a refresh token).
            let wants_token = caller == 0 && (1..CALLERS.len()).any(|c| row.expect[c] != 401);
            if !(role_refused || (wants_token && row.expect[0] == 401)) {
                continue;
            }
            let method = Method::from_bytes(row.method.as_bytes()).expect("method");
            let mut req = TestRequest::default()
                .method(method)
                .uri(&world.fill(row.path))
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .set_payload(r#"{"no_such_field": [1, "two"]}"#);
            if let Some(token) = &world.tokens[caller] {
                req = req.insert_header((header::AUTHORIZATION, format!("Bearer {token}")));
            }
            let response = world.app.call(req).await;
            if response.status.as_u16() != row.expect[caller] {
                wrong.push(format!(
                    "{} {} as {}: expected {}, got {}: {}",
                    row.method,
                    row.path,
                    caller_name,
                    row.expect[caller],
                    response.status.as_u16(),
                    response.body["detail"]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} calls differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
