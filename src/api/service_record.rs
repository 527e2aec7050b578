//! `/api/v1/experts/{id}/service-record` (志愿服务记录) as JSON, as CSV and as a printable
//! page, and `/api/v1/experts/{id}/certificates`, which freezes its totals under a serial
//! (`/verify/{serial}` shows them to whoever holds the paper).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Datelike as _, FixedOffset, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::audit::AuditContext;
use crate::auth::actor::Actor;
use crate::auth::{AdminUser, StaffUser};
use crate::db;
use crate::domain::csv_safe;
use crate::domain::lecture::LectureMode;
use crate::domain::profile::team_label;
use crate::domain::schedule::local_date;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::http::RequestMeta;
use crate::i18n::Msg;
use crate::idempotency::Idempotency;
use crate::time::{chinese_date, to_local};
use crate::usecase::lecture::{LONGEST_PERIOD_DAYS, Period, ServiceRecord, ServiceTotals};
use crate::usecase::{self, Answer};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ServiceRecordQuery {
    /// The first day (a local date; default the first of January of this year).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// The last day, at most three years after `from` (default today).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
}

/// The days asked for: both inclusive, `to` not before `from`, at most three years.
fn period(from: NaiveDate, to: NaiveDate) -> ApiResult<Period> {
    let mut errors = Vec::new();
    if to < from {
        errors.push(FieldError::new(
            "to",
            "end_before_start",
            Msg::new("field-end_before_start-to_after_from").arg("field", "to"),
        ));
    } else if (to - from).num_days() + 1 > LONGEST_PERIOD_DAYS {
        errors.push(FieldError::new(
            "to",
            "out_of_range",
            Msg::new("field-out_of_range-service_period")
                .arg("field", "to")
                .arg("days", LONGEST_PERIOD_DAYS),
        ));
    }
    if errors.is_empty() {
        Ok(Period { from, to })
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The period of a query: what it names, this year so far by default.
fn queried(state: &AppState, query: ServiceRecordQuery) -> ApiResult<Period> {
    let today = local_date(state.clock.now_naive(), state.settings.timezone);
    let to = query.to.unwrap_or(today);
    let from = query
        .from
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    period(from, to)
}

/// The record the query asks for, and `then` with it on the thread that read it (what it
/// writes from the rows, it frees there too: see `db::run_then`).
async fn read_then<U, G>(
    state: &web::Data<AppState>,
    user: crate::auth::AuthUser,
    id: String,
    query: ServiceRecordQuery,
    then: G,
) -> ApiResult<U>
where
    U: Send + 'static,
    G: FnOnce(ServiceRecord) -> ApiResult<U> + Send + 'static,
{
    let period = queried(state, query)?;
    let tz = state.settings.timezone;
    let read = move |conn: &mut crate::db::DbConnection| {
        let actor = Actor::load(conn, &user)?;
        usecase::lecture::service_record(conn, &actor, &id, period, tz)
    };
    db::run_then(&state.db, read, then).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRecordResponse {
    pub expert_id: String,
    pub name: String,
    #[schema(value_type = crate::api::support::TeamCode)]
    pub team: String,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// Every delivered or closed lecture that started in the period, in time order.
    pub lectures: Vec<ServiceLectureResponse>,
    /// The lectures the expert observed (听课) that started in the period.
    pub observations: Vec<ObservedLectureResponse>,
    pub totals: ServiceTotalsResponse,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceLectureResponse {
    pub lecture_id: String,
    /// The local day it was given.
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub start: DateTime<FixedOffset>,
    pub topic: String,
    /// `null` for a city-wide online lecture.
    pub school_id: Option<String>,
    pub school_name: Option<String>,
    #[schema(value_type = crate::api::support::TeamCode)]
    pub team: String,
    pub mode: LectureMode,
    /// As recorded at check-out (or corrected); the planned length when none was.
    pub minutes: i64,
    /// 受益人次, once the expert reported (`null` before).
    pub beneficiaries: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObservedLectureResponse {
    pub lecture_id: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<NaiveDate>,
    pub topic: String,
    /// The expert who gave it.
    pub expert_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceTotalsResponse {
    pub lectures: i64,
    pub minutes: i64,
    /// Minutes in hours, to one decimal.
    pub hours: f64,
    /// Of the lectures reported.
    pub beneficiaries: i64,
    pub observations: i64,
}

impl ServiceTotalsResponse {
    fn new(totals: ServiceTotals) -> Self {
        ServiceTotalsResponse {
            lectures: totals.lectures,
            minutes: totals.minutes,
            hours: totals.hours(),
            beneficiaries: totals.beneficiaries,
            observations: totals.observations,
        }
    }
}

impl ServiceRecordResponse {
    fn new(record: ServiceRecord, tz: Tz) -> Self {
        ServiceRecordResponse {
            expert_id: record.expert.id,
            name: record.expert.name,
            team: record.expert.primary_team,
            from: record.period.from,
            to: record.period.to,
            lectures: record
                .lectures
                .into_iter()
                .map(|l| ServiceLectureResponse {
                    date: local_date(l.given.starts_at, tz),
                    start: to_local(l.given.starts_at, tz),
                    lecture_id: l.given.id,
                    topic: l.given.topic,
                    school_id: l.given.school_id,
                    school_name: l.given.school_name,
                    team: l.given.team_code,
                    mode: l.given.mode,
                    minutes: l.minutes,
                    beneficiaries: l.beneficiaries,
                })
                .collect(),
            observations: record
                .observed
                .into_iter()
                .map(|o| ObservedLectureResponse {
                    date: o.starts_at.map(|t| local_date(t, tz)),
                    lecture_id: o.lecture_id,
                    topic: o.topic,
                    expert_name: o.expert_name,
                })
                .collect(),
            totals: ServiceTotalsResponse::new(record.totals),
        }
    }
}

/// 志愿服务记录: the expert's delivered and closed lectures (a corrected no-show is delivered)
/// that started in the period — date, school, team, mode, minutes, beneficiaries — the
/// lectures they observed, and the totals. The expert themselves and the office.
#[utoipa::path(get, path = "/api/v1/experts/{id}/service-record", tag = "experts",
    params(("id" = String, Path), ServiceRecordQuery), security(("bearer" = [])),
    responses((status = 200, body = ServiceRecordResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "`to` before `from`, or more than three years after it")))]
pub async fn get_service_record(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    id: web::Path<String>,
    query: ApiQuery<ServiceRecordQuery>,
) -> ApiResult<HttpResponse> {
    let tz = state.settings.timezone;
    let body = read_then(
        &state,
        user,
        id.into_inner(),
        query.into_inner(),
        move |record| {
            serde_json::to_vec(&ServiceRecordResponse::new(record, tz)).map_err(ApiError::internal)
        },
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type(header::ContentType::json())
        .body(body))
}

/// Where a lecture was given, as the CSV and the page print it.
fn school_of(school_name: Option<&str>) -> &str {
    school_name.unwrap_or("全市网课")
}

/// The service record as CSV (UTF-8 with a BOM, formulas neutralized): one row per lecture
/// and a last row of totals.
#[utoipa::path(get, path = "/api/v1/experts/{id}/service-record.csv", tag = "experts",
    params(("id" = String, Path), ServiceRecordQuery), security(("bearer" = [])),
    responses((status = 200, description = "the service record", content_type = "text/csv", body = String),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn get_service_record_csv(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    id: web::Path<String>,
    query: ApiQuery<ServiceRecordQuery>,
) -> ApiResult<HttpResponse> {
    let tz = state.settings.timezone;
    let (bytes, filename) = read_then(
        &state,
        user,
        id.into_inner(),
        query.into_inner(),
        move |record| csv_of(&record, tz),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(bytes))
}

/// The record's CSV and its file name.
fn csv_of(record: &ServiceRecord, tz: Tz) -> ApiResult<(Vec<u8>, String)> {
    let header = [
        "日期",
        "讲座",
        "学校",
        "分团",
        "方式",
        "时长（分钟）",
        "受益人次",
    ];
    let mut rows: Vec<Vec<String>> = record
        .lectures
        .iter()
        .map(|l| {
            vec![
                local_date(l.given.starts_at, tz).to_string(),
                l.given.topic.clone(),
                school_of(l.given.school_name.as_deref()).to_owned(),
                team_label(&l.given.team_code).to_owned(),
                l.given.mode.label_zh().to_owned(),
                l.minutes.to_string(),
                l.beneficiaries.map(|n| n.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    rows.push(vec![
        "合计".to_owned(),
        format!("{} 场", record.totals.lectures),
        String::new(),
        String::new(),
        String::new(),
        record.totals.minutes.to_string(),
        record.totals.beneficiaries.to_string(),
    ]);
    let bytes = csv_safe::write(&header, rows).map_err(ApiError::internal)?;
    let filename = format!(
        "service-record-{}-{}.csv",
        record.period.from, record.period.to
    );
    Ok((bytes, filename))
}

/// The service record as a printable Chinese page (a print stylesheet, the bureau's name,
/// the period, the totals), for a 志愿服务记录证明.
#[utoipa::path(get, path = "/api/v1/experts/{id}/service-record.html", tag = "experts",
    params(("id" = String, Path), ServiceRecordQuery), security(("bearer" = [])),
    responses((status = 200, description = "the printable record", content_type = "text/html", body = String),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn get_service_record_html(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    id: web::Path<String>,
    query: ApiQuery<ServiceRecordQuery>,
) -> ApiResult<HttpResponse> {
    let record = read_then(&state, user, id.into_inner(), query.into_inner(), Ok).await?;
    let tz = state.settings.timezone;
    let lectures: Vec<_> = record
        .lectures
        .iter()
        .map(|l| {
            minijinja::context! {
                date => chinese_date(local_date(l.given.starts_at, tz)),
                topic => l.given.topic,
                school => school_of(l.given.school_name.as_deref()),
                team => team_label(&l.given.team_code),
                mode => l.given.mode.label_zh(),
                minutes => l.minutes,
                beneficiaries => l.beneficiaries.map(|n| n.to_string()).unwrap_or_else(|| "未填报".to_owned()),
            }
        })
        .collect();
    let observed: Vec<_> = record
        .observed
        .iter()
        .map(|o| {
            minijinja::context! {
                date => o.starts_at.map(|t| chinese_date(local_date(t, tz))),
                topic => o.topic,
                expert => o.expert_name,
            }
        })
        .collect();
    let totals = record.totals;
    let today = local_date(state.clock.now_naive(), tz);
    Ok(crate::pages::render(
        StatusCode::OK,
        "service_record.html",
        "志愿服务记录",
        minijinja::context! {
            bureau => state.settings.bureau_name,
            name => record.expert.name,
            team => team_label(&record.expert.primary_team),
            from => chinese_date(record.period.from),
            to => chinese_date(record.period.to),
            lectures_count => totals.lectures,
            hours => totals.hours(),
            minutes => totals.minutes,
            beneficiaries => totals.beneficiaries,
            observations => totals.observations,
            lectures => lectures,
            observed => observed,
            printed => chinese_date(today),
        },
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateRequest {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    /// At most three years after `from`.
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
}

/// 志愿服务记录证明 as issued: the totals frozen under the serial.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateResponse {
    pub serial: String,
    pub expert_id: String,
    pub name: String,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub lectures: i32,
    pub minutes: i32,
    pub hours: f64,
    pub beneficiaries: i64,
    pub observations: i32,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub issued_at: DateTime<FixedOffset>,
    /// Where whoever holds the paper checks it (no login).
    pub verify_url: String,
}

/// The office issues a 志愿服务记录证明: the expert's totals over the period frozen under a new
/// serial, which `GET /verify/{serial}` shows to anyone (name, period, hours, lectures).
#[utoipa::path(post, path = "/api/v1/experts/{id}/certificates", tag = "experts", params(("id" = String, Path)),
    request_body = CertificateRequest, security(("bearer" = [])),
    responses((status = 201, body = CertificateResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn issue_certificate(
    state: web::Data<AppState>,
    AdminUser(user): AdminUser,
    meta: RequestMeta,
    idem: Idempotency,
    id: web::Path<String>,
    ApiJson(body): ApiJson<CertificateRequest>,
) -> ApiResult<HttpResponse> {
    let period = period(body.from, body.to)?;
    let id = id.into_inner();
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let (tz, base) = (state.settings.timezone, state.settings.public_url.clone());
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        let c = usecase::lecture::issue_certificate(uow, &actor, &id, period)?;
        let hours = usecase::lecture::hours(i64::from(c.minutes));
        let body = CertificateResponse {
            verify_url: format!("{base}/verify/{}", c.serial),
            serial: c.serial,
            expert_id: c.expert_id,
            name: c.expert_name,
            from: c.from_date,
            to: c.to_date,
            lectures: c.lectures,
            minutes: c.minutes,
            hours,
            beneficiaries: c.beneficiaries,
            observations: c.observations,
            issued_at: to_local(c.issued_at, tz),
        };
        Ok(Answer::created(
            format!("/verify/{}", body.serial),
            None,
            body,
        ))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_ends_on_or_after_its_start_and_lasts_at_most_three_years() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(period(day(2026, 1, 1), day(2026, 12, 31)).is_ok());
        assert!(period(day(2026, 3, 1), day(2026, 3, 1)).is_ok());
        assert_eq!(
            period(day(2026, 3, 2), day(2026, 3, 1)).unwrap_err().code(),
            "validation_failed"
        );
        assert!(period(day(2024, 1, 1), day(2026, 12, 31)).is_ok());
        assert!(period(day(2023, 1, 1), day(2026, 1, 5)).is_err());
    }
}
