//! Importing the roster from CSV: the whole file or nothing, for the API and the CLI.

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::domain::role::Role;
use crate::domain::roster_csv::{ImportRow, parse, row_error};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::models::user::{NewUser, User};
use crate::time::to_local;
use crate::usecase::expert::NewExpertInput;
use crate::usecase::{self, Uow};

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
pub fn import(
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
