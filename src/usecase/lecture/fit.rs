//! Whether an expert can take a lecture at a time (the scheduling rules), and the hold on
//! their time in `busy_intervals`.

use super::*;

/// Which rules an admin set aside, with their reason (audited).
#[derive(Debug, Clone, Copy)]
pub struct Overrides<'a> {
    /// An admin's reason, which lifts availability, blackouts and an earlier refusal; never
    /// an overlap, a rest day or a load limit.
    pub reason: Option<&'a str>,
    /// The expert accepts the very time they were offered: their availability was weighed
    /// (or set aside by an admin) when it was offered, and the answer is their own word on
    /// it. Everything else is weighed again: rest days and limits may have changed since.
    pub as_offered: bool,
}

impl Overrides<'_> {
    pub(super) fn none() -> Self {
        Overrides {
            reason: None,
            as_offered: false,
        }
    }
}

/// Whether `expert` can take `lecture` at `span`: active, serving its mode, not on a rest
/// day, within their availability (unless an admin set it aside), free (the travel buffer of
/// an offline lecture included), and within the load limits of that week and month. The
/// caller holds the expert's lock and read `expert` after taking it.
pub(super) fn fit(
    uow: &mut Uow<'_>,
    expert: &Expert,
    lecture: &Lecture,
    span: Span,
    overrides: Overrides<'_>,
) -> ApiResult<()> {
    let sets = Expert::sets(uow.conn, &expert.id)?;
    fit_with(uow, (expert, &sets), lecture, span, overrides)
}

/// As [`fit`], with the expert's sets (modes, rest days, teams) already read.
pub(super) fn fit_with(
    uow: &mut Uow<'_>,
    (expert, sets): (&Expert, &ExpertSets),
    lecture: &Lecture,
    span: Span,
    overrides: Overrides<'_>,
) -> ApiResult<()> {
    active(expert)?;
    if !sets.modes.iter().any(|m| m == lecture.mode.as_str()) {
        return Err(ApiError::conflict(
            "mode_not_served",
            Msg::new("problem-mode_not_served")
                .arg("mode", lecture.mode)
                .arg("mode_zh", lecture.mode.label_zh()),
        ));
    }
    let tz = uow.settings.timezone;
    let date = local_date(span.start, tz);
    let weekday = i32::try_from(date.weekday().number_from_monday()).unwrap_or(0);
    if sets.rest_weekdays.contains(&weekday) {
        return Err(ApiError::conflict(
            "rest_day",
            Msg::new("problem-rest_day").arg("date", date),
        ));
    }
    if overrides.reason.is_none() && !overrides.as_offered {
        crate::usecase::availability::check(uow.conn, &expert.id, span, tz)?;
    }
    let busy = span.busy(lecture.mode, uow.settings.travel_buffer_minutes);
    if let Some(other) =
        BusyInterval::first_overlap(uow.conn, &expert.id, busy, (SOURCE_LECTURE, &lecture.id))?
    {
        return Err(if other.source_type == SOURCE_LEAVE {
            expert_on_leave(&other, tz)
        } else {
            expert_busy(other.starts_at, other.ends_at, tz)
        });
    }
    let week = week_bounds(span.start, tz);
    let in_week = Lecture::load_count(uow.conn, &expert.id, week, &lecture.id)?;
    if in_week >= i64::from(expert.max_per_week) {
        return Err(ApiError::conflict(
            "weekly_limit_reached",
            Msg::new("problem-weekly_limit_reached")
                .arg("count", in_week)
                .arg("monday", local_date(week.start, tz))
                .arg("limit", expert.max_per_week),
        ));
    }
    let month = month_bounds(span.start, tz);
    let in_month = Lecture::load_count(uow.conn, &expert.id, month, &lecture.id)?;
    if in_month >= i64::from(expert.max_per_month) {
        return Err(ApiError::conflict(
            "monthly_limit_reached",
            Msg::new("problem-monthly_limit_reached")
                .arg("count", in_month)
                .arg("month", local_date(span.start, tz).format("%Y-%m"))
                .arg("limit", expert.max_per_month),
        ));
    }
    Ok(())
}

/// 409 `expert_not_active` unless the expert is active (suspended or left: no new
/// commitments).
pub(super) fn active(expert: &Expert) -> ApiResult<()> {
    if expert.status == ExpertStatus::Active {
        return Ok(());
    }
    Err(ApiError::conflict(
        "expert_not_active",
        Msg::new("problem-expert_not_active")
            .arg("status", expert.status)
            .arg("status_zh", expert.status.label_zh()),
    ))
}

/// 409 `expert_busy`, naming the commitment in the way (travel buffer included).
pub fn expert_busy(start: NaiveDateTime, end: NaiveDateTime, tz: chrono_tz::Tz) -> ApiError {
    ApiError::conflict(
        "expert_busy",
        Msg::new("problem-expert_busy")
            .arg("start", to_local(start, tz).to_rfc3339())
            .arg("end", to_local(end, tz).to_rfc3339()),
    )
}

/// 409 `expert_on_leave`, naming the approved leave in the way by its days.
pub fn expert_on_leave(hold: &BusyInterval, tz: chrono_tz::Tz) -> ApiError {
    let first = local_date(hold.starts_at, tz);
    // The hold ends at local midnight after the last day.
    let last = local_date(hold.ends_at - Duration::seconds(1), tz);
    ApiError::conflict(
        "expert_on_leave",
        Msg::new("problem-expert_on_leave")
            .arg("first", first)
            .arg("last", last),
    )
}

/// The travel buffer a hold of `lecture` adds before and after it now (0 online): written
/// with an offer or a move, from which the database writes the hold itself.
pub(super) fn travel(uow: &Uow<'_>, lecture: &Lecture) -> Option<i32> {
    let minutes = lecture
        .mode
        .travel_minutes(uow.settings.travel_buffer_minutes);
    i32::try_from(minutes).ok()
}
