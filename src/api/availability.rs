//! `/api/v1/experts/{id}/availability` (when an expert can give lectures) and
//! `/api/v1/blackouts` (the school calendar's closed periods).

use crate::i18n::Msg;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::pagination;
use crate::api::pagination::Page;
use crate::api::support::{keep, whole};
use crate::audit::AuditContext;
use crate::auth::actor::Actor;
use crate::auth::{AuthUser, OfficeOrSchool, StaffUser};
use crate::db;
use crate::domain::availability::{BlackoutScope, ExceptionKind};
use crate::domain::validate;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::http::RequestMeta;
use crate::idempotency::Idempotency;
use crate::models::availability::{AvailabilityException, AvailabilityRule, BlackoutRow};
use crate::time::to_local;
use crate::usecase::availability::{NewBlackout, school_of, visible};
use crate::usecase::{self, Answer};

/// A weekly window, local times (`HH:MM`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyRule {
    /// 1 (Monday) to 7 (Sunday).
    #[serde(deserialize_with = "whole")]
    #[schema(minimum = 1, maximum = 7)]
    pub weekday: i32,
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "09:00")]
    pub start: String,
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "12:00")]
    pub end: String,
}

/// A dated exception; without times it is the whole day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DatedRule {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub kind: ExceptionKind,
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start: Option<String>,
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub end: Option<String>,
}

/// When an expert can give lectures. No weekly rules: every day that is not a rest day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    #[schema(max_items = 50)]
    pub rules: Vec<WeeklyRule>,
    #[serde(default)]
    #[schema(max_items = 400)]
    pub exceptions: Vec<DatedRule>,
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn body_of(rules: Vec<AvailabilityRule>, exceptions: Vec<AvailabilityException>) -> Availability {
    Availability {
        rules: rules
            .into_iter()
            .map(|r| WeeklyRule {
                weekday: r.weekday,
                start: hhmm(r.start_time),
                end: hhmm(r.end_time),
            })
            .collect(),
        exceptions: exceptions
            .into_iter()
            .map(|e| DatedRule {
                date: e.day,
                kind: e.kind,
                start: e.start_time.map(hhmm),
                end: e.end_time.map(hhmm),
            })
            .collect(),
    }
}

/// An expert's availability (the expert, their team leads, the office).
#[utoipa::path(get, path = "/api/v1/experts/{id}/availability", tag = "experts", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Availability), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_availability(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = db::run(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let (rules, exceptions) = usecase::availability::read(conn, &actor, &id)?;
        Ok(body_of(rules, exceptions))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

fn parse_time(errors: &mut Vec<FieldError>, field: &str, raw: &str) -> Option<NaiveTime> {
    let parsed = NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .ok()
        .filter(|_| raw.trim().len() == 5);
    if parsed.is_none() {
        errors.push(FieldError::new(
            field,
            "invalid_format",
            Msg::new("field-invalid_format-local_time_hh_mm").arg("field", field),
        ));
    }
    parsed
}

/// Replaces an expert's availability (the expert or the office).
#[utoipa::path(put, path = "/api/v1/experts/{id}/availability", tag = "experts", params(("id" = String, Path)),
    request_body = Availability, security(("bearer" = [])),
    responses((status = 200, body = Availability), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn put_availability(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<Availability>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mut errors = Vec::new();
    if body.rules.len() > 50 {
        errors.push(FieldError::new(
            "rules",
            "too_many",
            Msg::new("field-too_many-most_50_weekly_rules").arg("field", "rules"),
        ));
    }
    if body.exceptions.len() > 400 {
        errors.push(FieldError::new(
            "exceptions",
            "too_many",
            Msg::new("field-too_many-most_400_exceptions").arg("field", "exceptions"),
        ));
    }
    let mut rules = Vec::new();
    for (i, rule) in body.rules.iter().enumerate() {
        if !(1..=7).contains(&rule.weekday) {
            errors.push(FieldError::new(
                format!("rules[{i}].weekday"),
                "out_of_range",
                Msg::new("field-out_of_range-weekday").arg("field", format!("rules[{i}].weekday")),
            ));
        }
        let start = parse_time(&mut errors, &format!("rules[{i}].start"), &rule.start);
        let end = parse_time(&mut errors, &format!("rules[{i}].end"), &rule.end);
        if let (Some(start), Some(end)) = (start, end) {
            if end <= start {
                errors.push(FieldError::new(
                    format!("rules[{i}].end"),
                    "end_before_start",
                    Msg::new("field-end_before_start").arg("field", format!("rules[{i}].end")),
                ));
            } else if rules
                .iter()
                .any(|r: &AvailabilityRule| r.weekday == rule.weekday && r.start_time == start)
            {
                errors.push(FieldError::new(
                    format!("rules[{i}]"),
                    "duplicate",
                    Msg::new("field-duplicate-rule").arg("field", format!("rules[{i}]")),
                ));
            } else {
                rules.push(AvailabilityRule {
                    expert_id: id.clone(),
                    weekday: rule.weekday,
                    start_time: start,
                    end_time: end,
                });
            }
        }
    }
    let mut exceptions = Vec::new();
    for (i, e) in body.exceptions.iter().enumerate() {
        let times = match (&e.start, &e.end) {
            (None, None) => Some(None),
            (Some(s), Some(t)) => {
                let start = parse_time(&mut errors, &format!("exceptions[{i}].start"), s);
                let end = parse_time(&mut errors, &format!("exceptions[{i}].end"), t);
                match (start, end) {
                    (Some(a), Some(b)) if b > a => Some(Some((a, b))),
                    (Some(_), Some(_)) => {
                        errors.push(FieldError::new(
                            format!("exceptions[{i}].end"),
                            "end_before_start",
                            Msg::new("field-end_before_start")
                                .arg("field", format!("exceptions[{i}].end")),
                        ));
                        None
                    }
                    _ => None,
                }
            }
            _ => {
                errors.push(FieldError::new(
                    format!("exceptions[{i}]"),
                    "incomplete",
                    Msg::new("field-incomplete").arg("field", format!("exceptions[{i}]")),
                ));
                None
            }
        };
        if let Some(times) = times {
            exceptions.push(AvailabilityException {
                expert_id: id.clone(),
                day: e.date,
                kind: e.kind,
                start_time: times.map(|t| t.0),
                end_time: times.map(|t| t.1),
            });
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let body = usecase::write(&state, audit, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        usecase::availability::replace(uow, &actor, &id, rules.clone(), exceptions.clone())?;
        let (rules, exceptions) = usecase::availability::read(uow.conn, &actor, &id)?;
        Ok(body_of(rules, exceptions))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlackoutResponse {
    pub id: String,
    pub name: String,
    #[schema(value_type = String, format = Date)]
    pub start_date: NaiveDate,
    /// The last closed day (inclusive).
    #[schema(value_type = String, format = Date)]
    pub end_date: NaiveDate,
    pub scope: BlackoutScope,
    pub district: Option<String>,
    pub school_id: Option<String>,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
}

fn blackout_body(row: BlackoutRow, tz: chrono_tz::Tz) -> BlackoutResponse {
    BlackoutResponse {
        id: row.id,
        name: row.name,
        start_date: row.start_date,
        end_date: row.end_date,
        scope: row.scope,
        district: row.district,
        school_id: row.school_id,
        created_at: to_local(row.created_at, tz),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBlackoutRequest {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(value_type = String, format = Date)]
    pub start_date: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub end_date: NaiveDate,
    pub scope: BlackoutScope,
    /// For scope `district`.
    #[schema(min_length = 1, max_length = 50)]
    pub district: Option<String>,
    /// For scope `school` (a school account may leave it out: its own).
    pub school_id: Option<String>,
}

/// Adds a closed period: the office of any scope, a school for itself.
#[utoipa::path(post, path = "/api/v1/blackouts", tag = "blackouts", request_body = CreateBlackoutRequest,
    security(("bearer" = [])),
    responses((status = 201, body = BlackoutResponse), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_blackout(
    state: web::Data<AppState>,
    OfficeOrSchool(user): OfficeOrSchool,
    meta: RequestMeta,
    idem: Idempotency,
    ApiJson(body): ApiJson<CreateBlackoutRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let name = keep(&mut errors, validate::text("name", &body.name, 100));
    let district = body
        .district
        .as_deref()
        .and_then(|d| keep(&mut errors, validate::text("district", d, 50)));
    let school_id = body
        .school_id
        .as_deref()
        .and_then(|v| keep(&mut errors, validate::id("school_id", v)));
    if body.end_date < body.start_date {
        errors.push(FieldError::new(
            "end_date",
            "end_before_start",
            Msg::new("field-end_before_start-end_date_after_start").arg("field", "end_date"),
        ));
    }
    let is_admin = user.role == crate::domain::role::Role::Admin;
    match body.scope {
        BlackoutScope::City if district.is_some() || school_id.is_some() => {
            errors.push(FieldError::new(
                "scope",
                "mismatch",
                Msg::new("field-mismatch-city_blackout_names_no").arg("field", "scope"),
            ))
        }
        BlackoutScope::District if district.is_none() || school_id.is_some() => {
            errors.push(FieldError::new(
                "district",
                "required",
                Msg::new("field-required-district_blackout_names_district")
                    .arg("field", "district"),
            ))
        }
        BlackoutScope::School if (school_id.is_none() && is_admin) || district.is_some() => errors
            .push(FieldError::new(
                "school_id",
                "required",
                Msg::new("field-required-school_blackout_names_school").arg("field", "school_id"),
            )),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let new = NewBlackout {
        name: name.unwrap_or_default(),
        start_date: body.start_date,
        end_date: body.end_date,
        scope: body.scope,
        district,
        school_id,
    };
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        let id = usecase::availability::add_blackout(uow, &actor, new.clone())?;
        let row = BlackoutRow::find(uow.conn, &id)?
            .ok_or_else(|| ApiError::internal("a blackout just written is gone"))?;
        Ok(Answer::created(
            format!("/api/v1/blackouts/{id}"),
            None,
            blackout_body(row, tz),
        ))
    })
    .await
}

/// Removes a closed period: the office any, a school its own.
#[utoipa::path(delete, path = "/api/v1/blackouts/{id}", tag = "blackouts", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_blackout(
    state: web::Data<AppState>,
    OfficeOrSchool(user): OfficeOrSchool,
    meta: RequestMeta,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    usecase::write(&state, audit, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        usecase::availability::remove_blackout(uow, &actor, &id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListBlackoutsQuery {
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Closed periods by start date: a school sees those that cover it, everyone else all.
#[utoipa::path(get, path = "/api/v1/blackouts", tag = "blackouts", params(ListBlackoutsQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<BlackoutResponse>), (status = 422, body = Problem)))]
pub async fn list_blackouts(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<ListBlackoutsQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor("blackouts", query.cursor.as_deref())?;
    let tz = state.settings.timezone;
    let page = pagination::read(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let school = school_of(conn, &actor)?;
        let key = school
            .as_ref()
            .map(|s| (s.id.as_str(), s.district.as_str()));
        let after = after.as_ref().map(|k| (k.at.date(), k.id.as_str()));
        let rows = BlackoutRow::list(conn, key, after, limit + 1)?;
        let (rows, next) = pagination::split_page("blackouts", rows, limit, |b| {
            (b.start_date.and_time(NaiveTime::MIN), b.id.clone())
        });
        let items = rows
            .into_iter()
            .filter(|b| visible(b, school.as_ref()))
            .map(|b| blackout_body(b, tz))
            .collect();
        Ok(Page {
            items,
            next_cursor: next,
        })
    })
    .await?;
    Ok(page.respond())
}
