//! Lectures (授课场次): a school's request (约课) or the office's dispatch (派课), offers to
//! experts and their answers, cancellation, rescheduling and release. Every step goes through
//! the lecture machine with its ordered history; every commitment of an expert's time is a
//! row of `busy_intervals`, which the database keeps from overlapping. The lecture and what
//! every step shares (its record, locks, the move with history) live here; each step in the
//! room named for it.

use crate::db::OnBackend;
use chrono::{Datelike, Duration, NaiveDateTime};
use serde_json::json;

use crate::auth::actor::Actor;
use crate::db::{self, DbConnection};
use crate::domain::lecture::{
    LECTURE_CREATED, LectureAction, LectureFlow, LectureMode, LectureState, LectureWho,
    MAX_MINUTES, MIN_MINUTES, Origin, RefusalKind,
};
use crate::domain::roster::{Audience, CourseStatus, ExpertStatus, GradeBand};
use crate::domain::schedule::{
    SlotRules, Span, local_date, month_bounds, slot_problem, week_bounds,
};
use crate::domain::transition::Machine as _;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::i18n::Msg;
use crate::mail::outbox::{LectureNotice, Notice};
use crate::models::busy_interval::{
    BusyInterval, SOURCE_LEAVE, SOURCE_LECTURE, SOURCE_OBSERVATION,
};
use crate::models::expert::{Expert, ExpertSets};
use crate::models::lecture::{
    Lecture, LectureChanges, LectureRefusal, LectureSlot, LectureSummary, NewLecture, Placement,
    SummaryRow,
};
use crate::models::school::School;
use crate::models::user::User;
use crate::models::value_set;
use crate::time::to_local;
use crate::usecase::course::CourseRecord;
use crate::usecase::{Transition, Uow};

pub mod attendance;
mod booking;
mod calendar;
mod details;
mod dispatch;
pub mod due;
mod evaluation;
mod fit;
mod notices;
mod observation;
mod report;
mod service_record;
mod suggestions;

pub use attendance::{CheckInRefusal, Proof, check_in, check_in_code, check_out, correct};
pub use booking::{Created, LectureInput, SlotRefusal, create};
pub use calendar::{calendar_feed, rotate_calendar_token};
pub use details::{edit, join, withdraw};
pub use dispatch::{accept, cancel, decline, offer, reject, release_held, reschedule};
pub use evaluation::{
    EDITABLE_DAYS, EvaluationScores, edit_evaluation, evaluate, evaluations_reader,
};
pub use fit::{Overrides, expert_busy};
pub use observation::{
    ObservationScores, assign_observer, file_observation, observations_reader, remove_observer,
};
pub use report::{beneficiaries, confirm_audience, file_report};
pub use service_record::{
    LONGEST_PERIOD_DAYS, Period, ServiceLecture, ServiceRecord, ServiceTotals, hours,
    issue_certificate, service_record,
};
pub use suggestions::{Suggestion, Suggestions, suggestions};

use booking::{check_joining, check_slots, slot_rules};
use dispatch::{OfferBy, give_back, offer_at};
use fit::{fit, fit_with, travel};
use notices::{tell_expert, tell_office, tell_schools};

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
    /// The time it had before the change being told, for a notice of a move.
    pub previous: Option<Span>,
    /// Whether the reader is assigned to observe it (听课); false until
    /// [`LectureRecord::load_visible`] looks.
    pub observing: bool,
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
            previous: None,
            observing: false,
        }))
    }

    /// The lecture, if `actor` may see it; else 404 (its existence is not told).
    pub fn load_visible(conn: &mut DbConnection, actor: &Actor, id: &str) -> ApiResult<Self> {
        let not_found = || ApiError::not_found(Msg::new("problem-not_found-lecture"));
        let mut record = Self::load(conn, id)?.ok_or_else(not_found)?;
        // An expert assigned to observe it sees it too (asked only of one who sees it not).
        if let Some(expert) = &actor.expert_id
            && !record.visible_to(actor)
        {
            record.observing =
                crate::models::observation::LectureObserver::is_observer(conn, id, expert)?;
        }
        if !record.visible_to(actor) {
            return Err(not_found());
        }
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

    /// Admins, the team's leads, the expert it is offered to or held by, its observers and
    /// its school see it; every school sees the city-wide online lectures (to join them).
    pub fn visible_to(&self, actor: &Actor) -> bool {
        let l = &self.lecture;
        self.observing
            || actor.is_admin()
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

/// A held lecture leaves its expert's calendar (declined, let lapse, released, cancelled):
/// the feed keeps it 30 days as cancelled, at the time it had and a raised SEQUENCE.
fn leave_calendar(uow: &mut Uow<'_>, lecture: &Lecture) -> ApiResult<()> {
    if let (Some(expert_id), Some(span), true) = (
        &lecture.expert_id,
        lecture.span(),
        lecture.state.holds_time(),
    ) {
        let now = uow.now();
        crate::models::calendar::FeedRemoval::record(
            uow.conn,
            expert_id,
            &lecture.id,
            lecture.sequence + 1,
            span,
            now,
        )?;
    }
    Ok(())
}

/// Changes of one lecture wait for each other (PostgreSQL; SQLite writes one at a time).
fn lock_lecture(conn: &mut DbConnection, id: &str) -> ApiResult<()> {
    Ok(db::lock_key(conn, &format!("lecture:{id}"))?)
}

/// Whatever adds a commitment of an expert's time takes this before it counts their load,
/// so two racing offers cannot both pass a limit.
pub fn lock_expert(conn: &mut DbConnection, expert_id: &str) -> ApiResult<()> {
    Ok(db::lock_key(conn, &format!("expert:{expert_id}"))?)
}

fn load(conn: &mut DbConnection, id: &str) -> ApiResult<LectureRecord> {
    LectureRecord::load(conn, id)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-lecture")))
}

fn find_expert(conn: &mut DbConnection, id: &str, field: &str) -> ApiResult<Expert> {
    Expert::find(conn, id)?.ok_or_else(|| {
        ApiError::invalid(
            field,
            "not_found",
            Msg::new("field-not_found-expert").arg("field", field),
        )
    })
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
    let follow = observation::before_move(uow, record, placement)?;
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
    if !follow.is_empty() {
        // The observers who follow a move are told its new time beside the old.
        let mut updated = load(uow.conn, &id)?;
        updated.previous = lecture.span();
        for expert_id in &follow {
            tell_expert(
                uow,
                &updated,
                expert_id,
                LectureNotice::ObserverAssigned,
                None,
            )?;
        }
    }
    Ok(())
}

/// A step that changes only the lecture's state (its expert and time stay): the placement as
/// it is, in `to`, with its history and audit rows.
fn step_to(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    to: LectureState,
    action: LectureAction,
    reason: Option<&str>,
    detail: serde_json::Value,
) -> ApiResult<()> {
    let placement = Placement {
        state: to,
        ..record.lecture.placement()
    };
    move_to(uow, record, &placement, action, reason, detail)
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
        LectureAction::CheckIn => "lecture.checked_in",
        LectureAction::CheckOut => "lecture.checked_out",
        LectureAction::NoShow => "lecture.no_show",
        LectureAction::Correct => "lecture.corrected",
        LectureAction::Close => "lecture.closed",
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
        travel_minutes: None,
    }
}
