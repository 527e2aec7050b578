//! Benchmark support (feature `bench-routes`, off by default; `bench/run.sh` builds with it).
//! The ceilings the lists are measured against — a plain JSON answer, a bare 20-row read of
//! one table and a bare one-row insert, both behind the same authentication extractor and
//! through the same pool as every API route, so that a list's ratio to them measures the
//! list's own cost — and `guanai seed-bench`, which fills an empty database with a roster of
//! the size the office will have in a few years.

use crate::db::OnBackend;
use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::AppState;
use crate::api::pagination::{self, Page};
use crate::audit::AuditContext;
use crate::auth::AuthUser;
use crate::config::Settings;
use crate::db::schema::schools;
use crate::db::{self, DbConnection};
use crate::domain::profile::{Profile, TEAM_CODES};
use crate::domain::role::Role;
use crate::domain::roster::{Category, CourseStatus, ExpertStatus, Mode};
use crate::error::ApiResult;
use crate::models::course::{CourseSets, NewCourse};
use crate::models::rate_event::RateEvent;
use crate::models::school::{NewSchool, School};
use crate::models::user::{NewUser, User};
use crate::usecase::expert::NewExpertInput;
use crate::usecase::{self, Uow};

mod attendance;

use attendance::{seed_check_ins, seed_given};

/// The benchmark's logins; their password is [`BENCH_PASSWORD`].
pub const BENCH_ADMIN: &str = "bench.admin";
pub const BENCH_SCHOOL: &str = "bench.school";
pub const BENCH_PASSWORD: &str = "bench-password-2026";
/// The expert whose service record is read: [`attendance::GIVEN_IN_A_YEAR`] given lectures.
pub const BENCH_RECORD_EXPERT: &str = "bench.record";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/bench/plain", web::get().to(plain))
        .route("/bench/read", web::get().to(bare_read))
        .route("/bench/insert", web::post().to(bare_insert));
}

/// A constant JSON answer: the stack without database or authentication.
async fn plain() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "items": [], "next_cursor": null }))
}

/// 20 rows of one table in one query, behind the authentication every route has, written
/// as a list writes its page ([`pagination::read`]).
async fn bare_read(state: web::Data<AppState>, _user: AuthUser) -> ApiResult<HttpResponse> {
    let page = pagination::read(&state.db, |conn| {
        let rows: Vec<(String, String, String)> = schools::table
            .order((schools::created_at.asc(), schools::id.asc()))
            .limit(20)
            .select((schools::id, schools::name, schools::district))
            .load_on(conn)?;
        let items = rows
            .into_iter()
            .map(|(id, name, district)| json!({ "id": id, "name": name, "district": district }))
            .collect();
        Ok(Page {
            items,
            next_cursor: None,
        })
    })
    .await?;
    Ok(page.respond())
}

/// One row written in one statement, behind the same authentication.
async fn bare_insert(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let now = state.clock.now_naive();
    let subject = user.id().to_owned();
    db::run(&state.db, move |conn| {
        Ok(RateEvent::record(conn, "bench", &subject, now)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({ "ok": true })))
}

/// What `seed` made.
#[derive(Debug)]
pub struct Seeded {
    pub experts: usize,
    pub courses: usize,
    pub schools: usize,
    pub lectures: usize,
    /// The given city-wide lecture whose evaluations and observations the lists read.
    pub evaluated_lecture: Option<String>,
}

/// How much `seed` makes.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub experts: usize,
    pub courses: usize,
    pub schools: usize,
    /// Past lectures (see [`seed_lectures`]).
    pub lectures: usize,
}

/// Fills a database (the caller makes sure it is empty): [`BENCH_ADMIN`], `schools` schools (the first with the account
/// [`BENCH_SCHOOL`]), `experts` active experts spread over the six sub-teams, and `courses`
/// approved courses spread over the experts, and `lectures` past lectures
/// ([`seed_lectures`]). `password_hash` is the hash of [`BENCH_PASSWORD`].
pub fn seed(
    conn: &mut DbConnection,
    settings: &Settings,
    password_hash: &str,
    now: NaiveDateTime,
    sizes: Sizes,
) -> ApiResult<Seeded> {
    let Sizes {
        experts,
        courses,
        schools,
        lectures,
    } = sizes;
    Uow::within(conn, settings, AuditContext::system(now), |uow| {
        let ready = |login: &str, name: &str, role: Role| NewUser {
            password_hash: Some(password_hash.to_owned()),
            must_change_password: false,
            ..NewUser::new(login, name, role, now)
        };
        let admin = ready(BENCH_ADMIN, "基准测试办公室", Role::Admin);
        User::insert(uow.conn, &admin)?;
        let mut school_ids = Vec::with_capacity(schools);
        for n in 0..schools {
            let (name, district) = (format!("基准第{n}学校"), format!("第{}区", n % 12));
            let address = format!("{district}学府路{n}号");
            let at = now + chrono::Duration::microseconds(i64::try_from(n).unwrap_or(0));
            let school = NewSchool {
                id: crate::db::new_id(),
                search_text: crate::models::school::search_text(&name, &district, &address),
                name,
                school_type: "primary".to_owned(),
                district,
                address,
                contact_person: "德育处".to_owned(),
                phone: None,
                version: 1,
                created_at: at,
                updated_at: at,
            };
            School::insert(uow.conn, &school)?;
            school_ids.push(school.id);
        }
        if let Some(first) = school_ids.first() {
            let account = NewUser {
                school_id: Some(first.clone()),
                ..ready(BENCH_SCHOOL, "基准第0学校", Role::School)
            };
            User::insert(uow.conn, &account)?;
        }
        let categories = [
            Category::VeteranCadre,
            Category::VeteranSoldier,
            Category::VeteranExpert,
            Category::VeteranTeacher,
            Category::VeteranModel,
        ];
        let mut roster = Vec::with_capacity(experts);
        let enroll = |uow: &mut Uow<'_>, login: &str, n: usize, name: &str| {
            let team = TEAM_CODES[n % TEAM_CODES.len()];
            let profile = Profile {
                name: name.to_owned(),
                gender: None,
                birth_year: Some(1940 + i32::try_from(n % 20).unwrap_or(0)),
                category: categories[n % categories.len()],
                former_post: Some("退休教师".to_owned()),
                former_org: None,
                specialties: vec!["家庭教育".to_owned(), format!("专长{}", n % 40)],
                bio: format!("{name}，从教四十年，退休后加入关爱专家团。"),
                districts: vec![format!("第{}区", n % 12)],
                modes: vec![Mode::Online, Mode::Offline],
                max_per_week: 3,
                max_per_month: 10,
                rest_weekdays: vec![7],
                primary_team: team.to_owned(),
                extra_teams: Vec::new(),
            };
            let input = NewExpertInput {
                account: ready(login, name, Role::Expert),
                profile,
                status: ExpertStatus::Active,
                reason: "benchmark roster".to_owned(),
                notify: false,
            };
            usecase::expert::create(uow, input).map(|(id, _)| (id, team))
        };
        for n in 0..experts {
            roster.push(enroll(
                uow,
                &format!("bench.expert{n}"),
                n,
                &format!("基准专家{n}"),
            )?);
        }
        // Outside the roster's rotation: only the given lectures of its record are theirs.
        let record_expert = enroll(uow, BENCH_RECORD_EXPERT, 0, "基准记录专家")?;
        for n in 0..courses {
            let Some((expert_id, team)) = roster.get(n % roster.len().max(1)) else {
                break;
            };
            let title = format!("基准课程{n}");
            let description = format!("{title}：互动讲授，配合案例分析。");
            let at = now + chrono::Duration::microseconds(i64::try_from(n).unwrap_or(0));
            let new = NewCourse {
                id: crate::db::new_id(),
                expert_id: expert_id.clone(),
                team_code: (*team).to_owned(),
                search_text: crate::models::course::search_text(&title, &description, ""),
                title,
                description,
                outline: String::new(),
                duration_minutes: 60,
                max_audience: None,
                status: CourseStatus::Approved,
                created_by: admin.id.clone(),
                version: 1,
                created_at: at,
                updated_at: at,
            };
            let sets = CourseSets {
                audiences: vec!["parents".to_owned()],
                grades: Vec::new(),
                modes: vec!["online".to_owned(), "offline".to_owned()],
            };
            crate::demo::enter_approved_course(uow, &new, &sets, "benchmark menu")?;
        }
        let lectures = seed_lectures(uow, &roster, &school_ids, lectures, now)?;
        seed_leaves(uow, &roster, &admin.id, now)?;
        seed_consultations(uow, &roster, &school_ids, &admin.id, now)?;
        if let Some(school) = school_ids.first() {
            seed_check_ins(uow, &roster, school, now)?;
        }
        let evaluated_lecture =
            seed_given(uow, &record_expert, &roster, &school_ids, &admin.id, now)?;
        Ok(Seeded {
            experts: roster.len(),
            courses,
            schools,
            lectures,
            evaluated_lecture,
        })
    })
}

/// `count` lectures of the past, as the office's history will hold them after a few years:
/// each expert gives one a day (09:00-10:30 in the service zone, going back one day per
/// round of the roster), nine in ten given — `closed`, or `delivered` in the last 14 days
/// (what the timers leave them as: none is due for a timer, so no job works beside the
/// loads) — one in ten `cancelled`. One in eight belongs to the benchmark school (so its list runs 500 pages and
/// more), one in 500 is a city-wide online lecture that it joined; the rest are spread over
/// the other schools. Each has its proposed slot and the history row of its last change.
fn seed_lectures(
    uow: &mut Uow<'_>,
    roster: &[(String, &str)],
    school_ids: &[String],
    count: usize,
    now: NaiveDateTime,
) -> ApiResult<usize> {
    use crate::db::schema::{lecture_participants, lectures, state_changes};
    use crate::domain::lecture::{LectureMode, LectureState, Origin};
    use crate::domain::schedule::Span;
    use crate::models::lecture::{Lecture, NewLecture};

    let (Some(bench_school), Some(others)) = (school_ids.first(), school_ids.get(1..)) else {
        return Ok(0);
    };
    if roster.is_empty() || others.is_empty() {
        return Ok(0);
    }
    let today = now.date().and_hms_opt(1, 0, 0).unwrap_or(now);
    let travel = uow.settings.travel_buffer_minutes;
    for n in 0..count {
        let (expert_id, team) = &roster[n % roster.len()];
        let days_back = i64::try_from(n / roster.len() + 1).unwrap_or(i64::MAX / 2);
        let start = today - chrono::Duration::days(days_back);
        let span = Span {
            start,
            end: start + chrono::Duration::minutes(90),
        };
        let city_wide = n % 500 == 250;
        let school = if city_wide {
            None
        } else if n % 8 == 0 {
            Some(bench_school.clone())
        } else {
            Some(others[n % others.len()].clone())
        };
        let mode = if city_wide || n % 2 == 1 {
            LectureMode::Online
        } else {
            LectureMode::Offline
        };
        let state = if n % 10 == 3 {
            LectureState::Cancelled
        } else if days_back > 14 {
            LectureState::Closed
        } else {
            LectureState::Delivered
        };
        let created = start - chrono::Duration::days(14);
        let new = NewLecture {
            id: crate::db::new_id(),
            origin: if n % 3 == 0 {
                Origin::Dispatch
            } else {
                Origin::Booking
            },
            state,
            team_code: (*team).to_owned(),
            course_id: None,
            topic: format!("基准讲座{n}：家校共育"),
            mode,
            audiences: "parents".to_owned(),
            grade_bands: None,
            expected_size: 120,
            school_id: school,
            sort_at: start,
            address: (mode == LectureMode::Offline).then(|| "学府路1号礼堂".to_owned()),
            platform: (mode == LectureMode::Online).then(|| "腾讯会议".to_owned()),
            link: (mode == LectureMode::Online).then(|| format!("https://meeting.example/{n}")),
            meeting_id: None,
            passcode: None,
            note: None,
            created_by: None,
            version: 3,
            created_at: created,
            updated_at: start - chrono::Duration::days(7),
        };
        diesel::insert_into(lectures::table)
            .values((
                &new,
                lectures::expert_id.eq(expert_id),
                lectures::starts_at.eq(span.start),
                lectures::ends_at.eq(span.end),
                lectures::travel_minutes
                    .eq(i32::try_from(mode.travel_minutes(travel)).unwrap_or(0)),
            ))
            .execute(uow.conn)?;
        Lecture::replace_slots(uow.conn, &new.id, &[span])?;
        if city_wide {
            diesel::insert_into(lecture_participants::table)
                .values((
                    lecture_participants::lecture_id.eq(&new.id),
                    lecture_participants::school_id.eq(bench_school),
                    lecture_participants::expected_size.eq(300),
                    lecture_participants::joined_at.eq(created),
                ))
                .execute(uow.conn)?;
        }
        diesel::insert_into(state_changes::table)
            .values((
                state_changes::object_type.eq("lecture"),
                state_changes::object_id.eq(&new.id),
                state_changes::seq.eq(3),
                state_changes::action.eq(match state {
                    LectureState::Cancelled => "cancel",
                    LectureState::Closed => "close",
                    _ => "check_out",
                }),
                state_changes::from_state.eq(match state {
                    LectureState::Cancelled => "confirmed",
                    LectureState::Closed => "delivered",
                    _ => "in_progress",
                }),
                state_changes::to_state.eq(state.as_str()),
                state_changes::at.eq(new.updated_at),
            ))
            .execute(uow.conn)?;
    }
    Ok(count)
}

/// Three past leaves per expert, two days each (rejected or withdrawn, so they hold nothing
/// beside the past lectures), recorded by the office: what the leave lists page through after
/// a few years.
fn seed_leaves(
    uow: &mut Uow<'_>,
    roster: &[(String, &str)],
    recorded_by: &str,
    now: NaiveDateTime,
) -> ApiResult<()> {
    use crate::domain::leave::{LeaveDays, LeaveState};
    use crate::models::leave::{Leave, NewLeave};

    let tz = uow.settings.timezone;
    let today = crate::domain::schedule::local_date(now, tz);
    for (n, (expert_id, _)) in roster.iter().enumerate() {
        for k in 0..3_i64 {
            let back = 30 + 90 * k + i64::try_from(n % 60).unwrap_or(0);
            let first = today - chrono::Duration::days(back);
            let days = LeaveDays {
                first,
                last: first + chrono::Duration::days(1),
            };
            let span = days.span(tz);
            let at = span.start - chrono::Duration::days(7);
            Leave::insert(
                uow.conn,
                &NewLeave {
                    id: crate::db::new_id(),
                    expert_id: expert_id.clone(),
                    state: if k == 1 {
                        LeaveState::Withdrawn
                    } else {
                        LeaveState::Rejected
                    },
                    start_date: days.first,
                    end_date: days.last,
                    starts_at: span.start,
                    ends_at: span.end,
                    reason: "基准请假".to_owned(),
                    created_by: recorded_by.to_owned(),
                    version: 2,
                    created_at: at,
                    updated_at: at,
                },
            )?;
        }
    }
    Ok(())
}

/// Ten past consultations per expert over the last year (a tenth answered by the office
/// itself), one or two topics each, half with a school: what the office's list pages through.
fn seed_consultations(
    uow: &mut Uow<'_>,
    roster: &[(String, &str)],
    school_ids: &[String],
    recorded_by: &str,
    now: NaiveDateTime,
) -> ApiResult<()> {
    use crate::domain::help::{ConsultationChannel, HelpTopic};
    use crate::models::consultation::{Consultation, NewConsultation};

    for (n, (expert_id, _)) in roster.iter().enumerate() {
        for k in 0..10_usize {
            let i = n * 10 + k;
            let minutes_back = i64::try_from(i * 53 % (365 * 24 * 60)).unwrap_or(0);
            let at = now - chrono::Duration::minutes(minutes_back + 60);
            let channel = ConsultationChannel::ALL[i % ConsultationChannel::ALL.len()];
            let topics = [
                HelpTopic::ALL[i % HelpTopic::ALL.len()],
                HelpTopic::ALL[(i / 2) % HelpTopic::ALL.len()],
            ];
            let mut topics = topics.to_vec();
            topics.sort_unstable();
            topics.dedup();
            let new = NewConsultation {
                id: crate::db::new_id(),
                channel,
                at,
                minutes: i32::try_from(10 + i % 50).unwrap_or(10),
                families: 1 + i32::from(i % 7 == 0),
                expert_id: (k != 0).then(|| expert_id.clone()),
                school_id: (i % 2 == 0)
                    .then(|| school_ids.get(i % school_ids.len().max(1)).cloned())
                    .flatten(),
                note: Some("基准咨询：家长询问如何引导孩子".to_owned()),
                recorded_by: recorded_by.to_owned(),
                created_at: at,
            };
            Consultation::insert(uow.conn, &new, &topics)?;
        }
    }
    Ok(())
}
