//! Demo data for trying the API at once (`guanai seed-demo`, `guanai serve --demo`): an
//! office account, a roster of 20 experts across the six sub-teams and five 五老 categories
//! with their leads, ten schools with one account each, 30 approved courses, three
//! lectures of the coming week (a booking offered to its expert, a request waiting for the
//! office, a city-wide online lecture to join), a leave waiting for approval, and a lecture
//! given last week (reported, evaluated by its school, observed by another expert).
//! Every demo account has the same published password: never use them on a real deployment.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::audit::AuditContext;
use crate::config::Settings;
use crate::db::DbConnection;
use crate::domain::course::{COURSE_PROPOSED, CourseReview};
use crate::domain::profile::Profile;
use crate::domain::role::Role;
use crate::domain::roster::CourseStatus;
use crate::domain::roster::{Audience, ExpertStatus, GradeBand, Mode};
use crate::error::ApiResult;
use crate::models::course::{Course, CourseSets, NewCourse};
use crate::models::expert::Expert;
use crate::models::school::{NewSchool, School};
use crate::models::team_lead::TeamLead;
use crate::models::user::{NewUser, User};
use crate::usecase::expert::NewExpertInput;
use crate::usecase::{self, Transition, Uow};

mod given;
mod roster;

pub use given::GivenLecture;
use roster::{COURSES, EXPERTS, LEADS, SCHOOLS};

/// The password of every demo account. Public: it is printed and documented.
pub const DEMO_PASSWORD: &str = "guanai-demo-2026";

pub const DEMO_ADMIN: &str = "admin";

/// Enters a course on the menu as approved (seeded data), with that as the first entry of
/// its history.
pub fn enter_approved_course(
    uow: &mut Uow<'_>,
    new: &NewCourse,
    sets: &CourseSets,
    reason: &str,
) -> ApiResult<()> {
    uow.transition::<CourseReview>(
        Transition {
            object_id: &new.id,
            from: None,
            to: CourseStatus::Approved,
            action: COURSE_PROPOSED,
            reason: Some(reason),
            audit_action: "course.proposed",
            audit_detail: json!({ "seeded": true }),
        },
        |conn| Course::insert(conn, new, sets).map(|()| true),
    )?;
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
pub enum SeedOutcome {
    Seeded {
        accounts: usize,
        experts: usize,
        schools: usize,
        courses: usize,
    },
    /// The database already holds users; nothing was touched.
    SkippedNotEmpty,
}

/// Every demo login with its role and who it is (an expert's name, sub-team and lead post;
/// a school's name), for printing.
pub fn demo_logins() -> Vec<(Role, &'static str, String)> {
    let team = crate::domain::profile::team_label;
    let post = |login: &str| {
        LEADS.iter().find_map(|(code, lead, deputy)| {
            (login == *lead)
                .then_some("团长")
                .or((login == *deputy).then_some("副团长"))
                .map(|post| format!("{}{post}", team(code)))
        })
    };
    std::iter::once((Role::Admin, DEMO_ADMIN, "关工委办公室".to_owned()))
        .chain(EXPERTS.iter().map(|e| {
            let who = format!(
                "{}（{}）",
                e.1,
                post(e.0).unwrap_or_else(|| team(e.6).to_owned())
            );
            (Role::Expert, e.0, who)
        }))
        .chain(SCHOOLS.iter().map(|s| (Role::School, s.0, s.1.to_owned())))
        .collect()
}

/// Seeds the demo into an empty database; leaves a database with users alone.
/// `password_hash` is the argon2 hash of [`DEMO_PASSWORD`], made by the caller.
pub fn seed(
    conn: &mut DbConnection,
    settings: &Settings,
    password_hash: &str,
    now: NaiveDateTime,
) -> ApiResult<SeedOutcome> {
    Uow::within(conn, settings, AuditContext::system(now), |uow| {
        if User::count(uow.conn)? > 0 {
            return Ok(SeedOutcome::SkippedNotEmpty);
        }
        let ready = |login: &str, name: &str, role: Role| NewUser {
            email: Some(format!("{login}@demo.guanai.invalid")),
            password_hash: Some(password_hash.to_owned()),
            must_change_password: false,
            ..NewUser::new(login, name, role, now)
        };
        let admin = ready(DEMO_ADMIN, "关工委办公室（演示）", Role::Admin);
        User::insert(uow.conn, &admin)?;
        uow.record(
            "user.created",
            "user",
            Some(&admin.id),
            json!({ "login": DEMO_ADMIN, "demo": true }),
        )?;

        let mut expert_ids = std::collections::HashMap::new();
        for (login, name, gender, born, category, post, team, extra, specialties, district) in
            EXPERTS
        {
            let profile = Profile {
                name: name.to_owned(),
                gender: Some(gender),
                birth_year: Some(born),
                category,
                former_post: Some(post.to_owned()),
                former_org: None,
                specialties: specialties.split(';').map(str::to_owned).collect(),
                bio: format!(
                    "{name}，{post}，退休后加入关爱专家团，擅长{}。",
                    specialties.replace(';', "、")
                ),
                districts: vec![district.to_owned()],
                modes: vec![Mode::Online, Mode::Offline, Mode::OneOnOne],
                max_per_week: 3,
                max_per_month: 10,
                rest_weekdays: vec![7],
                primary_team: team.to_owned(),
                extra_teams: extra.map(str::to_owned).into_iter().collect(),
            };
            let input = NewExpertInput {
                account: ready(login, name, Role::Expert),
                profile,
                status: ExpertStatus::Active,
                reason: "demo roster".to_owned(),
                notify: false,
            };
            let (id, _) = usecase::expert::create(uow, input)?;
            expert_ids.insert(login, id);
        }
        for (team, lead, deputy) in LEADS {
            let deputies = [expert_ids[deputy].clone()];
            TeamLead::replace_for_team(uow.conn, team, Some(&expert_ids[lead]), &deputies, now)?;
        }
        let mut school_accounts = std::collections::HashMap::new();
        for (n, (login, name, school_type, district)) in SCHOOLS.into_iter().enumerate() {
            // A street address in its district (a name that begins with the district does not
            // repeat it).
            let address = format!("{district}学府路{}号", 8 + 12 * n);
            let school = NewSchool {
                id: crate::db::new_id(),
                search_text: crate::models::school::search_text(name, district, &address),
                name: name.to_owned(),
                school_type: school_type.to_owned(),
                district: district.to_owned(),
                address,
                contact_person: "德育处".to_owned(),
                phone: None,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            School::insert(uow.conn, &school)?;
            let account = NewUser {
                school_id: Some(school.id.clone()),
                ..ready(login, name, Role::School)
            };
            User::insert(uow.conn, &account)?;
            school_accounts.insert(login, (account.id.clone(), school.id.clone()));
        }
        let admin_id = admin.id.clone();
        let mut course_ids = Vec::new();
        for (login, title, audiences, grades, minutes) in COURSES {
            let expert_id = expert_ids[login].clone();
            let team = EXPERTS.iter().find(|e| e.0 == login).map_or("", |e| e.6);
            let description = format!("{title}：结合多年一线经验，互动讲授，配合案例分析。");
            let new = NewCourse {
                id: crate::db::new_id(),
                expert_id,
                team_code: team.to_owned(),
                search_text: crate::models::course::search_text(title, &description, ""),
                title: title.to_owned(),
                description,
                outline: String::new(),
                duration_minutes: minutes,
                max_audience: None,
                status: CourseStatus::Approved,
                created_by: admin_id.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let sets = CourseSets {
                audiences: audiences.iter().map(|a| a.as_str().to_owned()).collect(),
                grades: grades.iter().map(|g| g.as_str().to_owned()).collect(),
                modes: vec!["online".to_owned(), "offline".to_owned()],
            };
            enter_approved_course(uow, &new, &sets, "demo menu, approved")?;
            course_ids.push(new.id.clone());
        }
        seed_lectures(uow, &admin.id, &school_accounts, &course_ids[0], now)?;
        Ok(SeedOutcome::Seeded {
            accounts: 1 + EXPERTS.len() + SCHOOLS.len(),
            experts: EXPERTS.len(),
            schools: SCHOOLS.len(),
            courses: COURSES.len(),
        })
    })
}

/// A demo expert's account and roster entry, by login.
fn expert_of(uow: &mut Uow<'_>, login: &str) -> ApiResult<Option<(User, Expert)>> {
    let Some(user) = User::find_by_login(uow.conn, login)? else {
        return Ok(None);
    };
    Ok(Expert::find_by_user(uow.conn, &user.id)?.map(|e| (user, e)))
}

/// A few lectures, so the booking flows can be tried at once (next week, in the service
/// zone): 市实验小学's booking of the first course (offered to its expert), 市第一中学's request
/// to the reading team (waiting for the office), and a city-wide online lecture that schools
/// can join (waiting for an expert).
fn seed_lectures(
    uow: &mut Uow<'_>,
    admin_id: &str,
    schools: &std::collections::HashMap<&str, (String, String)>,
    first_course: &str,
    now: NaiveDateTime,
) -> ApiResult<()> {
    use crate::auth::actor::Actor;
    use crate::domain::lecture::LectureMode;
    use crate::domain::schedule::Span;
    use crate::usecase::lecture::{LectureInput, create};
    use chrono::{Datelike as _, TimeZone as _};

    let tz = uow.settings.timezone;
    // The Wednesday at least a week ahead.
    let mut day = tz.from_utc_datetime(&now).date_naive() + chrono::Duration::days(7);
    while day.weekday() != chrono::Weekday::Wed {
        day += chrono::Duration::days(1);
    }
    let at = |days: i64, hour: u32, minutes: i64| {
        let local = (day + chrono::Duration::days(days))
            .and_hms_opt(hour, 0, 0)
            .unwrap_or_default();
        let start = tz
            .from_local_datetime(&local)
            .earliest()
            .map_or(local, |t| t.naive_utc());
        Span {
            start,
            end: start + chrono::Duration::minutes(minutes),
        }
    };
    let actor = |user_id: &str, role: Role, school_id: Option<&String>| Actor {
        user_id: user_id.to_owned(),
        role,
        expert_id: None,
        expert_status: None,
        school_id: school_id.cloned(),
        lead_teams: Vec::new(),
    };
    let input = |course_id: Option<&str>, team: Option<&str>, topic: Option<&str>| LectureInput {
        course_id: course_id.map(str::to_owned),
        team: team.map(str::to_owned),
        topic: topic.map(str::to_owned),
        mode: LectureMode::Offline,
        audiences: vec![Audience::Parents],
        grade_bands: Vec::new(),
        expected_size: 120,
        slots: Vec::new(),
        school_id: None,
        expert_id: None,
        address: None,
        platform: None,
        link: None,
        meeting_id: None,
        passcode: None,
        note: None,
        override_reason: None,
    };
    if let Some((user, school)) = schools.get("school.shiyan") {
        let booking = LectureInput {
            slots: vec![at(0, 14, 90), at(1, 14, 90)],
            note: Some("请提前十分钟到多功能厅".to_owned()),
            ..input(Some(first_course), None, None)
        };
        create(uow, &actor(user, Role::School, Some(school)), booking)?;
    }
    if let Some((user, school)) = schools.get("school.yizhong") {
        let request = LectureInput {
            audiences: vec![Audience::Students],
            grade_bands: vec![GradeBand::SeniorHigh],
            expected_size: 200,
            slots: vec![at(1, 10, 90)],
            ..input(None, Some("reading"), Some("高中生整本书阅读"))
        };
        create(uow, &actor(user, Role::School, Some(school)), request)?;
    }
    let citywide = LectureInput {
        mode: LectureMode::Online,
        audiences: vec![Audience::Parents, Audience::Students],
        grade_bands: vec![GradeBand::JuniorHigh, GradeBand::SeniorHigh],
        expected_size: 5000,
        slots: vec![at(2, 19, 60)],
        platform: Some("腾讯会议".to_owned()),
        ..input(
            None,
            Some("mental_health"),
            Some("考前心理调适（全市网课）"),
        )
    };
    create(uow, &actor(admin_id, Role::Admin, None), citywide)?;
    // A leave waiting for the office and 陈's team leads: the Monday and Tuesday after.
    if let Some((user, expert)) = expert_of(uow, "expert.chen")? {
        let asking = Actor {
            role: Role::Expert,
            expert_id: Some(expert.id.clone()),
            expert_status: Some(expert.status),
            ..actor(&user.id, Role::Expert, None)
        };
        let days = crate::domain::leave::LeaveDays {
            first: day + chrono::Duration::days(5),
            last: day + chrono::Duration::days(6),
        };
        crate::usecase::leave::request(uow, &asking, None, days, "回乡探亲，已提前与学校沟通")?;
    }
    // Last week's Wednesday: 王's lecture at 市实验小学, given, reported, evaluated by the school
    // and observed by 李, so the service record and the lists of a lecture show something.
    let (Some((wang_user, wang)), Some((_, li)), Some((school_user, school))) = (
        expert_of(uow, "expert.wang")?,
        expert_of(uow, "expert.li")?,
        schools.get("school.shiyan"),
    ) else {
        return Ok(());
    };
    let given = crate::demo::GivenLecture {
        expert_id: &wang.id,
        team: &wang.primary_team,
        school_id: Some(school.as_str()),
        topic: "如何与青春期的孩子沟通".to_owned(),
        mode: LectureMode::Offline,
        span: at(-14, 14, 90),
    };
    let id = given.enter_reported(uow, now, 260, &wang_user.id)?;
    let observed = given.span.end + chrono::Duration::hours(1);
    crate::models::observation::LectureObserver::insert(
        uow.conn,
        &crate::models::observation::LectureObserver {
            id: crate::db::new_id(),
            lecture_id: id.clone(),
            expert_id: li.id.clone(),
            assigned_by: admin_id.to_owned(),
            assigned_at: given.span.start - chrono::Duration::days(3),
        },
    )?;
    crate::models::observation::Observation::insert(
        uow.conn,
        &crate::models::observation::Observation {
            id: crate::db::new_id(),
            lecture_id: id.clone(),
            observer_id: li.id.clone(),
            content: 5,
            delivery: 4,
            interaction: 5,
            effect: 4,
            comment: "案例贴近家长，互动充分；结尾可再留些提问时间。".to_owned(),
            filed_by: li.user_id.clone(),
            filed_at: observed,
        },
    )?;
    let scores = crate::usecase::lecture::EvaluationScores {
        content: 5,
        delivery: 5,
        interaction: 4,
        effect: 5,
        relevance: 5,
    };
    crate::usecase::lecture::evaluate(
        uow,
        &actor(school_user, Role::School, Some(school)),
        &id,
        scores,
        "家长反响很好，希望下学期再请王老师来。",
    )?;
    Ok(())
}
