//! Importing and exporting the roster as CSV (`/api/v1/experts/import`, `/api/v1/experts/export.csv`,
//! and `guanai import-experts`).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::audit::AuditContext;
use crate::auth::AdminUser;
use crate::db;
use crate::domain::roster_csv::{ExportRow, write};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiQuery, CsvBody};
use crate::http::RequestMeta;
use crate::idempotency::Idempotency;
use crate::models::expert::Expert;
use crate::usecase::expert::ExpertRecord;
use crate::usecase::roster::ImportReport;
use crate::usecase::{self, Answer};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Check the file only; write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Create rows that look like an expert already on the roster (same name and phone, or
    /// same name and birth year) under their new login anyway.
    #[serde(default)]
    pub confirm_duplicates: bool,
}

/// Import the roster from CSV (admin; `text/csv`, at most 5 MiB). All rows or none: a bad
/// row (`errors[].field` is `rows[LINE].COLUMN`) imports nothing. A row whose `login`
/// exists updates that expert's profile and contact — never their membership status; a new
/// login creates an expert with an account without password (the report carries each
/// one-time set-password token once). A new row that looks like an expert already on the
/// roster (same name and phone, or same name and birth year) refuses the import
/// (`possible_duplicate`) unless `confirm_duplicates=true`.
#[utoipa::path(post, path = "/api/v1/experts/import", tag = "experts", params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "the roster; see api_docs/experts_sample.csv"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportReport, description = "dry run: what would be created and updated"),
        (status = 201, body = ImportReport, description = "at least one expert was created (200 when the file only updated)"), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "every bad row and column")))]
pub async fn import_experts(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    meta: RequestMeta,
    idem: Idempotency,
    query: ApiQuery<ImportQuery>,
    CsvBody(bytes): CsvBody,
) -> ApiResult<HttpResponse> {
    let options = usecase::roster::ImportOptions {
        dry_run: query.dry_run,
        confirm_duplicates: query.confirm_duplicates,
    };
    let dry_run = options.dry_run;
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(admin.id()), now);
    let year = crate::api::expert::current_year(&state);
    usecase::answer(&state, audit, idem, move |uow| {
        let report = usecase::roster::import(uow, &bytes, options, year)?;
        Ok(Answer {
            status: if dry_run || report.created == 0 {
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
        let rows = Expert::all_rows(conn)?;
        Ok(rows
            .into_iter()
            .map(ExpertRecord::from_row)
            .collect::<Vec<_>>())
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
            login: r.user.login.as_str(),
            profile,
            phone: r.user.phone.as_deref(),
            email: r.user.email.as_deref(),
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
