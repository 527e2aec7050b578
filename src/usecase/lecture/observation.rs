//! 听课 (observation): observers the office or a lead of the lecture's team assigns before it
//! begins — each one's time a commitment like the expert's, held, moved and freed by the
//! database with the lecture's own — and the observation each files once it has begun.

use super::*;
use crate::models::observation::{LectureObserver, Observation};

/// The four scores of an observation, 1-5 each.
#[derive(Debug, Clone, Copy)]
pub struct ObservationScores {
    pub content: i32,
    pub delivery: i32,
    pub interaction: i32,
    pub effect: i32,
}

/// Assigns and removes observers: the office, or a lead of the lecture's team.
fn may_assign(record: &LectureRecord, actor: &Actor) -> ApiResult<()> {
    if actor.is_admin() || actor.leads(&record.lecture.team_code) {
        return Ok(());
    }
    Err(ApiError::forbidden(
        "forbidden",
        Msg::new("problem-forbidden-observers"),
    ))
}

/// The time an observer of `record` gives: the lecture's, while it is offered or confirmed
/// and has not begun.
fn observable(uow: &Uow<'_>, record: &LectureRecord) -> ApiResult<Span> {
    let lecture = &record.lecture;
    let span = lecture.span().filter(|_| lecture.state.releasable());
    match span {
        Some(span) if span.start > uow.now() => Ok(span),
        Some(_) => Err(ApiError::conflict(
            "not_observable",
            Msg::new("problem-not_observable-begun"),
        )),
        None => Err(ApiError::conflict(
            "not_observable",
            Msg::new("problem-not_observable-state")
                .arg("state", lecture.state)
                .arg("state_zh", lecture.state.label_zh()),
        )),
    }
}

/// Whether `expert` can sit in on `lecture` at `span`: active, and free then (the travel
/// buffer of an on-site lecture included; approved leave named as such). Observing is not
/// lecturing: availability, rest days and the load limits are the expert's own lectures'.
fn observer_fit(
    uow: &mut Uow<'_>,
    expert: &Expert,
    lecture: &Lecture,
    span: Span,
    except: &str,
) -> ApiResult<()> {
    fit::active(expert)?;
    let tz = uow.settings.timezone;
    let busy = span.busy(lecture.mode, uow.settings.travel_buffer_minutes);
    match BusyInterval::first_overlap(uow.conn, &expert.id, busy, (SOURCE_OBSERVATION, except))? {
        Some(other) if other.source_type == SOURCE_LEAVE => Err(fit::expert_on_leave(&other, tz)),
        Some(other) => Err(expert_busy(other.starts_at, other.ends_at, tz)),
        None => Ok(()),
    }
}

/// The office or a lead of the lecture's team assigns `expert_id` to observe it, before it
/// begins; never its own expert. The observer is told.
pub fn assign_observer(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    expert_id: &str,
) -> ApiResult<()> {
    // The observer's lock before the lecture's, in the order every change of an expert's
    // time takes them.
    lock_expert(uow.conn, expert_id)?;
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    may_assign(&record, actor)?;
    if record.lecture.expert_id.as_deref() == Some(expert_id) {
        return Err(ApiError::invalid(
            "expert_id",
            "own_lecture",
            Msg::new("field-own_lecture").arg("field", "expert_id"),
        ));
    }
    let span = observable(uow, &record)?;
    let expert = find_expert(uow.conn, expert_id, "expert_id")?;
    if LectureObserver::find(uow.conn, id, expert_id)?.is_some() {
        return Err(ApiError::conflict(
            "already_observer",
            Msg::new("problem-already_observer"),
        ));
    }
    observer_fit(uow, &expert, &record.lecture, span, "")?;
    let now = uow.now();
    LectureObserver::insert(
        uow.conn,
        &LectureObserver {
            id: crate::db::new_id(),
            lecture_id: id.to_owned(),
            expert_id: expert_id.to_owned(),
            assigned_by: actor.user_id.clone(),
            assigned_at: now,
        },
    )?;
    uow.record(
        "lecture.observer_assigned",
        "lecture",
        Some(id),
        json!({ "expert_id": expert_id }),
    )?;
    tell_expert(
        uow,
        &record,
        expert_id,
        LectureNotice::ObserverAssigned,
        None,
    )
}

/// The office or a lead of the lecture's team takes an observer off it, before it begins.
pub fn remove_observer(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    expert_id: &str,
) -> ApiResult<()> {
    lock_expert(uow.conn, expert_id)?;
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    may_assign(&record, actor)?;
    let observer = LectureObserver::find(uow.conn, id, expert_id)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-observer")))?;
    observable(uow, &record)?;
    let_go(uow, &record, &observer, None)
}

/// Takes one observer off a lecture (their hold goes with the row), audited, and tells them.
fn let_go(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    observer: &LectureObserver,
    why: Option<&str>,
) -> ApiResult<()> {
    LectureObserver::remove(uow.conn, &observer.id)?;
    uow.record(
        "lecture.observer_removed",
        "lecture",
        Some(&record.lecture.id),
        json!({ "expert_id": observer.expert_id, "reason": why }),
    )?;
    tell_expert(
        uow,
        record,
        &observer.expert_id,
        LectureNotice::ObserverRemoved,
        why,
    )
}

/// Before a lecture moves to `placement`: observers go with it. Back with the office,
/// cancelled or refused, it lets them all go; moved to another time, those not free then are
/// let go (the lecture matters more than who watches it) and the others follow it, the
/// database moving their holds with the lecture's. Returns those who follow a move, to be
/// told once the lecture is written.
pub(super) fn before_move(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    placement: &Placement,
) -> ApiResult<Vec<String>> {
    let lecture = &record.lecture;
    let to = match (placement.starts_at, placement.ends_at) {
        (Some(start), Some(end)) => Some(Span { start, end }),
        _ => None,
    };
    let lets_go = !placement.state.keeps_observers();
    let moves = to.is_some() && to != lecture.span() && placement.state.holds_time();
    // Only a lecture that can have observers, and a step that lets them go or moves them,
    // asks who they are (most steps do neither).
    if !lecture.state.keeps_observers() || !(lets_go || moves) {
        return Ok(Vec::new());
    }
    let observers = LectureObserver::of_lecture(uow.conn, &lecture.id)?;
    if observers.is_empty() {
        return Ok(Vec::new());
    }
    if lets_go {
        for (observer, _) in &observers {
            let_go(uow, record, observer, None)?;
        }
        return Ok(Vec::new());
    }
    let Some(to) = to else {
        return Ok(Vec::new());
    };
    let mut follow = Vec::new();
    for (observer, _) in &observers {
        let Some(expert) = Expert::find(uow.conn, &observer.expert_id)? else {
            continue;
        };
        match observer_fit(uow, &expert, lecture, to, &observer.id) {
            Ok(()) => follow.push(observer.expert_id.clone()),
            Err(ApiError::Conflict { .. }) => {
                let_go(uow, record, observer, Some("讲座改期，新的时间您另有安排"))?;
            }
            Err(other) => return Err(other),
        }
    }
    Ok(follow)
}

/// An expert no longer free for what they were to observe (suspended, left, on approved
/// leave over it: `within`, the leave's span): their assignments to lectures not yet begun
/// are let go, each told with `why`. Runs inside the change that holds their lock.
pub(super) fn release_observing(
    uow: &mut Uow<'_>,
    expert_id: &str,
    within: Option<Span>,
    why: &str,
) -> ApiResult<()> {
    let ids: Vec<String> = match within {
        None => LectureObserver::of_expert_in(
            uow.conn,
            expert_id,
            &[LectureState::Offered, LectureState::Confirmed],
        )?
        .into_iter()
        .map(|o| o.id)
        .collect(),
        Some(span) => BusyInterval::sources_meeting(uow.conn, expert_id, SOURCE_OBSERVATION, span)?,
    };
    for id in ids {
        let Some(observer) = LectureObserver::find_by_id(uow.conn, &id)? else {
            continue;
        };
        lock_lecture(uow.conn, &observer.lecture_id)?;
        let record = load(uow.conn, &observer.lecture_id)?;
        // A lecture already running keeps its observer, as it keeps its expert.
        if !record.lecture.state.releasable()
            || LectureObserver::find_by_id(uow.conn, &id)?.is_none()
        {
            continue;
        }
        let_go(uow, &record, &observer, Some(why))?;
    }
    Ok(())
}

/// 听课记录: an assigned observer files theirs, once, after the lecture has begun (its expert
/// checked in).
pub fn file_observation(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    scores: ObservationScores,
    comment: &str,
) -> ApiResult<()> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let observer = match &actor.expert_id {
        Some(expert) => LectureObserver::find(uow.conn, id, expert)?,
        None => None,
    }
    .ok_or_else(|| ApiError::forbidden("forbidden", Msg::new("problem-forbidden-observation")))?;
    let state = record.lecture.state;
    if !state.has_run() {
        return Err(ApiError::conflict(
            "lecture_not_begun",
            Msg::new("problem-lecture_not_begun")
                .arg("state", state)
                .arg("state_zh", state.label_zh()),
        ));
    }
    if Observation::exists(uow.conn, id, &observer.expert_id)? {
        return Err(ApiError::conflict(
            "already_observed",
            Msg::new("problem-already_observed"),
        ));
    }
    let observation = Observation {
        id: crate::db::new_id(),
        lecture_id: id.to_owned(),
        observer_id: observer.expert_id.clone(),
        content: scores.content,
        delivery: scores.delivery,
        interaction: scores.interaction,
        effect: scores.effect,
        comment: comment.to_owned(),
        filed_by: actor.user_id.clone(),
        filed_at: uow.now(),
    };
    Observation::insert(uow.conn, &observation)?;
    uow.record(
        "lecture.observed",
        "lecture",
        Some(id),
        json!({
            "observation_id": observation.id,
            "content": scores.content,
            "delivery": scores.delivery,
            "interaction": scores.interaction,
            "effect": scores.effect,
        }),
    )?;
    Ok(())
}

/// Who reads a lecture's observations: the office, the team's leads and the observed
/// expert all of them; an observer their own (`Some(expert)`); anyone else 403.
pub fn observations_reader(
    conn: &mut DbConnection,
    actor: &Actor,
    record: &LectureRecord,
) -> ApiResult<Option<String>> {
    if record.staff_view(actor) {
        return Ok(None);
    }
    if let Some(expert) = &actor.expert_id
        && LectureObserver::is_observer(conn, &record.lecture.id, expert)?
    {
        return Ok(Some(expert.clone()));
    }
    Err(ApiError::forbidden(
        "forbidden",
        Msg::new("problem-forbidden-observations"),
    ))
}
