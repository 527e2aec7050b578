//! `/api/v1/lectures`: 约课 and 派课 — requests, dispatch, offers and their answers,
//! cancellation, rescheduling, the practical details, and reading them by role. The
//! responses and what every route shares live here; each route in the room named for it.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::history::{HistoryEntry, history_page};
use crate::api::pagination;
use crate::api::pagination::Page;
use crate::api::support::{
    check_team_filter, keep, present, time_param, whole, whole_not_null, whole_opt, with_etag,
};
use crate::audit::AuditContext;
use crate::auth::actor::Actor;
use crate::auth::{AuthUser, ExpertUser, SchoolUser, StaffUser};
use crate::db;
use crate::domain::lecture::{LectureAction, LectureMode, LectureState, Origin};
use crate::domain::roster::{Audience, GradeBand, stored};
use crate::domain::schedule::Span;
use crate::domain::validate;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::{ApiJson, ApiQuery, IfMatch, OptionalJson};
use crate::http::RequestMeta;
use crate::idempotency::Idempotency;
use crate::models::lecture::{Lecture, LectureChanges, LectureFilter, LectureScope};
use crate::models::state_change::StateChange;
use crate::models::value_set;
use crate::time::{BodyTime, to_local};
use crate::usecase::lecture::{
    LectureInput, LectureRecord, ListedLecture, SlotRefusal, Suggestion,
};
use crate::usecase::{self, Answer, Uow};

mod attendance;
mod booking;
mod calendar;
mod dispatch;
mod evaluation;
mod lists;
mod observation;
mod report;

pub use attendance::*;
pub use booking::*;
pub use calendar::*;
pub use dispatch::*;
pub use evaluation::*;
pub use lists::*;
pub use observation::*;
pub use report::*;

/// One proposed or chosen time.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotBody {
    pub start: BodyTime,
    pub end: BodyTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlotResponse {
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub start: DateTime<FixedOffset>,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub end: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LectureResponse {
    pub id: String,
    pub origin: Origin,
    pub state: LectureState,
    #[schema(value_type = crate::api::support::TeamCode)]
    pub team: String,
    pub course_id: Option<String>,
    pub topic: String,
    pub mode: LectureMode,
    pub audiences: Vec<Audience>,
    pub grade_bands: Vec<GradeBand>,
    pub expected_size: i32,
    /// `null` for a city-wide online lecture that schools join.
    pub school_id: Option<String>,
    pub school_name: Option<String>,
    /// The proposed times (one for a dispatch, the new one after a reschedule).
    pub slots: Vec<SlotResponse>,
    /// The chosen time, once there is one.
    #[serde(serialize_with = "crate::time::serialize_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub start: Option<DateTime<FixedOffset>>,
    #[serde(serialize_with = "crate::time::serialize_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub end: Option<DateTime<FixedOffset>>,
    /// The expert it is offered to or held by.
    pub expert_id: Option<String>,
    pub expert_name: Option<String>,
    #[serde(serialize_with = "crate::time::serialize_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub offer_expires_at: Option<DateTime<FixedOffset>>,
    pub address: Option<String>,
    pub platform: Option<String>,
    /// Shown to the office, the team's leads, its expert and its school; to a school that
    /// joined a city-wide lecture once it is confirmed.
    pub link: Option<String>,
    /// The meeting number (腾讯会议号 …), shown as the link is.
    pub meeting_id: Option<String>,
    /// The meeting's passcode, shown as the link is.
    pub passcode: Option<String>,
    pub note: Option<String>,
    /// Whom the expert calls at the school, and where it is: shown on the lecture's own page
    /// to the expert it is offered to or held by, the office and the team's leads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school_contact: Option<SchoolContact>,
    pub version: i32,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<FixedOffset>,
    /// For a school reading a city-wide online lecture: whether it joined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joined: Option<bool>,
    /// Only on a single lecture, once its expert checked in (签到 / 签退).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendance: Option<AttendanceResponse>,
    /// Only on a single lecture, once its expert reported it (授课记录).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportResponse>,
    /// 受益人次, once reported: the expert's count, and for a city-wide online lecture the
    /// joined schools' confirmed counts besides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beneficiaries: Option<i64>,
    /// Only on a single lecture, to those who work on it and to its observers: who is
    /// assigned to observe it (听课) and whether each has filed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observers: Option<Vec<ObserverResponse>>,
    /// Only on a single lecture; a school sees the steps and their times, not who declined
    /// or why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
    /// Only when a request was just made: why proposed slots were not offered to the
    /// course's expert at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_offered: Vec<SlotRefusal>,
}

/// When the expert checked in and out, and the minutes given.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceResponse {
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub checked_in_at: DateTime<FixedOffset>,
    /// Checked in more than `GUANAI_LATE_MINUTES` after the start.
    pub late: bool,
    /// The office checked the expert in without a code (or corrected a no-show): why.
    pub check_in_reason: Option<String>,
    #[serde(serialize_with = "crate::time::serialize_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub checked_out_at: Option<DateTime<FixedOffset>>,
    /// Check-in to check-out, at most the planned length plus 30.
    pub delivered_minutes: Option<i32>,
    /// Checked out by the service an hour after the end, at the planned end.
    pub auto_checked_out: bool,
}

/// What the expert reported.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportResponse {
    pub audience: i32,
    pub summary: String,
    /// Filed more than `GUANAI_REPORT_DAYS` after the end.
    pub late: bool,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub filed_at: DateTime<FixedOffset>,
}

/// A school's contact person, phone and address, for the expert going there.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolContact {
    pub contact_person: String,
    pub phone: Option<String>,
    pub address: String,
}

/// A lecture in a list (lists of lectures, the dispatch queue): enough to tell it from the
/// others and see where it stands; `GET /api/v1/lectures/{id}` answers the whole lecture.
#[derive(Debug, Serialize, ToSchema)]
pub struct LectureSummaryResponse {
    pub id: String,
    pub origin: Origin,
    pub state: LectureState,
    #[schema(value_type = crate::api::support::TeamCode)]
    pub team: String,
    pub topic: String,
    pub mode: LectureMode,
    /// `null` for a city-wide online lecture that schools join.
    pub school_id: Option<String>,
    pub school_name: Option<String>,
    /// The list's order: the chosen start or, before one is chosen, the earliest proposed
    /// slot's.
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub sort_at: DateTime<FixedOffset>,
    /// The chosen time, once there is one.
    #[serde(serialize_with = "crate::time::serialize_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub start: Option<DateTime<FixedOffset>>,
    #[serde(serialize_with = "crate::time::serialize_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub end: Option<DateTime<FixedOffset>>,
    /// The expert it is offered to or held by.
    pub expert_id: Option<String>,
    pub expert_name: Option<String>,
    #[serde(serialize_with = "crate::time::serialize_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub offer_expires_at: Option<DateTime<FixedOffset>>,
    pub version: i32,
    /// For a school reading a city-wide online lecture: whether it joined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joined: Option<bool>,
}

impl LectureSummaryResponse {
    fn new(listed: ListedLecture, tz: Tz) -> LectureSummaryResponse {
        let ListedLecture {
            lecture: l,
            school_name,
            expert_name,
            joined,
        } = listed;
        LectureSummaryResponse {
            id: l.id,
            origin: l.origin,
            state: l.state,
            team: l.team_code,
            topic: l.topic,
            mode: l.mode,
            school_id: l.school_id,
            school_name,
            sort_at: to_local(l.sort_at, tz),
            start: l.starts_at.map(|t| to_local(t, tz)),
            end: l.ends_at.map(|t| to_local(t, tz)),
            expert_id: l.expert_id,
            expert_name,
            offer_expires_at: l.offer_expires_at.map(|t| to_local(t, tz)),
            version: l.version,
            joined,
        }
    }
}

/// The lecture as `actor` may see it.
fn response(record: LectureRecord, actor: &Actor, tz: Tz) -> ApiResult<LectureResponse> {
    let show_link = record.staff_view(actor)
        || record.observing
        || record.is_own_school(actor)
        || (record.city_wide()
            && record.lecture.state == LectureState::Confirmed
            && actor.school_id.is_some()
            && record.participant);
    let joined = (actor.school_id.is_some() && record.city_wide()).then_some(record.participant);
    let LectureRecord {
        lecture: l,
        school_name,
        expert_name,
        slots,
        ..
    } = record;
    let parse_set =
        |joined: Option<String>| -> ApiResult<Vec<String>> { Ok(value_set::split(joined)) };
    let audiences = parse_set(Some(l.audiences))?
        .iter()
        .map(|a| stored(a))
        .collect::<ApiResult<Vec<Audience>>>()?;
    let grade_bands = parse_set(l.grade_bands)?
        .iter()
        .map(|g| stored(g))
        .collect::<ApiResult<Vec<GradeBand>>>()?;
    Ok(LectureResponse {
        id: l.id,
        origin: l.origin,
        state: l.state,
        team: l.team_code,
        course_id: l.course_id,
        topic: l.topic,
        mode: l.mode,
        audiences,
        grade_bands,
        expected_size: l.expected_size,
        school_id: l.school_id,
        school_name,
        slots: slots
            .iter()
            .map(|s| SlotResponse {
                start: to_local(s.starts_at, tz),
                end: to_local(s.ends_at, tz),
            })
            .collect(),
        start: l.starts_at.map(|t| to_local(t, tz)),
        end: l.ends_at.map(|t| to_local(t, tz)),
        expert_id: l.expert_id,
        expert_name,
        offer_expires_at: l.offer_expires_at.map(|t| to_local(t, tz)),
        address: l.address,
        platform: l.platform,
        link: l.link.filter(|_| show_link),
        meeting_id: l.meeting_id.filter(|_| show_link),
        passcode: l.passcode.filter(|_| show_link),
        note: l.note,
        school_contact: None,
        version: l.version,
        created_at: to_local(l.created_at, tz),
        updated_at: to_local(l.updated_at, tz),
        attendance: None,
        report: None,
        beneficiaries: None,
        observers: None,
        history: None,
        not_offered: Vec::new(),
        joined,
    })
}

/// The lecture with its history, as `actor` may see it.
/// After a change the caller made: they may no longer be among those who see it (an expert
/// who declined), but they see the outcome of their own step, redacted as for anyone else.
fn reload(uow: &mut Uow<'_>, actor: &Actor, id: &str, tz: Tz) -> ApiResult<LectureResponse> {
    let mut record = LectureRecord::load(uow.conn, id)?
        .ok_or_else(|| ApiError::not_found(crate::i18n::Msg::new("problem-not_found-lecture")))?;
    if let Some(school) = &actor.school_id {
        record.participant = Lecture::has_joined(uow.conn, school, id)?;
    }
    with_history(uow.conn, record, actor, tz)
}

fn read(
    conn: &mut crate::db::DbConnection,
    actor: &Actor,
    id: &str,
    tz: Tz,
) -> ApiResult<LectureResponse> {
    let record = LectureRecord::load_visible(conn, actor, id)?;
    with_history(conn, record, actor, tz)
}

fn with_history(
    conn: &mut crate::db::DbConnection,
    record: LectureRecord,
    actor: &Actor,
    tz: Tz,
) -> ApiResult<LectureResponse> {
    let id = record.lecture.id.clone();
    let staff = record.staff_view(actor);
    let mut changes = StateChange::history(conn, "lecture", &id)?;
    if !staff {
        // A school sees the steps and their times, not who declined or why.
        for change in &mut changes {
            if change.actor_id.as_deref() != Some(actor.user_id.as_str()) {
                change.actor_id = None;
            }
            let private = [
                LectureAction::Offer.as_str(),
                LectureAction::Decline.as_str(),
                LectureAction::Lapse.as_str(),
                LectureAction::Release.as_str(),
            ];
            if private.contains(&change.action.as_str()) {
                change.reason = None;
            }
        }
    }
    // The expert going there needs whom to call: those who work on the lecture see the
    // school's contact on its own page (a school knows its own).
    let contact = match (&record.lecture.school_id, staff) {
        (Some(school), true) => crate::models::school::School::find(conn, school)?,
        _ => None,
    };
    // What a lecture cannot have in its state is not looked for: a check-in once it ran, a
    // report once it was given.
    let state = record.lecture.state;
    let attendance = if state.has_run() {
        crate::models::attendance::Attendance::find(conn, &id)?
    } else {
        None
    };
    let attendance = attendance.and_then(|a| {
        Some(AttendanceResponse {
            checked_in_at: to_local(a.checked_in_at?, tz),
            late: a.late.unwrap_or(false),
            check_in_reason: a.check_in_reason,
            checked_out_at: a.checked_out_at.map(|t| to_local(t, tz)),
            delivered_minutes: a.delivered_minutes,
            auto_checked_out: a.auto_checked_out,
        })
    });
    let filed = if state.was_given() {
        crate::models::report::LectureReport::find(conn, &id)?
    } else {
        None
    };
    let beneficiaries = usecase::lecture::beneficiaries(conn, &record, filed.as_ref())?;
    let report = filed.map(|r| ReportResponse {
        audience: r.audience,
        summary: r.summary,
        late: r.late,
        filed_at: to_local(r.filed_at, tz),
    });
    let observers = observation::observers(conn, &record, actor, tz)?;
    let mut body = response(record, actor, tz)?;
    body.observers = observers;
    body.attendance = attendance;
    body.report = report;
    body.beneficiaries = beneficiaries;
    body.history = Some(history_page(changes, tz).items);
    body.school_contact = contact.map(|s| SchoolContact {
        contact_person: s.contact_person,
        phone: s.phone,
        address: s.address,
    });
    Ok(body)
}

/// One lecture with its history, if the caller may see it.
#[utoipa::path(get, path = "/api/v1/lectures/{id}", tag = "lectures", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 404, body = Problem)))]
pub async fn get_lecture(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let tz = state.settings.timezone;
    let body = db::run(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        read(conn, &actor, &id, tz)
    })
    .await?;
    let version = body.version;
    Ok(with_etag(HttpResponse::Ok().json(body), version))
}

/// Runs a change of one lecture and answers the lecture as it is afterwards.
async fn change_lecture<F>(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: String,
    mut change: F,
) -> ApiResult<HttpResponse>
where
    F: FnMut(&mut Uow<'_>, &Actor, &str) -> ApiResult<()> + Send + 'static,
{
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    let body = usecase::write(&state, audit, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        change(uow, &actor, &id)?;
        reload(uow, &actor, &id, tz)
    })
    .await?;
    let version = body.version;
    Ok(with_etag(HttpResponse::Ok().json(body), version))
}

/// Runs a creating step of one lecture (honouring `Idempotency-Key`) and answers `201` with
/// the lecture as it is afterwards.
async fn created<F>(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    idem: Idempotency,
    id: String,
    mut step: F,
) -> ApiResult<HttpResponse>
where
    F: FnMut(&mut Uow<'_>, &Actor, &str) -> ApiResult<()> + Send + 'static,
{
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        step(uow, &actor, &id)?;
        let body = reload(uow, &actor, &id, tz)?;
        Ok(Answer::created(
            format!("/api/v1/lectures/{id}"),
            Some(body.version),
            body,
        ))
    })
    .await
}
