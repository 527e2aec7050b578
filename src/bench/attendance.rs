//! What the attendance loads find seeded: lectures starting together to check in to.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::error::ApiResult;
use crate::usecase::Uow;

/// Lectures the check-in load checks in to: one confirmed online lecture for the benchmark
/// school per expert (the first 1,000), all starting 20 minutes from `now` (whole minutes), so
/// their check-in windows are open together for the next 80 minutes. Each has its check-in
/// key; its hold is written by the database.
pub(super) fn seed_check_ins(
    uow: &mut Uow<'_>,
    roster: &[(String, &str)],
    school: &str,
    now: NaiveDateTime,
) -> ApiResult<()> {
    use crate::db::schema::lectures;
    use crate::domain::lecture::{LectureMode, LectureState, Origin};
    use crate::models::attendance::Attendance;
    use crate::models::lecture::{Lecture, NewLecture};
    use chrono::Timelike as _;

    let start = now
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now)
        + chrono::Duration::minutes(20);
    let span = crate::domain::schedule::Span {
        start,
        end: start + chrono::Duration::minutes(60),
    };
    for (n, (expert_id, team)) in roster.iter().take(1000).enumerate() {
        let new = NewLecture {
            id: crate::db::new_id(),
            origin: Origin::Dispatch,
            state: LectureState::Confirmed,
            team_code: (*team).to_owned(),
            course_id: None,
            topic: format!("基准签到讲座{n}"),
            mode: LectureMode::Online,
            audiences: "parents".to_owned(),
            grade_bands: None,
            expected_size: 120,
            school_id: Some(school.to_owned()),
            sort_at: start,
            address: None,
            platform: Some("腾讯会议".to_owned()),
            link: Some(format!("https://meeting.example/check-in/{n}")),
            meeting_id: None,
            passcode: None,
            note: None,
            created_by: None,
            version: 2,
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(lectures::table)
            .values((
                &new,
                lectures::expert_id.eq(expert_id),
                lectures::starts_at.eq(span.start),
                lectures::ends_at.eq(span.end),
            ))
            .execute(uow.conn)?;
        Lecture::replace_slots(uow.conn, &new.id, &[span])?;
        Attendance::open(uow.conn, &new.id, &crate::domain::check_in::new_key())?;
    }
    Ok(())
}

/// The given lectures of the record expert's service record, over the past year.
pub const GIVEN_IN_A_YEAR: usize = 200;
/// The schools that joined and evaluated the evaluated lecture.
const EVALUATING_SCHOOLS: usize = 200;
/// The experts who observed it.
const OBSERVERS: usize = 30;

/// What the service record and the lists of a lecture's evaluations and observations read:
/// [`GIVEN_IN_A_YEAR`] lectures the record expert gave over the past year (14:00-15:30 local,
/// checked in and out, reported; closed, or delivered in the last 14 days), and one
/// city-wide online lecture the third expert gave two days ago, which
/// [`EVALUATING_SCHOOLS`] schools joined, counted and evaluated and [`OBSERVERS`] experts
/// observed. Returns that lecture's id.
pub(super) fn seed_given(
    uow: &mut Uow<'_>,
    record_expert: &(String, &str),
    roster: &[(String, &str)],
    school_ids: &[String],
    admin_id: &str,
    now: NaiveDateTime,
) -> ApiResult<Option<String>> {
    use crate::db::schema::{
        lecture_evaluations, lecture_observations, lecture_observers, lecture_participants,
    };
    use crate::demo::GivenLecture;
    use crate::domain::lecture::LectureMode;

    if school_ids.is_empty() {
        return Ok(None);
    }
    // 14:00 in the service zone (+08:00).
    let afternoon = now.date().and_hms_opt(6, 0, 0).unwrap_or(now);
    let (expert, team) = record_expert;
    for k in 0..GIVEN_IN_A_YEAR {
        let back = 1 + k * 364 / GIVEN_IN_A_YEAR;
        let start = afternoon - chrono::Duration::days(i64::try_from(back).unwrap_or(1));
        let mode = if k % 2 == 0 {
            LectureMode::Online
        } else {
            LectureMode::Offline
        };
        let given = GivenLecture {
            expert_id: expert,
            team,
            school_id: Some(&school_ids[k % school_ids.len()]),
            topic: format!("基准授课{k}：家庭教育的方法"),
            mode,
            span: ninety_minutes(start),
        };
        let audience = 80 + i32::try_from(k % 60).unwrap_or(0);
        given.enter_reported(uow, now, audience, admin_id)?;
    }

    let Some((expert, team)) = roster.get(2) else {
        return Ok(None);
    };
    let start = afternoon - chrono::Duration::days(2);
    let given = GivenLecture {
        expert_id: expert,
        team,
        school_id: None,
        topic: "基准全市网课：家庭教育的方法".to_owned(),
        mode: LectureMode::Online,
        span: ninety_minutes(start),
    };
    let id = given.enter_reported(uow, now, 150, admin_id)?;
    let evaluated = start + chrono::Duration::hours(3);
    for (n, school) in school_ids.iter().take(EVALUATING_SCHOOLS).enumerate() {
        let at = evaluated + chrono::Duration::seconds(i64::try_from(n).unwrap_or(0));
        let score = i32::try_from(n % 5).unwrap_or(0) + 1;
        diesel::insert_into(lecture_participants::table)
            .values((
                lecture_participants::lecture_id.eq(&id),
                lecture_participants::school_id.eq(school),
                lecture_participants::expected_size.eq(100),
                lecture_participants::joined_at.eq(start - chrono::Duration::days(7)),
                lecture_participants::audience.eq(Some(90)),
                lecture_participants::audience_at.eq(Some(at)),
            ))
            .execute(uow.conn)?;
        diesel::insert_into(lecture_evaluations::table)
            .values((
                lecture_evaluations::id.eq(crate::db::new_id()),
                lecture_evaluations::lecture_id.eq(&id),
                lecture_evaluations::school_id.eq(school),
                lecture_evaluations::content.eq(score),
                lecture_evaluations::delivery.eq(score),
                lecture_evaluations::interaction.eq(score),
                lecture_evaluations::effect.eq(score),
                lecture_evaluations::relevance.eq(score),
                lecture_evaluations::comment.eq(format!("基准评课{n}：贴合学校需要。")),
                lecture_evaluations::filed_by.eq(admin_id),
                lecture_evaluations::version.eq(1),
                lecture_evaluations::created_at.eq(at),
                lecture_evaluations::updated_at.eq(at),
            ))
            .execute(uow.conn)?;
    }
    for (n, (observer, _)) in roster.iter().skip(10).take(OBSERVERS).enumerate() {
        let at = evaluated + chrono::Duration::seconds(i64::try_from(n).unwrap_or(0));
        let score = i32::try_from(n % 5).unwrap_or(0) + 1;
        diesel::insert_into(lecture_observers::table)
            .values((
                lecture_observers::id.eq(crate::db::new_id()),
                lecture_observers::lecture_id.eq(&id),
                lecture_observers::expert_id.eq(observer),
                lecture_observers::assigned_by.eq(admin_id),
                lecture_observers::assigned_at.eq(start - chrono::Duration::days(3)),
            ))
            .execute(uow.conn)?;
        diesel::insert_into(lecture_observations::table)
            .values((
                lecture_observations::id.eq(crate::db::new_id()),
                lecture_observations::lecture_id.eq(&id),
                lecture_observations::observer_id.eq(observer),
                lecture_observations::content.eq(score),
                lecture_observations::delivery.eq(score),
                lecture_observations::interaction.eq(score),
                lecture_observations::effect.eq(score),
                lecture_observations::comment.eq(format!("基准听课{n}：条理清楚，互动充分。")),
                lecture_observations::filed_by.eq(admin_id),
                lecture_observations::filed_at.eq(at),
            ))
            .execute(uow.conn)?;
    }
    Ok(Some(id))
}

fn ninety_minutes(start: NaiveDateTime) -> crate::domain::schedule::Span {
    crate::domain::schedule::Span {
        start,
        end: start + chrono::Duration::minutes(90),
    }
}
