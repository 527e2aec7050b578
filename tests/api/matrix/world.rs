//! The matrix's fixture world: the callers, and the objects of their own and of others that
//! the rows' placeholders name.

use std::collections::HashMap;

use actix_web::http::{Method, header};
use actix_web::test::TestRequest;
use guanai::audit::AuditContext;
use guanai::auth::actor::Actor;
use guanai::clock::Clock as _;
use guanai::domain::availability::BlackoutScope;
use guanai::domain::course::CourseDraft;
use guanai::domain::lecture::LectureMode;
use guanai::domain::role::Role;
use guanai::domain::roster::{Audience, ExpertStatus, Mode};
use guanai::domain::schedule::Span;
use guanai::models::notification::Notification;
use guanai::models::user::User;
use guanai::usecase::Uow;
use guanai::usecase::availability::{NewBlackout, add_blackout};
use guanai::usecase::course::{Decision, propose, review};
use guanai::usecase::lecture::{LectureInput, create};

use super::{Body, Row};
use crate::common::{TestApp, TestResponse};

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
pub(super) struct World {
    pub(super) app: TestApp,
    pub(super) ids: HashMap<&'static str, String>,
    pub(super) tokens: [Option<String>; 5],
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
    pub(super) async fn new() -> World {
        let app = TestApp::new().await;
        let admin = app.user(Role::Admin, "office");
        let lead = app.expert("lead", "reading", ExpertStatus::Active);
        app.make_lead("reading", &lead.id);
        let plain = app.expert("plain", "reading", ExpertStatus::Active);
        let outsider = app.expert("outsider", "ideology", ExpertStatus::Active);
        // Free to observe anything.
        let watcher = app.expert("watcher", "reading", ExpertStatus::Active);
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
                // The lead observes plain's offered lecture.
                guanai::usecase::lecture::assign_observer(uow, &office, &offered.id, &lead.id)?;
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
        // Given lectures, to report: school A's booking of plain's course, and a city-wide
        // one school A joined, given by the lead; each accepted, checked in by the office and
        // checked out by its expert. The lead observes plain's, plain the lead's.
        let expert_actor = |user_id: &str, expert_id: &str| Actor {
            user_id: user_id.to_owned(),
            role: Role::Expert,
            expert_id: Some(expert_id.to_owned()),
            expert_status: Some(ExpertStatus::Active),
            school_id: None,
            lead_teams: vec![],
        };
        let given = app.with_conn(|conn| {
            Uow::within(conn, settings, AuditContext::system(now), |uow| {
                use guanai::usecase::lecture::{Proof, accept, check_in, check_out, offer};
                let a = school_actor(&school_a.id);
                let plain_actor = expert_actor(&plain.user_id, &plain.id);
                let lead_actor = expert_actor(&lead.user_id, &lead.id);
                let own = create(uow, &a, lecture_input(Some(courses[0].clone()), None, 12))?;
                let citywide = create(uow, &office, lecture_input(None, Some("reading"), 10))?;
                guanai::usecase::lecture::join(uow, &a, &citywide.id, 40)?;
                offer(uow, &office, &citywide.id, &lead.id, None, None)?;
                for (id, expert, observer) in [
                    (&own.id, &plain_actor, &lead.id),
                    (&citywide.id, &lead_actor, &plain.id),
                ] {
                    accept(uow, expert, id, None)?;
                    guanai::usecase::lecture::assign_observer(uow, &office, id, observer)?;
                    let why = Proof::Reason("电话确认已到场".to_owned());
                    check_in(uow, &office, id, &why)?.expect("checked in");
                    check_out(uow, expert, id)?;
                }
                // School A evaluates its own given lecture (which closes it).
                let scores = guanai::usecase::lecture::EvaluationScores {
                    content: 4,
                    delivery: 4,
                    interaction: 4,
                    effect: 4,
                    relevance: 4,
                };
                let evaluation =
                    guanai::usecase::lecture::evaluate(uow, &a, &own.id, scores, "很实用")?;
                // A certificate of plain's service in March.
                let march = guanai::usecase::lecture::Period {
                    from: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date"),
                    to: chrono::NaiveDate::from_ymd_opt(2026, 3, 31).expect("date"),
                };
                let certificate =
                    guanai::usecase::lecture::issue_certificate(uow, &office, &plain.id, march)?;
                Ok([own.id, citywide.id, evaluation, certificate.serial])
            })
            .expect("given lectures")
        });
        // Pending leave of plain, of the lead (theirs to ask, not to approve) and of the
        // outsider, each asked for by the expert themselves.
        let leaves = app.with_conn(|conn| {
            Uow::within(conn, settings, AuditContext::system(now), |uow| {
                let mut ids = Vec::new();
                for (expert, user_id, day) in [
                    (&plain.id, &plain.user_id, 1),
                    (&lead.id, &lead.user_id, 2),
                    (&outsider.id, &outsider.user_id, 3),
                ] {
                    let actor = Actor {
                        user_id: user_id.clone(),
                        role: Role::Expert,
                        expert_id: Some(expert.clone()),
                        expert_status: Some(ExpertStatus::Active),
                        school_id: None,
                        lead_teams: vec![],
                    };
                    let day = chrono::NaiveDate::from_ymd_opt(2026, 4, day).expect("date");
                    let days = guanai::domain::leave::LeaveDays {
                        first: day,
                        last: day,
                    };
                    let (id, _) = guanai::usecase::leave::request(uow, &actor, None, days, "探亲")?;
                    ids.push(id);
                }
                Ok(ids)
            })
            .expect("leaves")
        });
        // A consultation the plain expert answered, as they record it.
        let consultation = app.with_conn(|conn| {
            Uow::within(conn, settings, AuditContext::system(now), |uow| {
                let actor = Actor {
                    user_id: plain.user_id.clone(),
                    role: Role::Expert,
                    expert_id: Some(plain.id.clone()),
                    expert_status: Some(ExpertStatus::Active),
                    school_id: None,
                    lead_teams: vec![],
                };
                let input = guanai::usecase::consultation::ConsultationInput {
                    channel: guanai::domain::help::ConsultationChannel::Hotline,
                    topics: vec![guanai::domain::help::HelpTopic::ExamAnxiety],
                    minutes: 20,
                    families: 1,
                    expert_id: None,
                    school_id: None,
                    note: None,
                    at: now,
                };
                guanai::usecase::consultation::record(uow, &actor, input)
            })
            .expect("consultation")
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
            ("watcher_expert", watcher.id.clone()),
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
            ("given_lecture", given[0].clone()),
            ("given_citywide", given[1].clone()),
            ("school_a_evaluation", given[2].clone()),
            ("certificate", given[3].clone()),
            ("unknown_serial", "GA2026-000000000000".to_owned()),
            ("plain_leave", leaves[0].clone()),
            ("lead_leave", leaves[1].clone()),
            ("outsider_leave", leaves[2].clone()),
            ("plain_consultation", consultation),
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
    pub(super) fn fill(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (name, id) in &self.ids {
            out = out.replace(&format!("{{{name}}}"), id);
        }
        out
    }

    pub(super) async fn call(&self, row: &Row, caller: usize) -> TestResponse {
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
