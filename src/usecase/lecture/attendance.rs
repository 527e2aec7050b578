//! Attendance (签到 / 签退): the check-in code the school shows, the expert's check-in with
//! it (or the office's without), the check-out with the minutes given, the office's
//! correction of a no-show, and the service's steps an hour after the end (no-show,
//! automatic check-out) and 14 days after it (close).

use super::*;
use crate::auth::rate::{self, Limit};
use crate::domain::check_in::{self, OPENS_MINUTES_BEFORE};
use crate::models::attendance::Attendance;

/// What is counted against a lecture's check-in: five wrong codes in ten minutes lock it.
const WRONG_CODES: Limit = Limit {
    kind: "check_in_wrong_code",
    limit: 5,
    window: Duration::minutes(10),
};

/// How long past its end a confirmed lecture becomes a no-show, and a running one is
/// checked out by the service.
pub const GRACE_AFTER_END_HOURS: i64 = 1;
/// How long after its end a delivered lecture closes, evaluated or not.
pub const CLOSES_AFTER_DAYS: i64 = 14;

/// A check-in's minutes beyond the planned length that still count.
const OVERRUN_MINUTES: i64 = 30;

/// The code to show for `id` at `now`, and until when: its school (each joined school of a
/// city-wide lecture) and the office, from 30 minutes before the start until the end. No
/// expert account reads it, a lead included.
pub fn check_in_code(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    now: NaiveDateTime,
) -> ApiResult<(String, NaiveDateTime)> {
    let record = LectureRecord::load_visible(conn, actor, id)?;
    let shows = actor.is_admin()
        || record.is_own_school(actor)
        || (record.city_wide() && record.participant);
    if !shows {
        let key = if actor.expert_id.is_some() {
            "problem-forbidden-check_in_code_expert"
        } else {
            "problem-forbidden-check_in_code_school"
        };
        return Err(ApiError::forbidden("forbidden", Msg::new(key)));
    }
    let span = open_span(&record)?;
    if now < span.start || now >= span.end {
        return Err(outside_window());
    }
    let attendance = attendance_of(conn, id)?;
    Ok(check_in::current(
        &check_in::key_bytes(&attendance.code_secret),
        now,
    ))
}

/// How an expert proves they are there.
#[derive(Debug, Clone)]
pub enum Proof {
    /// The code the school shows (the expert).
    Code(String),
    /// The office checks the expert in without a code, saying why.
    Reason(String),
}

/// Why a check-in was not taken, answered after the transaction commits (so the wrong code
/// is counted and audited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInRefusal {
    WrongCode,
}

/// 签到: the lecture's expert with the current code, from 30 minutes before the start until
/// the end, or the office with a reason until the lecture is marked a no-show. Late when
/// more than `GUANAI_LATE_MINUTES` after the start.
pub fn check_in(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    proof: &Proof,
) -> ApiResult<Result<(), CheckInRefusal>> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let who = record.who(actor);
    let to = LectureFlow::next(record.lecture.state, LectureAction::CheckIn, &who)?;
    let now = uow.now();
    let span = open_span(&record)?;
    // A confirmed lecture has its row (and key) from its acceptance.
    let attendance = attendance_of(uow.conn, id)?;
    let reason = match proof {
        Proof::Code(code) => {
            if !who.its_expert {
                return Err(ApiError::invalid(
                    "code",
                    "not_allowed",
                    Msg::new("field-not_allowed-check_in_code_office").arg("field", "code"),
                ));
            }
            if now < span.start || now >= span.end {
                return Err(outside_window());
            }
            // Under the lecture's lock: the check and the count of a wrong code are serial.
            rate::refuse_if_used_up(
                uow.conn,
                &[(WRONG_CODES, id)],
                now,
                Msg::new("problem-rate_limited-check_in"),
            )?;
            if !check_in::accepts(&check_in::key_bytes(&attendance.code_secret), code, now) {
                rate::count(uow.conn, &[(WRONG_CODES, id)], now)?;
                uow.record(
                    "lecture.check_in_failed",
                    "lecture",
                    Some(id),
                    json!({ "reason": "wrong_code" }),
                )?;
                return Ok(Err(CheckInRefusal::WrongCode));
            }
            None
        }
        Proof::Reason(reason) => {
            if !who.admin {
                return Err(ApiError::invalid(
                    "reason",
                    "not_allowed",
                    Msg::new("field-not_allowed-check_in_reason").arg("field", "reason"),
                ));
            }
            Some(reason.as_str())
        }
    };
    let start = span.start + Duration::minutes(OPENS_MINUTES_BEFORE);
    let late = now > start + Duration::minutes(uow.settings.late_minutes);
    step_to(
        uow,
        &record,
        to,
        LectureAction::CheckIn,
        reason,
        json!({ "late": late, "without_code": reason.is_some() }),
    )?;
    Attendance::check_in(uow.conn, &attendance.lecture_id, now, late, reason)?;
    Ok(Ok(()))
}

/// 签退: the expert; the minutes from check-in, at most the planned length plus 30.
pub fn check_out(uow: &mut Uow<'_>, actor: &Actor, id: &str) -> ApiResult<()> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let to = LectureFlow::next(
        record.lecture.state,
        LectureAction::CheckOut,
        &record.who(actor),
    )?;
    let now = uow.now();
    finish(uow, &record, to, now, false)
}

/// Writes the check-out of `record` at `at` (the expert's now, or the planned end).
fn finish(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    to: LectureState,
    at: NaiveDateTime,
    auto: bool,
) -> ApiResult<()> {
    let id = record.lecture.id.clone();
    let attendance = attendance_of(uow.conn, &id)?;
    let checked_in = attendance.checked_in_at.unwrap_or(at);
    let minutes = given_minutes(record, checked_in, at);
    step_to(
        uow,
        record,
        to,
        LectureAction::CheckOut,
        None,
        json!({ "delivered_minutes": minutes, "auto": auto }),
    )?;
    Attendance::check_out(uow.conn, &id, at, minutes, auto)?;
    Ok(())
}

/// The minutes between two times, never below 0 nor above the planned length plus 30.
fn given_minutes(record: &LectureRecord, from: NaiveDateTime, to: NaiveDateTime) -> i32 {
    let planned = record.lecture.span().map_or(0, |s| s.minutes());
    let minutes = (to - from)
        .num_minutes()
        .clamp(0, planned + OVERRUN_MINUTES);
    i32::try_from(minutes).unwrap_or(0)
}

/// The office records that a lecture marked no-show did run, from `ran.start` to
/// `ran.end`, with a reason (audited, in the history).
pub fn correct(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    reason: &str,
    ran: Span,
) -> ApiResult<()> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let to = LectureFlow::next(
        record.lecture.state,
        LectureAction::Correct,
        &record.who(actor),
    )?;
    let now = uow.now();
    if ran.end > now {
        return Err(ApiError::invalid(
            "end",
            "in_the_future",
            Msg::new("field-in_the_future").arg("field", "end"),
        ));
    }
    let minutes = given_minutes(&record, ran.start, ran.end);
    step_to(
        uow,
        &record,
        to,
        LectureAction::Correct,
        Some(reason),
        json!({ "start": ran.start, "end": ran.end, "delivered_minutes": minutes }),
    )?;
    Attendance::open(uow.conn, id, &check_in::new_key())?;
    Attendance::correct(uow.conn, id, (ran.start, ran.end), minutes, reason)?;
    Ok(())
}

/// The window the code is read and used in: 30 minutes before the start to the end, for a
/// confirmed (or running) lecture.
fn open_span(record: &LectureRecord) -> ApiResult<Span> {
    let span = record
        .lecture
        .span()
        .filter(|_| {
            matches!(
                record.lecture.state,
                LectureState::Confirmed | LectureState::InProgress
            )
        })
        .ok_or_else(|| {
            ApiError::conflict(
                "outside_check_in_window",
                Msg::new("problem-outside_check_in_window-state")
                    .arg("state", record.lecture.state)
                    .arg("state_zh", record.lecture.state.label_zh()),
            )
        })?;
    Ok(Span {
        start: span.start - Duration::minutes(OPENS_MINUTES_BEFORE),
        end: span.end,
    })
}

/// 409: the code is read and used from 30 minutes before the start until the end.
fn outside_window() -> ApiError {
    ApiError::conflict(
        "outside_check_in_window",
        Msg::new("problem-outside_check_in_window").arg("minutes", OPENS_MINUTES_BEFORE),
    )
}

fn attendance_of(conn: &mut DbConnection, id: &str) -> ApiResult<Attendance> {
    Attendance::find(conn, id)?
        .ok_or_else(|| ApiError::internal("a confirmed lecture without its attendance row"))
}

/// Confirmed lectures an hour past their end: nobody checked in.
pub fn no_shows(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> ApiResult<Vec<String>> {
    Ok(Lecture::ended_in_state(
        conn,
        LectureState::Confirmed,
        now - Duration::hours(GRACE_AFTER_END_HOURS),
        limit,
    )?)
}

/// Running lectures an hour past their end: their expert did not check out.
pub fn overdue_check_outs(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> ApiResult<Vec<String>> {
    Ok(Lecture::ended_in_state(
        conn,
        LectureState::InProgress,
        now - Duration::hours(GRACE_AFTER_END_HOURS),
        limit,
    )?)
}

/// Delivered lectures 14 days past their end.
pub fn closable(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> ApiResult<Vec<String>> {
    Ok(Lecture::ended_in_state(
        conn,
        LectureState::Delivered,
        now - Duration::days(CLOSES_AFTER_DAYS),
        limit,
    )?)
}

/// The timer's step on one lecture, under its lock: the lecture and where `action` takes it,
/// if it is still in `state` and ended `after` ago or more (it may have moved on since it was
/// listed).
fn ended_step(
    uow: &mut Uow<'_>,
    id: &str,
    (state, after): (LectureState, Duration),
    action: LectureAction,
) -> ApiResult<Option<(LectureRecord, LectureState)>> {
    lock_lecture(uow.conn, id)?;
    let record = load(uow.conn, id)?;
    let cutoff = uow.now() - after;
    if record.lecture.state != state || record.lecture.ends_at.is_none_or(|end| end > cutoff) {
        return Ok(None);
    }
    let to = LectureFlow::next(state, action, &super::due::system())?;
    Ok(Some((record, to)))
}

/// Marks a confirmed lecture an hour past its end a no-show (if it still is one); the
/// office, the team's leads and the school are told.
pub fn no_show(uow: &mut Uow<'_>, id: &str) -> ApiResult<bool> {
    let grace = Duration::hours(GRACE_AFTER_END_HOURS);
    let action = LectureAction::NoShow;
    let Some((record, to)) = ended_step(uow, id, (LectureState::Confirmed, grace), action)? else {
        return Ok(false);
    };
    step_to(uow, &record, to, action, None, json!({}))?;
    let updated = load(uow.conn, id)?;
    tell_office(uow, &updated, LectureNotice::NoShow, None, None)?;
    tell_schools(uow, &updated, LectureNotice::NoShow, None, None)?;
    Ok(true)
}

/// Checks out a lecture still running an hour past its end, at its planned end.
pub fn auto_check_out(uow: &mut Uow<'_>, id: &str) -> ApiResult<bool> {
    let grace = Duration::hours(GRACE_AFTER_END_HOURS);
    let action = LectureAction::CheckOut;
    let Some((record, to)) = ended_step(uow, id, (LectureState::InProgress, grace), action)? else {
        return Ok(false);
    };
    let end = record.lecture.ends_at.unwrap_or_else(|| uow.now());
    finish(uow, &record, to, end, true)?;
    Ok(true)
}

/// Closes a delivered lecture 14 days past its end.
pub fn close(uow: &mut Uow<'_>, id: &str) -> ApiResult<bool> {
    let after = Duration::days(CLOSES_AFTER_DAYS);
    let action = LectureAction::Close;
    let Some((record, to)) = ended_step(uow, id, (LectureState::Delivered, after), action)? else {
        return Ok(false);
    };
    step_to(uow, &record, to, action, None, json!({}))?;
    Ok(true)
}
