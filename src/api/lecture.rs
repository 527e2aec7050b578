//! `/api/v1/lectures`: 约课 and 派课 — requests, dispatch, offers and their answers,
//! cancellation, rescheduling, the practical details, and reading them by role.

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
use crate::domain::lecture::{LectureAction, LectureMode, LectureState, Origin, Span};
use crate::domain::roster::{Audience, GradeBand, stored};
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
    pub note: Option<String>,
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
    /// Only on a single lecture; a school sees the steps and their times, not who declined
    /// or why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
    /// Only when a request was just made: why proposed slots were not offered to the
    /// course's expert at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_offered: Vec<SlotRefusal>,
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
        note: l.note,
        version: l.version,
        created_at: to_local(l.created_at, tz),
        updated_at: to_local(l.updated_at, tz),
        history: None,
        not_offered: Vec::new(),
        joined,
    })
}

/// The lecture with its history, as `actor` may see it.
/// After a change the caller made: they may no longer be among those who see it (an expert
/// who declined), but they see the outcome of their own step, redacted as for anyone else.
fn reload(uow: &mut Uow<'_>, actor: &Actor, id: &str, tz: Tz) -> ApiResult<LectureResponse> {
    let mut record =
        LectureRecord::load(uow.conn, id)?.ok_or_else(|| ApiError::not_found("no such lecture"))?;
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
    let mut body = response(record, actor, tz)?;
    body.history = Some(history_page(changes, tz).items);
    Ok(body)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLectureRequest {
    /// An approved course (team, topic, expert and length come from it) …
    pub course_id: Option<String>,
    /// … or a sub-team and a topic.
    #[schema(value_type = Option<crate::api::support::TeamCode>)]
    pub team: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub topic: Option<String>,
    pub mode: LectureMode,
    #[schema(min_items = 1)]
    pub audiences: Vec<Audience>,
    /// Required when `students` is an audience.
    #[serde(default)]
    pub grade_bands: Vec<GradeBand>,
    #[serde(deserialize_with = "whole")]
    #[schema(minimum = 1, maximum = 100000)]
    pub expected_size: i32,
    /// One to three times (a school's request); exactly one for a dispatch. Each in whole
    /// minutes, on one local day within the lecture hours (07:00-21:30), at most a year ahead,
    /// and for a school at least the booking lead time (48 hours) ahead.
    #[schema(min_items = 1, max_items = 3)]
    pub slots: Vec<SlotBody>,
    /// 派课 only: the school (may be left out for an online lecture schools join).
    pub school_id: Option<String>,
    /// 派课 only: offer it to this expert at once.
    pub expert_id: Option<String>,
    /// On site; defaults to the school's address.
    #[schema(max_length = 200)]
    pub address: Option<String>,
    /// Online: the platform (腾讯会议, …).
    #[schema(max_length = 50)]
    pub platform: Option<String>,
    /// Online: the meeting link (may come later).
    #[schema(max_length = 500)]
    pub link: Option<String>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// Admin only: why an availability rule, a blackout or an earlier refusal is set aside.
    #[schema(max_length = 500)]
    pub override_reason: Option<String>,
}

fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    raw: Option<&str>,
    max: usize,
    multiline: bool,
) -> Option<String> {
    let raw = raw.map(str::trim).filter(|v| !v.is_empty())?;
    let checked = if multiline {
        validate::multiline(field, raw, max)
    } else {
        validate::text(field, raw, max)
    };
    keep(errors, checked)
}

fn check_link(errors: &mut Vec<FieldError>, link: &Option<String>) {
    let is_address = |link: &str| {
        let rest = link
            .strip_prefix("https://")
            .or_else(|| link.strip_prefix("http://"));
        rest.is_some_and(|r| !r.is_empty() && !r.chars().any(char::is_whitespace))
    };
    if let Some(link) = link
        && !is_address(link)
    {
        errors.push(FieldError::new(
            "link",
            "invalid_format",
            "the link is an http:// or https:// address, without spaces",
        ));
    }
}

/// 约课 (a school, for itself) or 派课 (the office, or a lead of the lecture's team).
#[utoipa::path(post, path = "/api/v1/lectures", tag = "lectures", request_body = CreateLectureRequest,
    security(("bearer" = [])),
    responses((status = 201, body = LectureResponse), (status = 403, body = Problem),
        (status = 409, body = Problem, description = "the named expert cannot take it (`expert_busy`, `rest_day`, `weekly_limit_reached`, …)"),
        (status = 422, body = Problem)))]
pub async fn create_lecture(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    idem: Idempotency,
    ApiJson(body): ApiJson<CreateLectureRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let topic = optional_text(&mut errors, "topic", body.topic.as_deref(), 200, false);
    let address = optional_text(&mut errors, "address", body.address.as_deref(), 200, true);
    let platform = optional_text(&mut errors, "platform", body.platform.as_deref(), 50, false);
    let link = optional_text(&mut errors, "link", body.link.as_deref(), 500, false);
    check_link(&mut errors, &link);
    let note = optional_text(&mut errors, "note", body.note.as_deref(), 2000, true);
    let override_reason = optional_text(
        &mut errors,
        "override_reason",
        body.override_reason.as_deref(),
        500,
        true,
    );
    let mut id_of = |field: &str, raw: &Option<String>| {
        raw.as_deref()
            .and_then(|v| keep(&mut errors, validate::id(field, v)))
    };
    let course_id = id_of("course_id", &body.course_id);
    let school_id = id_of("school_id", &body.school_id);
    let expert_id = id_of("expert_id", &body.expert_id);
    let mut audiences = body.audiences;
    audiences.sort();
    audiences.dedup();
    let mut grade_bands = body.grade_bands;
    grade_bands.sort();
    grade_bands.dedup();
    if audiences.is_empty() {
        errors.push(FieldError::new(
            "audiences",
            "required",
            "name at least one audience",
        ));
    }
    let students = audiences.contains(&Audience::Students);
    if students && grade_bands.is_empty() {
        errors.push(FieldError::new(
            "grade_bands",
            "required",
            "name the grade bands of the students",
        ));
    }
    if !students && !grade_bands.is_empty() {
        errors.push(FieldError::new(
            "grade_bands",
            "not_allowed",
            "grade bands are for student audiences",
        ));
    }
    if !(1..=100_000).contains(&body.expected_size) {
        errors.push(FieldError::new(
            "expected_size",
            "out_of_range",
            "expected_size is 1 to 100000",
        ));
    }
    if body.slots.len() > 3 {
        errors.push(FieldError::new(
            "slots",
            "too_many",
            "propose one to three times",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let input = LectureInput {
        course_id,
        team: body.team.map(|t| t.trim().to_owned()),
        topic,
        mode: body.mode,
        audiences,
        grade_bands,
        expected_size: body.expected_size,
        slots: body
            .slots
            .iter()
            .map(|s| Span {
                start: s.start.0,
                end: s.end.0,
            })
            .collect(),
        school_id,
        expert_id,
        address,
        platform,
        link,
        note,
        override_reason,
    };
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        let created = usecase::lecture::create(uow, &actor, input.clone())?;
        let mut body = reload(uow, &actor, &created.id, tz)?;
        body.not_offered = created.not_offered;
        Ok(Answer::created(
            format!("/api/v1/lectures/{}", created.id),
            Some(body.version),
            body,
        ))
    })
    .await
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLectureRequest {
    /// `null` removes it (so does `null` for the others; an empty text is refused).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub link: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub platform: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub note: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "whole_not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 100000)]
    pub expected_size: Option<i32>,
}

/// Edit the practical details until the lecture starts (its school for its own booking,
/// the office and the team's leads for any, but not a lead who is its expert); its expert
/// is told.
#[utoipa::path(patch, path = "/api/v1/lectures/{id}", tag = "lectures", params(("id" = String, Path)),
    request_body = UpdateLectureRequest, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`lecture_closed`: it has begun or ended"),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_lecture(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<UpdateLectureRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    // `null` removes a value; an empty text is refused, as the schema says (not read as null).
    let mut nullable = |field: &str, value: Option<Option<String>>, max: usize, multi: bool| {
        if let Some(Some(text)) = &value
            && text.trim().is_empty()
        {
            errors.push(FieldError::new(
                field,
                "required",
                format!("{field} must not be empty; send null to remove it"),
            ));
            return None;
        }
        value.map(|v| optional_text(&mut errors, field, v.as_deref(), max, multi))
    };
    let link = nullable("link", body.link, 500, false);
    let platform = nullable("platform", body.platform, 50, false);
    let note = nullable("note", body.note, 2000, true);
    let address = nullable("address", body.address, 200, true);
    if let Some(link) = &link {
        check_link(&mut errors, link);
    }
    if let Some(size) = body.expected_size
        && !(1..=100_000).contains(&size)
    {
        errors.push(FieldError::new(
            "expected_size",
            "out_of_range",
            "expected_size is 1 to 100000",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let changes = LectureChanges {
        link,
        platform,
        note,
        address,
        expected_size: body.expected_size,
    };
    let version = if_match.0;
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::edit(uow, actor, id, version, changes.clone())
    })
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferLectureRequest {
    pub expert_id: String,
    /// Which proposed time (from 0); the first when left out.
    #[serde(default, deserialize_with = "whole_opt")]
    #[schema(minimum = 0, maximum = 2)]
    pub slot: Option<usize>,
    /// Admin only: offer again to an expert who declined it or let an offer lapse.
    #[schema(max_length = 500)]
    pub override_reason: Option<String>,
}

/// 派单: offer a waiting lecture to an expert who serves its sub-team (admin, or a lead of
/// the lecture's team, never to themselves; an admin's `override_reason` sends it outside
/// the team).
#[utoipa::path(post, path = "/api/v1/lectures/{id}/offer", tag = "lectures", params(("id" = String, Path)),
    request_body = OfferLectureRequest, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition`, `expert_busy`, `expert_not_active`, `team_not_served`, `mode_not_served`, `rest_day`, `weekly_limit_reached`, `monthly_limit_reached`, `previously_refused`"),
        (status = 422, body = Problem)))]
pub async fn offer_lecture(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<OfferLectureRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let expert_id = keep(&mut errors, validate::id("expert_id", &body.expert_id));
    let reason = optional_text(
        &mut errors,
        "override_reason",
        body.override_reason.as_deref(),
        500,
        true,
    );
    let (Some(expert_id), true) = (expert_id, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let slot = body.slot;
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::offer(uow, actor, id, &expert_id, slot, reason.as_deref())
    })
    .await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptLectureRequest {
    /// Another of the school's proposed times (from 0) that suits better; the offered time
    /// when left out.
    #[serde(default, deserialize_with = "whole_opt")]
    #[schema(minimum = 0, maximum = 2)]
    pub slot: Option<usize>,
}

/// The offered expert accepts, at the offered time or another proposed slot; rest days and
/// load limits are weighed again, and a move to another slot raises the calendar sequence.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/accept", tag = "lectures", params(("id" = String, Path)),
    request_body(content = Option<AcceptLectureRequest>, description = "may be left out: the offered time"), security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition`, `offer_expired`, `rest_day`, `weekly_limit_reached`, `monthly_limit_reached`, or the other slot is not free (`expert_busy`, …)"),
        (status = 422, body = Problem)))]
pub async fn accept_lecture(
    state: web::Data<AppState>,
    ExpertUser(user): ExpertUser,
    meta: RequestMeta,
    id: web::Path<String>,
    OptionalJson(body): OptionalJson<AcceptLectureRequest>,
) -> ApiResult<HttpResponse> {
    let slot = body.slot;
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::accept(uow, actor, id, slot)
    })
    .await
}

/// A reason, required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

fn reason(body: ReasonRequest) -> ApiResult<String> {
    validate::multiline("reason", &body.reason, 1000).map_err(|e| ApiError::Validation(vec![e]))
}

/// The offered expert declines; the lecture waits for the office again.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/decline", tag = "lectures", params(("id" = String, Path)),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition`"), (status = 422, body = Problem)))]
pub async fn decline_lecture(
    state: web::Data<AppState>,
    ExpertUser(user): ExpertUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let reason = reason(body)?;
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::decline(uow, actor, id, &reason)
    })
    .await
}

/// The office (or a lead of the team) refuses a school's request.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/reject", tag = "lectures", params(("id" = String, Path)),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition`"), (status = 422, body = Problem)))]
pub async fn reject_lecture(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let reason = reason(body)?;
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::reject(uow, actor, id, &reason)
    })
    .await
}

/// A school cancels its own lecture, an admin any, before it begins; a team lead does not,
/// and the expert holding it never (they ask for leave).
#[utoipa::path(post, path = "/api/v1/lectures/{id}/cancel", tag = "lectures", params(("id" = String, Path)),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition`"), (status = 422, body = Problem)))]
pub async fn cancel_lecture(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let reason = reason(body)?;
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::cancel(uow, actor, id, &reason)
    })
    .await
}

/// A new time for an offered or confirmed lecture (an admin, or the school for its own):
/// it goes back to its expert as an offer; the old time is released at once.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/reschedule", tag = "lectures", params(("id" = String, Path)),
    request_body = SlotBody, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition`, or the expert cannot take the new time (`expert_busy`, …)"),
        (status = 422, body = Problem)))]
pub async fn reschedule_lecture(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<SlotBody>,
) -> ApiResult<HttpResponse> {
    let span = Span {
        start: body.start.0,
        end: body.end.0,
    };
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::reschedule(uow, actor, id, span)
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListLecturesQuery {
    pub state: Option<LectureState>,
    #[param(value_type = Option<crate::api::support::TeamCode>)]
    pub team: Option<String>,
    pub expert_id: Option<String>,
    pub school_id: Option<String>,
    pub mode: Option<LectureMode>,
    /// RFC 3339: lectures (by chosen start, or earliest proposed time) at or after.
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// RFC 3339: lectures before.
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// `true`: city-wide online lectures open to join (schools see them without the link).
    pub joinable: Option<bool>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Lectures by time: a school its own and the online ones it joined (with `joinable=true`
/// the ones open to join), an expert those offered to or held by them (a lead also their
/// teams'), the office all.
#[utoipa::path(get, path = "/api/v1/lectures", tag = "lectures", params(ListLecturesQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<LectureSummaryResponse>), (status = 422, body = Problem)))]
pub async fn list_lectures(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<ListLecturesQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor("lectures", query.cursor.as_deref())?;
    check_team_filter(query.team.as_deref())?;
    // An id filter is compared as given: one that names nothing matches nothing.
    let id_filter =
        |raw: Option<String>| raw.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let filter = LectureFilter {
        state: query.state,
        team: query.team,
        expert_id: id_filter(query.expert_id),
        school_id: id_filter(query.school_id),
        mode: query.mode,
        from: time_param("from", query.from.as_deref())?,
        to: time_param("to", query.to.as_deref())?,
        joinable: query.joinable.unwrap_or(false),
    };
    let tz = state.settings.timezone;
    let now = state.clock.now_naive();
    let body = pagination::read(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let mut filter = filter;
        let scope = if filter.joinable {
            // Open to every school; starting later than now.
            filter.from = Some(filter.from.map_or(now, |f| f.max(now)));
            LectureScope::All
        } else if actor.is_admin() {
            LectureScope::All
        } else if let Some(school) = &actor.school_id {
            LectureScope::School(school.clone())
        } else if let Some(expert) = &actor.expert_id {
            LectureScope::Expert {
                expert_id: expert.clone(),
                teams: actor.lead_teams.clone(),
            }
        } else {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        };
        let rows = Lecture::list(conn, &scope, &filter, after.as_ref(), limit + 1)?;
        let (rows, next_cursor) =
            pagination::split_page("lectures", rows, limit, |(l, ..)| (l.sort_at, l.id.clone()));
        let items = page_items(conn, &actor, rows, tz)?;
        Ok(Page { items, next_cursor })
    })
    .await?;
    Ok(body.respond())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinLectureRequest {
    /// How many of the school's people will watch.
    #[serde(deserialize_with = "whole")]
    #[schema(minimum = 1, maximum = 100000)]
    pub expected_size: i32,
}

/// A school joins a city-wide online lecture (线上网课), or changes its expected audience,
/// until it begins. The link is shown to it once the lecture is confirmed.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/participants", tag = "lectures", params(("id" = String, Path)),
    request_body = JoinLectureRequest, security(("bearer" = [])),
    responses((status = 201, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`not_joinable`: not a city-wide online lecture, or no longer open"),
        (status = 422, body = Problem)))]
pub async fn join_lecture(
    state: web::Data<AppState>,
    SchoolUser(user): SchoolUser,
    meta: RequestMeta,
    idem: Idempotency,
    id: web::Path<String>,
    ApiJson(body): ApiJson<JoinLectureRequest>,
) -> ApiResult<HttpResponse> {
    if !(1..=100_000).contains(&body.expected_size) {
        return Err(ApiError::invalid(
            "expected_size",
            "out_of_range",
            "expected_size is 1 to 100000",
        ));
    }
    let (id, size) = (id.into_inner(), body.expected_size);
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        usecase::lecture::join(uow, &actor, &id, size)?;
        let body = reload(uow, &actor, &id, tz)?;
        Ok(Answer::created(
            format!("/api/v1/lectures/{id}"),
            Some(body.version),
            body,
        ))
    })
    .await
}

/// A school withdraws from a city-wide online lecture it joined, until it begins.
#[utoipa::path(delete, path = "/api/v1/lectures/{id}/participants", tag = "lectures", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem),
        (status = 404, body = Problem, description = "no such lecture, or the school has not joined it"),
        (status = 409, body = Problem, description = "`lecture_closed`: it has begun")))]
pub async fn withdraw_from_lecture(
    state: web::Data<AppState>,
    SchoolUser(user): SchoolUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change_lecture(state, user, meta, id.into_inner(), |uow, actor, id| {
        usecase::lecture::withdraw(uow, actor, id)
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SuggestionsQuery {
    /// `true`: the experts who could not take it too, each with why not.
    pub include_ineligible: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionsResponse {
    /// The time the candidates were weighed at: the chosen one, or the first proposed slot.
    pub slot: SlotResponse,
    /// A school-calendar period this time falls in (a dispatch there needs an admin's reason).
    pub blackout: Option<String>,
    pub items: Vec<Suggestion>,
}

/// A page's rows as the answer's items, as `actor` may see them.
fn page_items(
    conn: &mut db::DbConnection,
    actor: &Actor,
    rows: Vec<crate::models::lecture::SummaryRow>,
    tz: Tz,
) -> ApiResult<Vec<LectureSummaryResponse>> {
    Ok(ListedLecture::for_page(conn, actor, rows)?
        .into_iter()
        .map(|listed| LectureSummaryResponse::new(listed, tz))
        .collect())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LectureQueueQuery {
    #[param(value_type = Option<crate::api::support::TeamCode>)]
    pub team: Option<String>,
    pub mode: Option<LectureMode>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The queue's two parts in the order they are served; a cursor names the part it stopped in.
const QUEUE_PARTS: [(&str, LectureState); 2] = [
    (
        "lecture-queue:needs_reassignment",
        LectureState::NeedsReassignment,
    ),
    ("lecture-queue:requested", LectureState::Requested),
];

/// 待派课: the lectures waiting for an expert, for the office (all teams) and team leads
/// (their teams). Lectures whose expert was suspended or left (`needs_reassignment`) come
/// first, then requests (`requested`), each earliest first.
#[utoipa::path(get, path = "/api/v1/lectures/queue", tag = "lectures", params(LectureQueueQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<LectureSummaryResponse>), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn lecture_queue(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    query: ApiQuery<LectureQueueQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    check_team_filter(query.team.as_deref())?;
    // The part the cursor stopped in (no cursor: the first), and where in it.
    let (part, after) = match pagination::decode_cursor(QUEUE_PARTS[0].0, query.cursor.as_deref()) {
        Ok(after) => (0, after),
        Err(_) => (
            1,
            pagination::decode_cursor(QUEUE_PARTS[1].0, query.cursor.as_deref())?,
        ),
    };
    let tz = state.settings.timezone;
    let body = pagination::read(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let scope = if actor.is_admin() {
            LectureScope::All
        } else if !actor.lead_teams.is_empty() {
            LectureScope::Teams(actor.lead_teams.clone())
        } else {
            return Err(ApiError::forbidden(
                "forbidden",
                "the dispatch queue is for the office and team leads",
            ));
        };
        let mut rows = Vec::new();
        let mut after = after;
        for (name, queued) in &QUEUE_PARTS[part..] {
            let wanted = limit + 1 - i64::try_from(rows.len()).unwrap_or(limit);
            if wanted <= 0 {
                break;
            }
            let filter = LectureFilter {
                state: Some(*queued),
                team: query.team.clone(),
                mode: query.mode,
                ..LectureFilter::default()
            };
            let part_rows = Lecture::list(conn, &scope, &filter, after.take().as_ref(), wanted)?;
            rows.extend(part_rows.into_iter().map(|row| (*name, row)));
        }
        let (rows, next) =
            pagination::split_page("", rows, limit, |(_, (l, ..))| (l.sort_at, l.id.clone()));
        // The cursor names the part of the page's last row.
        let next = next.and_then(|_| {
            rows.last()
                .map(|(name, (l, ..))| pagination::encode_cursor(name, l.sort_at, &l.id))
        });
        let rows = rows.into_iter().map(|(_, row)| row).collect();
        let items = page_items(conn, &actor, rows, tz)?;
        Ok(Page {
            items,
            next_cursor: next,
        })
    })
    .await?;
    Ok(body.respond())
}

/// 派课建议: the experts who could take a lecture, ranked, each with the reasons as data
/// (the office and the lecture's team leads). The ranking is in api_docs/README.md.
#[utoipa::path(get, path = "/api/v1/lectures/{id}/suggestions", tag = "lectures",
    params(("id" = String, Path), SuggestionsQuery), security(("bearer" = [])),
    responses((status = 200, body = SuggestionsResponse), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn lecture_suggestions(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    id: web::Path<String>,
    query: ApiQuery<SuggestionsQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let include = query.into_inner().include_ineligible.unwrap_or(false);
    let now = state.clock.now_naive();
    let st = state.clone();
    let body = db::run(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let tz = st.settings.timezone;
        let found = usecase::lecture::suggestions(conn, &st.settings, &actor, &id, include, now)?;
        Ok(SuggestionsResponse {
            slot: SlotResponse {
                start: to_local(found.at.start, tz),
                end: to_local(found.at.end, tz),
            },
            blackout: found.blackout,
            items: found.items,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarTokenResponse {
    /// Shown once; stored hashed. A new one replaces it. `null` in a replay of the answer
    /// (`Idempotency-Key`), which never keeps it.
    pub token: Option<String>,
    /// The feed's address, to subscribe to in a calendar app; `null` in a replay.
    pub url: Option<String>,
}

/// A new calendar feed link for an expert (the expert or the office); the old link stops
/// working.
#[utoipa::path(post, path = "/api/v1/experts/{id}/calendar-token", tag = "experts", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 201, body = CalendarTokenResponse), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn rotate_calendar_token(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    idem: Idempotency,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let base = state.settings.public_url.clone();
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        let token = usecase::lecture::rotate_calendar_token(uow, &actor, &id)?;
        let url = format!("{base}/api/v1/experts/{id}/calendar.ics?token={token}");
        Ok(Answer {
            secrets: &["/token", "/url"],
            ..Answer::created(
                format!("/api/v1/experts/{id}/calendar.ics"),
                None,
                CalendarTokenResponse {
                    token: Some(token),
                    url: Some(url),
                },
            )
        })
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// The expert's calendar token (`POST /api/v1/experts/{id}/calendar-token`).
    #[param(min_length = 1, max_length = 200)]
    pub token: String,
}

/// An expert's offered and confirmed lectures as an RFC 5545 calendar (times in UTC), for
/// calendar apps: the token in the link is the credential.
#[utoipa::path(get, path = "/api/v1/experts/{id}/calendar.ics", tag = "experts",
    params(("id" = String, Path), CalendarQuery),
    responses((status = 200, content_type = "text/calendar", body = String),
        (status = 404, body = Problem, description = "no such expert, or not their current token")))]
pub async fn calendar_feed(
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: ApiQuery<CalendarQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let token = query.into_inner().token;
    let now = state.clock.now_naive();
    let st = state.clone();
    let feed = db::run(&state.db, move |conn| {
        usecase::lecture::calendar_feed(conn, &st.settings, &id, &token, now)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "private, max-age=300",
        ))
        .body(feed))
}
