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
