//! Importing and exporting the roster as CSV (`/api/v1/experts/import`, `/api/v1/experts/export.csv`,
//! and `guanai import-experts`).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::expert::ExpertRecord;
use crate::audit::AuditContext;
use crate::auth::AdminUser;
use crate::db;
use crate::domain::role::Role;
use crate::domain::roster_csv::{ExportRow, ImportRow, parse, row_error, write};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::CsvBody;
use crate::http::RequestMeta;
use crate::idempotency::Idempotency;
use crate::models::expert::Expert;
use crate::models::user::{NewUser, User};
use crate::time::to_local;
use crate::usecase::expert::NewExpertInput;
use crate::usecase::{self, Answer, Uow};

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedExpert {
    /// The line of the file the expert came from.
    pub line: u64,
    pub login: String,
    pub name: String,
    /// Null on a dry run.
    pub expert_id: Option<String>,
    /// The one-time set-password token for the new account: shown once, here only.
    pub set_password_token: Option<String>,
    #[serde(serialize_with = "crate::time::serialize_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub set_password_token_expires_at: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// How many experts were (or, on a dry run, would be) created.
    pub created: usize,
    pub experts: Vec<ImportedExpert>,
}

/// Everything or nothing: the whole file is checked (including logins already taken) and
/// imported in one transaction, or every problem is returned and nothing is written.
pub fn import_roster(
    uow: &mut Uow<'_>,
    bytes: &[u8],
    dry_run: bool,
    current_year: i32,
) -> ApiResult<ImportReport> {
    let rows = parse(bytes, current_year).map_err(import_failed)?;
    let mut errors = Vec::new();
    for row in &rows {
        if User::login_exists(uow.conn, &row.login)? {
            errors.push(row_error(
                row.line,
                "login",
                "taken",
                format!("the login name `{}` is taken", row.login),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(import_failed(errors));
    }
    let mut experts = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        // One microsecond apart, so that lists (ordered by creation) keep the file's order.
        let at = uow.now() + chrono::Duration::microseconds(i64::try_from(i).unwrap_or(0));
        experts.push(if dry_run {
            planned(row)
        } else {
            create_row(uow, row, at)?
        });
    }
    if !dry_run {
        uow.record(
            "expert.imported",
            "expert",
            None,
            json!({ "created": experts.len() }),
        )?;
    }
    Ok(ImportReport {
        dry_run,
        created: experts.len(),
        experts,
    })
}

fn import_failed(errors: Vec<FieldError>) -> ApiError {
    let lines = {
        let mut lines: Vec<&str> = errors
            .iter()
            .filter_map(|e| e.field.split(']').next())
            .collect();
        lines.dedup();
        lines.len()
    };
    tracing::info!(problems = errors.len(), lines, "roster import refused");
    ApiError::Validation(errors)
}

fn planned(row: ImportRow) -> ImportedExpert {
    ImportedExpert {
        line: row.line,
        login: row.login,
        name: row.profile.name,
        expert_id: None,
        set_password_token: None,
        set_password_token_expires_at: None,
    }
}

fn create_row(uow: &mut Uow<'_>, row: ImportRow, now: NaiveDateTime) -> ApiResult<ImportedExpert> {
    let account = NewUser {
        email: row.email,
        phone: row.phone,
        ..NewUser::new(&row.login, &row.profile.name, Role::Expert, now)
    };
    let name = row.profile.name.clone();
    let input = NewExpertInput {
        account,
        profile: row.profile,
        status: row.status,
        reason: format!("imported from the roster file, line {}", row.line),
        notify: true,
    };
    let (expert_id, token) = usecase::expert::create(uow, input)?;
    let tz = uow.settings.timezone;
    Ok(ImportedExpert {
        line: row.line,
        login: row.login,
        name,
        expert_id: Some(expert_id),
        set_password_token_expires_at: token.as_ref().map(|t| to_local(t.expires_at, tz)),
        set_password_token: token.map(|t| t.token),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Check the file only; create nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// Import the roster from CSV (admin; `text/csv`, at most 5 MiB). All rows or none: a bad
/// row (`errors[].field` is `rows[LINE].COLUMN`) imports nothing. New accounts have no
/// password; the report carries each one-time set-password token once.
#[utoipa::path(post, path = "/api/v1/experts/import", tag = "experts", params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "the roster; see api_docs/experts_sample.csv"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportReport, description = "dry run: what would be created"),
        (status = 201, body = ImportReport), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "every bad row and column")))]
pub async fn import_experts(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    meta: RequestMeta,
    idem: Idempotency,
    query: web::Query<ImportQuery>,
    CsvBody(bytes): CsvBody,
) -> ApiResult<HttpResponse> {
    let dry_run = query.dry_run;
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(admin.id()), now);
    let year = crate::api::expert::current_year(&state);
    usecase::answer(&state, audit, idem, move |uow| {
        let report = import_roster(uow, &bytes, dry_run, year)?;
        Ok(Answer {
            status: if dry_run {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            },
            location: None,
            version: None,
            body: report,
            secrets: &[
                "/experts/*/set_password_token",
                "/experts/*/set_password_token_expires_at",
            ],
        })
    })
    .await
}

/// The roster as CSV, in the import's columns (admin).
#[utoipa::path(get, path = "/api/v1/experts/export.csv", tag = "experts", security(("bearer" = [])),
    responses((status = 200, description = "the roster", content_type = "text/csv", body = String),
        (status = 403, body = Problem)))]
pub async fn export_experts(
    state: web::Data<AppState>,
    _admin: AdminUser,
) -> ApiResult<HttpResponse> {
    let records = db::run(&state.db, |conn| {
        let experts = Expert::all(conn)?;
        ExpertRecord::load_many(conn, experts)
    })
    .await?;
    let profiles = records
        .iter()
        .map(|r| r.profile())
        .collect::<ApiResult<Vec<_>>>()?;
    let rows: Vec<ExportRow<'_>> = records
        .iter()
        .zip(&profiles)
        .map(|(r, profile)| ExportRow {
            login: r.user.as_ref().map_or("", |u| u.login.as_str()),
            profile,
            phone: r.user.as_ref().and_then(|u| u.phone.as_deref()),
            email: r.user.as_ref().and_then(|u| u.email.as_deref()),
            status: r.expert.status,
        })
        .collect();
    let bytes = write(&rows).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"experts.csv\"",
        ))
        .body(bytes))
}
