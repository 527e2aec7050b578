//! 派课 and its answers: offers, acceptance, decline, rejection, cancellation,
//! rescheduling and the release of an expert's lectures.

use super::*;

/// Who offers, which decides what may be set aside.
#[derive(Debug, Clone, Copy)]
pub(super) enum OfferBy<'a> {
    /// The booking of a course, offered to its expert at once.
    Booking,
    /// The office or a lead, with an admin's override reason.
    Office(&'a Actor, Option<&'a str>),
}

/// Offers `record` to the expert `expert_id` for `span`: the expert's lock, every rule, the
/// move to `offered`, the hold on the expert's time, history, audit and the expert's notice.
/// The expert is read after their lock is taken, so a suspension that commits first is seen
/// (a change of membership takes the same lock).
pub(super) fn offer_at(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    (expert_id, field): (&str, &str),
    span: Span,
    by: OfferBy<'_>,
) -> ApiResult<()> {
    let lecture = &record.lecture;
    let (who, reason) = match by {
        OfferBy::Booking => (
            LectureWho {
                system: true,
                ..Default::default()
            },
            None,
        ),
        OfferBy::Office(actor, reason) => (
            LectureWho {
                its_expert: actor.is_expert(expert_id),
                ..record.who(actor)
            },
            reason,
        ),
    };
    let to = LectureFlow::next(lecture.state, LectureAction::Offer, &who)?;
    lock_expert(uow.conn, expert_id)?;
    let expert = find_expert(uow.conn, expert_id, field)?;
    let sets = Expert::sets(uow.conn, &expert.id)?;
    if let OfferBy::Office(..) = by
        && reason.is_none()
        && !sets
            .all_teams(&expert.primary_team)
            .contains(&lecture.team_code)
    {
        return Err(ApiError::conflict(
            "team_not_served",
            Msg::new("problem-team_not_served")
                .arg("team", &lecture.team_code)
                .arg(
                    "team_zh",
                    crate::domain::profile::team_label(&lecture.team_code),
                ),
        ));
    }
    if let Some(kind) = LectureRefusal::find(uow.conn, &lecture.id, &expert.id)?
        && reason.is_none()
    {
        return Err(ApiError::conflict(
            "previously_refused",
            Msg::new(match kind {
                RefusalKind::Declined => "problem-previously_refused-declined",
                RefusalKind::Lapsed => "problem-previously_refused-lapsed",
            }),
        ));
    }
    let overrides = Overrides {
        reason,
        as_offered: false,
    };
    fit_with(uow, (&expert, &sets), lecture, span, overrides)?;
    let now = uow.now();
    let expires = (now + Duration::hours(uow.settings.offer_hours)).min(span.start);
    let placement = Placement {
        state: to,
        expert_id: Some(expert.id.clone()),
        starts_at: Some(span.start),
        ends_at: Some(span.end),
        sort_at: span.start,
        offer_expires_at: Some(expires),
        sequence: lecture.sequence,
        travel_minutes: travel(uow, lecture),
    };
    move_to(
        uow,
        record,
        &placement,
        LectureAction::Offer,
        reason,
        json!({ "expert_id": expert.id, "override_reason": reason }),
    )?;
    let updated = load(uow.conn, &lecture.id)?;
    tell_expert(uow, &updated, &expert.id, LectureNotice::Offered, None)?;
    Ok(())
}

/// 派单: the office or a lead offers a waiting lecture to an expert, at one of its slots.
pub fn offer(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    expert_id: &str,
    slot: Option<usize>,
    override_reason: Option<&str>,
) -> ApiResult<()> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    LectureFlow::next(
        record.lecture.state,
        LectureAction::Offer,
        &record.who(actor),
    )?;
    if override_reason.is_some() && !actor.is_admin() {
        return Err(ApiError::invalid(
            "override_reason",
            "not_allowed",
            Msg::new("field-not_allowed-override").arg("field", "override_reason"),
        ));
    }
    let span = match (record.lecture.state, slot) {
        // A lecture waiting for reassignment keeps the time the school was promised.
        (LectureState::NeedsReassignment, None) => record.lecture.span(),
        (LectureState::NeedsReassignment, Some(_)) => {
            return Err(ApiError::invalid(
                "slot",
                "not_allowed",
                Msg::new("field-not_allowed-reassign_slot").arg("field", "slot"),
            ));
        }
        (_, slot) => record.slots.get(slot.unwrap_or(0)).map(LectureSlot::span),
    }
    .ok_or_else(|| {
        ApiError::invalid(
            "slot",
            "not_found",
            Msg::new("field-not_found-slot")
                .arg("field", "slot")
                .arg("count", record.slots.len()),
        )
    })?;
    if span.start <= uow.now() {
        return Err(ApiError::invalid(
            "slot",
            "in_the_past",
            Msg::new("field-in_the_past").arg("field", "slot"),
        ));
    }
    offer_at(
        uow,
        &record,
        (expert_id, "expert_id"),
        span,
        OfferBy::Office(actor, override_reason),
    )
}

/// The offered expert accepts, at the offered time or at another proposed slot free for them.
/// Their rest days and limits are weighed again (they may have changed since the offer), and
/// a move to another slot raises the lecture's sequence, so calendars move it.
pub fn accept(uow: &mut Uow<'_>, actor: &Actor, id: &str, slot: Option<usize>) -> ApiResult<()> {
    // The expert's lock before the lecture's, in the order a change of membership takes them.
    if let Some(expert_id) = &actor.expert_id {
        lock_expert(uow.conn, expert_id)?;
    }
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let to = LectureFlow::next(
        record.lecture.state,
        LectureAction::Accept,
        &record.who(actor),
    )?;
    let lecture = &record.lecture;
    let now = uow.now();
    if lecture.offer_expires_at.is_some_and(|at| at <= now) {
        return Err(ApiError::conflict(
            "offer_expired",
            Msg::new("problem-offer_expired"),
        ));
    }
    let current = lecture
        .span()
        .ok_or_else(|| ApiError::internal("an offered lecture without a time"))?;
    let span = match slot {
        None => current,
        Some(index) => record
            .slots
            .get(index)
            .map(LectureSlot::span)
            .ok_or_else(|| {
                ApiError::invalid(
                    "slot",
                    "not_found",
                    Msg::new("field-not_found-slot")
                        .arg("field", "slot")
                        .arg("count", record.slots.len()),
                )
            })?,
    };
    let moved = span != current;
    if moved && span.start <= now {
        return Err(ApiError::invalid(
            "slot",
            "in_the_past",
            Msg::new("field-in_the_past").arg("field", "slot"),
        ));
    }
    let expert_id = lecture.expert_id.clone().unwrap_or_default();
    let expert = find_expert(uow.conn, &expert_id, "expert_id")?;
    let overrides = Overrides {
        reason: None,
        as_offered: !moved,
    };
    fit(uow, &expert, lecture, span, overrides)?;
    let placement = Placement {
        state: to,
        starts_at: Some(span.start),
        ends_at: Some(span.end),
        sort_at: span.start,
        offer_expires_at: None,
        sequence: lecture.sequence + i32::from(moved),
        ..lecture.placement()
    };
    move_to(
        uow,
        &record,
        &placement,
        LectureAction::Accept,
        None,
        json!({ "expert_id": expert_id }),
    )?;
    // Its check-in key, from which the school's codes come (kept when confirmed again).
    crate::models::attendance::Attendance::open(uow.conn, id, &crate::domain::check_in::new_key())?;
    let mut updated = load(uow.conn, id)?;
    updated.previous = Some(current);
    tell_expert(uow, &updated, &expert_id, LectureNotice::Confirmed, None)?;
    tell_schools(uow, &updated, LectureNotice::Confirmed, None, Some(actor))?;
    Ok(())
}

/// The offered expert declines: the lecture waits for the office again, and is not offered
/// to them again without an admin's reason.
pub fn decline(uow: &mut Uow<'_>, actor: &Actor, id: &str, reason: &str) -> ApiResult<()> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let to = LectureFlow::next(
        record.lecture.state,
        LectureAction::Decline,
        &record.who(actor),
    )?;
    give_back(uow, &record, to, LectureAction::Decline, Some(reason))?;
    // Told as it was offered: who declined, and the time they were asked for.
    tell_office(
        uow,
        &record,
        LectureNotice::Declined,
        Some(reason),
        Some(actor),
    )
}

/// An offer returns to the office (declined or lapsed): the refusal is remembered and the
/// expert's time released.
pub(super) fn give_back(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    to: LectureState,
    action: LectureAction,
    reason: Option<&str>,
) -> ApiResult<()> {
    let expert_id = record.lecture.expert_id.clone().unwrap_or_default();
    move_to(
        uow,
        record,
        &unplaced(record, to),
        action,
        reason,
        json!({ "expert_id": expert_id }),
    )?;
    leave_calendar(uow, &record.lecture)?;
    let kind = if action == LectureAction::Decline {
        RefusalKind::Declined
    } else {
        RefusalKind::Lapsed
    };
    LectureRefusal::record(uow.conn, &record.lecture.id, &expert_id, kind, uow.now())?;
    Ok(())
}

/// The office refuses a school's request.
pub fn reject(uow: &mut Uow<'_>, actor: &Actor, id: &str, reason: &str) -> ApiResult<()> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let to = LectureFlow::next(
        record.lecture.state,
        LectureAction::Reject,
        &record.who(actor),
    )?;
    step_to(
        uow,
        &record,
        to,
        LectureAction::Reject,
        Some(reason),
        json!({}),
    )?;
    let updated = load(uow.conn, id)?;
    tell_schools(
        uow,
        &updated,
        LectureNotice::Rejected,
        Some(reason),
        Some(actor),
    )
}

/// A school cancels its own lecture, the office any; the expert's time is released.
pub fn cancel(uow: &mut Uow<'_>, actor: &Actor, id: &str, reason: &str) -> ApiResult<()> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let to = LectureFlow::next(
        record.lecture.state,
        LectureAction::Cancel,
        &record.who(actor),
    )?;
    let placement = Placement {
        state: to,
        offer_expires_at: None,
        ..record.lecture.placement()
    };
    move_to(
        uow,
        &record,
        &placement,
        LectureAction::Cancel,
        Some(reason),
        json!({}),
    )?;
    leave_calendar(uow, &record.lecture)?;
    let updated = load(uow.conn, id)?;
    if let Some(expert_id) = &record.lecture.expert_id
        && record.lecture.state.holds_time()
    {
        tell_expert(
            uow,
            &updated,
            expert_id,
            LectureNotice::Cancelled,
            Some(reason),
        )?;
    }
    tell_schools(
        uow,
        &updated,
        LectureNotice::Cancelled,
        Some(reason),
        Some(actor),
    )
}

/// The office, or the school for its own lecture, moves it to a new time: it goes back to
/// its expert as a new offer, and the old time is released at once.
pub fn reschedule(uow: &mut Uow<'_>, actor: &Actor, id: &str, span: Span) -> ApiResult<()> {
    // The expert's lock before the lecture's, in the order a change of membership takes
    // them (read once unlocked to learn whose it is; a lecture that changed hands meanwhile
    // is refused below as the step it no longer is, or locked again).
    let holder = Lecture::find_row(uow.conn, id)?.and_then(|(l, _, _)| l.expert_id);
    if let Some(expert_id) = &holder {
        lock_expert(uow.conn, expert_id)?;
    }
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let to = LectureFlow::next(
        record.lecture.state,
        LectureAction::Reschedule,
        &record.who(actor),
    )?;
    let lecture = &record.lecture;
    let now = uow.now();
    let length = match &lecture.course_id {
        Some(course) => {
            CourseRecord::load(uow.conn, course)?.map(|c| i64::from(c.course.duration_minutes))
        }
        None => None,
    };
    let mut errors = Vec::new();
    let rules = slot_rules(uow, actor);
    check_slots(
        &[span],
        length,
        &rules,
        &|_| "start".to_owned(),
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let expert_id = lecture.expert_id.clone().unwrap_or_default();
    if holder.as_deref() != Some(expert_id.as_str()) {
        lock_expert(uow.conn, &expert_id)?;
    }
    let expert = find_expert(uow.conn, &expert_id, "expert_id")?;
    fit(uow, &expert, lecture, span, Overrides::none())?;
    let expires = (now + Duration::hours(uow.settings.offer_hours)).min(span.start);
    let placement = Placement {
        state: to,
        starts_at: Some(span.start),
        ends_at: Some(span.end),
        sort_at: span.start,
        offer_expires_at: Some(expires),
        sequence: lecture.sequence + 1,
        travel_minutes: travel(uow, lecture),
        ..lecture.placement()
    };
    move_to(
        uow,
        &record,
        &placement,
        LectureAction::Reschedule,
        None,
        json!({
            "from_start": lecture.starts_at,
            "to_start": span.start,
            "to_end": span.end,
        }),
    )?;
    Lecture::replace_slots(uow.conn, id, &[span])?;
    let mut updated = load(uow.conn, id)?;
    updated.previous = lecture.span();
    tell_expert(uow, &updated, &expert_id, LectureNotice::Rescheduled, None)?;
    tell_schools(uow, &updated, LectureNotice::Rescheduled, None, Some(actor))
}

/// An expert can no longer give the lectures they hold — suspended, left, or on approved
/// leave over their time (`within`, the leave's span; `None`: all of them). Their open
/// offers go back to the office, their confirmed lectures wait for reassignment; office,
/// leads and schools are told. Their assignments to observe lectures not yet begun are let
/// go too. Runs inside the change's transaction, which holds the
/// expert's lock, so no offer, accept or move of this expert's lectures runs beside it.
/// `cause` goes into each audit row (`{"leave_id": …}`). Returns each released lecture
/// with the state it went to.
pub fn release_held(
    uow: &mut Uow<'_>,
    expert_id: &str,
    within: Option<Span>,
    why: &str,
    cause: serde_json::Value,
) -> ApiResult<Vec<(String, LectureState)>> {
    let ids = match within {
        None => Lecture::held_by(
            uow.conn,
            expert_id,
            &[LectureState::Offered, LectureState::Confirmed],
        )?,
        Some(span) => BusyInterval::sources_meeting(uow.conn, expert_id, SOURCE_LECTURE, span)?,
    };
    let system = LectureWho {
        system: true,
        ..Default::default()
    };
    let mut released = Vec::new();
    for id in &ids {
        lock_lecture(uow.conn, id)?;
        let record = load(uow.conn, id)?;
        // Listed before its lock: it may since have been declined or cancelled (PostgreSQL
        // runs such changes side by side). A lecture already running is not taken away.
        if record.lecture.expert_id.as_deref() != Some(expert_id)
            || !record.lecture.state.releasable()
        {
            continue;
        }
        let to = LectureFlow::next(record.lecture.state, LectureAction::Release, &system)?;
        let mut detail = json!({ "expert_id": expert_id });
        if let (Some(map), serde_json::Value::Object(extra)) = (detail.as_object_mut(), &cause) {
            map.extend(extra.clone());
        }
        move_to(
            uow,
            &record,
            &unplaced(&record, to),
            LectureAction::Release,
            Some(why),
            detail,
        )?;
        leave_calendar(uow, &record.lecture)?;
        // Told as it was held: whose lecture it was, and its time.
        tell_office(uow, &record, LectureNotice::NeedsExpert, Some(why), None)?;
        if to == LectureState::NeedsReassignment {
            tell_schools(uow, &record, LectureNotice::NeedsExpert, None, None)?;
        }
        released.push((id.clone(), to));
    }
    // What they were to observe goes the same way.
    observation::release_observing(uow, expert_id, within, why)?;
    Ok(released)
}
