//! `/api/v1/consultations` (热线咨询): one-off answers on the hotline, the 家教良方 platform
//! or to a visitor, recorded as counts by the office or the expert who answered; listed for
//! the office (all) and an expert (their own).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::pagination::{self, Page};
use crate::api::support::{id_filter, keep};
use crate::audit::AuditContext;
use crate::auth::StaffUser;
use crate::auth::actor::Actor;
use crate::domain::help::{ConsultationChannel, HelpTopic, looks_personal};
use crate::domain::schedule::days_span;
use crate::domain::validate;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::http::RequestMeta;
use crate::i18n::Msg;
use crate::idempotency::Idempotency;
use crate::models::consultation::{Consultation, ConsultationFilter, ConsultationRow};
use crate::models::value_set;
use crate::time::{BodyTime, to_local};
use crate::usecase::consultation::ConsultationInput;
use crate::usecase::{self, Answer};

/// The longest consultation recorded, in minutes.
const MAX_MINUTES: i32 = 600;
/// The most families one record counts (a platform answer read by a parents' group).
const MAX_FAMILIES: i32 = 1000;
/// The longest note.
const MAX_NOTE: usize = 500;

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationResponse {
    pub id: String,
    pub channel: ConsultationChannel,
    /// Sorted by code.
    pub topics: Vec<HelpTopic>,
    pub minutes: i32,
    /// Families served.
    pub families: i32,
    /// The expert who answered; `null` when the office did.
    pub expert_id: Option<String>,
    pub expert_name: Option<String>,
    pub school_id: Option<String>,
    pub school_name: Option<String>,
    /// What was asked, in general terms (never personal details).
    pub note: Option<String>,
    /// When it was answered.
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub at: DateTime<FixedOffset>,
    pub recorded_by: String,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
}

/// A consultation as lists show it: the counts and who, without the note.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationBrief {
    pub id: String,
    pub channel: ConsultationChannel,
    pub topics: Vec<HelpTopic>,
    pub minutes: i32,
    pub families: i32,
    pub expert_id: Option<String>,
    pub expert_name: Option<String>,
    pub school_id: Option<String>,
    pub school_name: Option<String>,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub at: DateTime<FixedOffset>,
}

/// The topics of a joined copy, sorted by code.
fn topics_of(joined: Option<String>) -> Vec<HelpTopic> {
    value_set::split(joined)
        .iter()
        .filter_map(|t| HelpTopic::from_code(t))
        .collect()
}

fn consultation_brief(
    (c, expert_name, school_name): ConsultationRow,
    tz: chrono_tz::Tz,
) -> ConsultationBrief {
    ConsultationBrief {
        topics: topics_of(c.joined_topics),
        id: c.id,
        channel: c.channel,
        minutes: c.minutes,
        families: c.families,
        expert_id: c.expert_id,
        expert_name,
        school_id: c.school_id,
        school_name,
        at: to_local(c.at, tz),
    }
}

fn consultation_response(
    (c, expert_name, school_name): ConsultationRow,
    tz: chrono_tz::Tz,
) -> ConsultationResponse {
    ConsultationResponse {
        topics: topics_of(c.joined_topics),
        id: c.id,
        channel: c.channel,
        minutes: c.minutes,
        families: c.families,
        expert_id: c.expert_id,
        expert_name,
        school_id: c.school_id,
        school_name,
        note: c.note,
        at: to_local(c.at, tz),
        recorded_by: c.recorded_by,
        created_at: to_local(c.created_at, tz),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateConsultationRequest {
    pub channel: ConsultationChannel,
    /// One or more; a topic given twice counts once.
    #[schema(min_items = 1)]
    pub topics: Vec<HelpTopic>,
    #[schema(minimum = 1, maximum = 600)]
    pub minutes: i32,
    /// Families served (at least one).
    #[schema(minimum = 1, maximum = 1000)]
    pub families: i32,
    /// The expert who answered: the office names one or none; an expert leaves it out (or
    /// gives their own).
    #[schema(min_length = 1)]
    pub expert_id: Option<String>,
    /// The family's school, when they said.
    #[schema(min_length = 1)]
    pub school_id: Option<String>,
    /// What was asked, in general terms. Refused (`personal_data`) when it looks like a phone
    /// or identity-card number: a consultation keeps counts, not people.
    #[schema(max_length = 500)]
    pub note: Option<String>,
    /// When it was answered (not in the future).
    #[schema(value_type = String, format = DateTime)]
    pub at: BodyTime,
}

/// A whole number inside `min..=max`, else an `out_of_range` problem for `field`.
fn in_range(errors: &mut Vec<FieldError>, field: &str, value: i32, (min, max): (i32, i32)) {
    if !(min..=max).contains(&value) {
        errors.push(FieldError::new(
            field,
            "out_of_range",
            Msg::new("field-out_of_range-whole_number")
                .arg("field", field)
                .arg("min", min)
                .arg("max", max),
        ));
    }
}

/// Checks a request field by field.
fn consultation_input(
    body: CreateConsultationRequest,
    now: chrono::NaiveDateTime,
) -> ApiResult<ConsultationInput> {
    let mut errors = Vec::new();
    let mut topics = body.topics;
    topics.sort_unstable();
    topics.dedup();
    if topics.is_empty() {
        errors.push(FieldError::new(
            "topics",
            "required",
            Msg::new("field-required-topics").arg("field", "topics"),
        ));
    }
    in_range(&mut errors, "minutes", body.minutes, (1, MAX_MINUTES));
    in_range(&mut errors, "families", body.families, (1, MAX_FAMILIES));
    let expert_id = body
        .expert_id
        .as_deref()
        .and_then(|v| keep(&mut errors, validate::id("expert_id", v)));
    let school_id = body
        .school_id
        .as_deref()
        .and_then(|v| keep(&mut errors, validate::id("school_id", v)));
    let note = match body.note.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => keep(&mut errors, validate::multiline("note", text, MAX_NOTE)),
    };
    if note.as_deref().is_some_and(looks_personal) {
        errors.push(FieldError::new(
            "note",
            "personal_data",
            Msg::new("field-personal_data").arg("field", "note"),
        ));
    }
    let at = body.at.0;
    if at > now {
        errors.push(FieldError::new(
            "at",
            "in_the_future",
            Msg::new("field-in_the_future").arg("field", "at"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(ConsultationInput {
        channel: body.channel,
        topics,
        minutes: body.minutes,
        families: body.families,
        expert_id,
        school_id,
        note,
        at,
    })
}

/// 热线咨询: records a one-off answer as counts — the office for any expert or none, an
/// expert one they answered. No names, no phone numbers.
#[utoipa::path(post, path = "/api/v1/consultations", tag = "consultations",
    request_body = CreateConsultationRequest, security(("bearer" = [])),
    responses((status = 201, body = ConsultationResponse), (status = 403, body = Problem),
        (status = 422, body = Problem, description = "`personal_data` (a note that looks like a phone or identity-card number), `out_of_range`, `in_the_future`, `not_found`")))]
pub async fn create_consultation(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    idem: Idempotency,
    ApiJson(body): ApiJson<CreateConsultationRequest>,
) -> ApiResult<HttpResponse> {
    let now = state.clock.now_naive();
    let input = consultation_input(body, now)?;
    let tz = state.settings.timezone;
    let audit = AuditContext::from_request(&meta, Some(user.id()), now);
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        let id = usecase::consultation::record(uow, &actor, input.clone())?;
        let row = usecase::consultation::load_visible(uow.conn, &actor, &id)?;
        Ok(Answer::created(
            format!("/api/v1/consultations/{id}"),
            None,
            consultation_response(row, tz),
        ))
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListConsultationsQuery {
    /// The office: one expert's. An expert's list is always their own.
    pub expert_id: Option<String>,
    pub channel: Option<ConsultationChannel>,
    /// Answered on this day or later (a local date).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Answered on this day or earlier.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Consultations, newest first: the office all, an expert those credited to them. Briefs;
/// the note is on the consultation's own page.
#[utoipa::path(get, path = "/api/v1/consultations", tag = "consultations", params(ListConsultationsQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Page<ConsultationBrief>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_consultations(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    query: ApiQuery<ListConsultationsQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let mut errors = Vec::new();
    let limit = pagination::limit_among(&mut errors, query.limit);
    let expert_id = id_filter(&mut errors, "expert_id", query.expert_id.as_deref());
    pagination::days_in_order(&mut errors, query.from, query.to);
    let (Some(limit), true) = (limit, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let before = pagination::decode_cursor("consultations", query.cursor.as_deref())?;
    let tz = state.settings.timezone;
    let mut filter = ConsultationFilter {
        expert_id,
        channel: query.channel,
        since: query.from.map(|d| days_span(d, d, tz).start),
        until: query.to.map(|d| days_span(d, d, tz).end),
    };
    let page = pagination::read(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        if !actor.is_admin() {
            // An expert's own; another's (or no expert at all) is refused.
            match (&actor.expert_id, &filter.expert_id) {
                (Some(own), None) => filter.expert_id = Some(own.clone()),
                (Some(own), Some(asked)) if own == asked => {}
                _ => {
                    return Err(ApiError::forbidden(
                        "forbidden",
                        Msg::new("problem-forbidden-consultation_for_others"),
                    ));
                }
            }
        }
        let rows = Consultation::list(conn, &filter, before.as_ref(), limit + 1)?;
        let (rows, next) = pagination::split_page("consultations", rows, limit, |(c, _, _)| {
            (c.at, c.id.clone())
        });
        Ok(Page {
            items: rows
                .into_iter()
                .map(|row| consultation_brief(row, tz))
                .collect(),
            next_cursor: next,
        })
    })
    .await?;
    Ok(page.respond())
}

/// A consultation: the office, the expert it is credited to, whoever recorded it.
#[utoipa::path(get, path = "/api/v1/consultations/{id}", tag = "consultations", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ConsultationResponse), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_consultation(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let tz = state.settings.timezone;
    let body = crate::db::run(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let row = usecase::consultation::load_visible(conn, &actor, &id)?;
        Ok(consultation_response(row, tz))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}
