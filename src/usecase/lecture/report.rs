//! The delivery report (授课记录): the expert's count and summary once the lecture is given,
//! and for a city-wide online lecture each joined school's own count; together they make
//! the lecture's beneficiaries (受益人次).

use super::*;
use crate::models::report::LectureReport;

/// A given lecture: delivered, or closed since.
fn given(record: &LectureRecord) -> ApiResult<()> {
    if record.lecture.state.was_given() {
        return Ok(());
    }
    Err(ApiError::conflict(
        "lecture_not_delivered",
        Msg::new("problem-lecture_not_delivered")
            .arg("state", record.lecture.state)
            .arg("state_zh", record.lecture.state.label_zh()),
    ))
}

/// 授课记录: the lecture's expert, once, on a given lecture; late when filed more than
/// `GUANAI_REPORT_DAYS` after its end.
pub fn file_report(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    audience: i32,
    summary: &str,
) -> ApiResult<()> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    if !record.who(actor).its_expert {
        return Err(ApiError::forbidden(
            "forbidden",
            Msg::new("problem-forbidden-lecture_report"),
        ));
    }
    given(&record)?;
    if LectureReport::find(uow.conn, id)?.is_some() {
        return Err(already_reported());
    }
    let now = uow.now();
    let end = record.lecture.ends_at.unwrap_or(now);
    let late = now > end + Duration::days(uow.settings.report_days);
    LectureReport::insert(
        uow.conn,
        &LectureReport {
            lecture_id: id.to_owned(),
            audience,
            summary: summary.to_owned(),
            late,
            filed_by: actor.user_id.clone(),
            filed_at: now,
        },
    )?;
    uow.record(
        "lecture.reported",
        "lecture",
        Some(id),
        json!({ "audience": audience, "late": late }),
    )?;
    Ok(())
}

/// A school that joined a given city-wide online lecture confirms how many of its own took
/// part, once.
pub fn confirm_audience(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    audience: i32,
) -> ApiResult<()> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let Some(school) = actor.school_id.clone() else {
        return Err(ApiError::forbidden(
            "forbidden",
            Msg::new("problem-forbidden-lecture_audience"),
        ));
    };
    if !record.city_wide() {
        return Err(ApiError::conflict(
            "not_city_wide",
            Msg::new("problem-not_city_wide"),
        ));
    }
    if !record.participant {
        return Err(ApiError::forbidden(
            "forbidden",
            Msg::new("problem-forbidden-lecture_audience"),
        ));
    }
    given(&record)?;
    let now = uow.now();
    if !LectureReport::confirm_school_audience(uow.conn, id, &school, audience, now)? {
        return Err(already_reported());
    }
    uow.record(
        "lecture.audience_confirmed",
        "lecture",
        Some(id),
        json!({ "school_id": school, "audience": audience }),
    )?;
    Ok(())
}

fn already_reported() -> ApiError {
    ApiError::conflict("already_reported", Msg::new("problem-already_reported"))
}

/// 受益人次: for a city-wide online lecture the joined schools' counts and the expert's (those
/// on the platform besides), otherwise the expert's; `None` until the expert reports.
pub fn beneficiaries(
    conn: &mut DbConnection,
    record: &LectureRecord,
    report: Option<&LectureReport>,
) -> ApiResult<Option<i64>> {
    let Some(report) = report else {
        return Ok(None);
    };
    let schools = if record.city_wide() {
        LectureReport::schools_audience(conn, &record.lecture.id)?
    } else {
        0
    };
    Ok(crate::domain::lecture::beneficiaries(
        Some(report.audience),
        schools,
    ))
}
