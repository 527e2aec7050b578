//! The job's steps (offers not answered in time, requests whose times all passed,
//! reminders the day before), each lecture in a transaction of its own.

use super::*;
use crate::db::schema::{lecture_slots, lectures};
use diesel::prelude::*;

/// Offers whose answer time has passed.
pub fn lapsed_offers(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> ApiResult<Vec<String>> {
    Ok(lectures::table
        .filter(lectures::state.eq(LectureState::Offered))
        .filter(lectures::offer_expires_at.le(now))
        .order((lectures::sort_at.asc(), lectures::id.asc()))
        .limit(limit)
        .select(lectures::id)
        .load_on(conn)?)
}

/// Waiting lectures none of whose times can still be given: a request whose every
/// proposed slot has begun, a lecture waiting for reassignment whose time has begun.
pub fn expired_requests(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> ApiResult<Vec<String>> {
    let mut ids: Vec<String> = lectures::table
        .filter(lectures::state.eq(LectureState::Requested))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            lecture_slots::table
                .filter(lecture_slots::lecture_id.eq(lectures::id))
                .filter(lecture_slots::starts_at.gt(now)),
        )))
        .order((lectures::sort_at.asc(), lectures::id.asc()))
        .limit(limit)
        .select(lectures::id)
        .load_on(conn)?;
    ids.extend(
        lectures::table
            .filter(lectures::state.eq(LectureState::NeedsReassignment))
            .filter(lectures::starts_at.le(now))
            .order((lectures::sort_at.asc(), lectures::id.asc()))
            .limit(limit)
            .select(lectures::id)
            .load::<String>(conn)?,
    );
    Ok(ids)
}

/// Confirmed lectures starting within a day that have had no reminder.
pub fn reminders(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> ApiResult<Vec<String>> {
    Ok(lectures::table
        .filter(lectures::state.eq(LectureState::Confirmed))
        .filter(lectures::starts_at.gt(now))
        .filter(lectures::starts_at.le(now + Duration::hours(24)))
        .filter(lectures::reminded_at.is_null())
        .order((lectures::sort_at.asc(), lectures::id.asc()))
        .limit(limit)
        .select(lectures::id)
        .load_on(conn)?)
}

pub(super) fn system() -> LectureWho {
    LectureWho {
        system: true,
        ..Default::default()
    }
}

/// Returns a lapsed offer to the office (if it is still one).
pub fn lapse(uow: &mut Uow<'_>, id: &str) -> ApiResult<bool> {
    lock_lecture(uow.conn, id)?;
    let record = load(uow.conn, id)?;
    let still = record.lecture.state == LectureState::Offered
        && record
            .lecture
            .offer_expires_at
            .is_some_and(|at| at <= uow.now());
    if !still {
        return Ok(false);
    }
    let to = LectureFlow::next(record.lecture.state, LectureAction::Lapse, &system())?;
    give_back(uow, &record, to, LectureAction::Lapse, None)?;
    // Told as it was offered: whose answer never came, and the time.
    tell_office(uow, &record, LectureNotice::Lapsed, None, None)?;
    Ok(true)
}

/// Expires a request whose times have all begun (if it still is one).
pub fn expire(uow: &mut Uow<'_>, id: &str) -> ApiResult<bool> {
    lock_lecture(uow.conn, id)?;
    let record = load(uow.conn, id)?;
    let now = uow.now();
    let due = match record.lecture.state {
        LectureState::Requested => record.slots.iter().all(|s| s.starts_at <= now),
        LectureState::NeedsReassignment => record.lecture.starts_at.is_some_and(|s| s <= now),
        _ => false,
    };
    if !due {
        return Ok(false);
    }
    let to = LectureFlow::next(record.lecture.state, LectureAction::Expire, &system())?;
    step_to(uow, &record, to, LectureAction::Expire, None, json!({}))?;
    let updated = load(uow.conn, id)?;
    tell_schools(uow, &updated, LectureNotice::Expired, None, None)?;
    tell_office(uow, &updated, LectureNotice::Expired, None, None)?;
    Ok(true)
}

/// Reminds expert and school of a lecture the day before (once).
pub fn remind(uow: &mut Uow<'_>, id: &str) -> ApiResult<bool> {
    lock_lecture(uow.conn, id)?;
    let now = uow.now();
    if !Lecture::mark_reminded(uow.conn, id, now)? {
        return Ok(false);
    }
    let record = load(uow.conn, id)?;
    uow.record("lecture.reminded", "lecture", Some(id), json!({}))?;
    if let Some(expert_id) = record.lecture.expert_id.clone() {
        tell_expert(uow, &record, &expert_id, LectureNotice::Reminder, None)?;
    }
    tell_schools(uow, &record, LectureNotice::Reminder, None, None)?;
    Ok(true)
}
