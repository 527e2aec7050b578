//! Importing the roster from CSV: the whole file or nothing, for the API and the CLI.

use crate::i18n::Msg;
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::auth::actor::Actor;
use crate::domain::role::Role;
use crate::domain::roster::ExpertStatus;
use crate::domain::roster_csv::{ImportRow, parse, row_error};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::models::expert::Expert;
use crate::models::user::{NewUser, User};
use crate::time::to_local;
use crate::usecase::expert::{ExpertRecord, NewExpertInput, ProfilePatch};
use crate::usecase::{self, Uow};

/// What the import did (or, on a dry run, would do) with one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    /// A new expert with a new account.
    Created,
    /// The login exists: that expert's profile and contact were updated from the row.
    Updated,
    /// The login exists and the row says nothing new.
    Unchanged,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedExpert {
    /// The line of the file the expert came from.
    pub line: u64,
    pub login: String,
    pub name: String,
    pub outcome: RowOutcome,
    /// Null on a dry run of a new expert.
    pub expert_id: Option<String>,
    /// True when the row's `status` differs from the expert's membership status: the import
    /// never moves membership (use `POST /api/v1/experts/{id}/status`), so it was ignored.
    pub status_ignored: bool,
    /// The one-time set-password token for a new account: shown once, here only.
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
    /// How many existing experts were (or would be) updated.
    pub updated: usize,
    /// How many rows matched their expert already.
    pub unchanged: usize,
    pub experts: Vec<ImportedExpert>,
}

/// How the import treats rows that look like an expert already on the roster.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    /// Create a new expert even when a row looks like an existing one under another login.
    pub confirm_duplicates: bool,
}

/// What one row will do, decided before anything is written.
enum Plan {
    Create(ImportRow),
    Update {
        row: ImportRow,
        record: Box<ExpertRecord>,
        changes: bool,
    },
}

/// Everything or nothing: the whole file is checked and imported in one transaction, or
/// every problem is returned and nothing is written. A row whose login exists updates that
/// expert's profile and contact (never their membership status); a new login creates an
/// expert — unless it looks like one already on the roster (same name and phone, or same
/// name and birth year), which refuses the import unless `confirm_duplicates`.
pub fn import(
    uow: &mut Uow<'_>,
    bytes: &[u8],
    options: ImportOptions,
    current_year: i32,
) -> ApiResult<ImportReport> {
    let rows = parse(bytes, current_year).map_err(import_failed)?;
    let mut errors = Vec::new();
    let mut plans = Vec::with_capacity(rows.len());
    for row in rows {
        match User::find_by_login(uow.conn, &row.login)? {
            Some(user) => {
                let record = Expert::find_by_user(uow.conn, &user.id)?
                    .map(|e| ExpertRecord::load(uow.conn, &e.id))
                    .transpose()?
                    .flatten();
                let Some(record) = record else {
                    errors.push(row_error(
                        row.line,
                        "login",
                        "taken",
                        Msg::new("csv-login_not_expert").arg("login", &row.login),
                    ));
                    continue;
                };
                let changes = record.profile()? != row.profile
                    || user.phone != row.phone
                    || user.email != row.email;
                plans.push(Plan::Update {
                    row,
                    record: Box::new(record),
                    changes,
                });
            }
            None => {
                if !options.confirm_duplicates
                    && let Some(twin) = look_alike(uow.conn, &row)?
                {
                    errors.push(row_error(
                        row.line,
                        "login",
                        "possible_duplicate",
                        Msg::new("csv-possible_duplicate")
                            .arg("login", &row.login)
                            .arg("name", &row.profile.name)
                            .arg("twin", &twin.0)
                            .arg("twin_login", &twin.1),
                    ));
                }
                plans.push(Plan::Create(row));
            }
        }
    }
    if !errors.is_empty() {
        return Err(import_failed(errors));
    }
    let office = Actor {
        user_id: uow.actor_id().unwrap_or_default().to_owned(),
        role: Role::Admin,
        expert_id: None,
        expert_status: None,
        school_id: None,
        lead_teams: Vec::new(),
    };
    let mut experts = Vec::with_capacity(plans.len());
    for (i, plan) in plans.into_iter().enumerate() {
        // One microsecond apart, so that lists (ordered by creation) keep the file's order.
        let at = uow.now() + chrono::Duration::microseconds(i64::try_from(i).unwrap_or(0));
        experts.push(match plan {
            Plan::Create(row) if options.dry_run => planned(row),
            Plan::Create(row) => create_row(uow, row, at)?,
            Plan::Update {
                row,
                record,
                changes,
            } => {
                let status_ignored = row.status.is_some_and(|s| s != record.expert.status);
                let expert_id = record.expert.id.clone();
                if changes && !options.dry_run {
                    usecase::expert::update_profile(
                        uow,
                        &office,
                        &expert_id,
                        None,
                        ProfilePatch::replacing(row.profile.clone()),
                        (Some(row.email.clone()), Some(row.phone.clone())),
                        current_year,
                    )?;
                }
                ImportedExpert {
                    line: row.line,
                    login: row.login,
                    name: row.profile.name,
                    outcome: if changes {
                        RowOutcome::Updated
                    } else {
                        RowOutcome::Unchanged
                    },
                    expert_id: Some(expert_id),
                    status_ignored,
                    set_password_token: None,
                    set_password_token_expires_at: None,
                }
            }
        });
    }
    let count = |outcome| experts.iter().filter(|e| e.outcome == outcome).count();
    let (created, updated, unchanged) = (
        count(RowOutcome::Created),
        count(RowOutcome::Updated),
        count(RowOutcome::Unchanged),
    );
    if !options.dry_run {
        uow.record(
            "expert.imported",
            "expert",
            None,
            json!({ "created": created, "updated": updated, "unchanged": unchanged }),
        )?;
    }
    Ok(ImportReport {
        dry_run: options.dry_run,
        created,
        updated,
        unchanged,
        experts,
    })
}

/// An expert already on the roster that a new row looks like: same name, and the same
/// phone or the same birth year. Returns (name, login).
fn look_alike(
    conn: &mut crate::db::DbConnection,
    row: &ImportRow,
) -> ApiResult<Option<(String, String)>> {
    for expert in Expert::with_name(conn, &row.profile.name)? {
        let Some(user) = User::find(conn, &expert.user_id)? else {
            continue;
        };
        let same_phone = row.phone.is_some() && user.phone == row.phone;
        let same_birth_year =
            row.profile.birth_year.is_some() && expert.birth_year == row.profile.birth_year;
        if same_phone || same_birth_year {
            return Ok(Some((expert.name, user.login)));
        }
    }
    Ok(None)
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
        outcome: RowOutcome::Created,
        status_ignored: false,
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
        status: row.status.unwrap_or(ExpertStatus::Active),
        reason: format!("imported from the roster file, line {}", row.line),
        notify: true,
    };
    let (expert_id, token) = usecase::expert::create(uow, input)?;
    let tz = uow.settings.timezone;
    Ok(ImportedExpert {
        line: row.line,
        login: row.login,
        name,
        outcome: RowOutcome::Created,
        status_ignored: false,
        expert_id: Some(expert_id),
        set_password_token_expires_at: token.as_ref().map(|t| to_local(t.expires_at, tz)),
        set_password_token: token.map(|t| t.token),
    })
}
