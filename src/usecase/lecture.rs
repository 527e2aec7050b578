//! Lectures (授课场次): a school's request (约课) or the office's dispatch (派课), offers to
//! experts and their answers, cancellation, rescheduling and release. Every step goes through
//! the lecture machine with its ordered history; every commitment of an expert's time is a
//! row of `busy_intervals`, which the database keeps from overlapping.

use crate::db::OnBackend;
use chrono::{Datelike, Duration, NaiveDateTime};
use serde_json::json;

use crate::auth::actor::Actor;
use crate::db::{self, DbConnection};
use crate::domain::coded::Coded;
use crate::domain::lecture::{
    LECTURE_CREATED, LectureAction, LectureFlow, LectureMode, LectureState, LectureWho,
    MAX_MINUTES, MIN_MINUTES, Origin, RefusalKind, Span, local_date, month_bounds, week_bounds,
};
use crate::domain::roster::{Audience, CourseStatus, ExpertStatus, GradeBand};
use crate::domain::transition::Machine as _;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::mail::outbox::{LectureNotice, Notice};
use crate::models::expert::{Expert, ExpertSets};
use crate::models::lecture::{
    BusyInterval, Lecture, LectureChanges, LectureRefusal, LectureSlot, LectureSummary, NewLecture,
    Placement, SOURCE_LECTURE, SummaryRow,
};
use crate::models::school::School;
use crate::models::team_lead::TeamLead;
use crate::models::user::User;
use crate::models::value_set;
use crate::time::to_local;
use crate::usecase::course::CourseRecord;
use crate::usecase::{Transition, Uow};

/// A lecture as a page lists it.
pub struct ListedLecture {
    pub lecture: LectureSummary,
    pub school_name: Option<String>,
    pub expert_name: Option<String>,
    /// For a school reading a city-wide lecture: whether it joined; else `None`.
    pub joined: Option<bool>,
}

impl ListedLecture {
    /// A page's lectures with the names read with the rows and, for a school, whether it
    /// joined each city-wide one.
    pub fn for_page(
        conn: &mut DbConnection,
        actor: &Actor,
        rows: Vec<SummaryRow>,
    ) -> ApiResult<Vec<ListedLecture>> {
        rows.into_iter()
            .map(|(lecture, school_name, expert_name)| {
                // Only a city-wide lecture can have been joined: most rows ask nothing.
                let joined = match &actor.school_id {
                    Some(school) if lecture.city_wide() => {
                        Some(Lecture::has_joined(conn, school, &lecture.id)?)
                    }
                    _ => None,
                };
                Ok(ListedLecture {
                    lecture,
                    school_name,
                    expert_name,
                    joined,
                })
            })
            .collect()
    }
}

/// A lecture with what its responses and rules need.
pub struct LectureRecord {
    pub lecture: Lecture,
    pub school_name: Option<String>,
    /// The name of the expert it is offered to or held by, read with it.
    pub expert_name: Option<String>,
    pub slots: Vec<LectureSlot>,
    /// Whether the reader's school joined this (city-wide online) lecture; false until
    /// [`LectureRecord::load_visible`] looks.
    pub participant: bool,
}

impl LectureRecord {
    pub fn load(conn: &mut DbConnection, id: &str) -> ApiResult<Option<LectureRecord>> {
        let Some((lecture, school_name, expert_name)) = Lecture::find_row(conn, id)? else {
            return Ok(None);
        };
        let slots = lecture.slot_list();
        Ok(Some(LectureRecord {
            lecture,
            school_name,
            expert_name,
            slots,
            participant: false,
        }))
    }

    /// The lecture, if `actor` may see it; else 404 (its existence is not told).
    pub fn load_visible(conn: &mut DbConnection, actor: &Actor, id: &str) -> ApiResult<Self> {
        let mut record = Self::load(conn, id)?
            .filter(|r| r.visible_to(actor))
            .ok_or_else(|| ApiError::not_found("no such lecture"))?;
        if let Some(school) = &actor.school_id
            && record.city_wide()
        {
            record.participant = Lecture::has_joined(conn, school, id)?;
        }
        Ok(record)
    }

    /// As [`LectureRecord::load_visible`], for a change: concurrent changes of one lecture
    /// wait for each other (on PostgreSQL; SQLite runs one write at a time), so each reads the
    /// state the one before it left.
    fn load_for_change(conn: &mut DbConnection, actor: &Actor, id: &str) -> ApiResult<Self> {
        lock_lecture(conn, id)?;
        Self::load_visible(conn, actor, id)
    }

    /// Admins, the team's leads, the expert it is offered to or held by, and its school see
    /// it; every school sees the city-wide online lectures (to join them).
    pub fn visible_to(&self, actor: &Actor) -> bool {
        let l = &self.lecture;
        actor.is_admin()
            || actor.leads(&l.team_code)
            || l.expert_id.as_deref().is_some_and(|e| actor.is_expert(e))
            || self.is_own_school(actor)
            || (actor.school_id.is_some() && self.city_wide())
    }

    /// An online lecture for no one school, which schools join.
    pub fn city_wide(&self) -> bool {
        crate::domain::lecture::city_wide(self.lecture.school_id.as_deref(), self.lecture.mode)
    }

    pub fn is_own_school(&self, actor: &Actor) -> bool {
        actor.school_id.is_some() && actor.school_id == self.lecture.school_id
    }

    /// How the lecture machine sees `actor` here.
    pub fn who(&self, actor: &Actor) -> LectureWho {
        LectureWho {
            admin: actor.is_admin(),
            team_lead: actor.leads(&self.lecture.team_code),
            own_school: self.is_own_school(actor),
            its_expert: self
                .lecture
                .expert_id
                .as_deref()
                .is_some_and(|e| actor.is_expert(e)),
            system: false,
        }
    }

    /// Whether `actor` works on the lecture (sees its link, the whole history, the refusals).
    pub fn staff_view(&self, actor: &Actor) -> bool {
        actor.is_admin()
            || actor.leads(&self.lecture.team_code)
            || self
                .lecture
                .expert_id
                .as_deref()
                .is_some_and(|e| actor.is_expert(e))
    }

    fn earliest_slot(&self) -> NaiveDateTime {
        self.slots
            .iter()
            .map(|s| s.starts_at)
            .min()
            .unwrap_or(self.lecture.sort_at)
    }
}

/// What a request or a dispatch asks for, as the API parsed it.
#[derive(Debug, Clone)]
pub struct LectureInput {
    pub course_id: Option<String>,
    pub team: Option<String>,
    pub topic: Option<String>,
    pub mode: LectureMode,
    pub audiences: Vec<Audience>,
    pub grade_bands: Vec<GradeBand>,
    pub expected_size: i32,
    pub slots: Vec<Span>,
    pub school_id: Option<String>,
    pub expert_id: Option<String>,
    pub address: Option<String>,
    pub platform: Option<String>,
    pub link: Option<String>,
    pub note: Option<String>,
    pub override_reason: Option<String>,
}

/// Why a proposed slot was not offered at once.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SlotRefusal {
    /// The slot's index in `slots`.
    pub slot: usize,
    /// The problem code an offer at this slot would have met (`expert_busy`, `rest_day`, …).
    pub code: String,
    pub detail: String,
}

/// A lecture just made, and why any proposed slot was not offered.
pub struct Created {
    pub id: String,
    pub not_offered: Vec<SlotRefusal>,
}

fn invalid(field: impl Into<String>, code: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(field, code, message)
}

/// 约课 by a school, or 派课 by the office or a team lead.
pub fn create(uow: &mut Uow<'_>, actor: &Actor, input: LectureInput) -> ApiResult<Created> {
    let now = uow.now();
    let origin = if actor.school_id.is_some() {
        Origin::Booking
    } else if actor.is_admin() || !actor.lead_teams.is_empty() {
        Origin::Dispatch
    } else {
        return Err(ApiError::forbidden(
            "forbidden",
            "schools book lectures; the office and team leads dispatch them",
        ));
    };
    let mut errors = Vec::new();
    let school_id = match origin {
        Origin::Booking => {
            if input.school_id.is_some() && input.school_id != actor.school_id {
                errors.push(invalid(
                    "school_id",
                    "not_yours",
                    "a school books lectures for itself",
                ));
            }
            if input.expert_id.is_some() {
                errors.push(invalid(
                    "expert_id",
                    "not_allowed",
                    "a school chooses an expert through a course; the office offers the others",
                ));
            }
            if input.slots.len() > 3 {
                errors.push(invalid("slots", "too_many", "propose one to three times"));
            }
            actor.school_id.clone()
        }
        Origin::Dispatch => {
            if input.slots.len() > 1 {
                errors.push(invalid(
                    "slots",
                    "too_many",
                    "a dispatched lecture has exactly one time",
                ));
            }
            if input.school_id.is_none() && input.mode == LectureMode::Offline {
                errors.push(invalid(
                    "school_id",
                    "required",
                    "an on-site lecture is given at a school",
                ));
            }
            input.school_id.clone()
        }
    };
    if input.slots.is_empty() {
        errors.push(invalid("slots", "required", "propose at least one time"));
    }
    if input.override_reason.is_some() && !actor.is_admin() {
        errors.push(invalid(
            "override_reason",
            "not_allowed",
            "only an admin overrides a rule",
        ));
    }
    let school = match &school_id {
        Some(id) => {
            let school = School::find(uow.conn, id)?;
            if school.is_none() {
                errors.push(invalid("school_id", "not_found", "no school has this id"));
            }
            school
        }
        None => None,
    };
    // The course decides team, topic, expert, length, modes and audiences.
    let course = match &input.course_id {
        Some(id) => {
            let record = CourseRecord::load(uow.conn, id)?;
            match record {
                Some(r)
                    if r.course.status == CourseStatus::Approved
                        && r.expert.status == ExpertStatus::Active =>
                {
                    Some(r)
                }
                Some(_) => {
                    errors.push(invalid(
                        "course_id",
                        "not_bookable",
                        "only approved courses of active experts can be booked",
                    ));
                    None
                }
                None => {
                    errors.push(invalid("course_id", "not_found", "no course has this id"));
                    None
                }
            }
        }
        None => None,
    };
    let team = match (&course, &input.team) {
        (Some(c), Some(t)) if *t != c.course.team_code => {
            errors.push(invalid(
                "team",
                "mismatch",
                "the course belongs to another sub-team; leave team out",
            ));
            c.course.team_code.clone()
        }
        (Some(c), _) => c.course.team_code.clone(),
        (None, Some(t)) => {
            if !crate::domain::profile::TEAM_CODES.contains(&t.as_str()) {
                errors.push(invalid(
                    "team",
                    "invalid_choice",
                    "team must be one of the six sub-team codes",
                ));
            }
            t.clone()
        }
        (None, None) => {
            if input.course_id.is_none() {
                errors.push(invalid(
                    "team",
                    "required",
                    "name a course, or a sub-team and a topic",
                ));
            }
            String::new()
        }
    };
    let topic = match (&input.topic, &course) {
        (Some(t), _) => t.clone(),
        (None, Some(c)) => c.course.title.clone(),
        (None, None) => {
            if input.course_id.is_none() {
                errors.push(invalid(
                    "topic",
                    "required",
                    "say what the lecture is about",
                ));
            }
            String::new()
        }
    };
    if let Some(c) = &course {
        let modes = &c.sets.modes;
        if !modes.iter().any(|m| m == input.mode.as_str()) {
            errors.push(invalid(
                "mode",
                "not_offered",
                format!(
                    "the course is given {}; not {}",
                    modes.join(", "),
                    input.mode
                ),
            ));
        }
        for audience in &input.audiences {
            if !c.sets.audiences.iter().any(|a| a == audience.as_str()) {
                errors.push(invalid(
                    "audiences",
                    "not_offered",
                    format!("the course is not for {audience}"),
                ));
            }
        }
        if let Some(max) = c.course.max_audience
            && input.expected_size > max
        {
            errors.push(invalid(
                "expected_size",
                "too_large",
                format!("the course takes at most {max} people"),
            ));
        }
    }
    let length = course
        .as_ref()
        .map(|c| i64::from(c.course.duration_minutes));
    check_slots(&input.slots, length, now, &mut errors);
    // The school calendar: a booking never lands in a closed period; a dispatch only with
    // an admin's reason.
    let tz = uow.settings.timezone;
    let overridden = origin == Origin::Dispatch && input.override_reason.is_some();
    for (i, slot) in input.slots.iter().enumerate() {
        if overridden || slot.end <= slot.start {
            continue;
        }
        if let Some(b) =
            crate::usecase::availability::blackout_over(uow.conn, school.as_ref(), *slot, tz)?
        {
            errors.push(invalid(
                format!("slots[{i}]"),
                "blackout",
                format!(
                    "this time falls in {} ({} to {}), when schools take no lectures{}",
                    b.name,
                    b.start_date,
                    b.end_date,
                    if origin == Origin::Dispatch {
                        "; an admin may dispatch into it with override_reason"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if origin == Origin::Dispatch && !actor.is_admin() && !actor.leads(&team) {
        return Err(ApiError::forbidden(
            "forbidden",
            "a team lead dispatches lectures of their own sub-team only",
        ));
    }

    let id = crate::db::new_id();
    let address = match input.mode {
        LectureMode::Offline => input
            .address
            .clone()
            .or_else(|| school.as_ref().map(|s| s.address.clone())),
        LectureMode::Online => input.address.clone(),
    };
    let sort_at = input.slots.iter().map(|s| s.start).min().unwrap_or(now);
    let joined = |codes: Vec<&str>| codes.join(value_set::SEPARATOR);
    let grade_bands = joined(input.grade_bands.iter().map(|g| g.as_str()).collect());
    let new = NewLecture {
        id: id.clone(),
        origin,
        state: LectureState::Requested,
        team_code: team.clone(),
        course_id: course.as_ref().map(|c| c.course.id.clone()),
        topic: topic.clone(),
        mode: input.mode,
        audiences: joined(input.audiences.iter().map(|a| a.as_str()).collect()),
        grade_bands: Some(grade_bands).filter(|g| !g.is_empty()),
        expected_size: input.expected_size,
        school_id: school_id.clone(),
        sort_at,
        address,
        platform: input.platform.clone(),
        link: input.link.clone(),
        note: input.note.clone(),
        created_by: Some(actor.user_id.clone()),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    uow.transition::<LectureFlow>(
        Transition {
            object_id: &id,
            from: None,
            to: LectureState::Requested,
            action: LECTURE_CREATED,
            reason: None,
            audit_action: "lecture.created",
            audit_detail: json!({
                "origin": origin,
                "course_id": new.course_id,
                "school_id": school_id,
                "mode": input.mode,
            }),
        },
        |conn| Lecture::insert(conn, &new, &input.slots).map(|()| true),
    )?;

    let mut not_offered = Vec::new();
    let target = match (&input.expert_id, &course, origin) {
        (Some(expert), _, _) => Some((expert.clone(), true)),
        (None, Some(c), Origin::Booking) => Some((c.course.expert_id.clone(), false)),
        _ => None,
    };
    let mut offered = false;
    if let Some((expert_id, required)) = target {
        let record = load(uow.conn, &id)?;
        if required {
            // A dispatch names its expert: the offer is part of the request.
            let expert = find_expert(uow.conn, &expert_id, "expert_id")?;
            offer_at(
                uow,
                &record,
                &expert,
                input.slots[0],
                OfferBy::Office(actor.is_admin(), input.override_reason.as_deref()),
            )?;
            offered = true;
        } else {
            let expert = find_expert(uow.conn, &expert_id, "course_id")?;
            for (index, slot) in input.slots.iter().enumerate() {
                match fit(uow, &expert, &record.lecture, *slot, Overrides::none()) {
                    Ok(()) => {
                        offer_at(uow, &record, &expert, *slot, OfferBy::Booking)?;
                        offered = true;
                        break;
                    }
                    Err(e) => not_offered.push(SlotRefusal {
                        slot: index,
                        code: e.code().to_owned(),
                        detail: e.problem().detail,
                    }),
                }
            }
        }
    }
    if !offered {
        let record = load(uow.conn, &id)?;
        tell_office(uow, &record, LectureNotice::Requested, None, Some(actor))?;
    }
    Ok(Created { id, not_offered })
}

/// Each slot in the future, in order, of the course's length (or 30-240 minutes).
fn check_slots(
    slots: &[Span],
    length: Option<i64>,
    now: NaiveDateTime,
    errors: &mut Vec<FieldError>,
) {
    for (i, slot) in slots.iter().enumerate() {
        let field = format!("slots[{i}]");
        let minutes = slot.minutes();
        if slot.end <= slot.start {
            errors.push(invalid(
                field,
                "end_before_start",
                "end must be after start",
            ));
        } else if slot.start <= now {
            errors.push(invalid(
                field,
                "in_the_past",
                "a slot must start in the future",
            ));
        } else if let Some(length) = length
            && minutes != length
        {
            errors.push(invalid(
                field,
                "wrong_length",
                format!("the course takes {length} minutes; this slot is {minutes}"),
            ));
        } else if length.is_none() && !(MIN_MINUTES..=MAX_MINUTES).contains(&minutes) {
            errors.push(invalid(
                field,
                "wrong_length",
                format!(
                    "a lecture takes {MIN_MINUTES} to {MAX_MINUTES} minutes; this slot is {minutes}"
                ),
            ));
        }
    }
}

/// Changes of one lecture wait for each other (PostgreSQL; SQLite writes one at a time).
fn lock_lecture(conn: &mut DbConnection, id: &str) -> ApiResult<()> {
    Ok(db::lock_key(conn, &format!("lecture:{id}"))?)
}

/// Whatever adds a commitment of an expert's time takes this before it counts their load,
/// so two racing offers cannot both pass a limit.
fn lock_expert(conn: &mut DbConnection, expert_id: &str) -> ApiResult<()> {
    Ok(db::lock_key(conn, &format!("expert:{expert_id}"))?)
}

fn load(conn: &mut DbConnection, id: &str) -> ApiResult<LectureRecord> {
    LectureRecord::load(conn, id)?.ok_or_else(|| ApiError::not_found("no such lecture"))
}

fn find_expert(conn: &mut DbConnection, id: &str, field: &str) -> ApiResult<Expert> {
    Expert::find(conn, id)?
        .ok_or_else(|| ApiError::invalid(field, "not_found", "no expert has this id"))
}

/// Which rules an admin set aside, with their reason (audited).
#[derive(Debug, Clone, Copy)]
pub struct Overrides<'a> {
    /// An admin's reason, which lifts availability, blackouts and an earlier refusal; never
    /// an overlap, a rest day or a load limit.
    pub reason: Option<&'a str>,
}

impl Overrides<'_> {
    fn none() -> Self {
        Overrides { reason: None }
    }
}

/// Whether `expert` can take `lecture` at `span`: active, serving its mode, not on a rest
/// day, within their availability (unless an admin set it aside), free (the travel buffer of
/// an offline lecture included), and within the load limits of that week and month. The caller holds the expert's lock.
fn fit(
    uow: &mut Uow<'_>,
    expert: &Expert,
    lecture: &Lecture,
    span: Span,
    overrides: Overrides<'_>,
) -> ApiResult<()> {
    if expert.status != ExpertStatus::Active {
        return Err(ApiError::conflict(
            "expert_not_active",
            format!(
                "the expert is {}; only active experts get offers",
                expert.status
            ),
        ));
    }
    let sets: ExpertSets = Expert::sets(uow.conn, &expert.id)?;
    if !sets.modes.iter().any(|m| m == lecture.mode.as_str()) {
        return Err(ApiError::conflict(
            "mode_not_served",
            format!("the expert does not give {} lectures", lecture.mode),
        ));
    }
    let tz = uow.settings.timezone;
    let date = local_date(span.start, tz);
    let weekday = i32::try_from(date.weekday().number_from_monday()).unwrap_or(0);
    if sets.rest_weekdays.contains(&weekday) {
        return Err(ApiError::conflict(
            "rest_day",
            format!("{date} is one of the expert's rest days"),
        ));
    }
    if overrides.reason.is_none() {
        crate::usecase::availability::check(uow.conn, &expert.id, span, tz)?;
    }
    let busy = span.busy(lecture.mode, uow.settings.travel_buffer_minutes);
    if let Some(other) =
        BusyInterval::first_overlap(uow.conn, &expert.id, busy, (SOURCE_LECTURE, &lecture.id))?
    {
        return Err(expert_busy(other.starts_at, other.ends_at, tz));
    }
    let week = week_bounds(span.start, tz);
    let in_week = Lecture::load_count(uow.conn, &expert.id, week, &lecture.id)?;
    if in_week >= i64::from(expert.max_per_week) {
        return Err(ApiError::conflict(
            "weekly_limit_reached",
            format!(
                "the expert already has {in_week} lecture(s) in the week of {}; their limit is {} a week",
                local_date(week.start, tz),
                expert.max_per_week
            ),
        ));
    }
    let month = month_bounds(span.start, tz);
    let in_month = Lecture::load_count(uow.conn, &expert.id, month, &lecture.id)?;
    if in_month >= i64::from(expert.max_per_month) {
        return Err(ApiError::conflict(
            "monthly_limit_reached",
            format!(
                "the expert already has {in_month} lecture(s) in {}; their limit is {} a month",
                local_date(span.start, tz).format("%Y-%m"),
                expert.max_per_month
            ),
        ));
    }
    Ok(())
}

/// 409 `expert_busy`, naming the commitment in the way (travel buffer included).
pub fn expert_busy(start: NaiveDateTime, end: NaiveDateTime, tz: chrono_tz::Tz) -> ApiError {
    ApiError::conflict(
        "expert_busy",
        format!(
            "the expert is already committed from {} to {} (travel time included)",
            to_local(start, tz).to_rfc3339(),
            to_local(end, tz).to_rfc3339()
        ),
    )
}

/// Who offers, which decides what may be set aside.
#[derive(Debug, Clone, Copy)]
enum OfferBy<'a> {
    /// The booking of a course, offered to its expert at once.
    Booking,
    /// The office or a lead: (admin, override reason).
    Office(bool, Option<&'a str>),
}

/// Offers `record` to `expert` for `span`: the expert's lock, every rule, the move to
/// `offered`, the hold on the expert's time, history, audit and the expert's notice.
fn offer_at(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    expert: &Expert,
    span: Span,
    by: OfferBy<'_>,
) -> ApiResult<()> {
    let lecture = &record.lecture;
    let who = match by {
        OfferBy::Booking => LectureWho {
            system: true,
            ..Default::default()
        },
        OfferBy::Office(admin, _) => LectureWho {
            admin,
            team_lead: !admin,
            ..Default::default()
        },
    };
    let to = LectureFlow::next(lecture.state, LectureAction::Offer, &who)?;
    let reason = match by {
        OfferBy::Office(_, reason) => reason,
        OfferBy::Booking => None,
    };
    lock_expert(uow.conn, &expert.id)?;
    if let Some(kind) = LectureRefusal::find(uow.conn, &lecture.id, &expert.id)?
        && reason.is_none()
    {
        return Err(ApiError::conflict(
            "previously_refused",
            format!(
                "the expert has {} this lecture before; an admin may offer it again with override_reason",
                match kind {
                    RefusalKind::Declined => "declined",
                    RefusalKind::Lapsed => "let an offer of",
                }
            ),
        ));
    }
    fit(uow, expert, lecture, span, Overrides { reason })?;
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
    };
    move_to(
        uow,
        record,
        &placement,
        LectureAction::Offer,
        reason,
        json!({ "expert_id": expert.id, "override_reason": reason }),
    )?;
    hold(uow, lecture, &expert.id, span)?;
    let updated = load(uow.conn, &lecture.id)?;
    tell_expert(uow, &updated, &expert.id, LectureNotice::Offered, None)?;
    Ok(())
}

/// Holds the expert's time for the lecture (replacing what it held).
fn hold(uow: &mut Uow<'_>, lecture: &Lecture, expert_id: &str, span: Span) -> ApiResult<()> {
    let busy = span.busy(lecture.mode, uow.settings.travel_buffer_minutes);
    BusyInterval::hold(uow.conn, expert_id, (SOURCE_LECTURE, &lecture.id), busy)?;
    Ok(())
}

fn release(uow: &mut Uow<'_>, lecture: &Lecture) -> ApiResult<()> {
    BusyInterval::release(uow.conn, (SOURCE_LECTURE, &lecture.id))?;
    Ok(())
}

/// Writes the placement with its history and audit rows.
fn move_to(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    placement: &Placement,
    action: LectureAction,
    reason: Option<&str>,
    detail: serde_json::Value,
) -> ApiResult<()> {
    let lecture = &record.lecture;
    let (id, from, version, now) = (
        lecture.id.clone(),
        lecture.state,
        lecture.version,
        uow.now(),
    );
    uow.transition::<LectureFlow>(
        Transition {
            object_id: &id,
            from: Some(from),
            to: placement.state,
            action: action.as_str(),
            reason,
            audit_action: audit_action(action),
            audit_detail: detail,
        },
        |conn| Lecture::place(conn, &id, from, version, placement, now),
    )?;
    Ok(())
}

fn audit_action(action: LectureAction) -> &'static str {
    match action {
        LectureAction::Offer => "lecture.offered",
        LectureAction::Accept => "lecture.accepted",
        LectureAction::Decline => "lecture.declined",
        LectureAction::Lapse => "lecture.offer_lapsed",
        LectureAction::Reject => "lecture.rejected",
        LectureAction::Cancel => "lecture.cancelled",
        LectureAction::Reschedule => "lecture.rescheduled",
        LectureAction::Release => "lecture.released",
        LectureAction::Expire => "lecture.expired",
    }
}

/// The placement of a lecture that waits for an expert again: no expert, no chosen time
/// (unless it keeps its time while it waits for reassignment).
fn unplaced(record: &LectureRecord, to: LectureState) -> Placement {
    let keeps_time = to == LectureState::NeedsReassignment;
    let l = &record.lecture;
    Placement {
        state: to,
        expert_id: None,
        starts_at: l.starts_at.filter(|_| keeps_time),
        ends_at: l.ends_at.filter(|_| keeps_time),
        sort_at: if keeps_time {
            l.sort_at
        } else {
            record.earliest_slot()
        },
        offer_expires_at: None,
        sequence: l.sequence,
    }
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
            "only an admin overrides a rule",
        ));
    }
    let span = match (record.lecture.state, slot) {
        // A lecture waiting for reassignment keeps the time the school was promised.
        (LectureState::NeedsReassignment, None) => record.lecture.span(),
        (LectureState::NeedsReassignment, Some(_)) => {
            return Err(ApiError::invalid(
                "slot",
                "not_allowed",
                "a lecture waiting for reassignment keeps its time; reschedule it to move it",
            ));
        }
        (_, slot) => record.slots.get(slot.unwrap_or(0)).map(LectureSlot::span),
    }
    .ok_or_else(|| {
        ApiError::invalid(
            "slot",
            "not_found",
            format!(
                "the lecture has {} proposed time(s), numbered from 0",
                record.slots.len()
            ),
        )
    })?;
    if span.start <= uow.now() {
        return Err(ApiError::invalid(
            "slot",
            "in_the_past",
            "this time has passed; choose another or reschedule",
        ));
    }
    let expert = find_expert(uow.conn, expert_id, "expert_id")?;
    offer_at(
        uow,
        &record,
        &expert,
        span,
        OfferBy::Office(actor.is_admin(), override_reason),
    )
}

/// The offered expert accepts, at the offered time or at another proposed slot free for them.
pub fn accept(uow: &mut Uow<'_>, actor: &Actor, id: &str, slot: Option<usize>) -> ApiResult<()> {
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
            "the offer has expired; the office may offer the lecture again",
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
                    format!(
                        "the lecture has {} proposed time(s), numbered from 0",
                        record.slots.len()
                    ),
                )
            })?,
    };
    let expert_id = lecture.expert_id.clone().unwrap_or_default();
    if span != current {
        if span.start <= now {
            return Err(ApiError::invalid(
                "slot",
                "in_the_past",
                "this time has passed",
            ));
        }
        lock_expert(uow.conn, &expert_id)?;
        let expert = find_expert(uow.conn, &expert_id, "expert_id")?;
        fit(uow, &expert, lecture, span, Overrides::none())?;
    }
    let placement = Placement {
        state: to,
        starts_at: Some(span.start),
        ends_at: Some(span.end),
        sort_at: span.start,
        offer_expires_at: None,
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
    if span != current {
        hold(uow, lecture, &expert_id, span)?;
    }
    let updated = load(uow.conn, id)?;
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
    let updated = load(uow.conn, id)?;
    tell_office(
        uow,
        &updated,
        LectureNotice::Declined,
        Some(reason),
        Some(actor),
    )
}

/// An offer returns to the office (declined or lapsed): the refusal is remembered and the
/// expert's time released.
fn give_back(
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
    release(uow, &record.lecture)?;
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
    let placement = Placement {
        state: to,
        ..record.lecture.placement()
    };
    move_to(
        uow,
        &record,
        &placement,
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
    release(uow, &record.lecture)?;
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
    check_slots(&[span], length, now, &mut errors);
    if let Some(e) = errors.first_mut() {
        e.field = "start".to_owned();
        return Err(ApiError::Validation(errors));
    }
    let expert_id = lecture.expert_id.clone().unwrap_or_default();
    lock_expert(uow.conn, &expert_id)?;
    let expert = find_expert(uow.conn, &expert_id, "expert_id")?;
    // The old time is let go first: the new one may overlap it.
    release(uow, lecture)?;
    fit(uow, &expert, lecture, span, Overrides::none())?;
    let expires = (now + Duration::hours(uow.settings.offer_hours)).min(span.start);
    let placement = Placement {
        state: to,
        starts_at: Some(span.start),
        ends_at: Some(span.end),
        sort_at: span.start,
        offer_expires_at: Some(expires),
        sequence: lecture.sequence + 1,
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
    hold(uow, lecture, &expert_id, span)?;
    let updated = load(uow.conn, id)?;
    tell_expert(uow, &updated, &expert_id, LectureNotice::Rescheduled, None)?;
    tell_schools(uow, &updated, LectureNotice::Rescheduled, None, Some(actor))
}

/// An edit of the practical details (`PATCH`), until the lecture starts.
pub fn edit(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    if_match: Option<i32>,
    changes: LectureChanges,
) -> ApiResult<()> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let who = record.who(actor);
    if !(who.admin || who.team_lead || who.own_school) {
        return Err(ApiError::forbidden(
            "forbidden",
            "a lecture's details are edited by its school and the office",
        ));
    }
    let lecture = &record.lecture;
    if let Some(expected) = if_match
        && expected != lecture.version
    {
        return Err(ApiError::version_mismatch(
            "lecture",
            lecture.version,
            expected,
        ));
    }
    let now = uow.now();
    if lecture.state.is_final() || lecture.starts_at.is_some_and(|s| s <= now) {
        return Err(ApiError::conflict(
            "lecture_closed",
            format!(
                "the lecture is {} and can no longer be edited",
                if lecture.state.is_final() {
                    lecture.state.code()
                } else {
                    "under way"
                }
            ),
        ));
    }
    if let (Some(size), Some(course)) = (changes.expected_size, &lecture.course_id)
        && let Some(max) = CourseRecord::load(uow.conn, course)?.and_then(|c| c.course.max_audience)
        && size > max
    {
        return Err(ApiError::invalid(
            "expected_size",
            "too_large",
            format!("the course takes at most {max} people"),
        ));
    }
    // Only what differs is written: an edit that changes nothing keeps the version.
    let changes = LectureChanges {
        link: changes.link.filter(|v| *v != lecture.link),
        platform: changes.platform.filter(|v| *v != lecture.platform),
        note: changes.note.filter(|v| *v != lecture.note),
        address: changes.address.filter(|v| *v != lecture.address),
        expected_size: changes
            .expected_size
            .filter(|v| *v != lecture.expected_size),
    };
    if changes.is_empty() {
        return Ok(());
    }
    if !Lecture::update(uow.conn, id, lecture.version, &changes, now)? {
        return Err(ApiError::changed_meanwhile("lecture"));
    }
    uow.record(
        "lecture.edited",
        "lecture",
        Some(id),
        json!({
            "link": changes.link.is_some(),
            "platform": changes.platform,
            "note": changes.note.is_some(),
            "address": changes.address,
            "expected_size": changes.expected_size,
        }),
    )?;
    let updated = load(uow.conn, id)?;
    if let Some(expert_id) = &lecture.expert_id
        && lecture.state.holds_time()
    {
        tell_expert(uow, &updated, expert_id, LectureNotice::Changed, None)?;
    }
    Ok(())
}

/// A school joins a city-wide online lecture (线上网课) with the audience it expects, or
/// changes that number; until the lecture begins.
pub fn join(uow: &mut Uow<'_>, actor: &Actor, id: &str, expected_size: i32) -> ApiResult<()> {
    let school = actor.school_id.clone().ok_or_else(|| {
        ApiError::forbidden("forbidden", "schools join city-wide online lectures")
    })?;
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let open = matches!(
        record.lecture.state,
        LectureState::Requested | LectureState::Offered | LectureState::Confirmed
    );
    let begins = record
        .lecture
        .starts_at
        .unwrap_or_else(|| record.earliest_slot());
    if !record.city_wide() {
        return Err(ApiError::conflict(
            "not_joinable",
            "only city-wide online lectures are joined; ask for a lecture of your own instead",
        ));
    }
    if !open || begins <= uow.now() {
        return Err(ApiError::conflict(
            "not_joinable",
            format!(
                "the lecture is {} and can no longer be joined",
                if open {
                    "under way"
                } else {
                    record.lecture.state.code()
                }
            ),
        ));
    }
    Lecture::join(uow.conn, id, &school, expected_size, uow.now())?;
    uow.record(
        "lecture.joined",
        "lecture",
        Some(id),
        json!({ "school_id": school, "expected_size": expected_size }),
    )?;
    Ok(())
}

/// A school withdraws from a city-wide online lecture it joined, until it begins.
pub fn withdraw(uow: &mut Uow<'_>, actor: &Actor, id: &str) -> ApiResult<()> {
    let school = actor
        .school_id
        .clone()
        .ok_or_else(|| ApiError::forbidden("forbidden", "only a school that joined withdraws"))?;
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let begins = record
        .lecture
        .starts_at
        .unwrap_or_else(|| record.earliest_slot());
    if begins <= uow.now() {
        return Err(ApiError::conflict(
            "lecture_closed",
            "the lecture has begun; a school can no longer withdraw",
        ));
    }
    if !Lecture::withdraw(uow.conn, id, &school)? {
        return Err(ApiError::not_found(
            "your school has not joined this lecture",
        ));
    }
    uow.record(
        "lecture.withdrawn",
        "lecture",
        Some(id),
        json!({ "school_id": school }),
    )?;
    Ok(())
}

/// An expert can no longer give lectures (suspended or left): their open offers go back to
/// the office, their confirmed lectures wait for reassignment; office, leads and schools
/// are told. Runs inside the membership change's transaction.
pub fn release_expert(uow: &mut Uow<'_>, expert_id: &str, why: &str) -> ApiResult<usize> {
    let ids = Lecture::held_by(uow.conn, expert_id, &LectureState::HOLDING)?;
    let system = LectureWho {
        system: true,
        ..Default::default()
    };
    for id in &ids {
        lock_lecture(uow.conn, id)?;
        let record = load(uow.conn, id)?;
        let to = LectureFlow::next(record.lecture.state, LectureAction::Release, &system)?;
        move_to(
            uow,
            &record,
            &unplaced(&record, to),
            LectureAction::Release,
            Some(why),
            json!({ "expert_id": expert_id }),
        )?;
        release(uow, &record.lecture)?;
        let updated = load(uow.conn, id)?;
        tell_office(uow, &updated, LectureNotice::NeedsExpert, Some(why), None)?;
        if to == LectureState::NeedsReassignment {
            tell_schools(uow, &updated, LectureNotice::NeedsExpert, None, None)?;
        }
    }
    Ok(ids.len())
}

/// The job's steps (offers not answered in time, requests whose times all passed,
/// reminders the day before), each lecture in a transaction of its own.
pub mod due {
    use super::*;
    use crate::db::schema::{lecture_slots, lectures};
    use diesel::prelude::*;

    /// Offers whose answer time has passed.
    pub fn lapsed_offers(conn: &mut DbConnection, now: NaiveDateTime) -> ApiResult<Vec<String>> {
        Ok(lectures::table
            .filter(lectures::state.eq(LectureState::Offered))
            .filter(lectures::offer_expires_at.le(now))
            .select(lectures::id)
            .load_on(conn)?)
    }

    /// Waiting lectures none of whose times can still be given: a request whose every
    /// proposed slot has begun, a lecture waiting for reassignment whose time has begun.
    pub fn expired_requests(conn: &mut DbConnection, now: NaiveDateTime) -> ApiResult<Vec<String>> {
        let mut ids: Vec<String> = lectures::table
            .filter(lectures::state.eq(LectureState::Requested))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                lecture_slots::table
                    .filter(lecture_slots::lecture_id.eq(lectures::id))
                    .filter(lecture_slots::starts_at.gt(now)),
            )))
            .select(lectures::id)
            .load_on(conn)?;
        ids.extend(
            lectures::table
                .filter(lectures::state.eq(LectureState::NeedsReassignment))
                .filter(lectures::starts_at.le(now))
                .select(lectures::id)
                .load::<String>(conn)?,
        );
        Ok(ids)
    }

    /// Confirmed lectures starting within a day that have had no reminder.
    pub fn reminders(conn: &mut DbConnection, now: NaiveDateTime) -> ApiResult<Vec<String>> {
        Ok(lectures::table
            .filter(lectures::state.eq(LectureState::Confirmed))
            .filter(lectures::starts_at.gt(now))
            .filter(lectures::starts_at.le(now + Duration::hours(24)))
            .filter(lectures::reminded_at.is_null())
            .select(lectures::id)
            .load_on(conn)?)
    }

    fn system() -> LectureWho {
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
        let updated = load(uow.conn, id)?;
        tell_office(uow, &updated, LectureNotice::Lapsed, None, None)?;
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
        let placement = Placement {
            state: to,
            ..record.lecture.placement()
        };
        move_to(
            uow,
            &record,
            &placement,
            LectureAction::Expire,
            None,
            json!({}),
        )?;
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
}

/// The notice about `record`.
fn notice(record: &LectureRecord, kind: LectureNotice, reason: Option<&str>) -> Notice {
    Notice::Lecture {
        kind,
        topic: record.lecture.topic.clone(),
        school_name: record.school_name.clone(),
        mode: record.lecture.mode,
        start: record.lecture.starts_at,
        place: match record.lecture.mode {
            LectureMode::Offline => record.lecture.address.clone(),
            LectureMode::Online => record.lecture.platform.clone(),
        },
        offer_expires_at: record.lecture.offer_expires_at,
        reason: reason.map(str::to_owned),
    }
}

fn tell_expert(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    expert_id: &str,
    kind: LectureNotice,
    reason: Option<&str>,
) -> ApiResult<()> {
    let Some(expert) = Expert::find(uow.conn, expert_id)? else {
        return Ok(());
    };
    if let Some(user) = User::find(uow.conn, &expert.user_id)? {
        let n = notice(record, kind, reason);
        uow.notify(&user, n)?;
    }
    Ok(())
}

/// Tells the lecture's school (and the schools that joined a city-wide one), never the
/// account that acted.
fn tell_schools(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    kind: LectureNotice,
    reason: Option<&str>,
    actor: Option<&Actor>,
) -> ApiResult<()> {
    let mut schools: Vec<String> = record.lecture.school_id.iter().cloned().collect();
    schools.extend(Lecture::participant_schools(uow.conn, &record.lecture.id)?);
    let mut users = Vec::new();
    for school in schools {
        users.extend(User::of_school(uow.conn, &school)?);
    }
    tell_users(uow, users, record, kind, reason, actor)
}

/// Tells the office (every active admin) and the active leads of the lecture's team, never
/// the account that acted.
fn tell_office(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    kind: LectureNotice,
    reason: Option<&str>,
    actor: Option<&Actor>,
) -> ApiResult<()> {
    let mut users = User::active_admins(uow.conn)?;
    for user_id in TeamLead::reviewer_users(uow.conn, &record.lecture.team_code)? {
        if let Some(user) = User::find(uow.conn, &user_id)?.filter(|u| u.active) {
            users.push(user);
        }
    }
    tell_users(uow, users, record, kind, reason, actor)
}

/// Sends the notice to each of `users` once, never to the account that acted.
fn tell_users(
    uow: &mut Uow<'_>,
    users: Vec<User>,
    record: &LectureRecord,
    kind: LectureNotice,
    reason: Option<&str>,
    actor: Option<&Actor>,
) -> ApiResult<()> {
    let mut told: Vec<String> = actor.iter().map(|a| a.user_id.clone()).collect();
    for user in users {
        if told.contains(&user.id) {
            continue;
        }
        told.push(user.id.clone());
        let n = notice(record, kind, reason);
        uow.notify(&user, n)?;
    }
    Ok(())
}

/// One candidate for a lecture (派课建议), with the reasons as data.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub expert_id: String,
    pub expert_name: String,
    /// 1, 2, 3, … among the eligible; `null` for the others.
    pub rank: Option<usize>,
    pub eligible: bool,
    /// `primary` or `extra` (a team the expert serves besides their own), or `none`.
    pub team: &'static str,
    /// An approved course of the expert in the lecture's team, given in its mode.
    pub course_id: Option<String>,
    /// No commitment of theirs overlaps the lecture (travel buffer included).
    pub free: bool,
    pub serves_mode: bool,
    /// On site: whether the expert serves the school's district; `null` online.
    pub serves_district: Option<bool>,
    pub lectures_this_week: i64,
    pub max_per_week: i32,
    pub lectures_this_month: i64,
    pub max_per_month: i32,
    /// Lectures in the 90 days before now: fewer ranks higher (fairness).
    pub lectures_last_90_days: i64,
    /// Why not, for the ineligible: (code, detail) as an offer would be refused.
    pub not_eligible: Vec<SlotRefusal>,
}

/// The ranked candidates for a lecture, at its chosen time or else its first proposed slot.
pub struct Suggestions {
    pub at: Span,
    /// A school-calendar period the time falls in, if any (a dispatch there needs a reason).
    pub blackout: Option<String>,
    pub items: Vec<Suggestion>,
}

/// 派课建议: every expert who could take the lecture, ranked; with `include_ineligible`
/// the others too, each with why not. The office and the team's leads.
pub fn suggestions(
    conn: &mut DbConnection,
    settings: &crate::config::Settings,
    actor: &Actor,
    id: &str,
    include_ineligible: bool,
    now: NaiveDateTime,
) -> ApiResult<Suggestions> {
    use std::collections::HashMap;
    let record = LectureRecord::load_visible(conn, actor, id)?;
    let who = record.who(actor);
    if !(who.admin || who.team_lead) {
        return Err(ApiError::forbidden(
            "forbidden",
            "dispatch suggestions are for the office and the lecture's team leads",
        ));
    }
    let lecture = &record.lecture;
    let at = lecture
        .span()
        .or_else(|| record.slots.first().map(LectureSlot::span))
        .ok_or_else(|| ApiError::internal("a lecture without a time"))?;
    let tz = settings.timezone;
    let school = match &lecture.school_id {
        Some(s) => School::find(conn, s)?,
        None => None,
    };
    let blackout = crate::usecase::availability::blackout_over(conn, school.as_ref(), at, tz)?
        .map(|b| format!("{} ({} to {})", b.name, b.start_date, b.end_date));
    let busy_span = at.busy(lecture.mode, settings.travel_buffer_minutes);
    let count_map = |rows: Vec<(Option<String>, i64)>| -> HashMap<String, i64> {
        rows.into_iter()
            .filter_map(|(e, n)| e.map(|e| (e, n)))
            .collect()
    };
    let week = count_map(Lecture::load_counts(
        conn,
        week_bounds(at.start, tz),
        &lecture.id,
    )?);
    let month = count_map(Lecture::load_counts(
        conn,
        month_bounds(at.start, tz),
        &lecture.id,
    )?);
    let recent_span = Span {
        start: now - Duration::days(90),
        end: now,
    };
    let recent = count_map(Lecture::load_counts(conn, recent_span, &lecture.id)?);
    let busy: Vec<String> =
        BusyInterval::overlapping(conn, busy_span, (SOURCE_LECTURE, &lecture.id))?
            .into_iter()
            .map(|b| b.expert_id)
            .collect();
    let refusals = LectureRefusal::of_lecture(conn, &lecture.id)?;
    let courses = crate::models::course::approved_in_team(conn, &lecture.team_code)?;
    let local_day = local_date(at.start, tz);
    let (rules, exceptions) = crate::models::availability::all_on(conn, local_day)?;
    let local = {
        use chrono::TimeZone as _;
        let start = tz.from_utc_datetime(&at.start).naive_local();
        let end = tz.from_utc_datetime(&at.end).naive_local();
        crate::domain::availability::LocalSpan {
            day: start.date(),
            start: start.time(),
            end: (end.date() == start.date()).then_some(end.time()),
        }
    };
    let weekday = i32::try_from(local_day.weekday().number_from_monday()).unwrap_or(0);

    let mut items = Vec::new();
    for (expert, _, sets) in Expert::all_rows(conn)? {
        let team = if expert.primary_team == lecture.team_code {
            "primary"
        } else if sets.extra_teams.contains(&lecture.team_code) {
            "extra"
        } else {
            "none"
        };
        let course_id = courses
            .iter()
            .find(|(_, e, modes)| {
                *e == expert.id && modes.iter().any(|m| m == lecture.mode.as_str())
            })
            .map(|(c, _, _)| c.clone());
        let free = !busy.contains(&expert.id);
        let serves_mode = sets.modes.iter().any(|m| m == lecture.mode.as_str());
        let serves_district = match (lecture.mode, &school) {
            (LectureMode::Offline, Some(s)) => Some(sets.districts.contains(&s.district)),
            _ => None,
        };
        let in_week = week.get(&expert.id).copied().unwrap_or(0);
        let in_month = month.get(&expert.id).copied().unwrap_or(0);
        let windows: Vec<_> = rules
            .iter()
            .filter(|r| r.expert_id == expert.id)
            .map(crate::models::availability::AvailabilityRule::window)
            .collect();
        let dated: Vec<_> = exceptions
            .iter()
            .filter(|e| e.expert_id == expert.id)
            .map(crate::models::availability::AvailabilityException::exception)
            .collect();
        let mut why = Vec::new();
        let mut no = |code: &str, detail: String| {
            why.push(SlotRefusal {
                slot: 0,
                code: code.to_owned(),
                detail,
            })
        };
        if expert.status != ExpertStatus::Active {
            no(
                "expert_not_active",
                format!("the expert is {}", expert.status),
            );
        }
        if team == "none" {
            no(
                "team_not_served",
                format!("the expert does not serve {}", lecture.team_code),
            );
        }
        if !serves_mode {
            no(
                "mode_not_served",
                format!("the expert does not give {} lectures", lecture.mode),
            );
        }
        if sets.rest_weekdays.contains(&weekday) {
            no(
                "rest_day",
                format!("{local_day} is one of the expert's rest days"),
            );
        }
        if crate::domain::availability::check(&windows, &dated, local).is_err() {
            no(
                "outside_availability",
                "the time is outside the expert's availability".to_owned(),
            );
        }
        if !free {
            no(
                "expert_busy",
                "the expert is already committed at this time".to_owned(),
            );
        }
        if in_week >= i64::from(expert.max_per_week) {
            no(
                "weekly_limit_reached",
                format!("{in_week} of {} lectures that week", expert.max_per_week),
            );
        }
        if in_month >= i64::from(expert.max_per_month) {
            no(
                "monthly_limit_reached",
                format!("{in_month} of {} lectures that month", expert.max_per_month),
            );
        }
        if let Some((_, kind)) = refusals.iter().find(|(e, _)| *e == expert.id) {
            no(
                "previously_refused",
                format!("the expert {kind} this lecture before"),
            );
        }
        let eligible = why.is_empty();
        if !eligible && (!include_ineligible || expert.status == ExpertStatus::Exited) {
            continue;
        }
        items.push(Suggestion {
            expert_id: expert.id.clone(),
            expert_name: expert.name.clone(),
            rank: None,
            eligible,
            team,
            course_id,
            free,
            serves_mode,
            serves_district,
            lectures_this_week: in_week,
            max_per_week: expert.max_per_week,
            lectures_this_month: in_month,
            max_per_month: expert.max_per_month,
            lectures_last_90_days: recent.get(&expert.id).copied().unwrap_or(0),
            not_eligible: why,
        });
    }
    // The ranking (api_docs/README.md, "Dispatch suggestions"): eligible first; then a
    // fitting approved course, the primary team over an extra one, the school's district
    // served, fewer lectures in the last 90 days, more room left this week, the name.
    items.sort_by(|a, b| {
        let room = |s: &Suggestion| i64::from(s.max_per_week) - s.lectures_this_week;
        b.eligible
            .cmp(&a.eligible)
            .then(b.course_id.is_some().cmp(&a.course_id.is_some()))
            .then((b.team == "primary").cmp(&(a.team == "primary")))
            .then(
                b.serves_district
                    .unwrap_or(true)
                    .cmp(&a.serves_district.unwrap_or(true)),
            )
            .then(a.lectures_last_90_days.cmp(&b.lectures_last_90_days))
            .then(room(b).cmp(&room(a)))
            .then(a.expert_name.cmp(&b.expert_name))
    });
    for (i, item) in items.iter_mut().filter(|s| s.eligible).enumerate() {
        item.rank = Some(i + 1);
    }
    Ok(Suggestions {
        at,
        blackout,
        items,
    })
}

/// Issues a new calendar feed token for an expert (the expert or an admin); the old one
/// stops working. Returns the token (shown once, stored hashed).
pub fn rotate_calendar_token(
    uow: &mut Uow<'_>,
    actor: &Actor,
    expert_id: &str,
) -> ApiResult<String> {
    let expert =
        Expert::find(uow.conn, expert_id)?.ok_or_else(|| ApiError::not_found("no such expert"))?;
    if !actor.is_admin() && !actor.is_expert(&expert.id) {
        return Err(ApiError::forbidden(
            "forbidden",
            "an expert's calendar link is made by the expert or the office",
        ));
    }
    let token = crate::auth::token::random_token();
    let hash = crate::auth::token::hash_token(&token);
    crate::models::lecture::CalendarToken::rotate(uow.conn, &expert.id, &hash, uow.now())?;
    uow.record(
        "expert.calendar_token_rotated",
        "expert",
        Some(&expert.id),
        json!({}),
    )?;
    Ok(token)
}

/// The RFC 5545 feed of an expert's offered and confirmed lectures (from 90 days back), for
/// the holder of their calendar token; times in UTC, one stable UID per lecture and its
/// SEQUENCE, so a rescheduled lecture moves instead of doubling. 404 for a wrong token.
pub fn calendar_feed(
    conn: &mut DbConnection,
    settings: &crate::config::Settings,
    expert_id: &str,
    token: &str,
    now: NaiveDateTime,
) -> ApiResult<String> {
    use icalendar::{Component as _, EventLike as _};
    let hash = crate::auth::token::hash_token(token);
    if !crate::models::lecture::CalendarToken::matches(conn, expert_id, &hash)? {
        return Err(ApiError::not_found("no such calendar"));
    }
    let host = settings
        .public_url
        .split("://")
        .nth(1)
        .unwrap_or("guanai")
        .split(['/', ':'])
        .next()
        .unwrap_or("guanai")
        .to_owned();
    let mut calendar = icalendar::Calendar::new();
    calendar.name("关爱专家团 授课安排");
    for (lecture, school_name, _) in
        Lecture::calendar_of(conn, expert_id, now - Duration::days(90))?
    {
        let Some(span) = lecture.span() else {
            continue;
        };
        let utc = |t: NaiveDateTime| {
            chrono::DateTime::<chrono::Utc>::from_naive_utc_and_offset(t, chrono::Utc)
        };
        let place = match lecture.mode {
            LectureMode::Offline => lecture.address.clone(),
            LectureMode::Online => lecture.platform.clone(),
        };
        let mut event = icalendar::Event::new();
        event
            .uid(&format!("lecture-{}@{host}", lecture.id))
            .summary(&format!("{}（{}）", lecture.topic, lecture.mode.label_zh()))
            .starts(utc(span.start))
            .ends(utc(span.end))
            .timestamp(utc(lecture.updated_at))
            .sequence(u32::try_from(lecture.sequence).unwrap_or(0))
            .status(if lecture.state == LectureState::Confirmed {
                icalendar::EventStatus::Confirmed
            } else {
                icalendar::EventStatus::Tentative
            });
        if let Some(place) = place {
            event.location(&place);
        }
        let mut description = Vec::new();
        if let Some(school) = school_name {
            description.push(format!("学校：{school}"));
        }
        if lecture.state == LectureState::Offered {
            description.push("待您接受".to_owned());
        }
        if let Some(link) = &lecture.link {
            description.push(format!("链接：{link}"));
        }
        if !description.is_empty() {
            event.description(&description.join("\n"));
        }
        calendar.push(event.done());
    }
    Ok(calendar.done().to_string())
}
