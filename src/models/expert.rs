//! `experts` (专家团成员). Their membership history is in `state_changes`.

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::Time;
use crate::db::schema::{expert_districts, expert_extra_teams, expert_modes, experts, users};
use crate::domain::roster::ExpertStatus;
use crate::models::user::AccountContact;
use crate::models::value_set;
use crate::models::{Keyset, contains_pattern};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = experts)]
pub struct Expert {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub gender: Option<String>,
    pub birth_year: Option<i32>,
    pub category: String,
    pub former_post: Option<String>,
    pub former_org: Option<String>,
    /// JSON array of strings.
    pub specialties: String,
    pub bio: String,
    pub max_per_week: i32,
    pub max_per_month: i32,
    pub primary_team: String,
    pub status: ExpertStatus,
    pub version: i32,
    #[diesel(deserialize_as = Time)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = Time)]
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = experts)]
pub struct NewExpert {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub gender: Option<String>,
    pub birth_year: Option<i32>,
    pub category: String,
    pub former_post: Option<String>,
    pub former_org: Option<String>,
    pub specialties: String,
    pub bio: String,
    pub max_per_week: i32,
    pub max_per_month: i32,
    pub primary_team: String,
    pub status: ExpertStatus,
    pub search_text: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, Clone, AsChangeset)]
#[diesel(table_name = experts)]
pub struct ExpertChanges {
    pub name: Option<String>,
    pub gender: Option<Option<String>>,
    pub birth_year: Option<Option<i32>>,
    pub category: Option<String>,
    pub former_post: Option<Option<String>>,
    pub former_org: Option<Option<String>>,
    pub specialties: Option<String>,
    pub bio: Option<String>,
    pub max_per_week: Option<i32>,
    pub max_per_month: Option<i32>,
    pub primary_team: Option<String>,
    pub search_text: Option<String>,
}

/// An expert's four sets as the database keeps them on the row (migration 000010): values
/// joined by [`value_set::SEPARATOR`], NULL when empty.
type JoinedSets = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// An expert with their account's contact and their sets: what pages and records read.
pub type ExpertRow = (Expert, AccountContact, ExpertSets);

fn into_row((expert, contact, sets): (Expert, AccountContact, JoinedSets)) -> ExpertRow {
    (expert, contact, ExpertSets::from_joined(sets))
}

const JOINED_SETS: (
    experts::joined_extra_teams,
    experts::joined_modes,
    experts::joined_districts,
    experts::joined_rest_weekdays,
) = (
    experts::joined_extra_teams,
    experts::joined_modes,
    experts::joined_districts,
    experts::joined_rest_weekdays,
);

/// The multi-valued parts of a profile, kept in join tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpertSets {
    pub extra_teams: Vec<String>,
    pub modes: Vec<String>,
    pub districts: Vec<String>,
    pub rest_weekdays: Vec<i32>,
}

impl ExpertSets {
    /// The sets from the copies kept on the row (see [`JoinedSets`]).
    fn from_joined((teams, modes, districts, rest): JoinedSets) -> ExpertSets {
        ExpertSets {
            extra_teams: value_set::split(teams),
            modes: value_set::split(modes),
            districts: value_set::split(districts),
            rest_weekdays: {
                let mut days: Vec<i32> = value_set::split(rest)
                    .iter()
                    .filter_map(|d| d.parse().ok())
                    .collect();
                days.sort_unstable();
                days
            },
        }
    }

    /// Primary team first, then the extra ones.
    pub fn all_teams(&self, primary: &str) -> Vec<String> {
        std::iter::once(primary.to_owned())
            .chain(self.extra_teams.iter().filter(|t| *t != primary).cloned())
            .collect()
    }
}

/// Which experts a caller may see in a list.
#[derive(Debug, Clone)]
pub enum ExpertScope {
    All,
    /// Active experts, plus every expert of these teams (a lead's own) and oneself.
    ActiveOrTeams {
        teams: Vec<String>,
        own: Option<String>,
    },
}

#[derive(Debug, Default, PartialEq)]
pub struct ExpertFilter {
    pub team: Option<String>,
    pub status: Option<ExpertStatus>,
    pub mode: Option<String>,
    pub district: Option<String>,
    /// Lower-cased substring of name, specialties or bio.
    pub q: Option<String>,
}

impl ExpertFilter {
    /// No filter at all: the caller's default view.
    pub fn is_empty(&self) -> bool {
        *self == ExpertFilter::default()
    }
}

/// What `q` searches, lower-cased in Rust so both databases match alike.
pub fn search_text(name: &str, specialties: &[String], bio: &str) -> String {
    format!("{name}\n{}\n{bio}", specialties.join("\n")).to_lowercase()
}

pub fn specialties_of(expert: &Expert) -> Vec<String> {
    serde_json::from_str(&expert.specialties).unwrap_or_default()
}

pub fn encode_specialties(specialties: &[String]) -> String {
    serde_json::to_string(specialties).unwrap_or_else(|_| "[]".to_owned())
}

/// What a course needs of its expert: who they are, whether they are active, their team.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = experts)]
pub struct ExpertBrief {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub primary_team: String,
    pub status: ExpertStatus,
}

impl ExpertBrief {
    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ExpertBrief>> {
        crate::on_backend!(conn, |c| experts::table
            .find(id)
            .select(ExpertBrief::as_select())
            .first(c)
            .optional())
    }
}

impl Expert {
    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Expert>> {
        crate::on_backend!(conn, |c| experts::table
            .find(id)
            .select(Expert::as_select())
            .first(c)
            .optional())
    }

    pub fn find_by_user(conn: &mut DbConnection, user_id: &str) -> QueryResult<Option<Expert>> {
        crate::on_backend!(conn, |c| experts::table
            .filter(experts::user_id.eq(user_id))
            .select(Expert::as_select())
            .first(c)
            .optional())
    }

    pub fn insert(conn: &mut DbConnection, new: &NewExpert, sets: &ExpertSets) -> QueryResult<()> {
        diesel::insert_into(experts::table)
            .values(new)
            .execute_on(conn)?;
        Self::replace_sets(conn, &new.id, sets)
    }

    pub fn replace_sets(conn: &mut DbConnection, id: &str, sets: &ExpertSets) -> QueryResult<()> {
        value_set::expert_extra_teams::replace(conn, id, &sets.extra_teams)?;
        value_set::expert_modes::replace(conn, id, &sets.modes)?;
        value_set::expert_districts::replace(conn, id, &sets.districts)?;
        value_set::expert_rest_days::replace(conn, id, &sets.rest_weekdays)
    }

    /// An expert's sets, from the copies the database keeps on the row (migration 000010).
    pub fn sets(conn: &mut DbConnection, id: &str) -> QueryResult<ExpertSets> {
        let joined: Option<JoinedSets> = experts::table
            .find(id)
            .select(JOINED_SETS)
            .first_on(conn)
            .optional()?;
        Ok(joined.map(ExpertSets::from_joined).unwrap_or_default())
    }

    /// One expert with their account's contact and their sets, in one query.
    pub fn find_row(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ExpertRow>> {
        let row: Option<(Expert, AccountContact, JoinedSets)> =
            crate::on_backend!(conn, |c| experts::table
                .inner_join(users::table)
                .filter(experts::id.eq(id))
                .select((
                    Expert::as_select(),
                    AccountContact::as_select(),
                    JOINED_SETS,
                ))
                .first(c)
                .optional())?;
        Ok(row.map(into_row))
    }

    /// Every expert with contact and sets, in creation order (the roster export).
    pub fn all_rows(conn: &mut DbConnection) -> QueryResult<Vec<ExpertRow>> {
        let rows: Vec<(Expert, AccountContact, JoinedSets)> = experts::table
            .inner_join(users::table)
            .order((experts::created_at.asc(), experts::id.asc()))
            .select((
                Expert::as_select(),
                AccountContact::as_select(),
                JOINED_SETS,
            ))
            .load(conn)?;
        Ok(rows.into_iter().map(into_row).collect())
    }

    /// Applies an edit if the row is still at `expected_version`.
    pub fn update(
        conn: &mut DbConnection,
        id: &str,
        expected_version: i32,
        changes: &ExpertChanges,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            experts::table
                .filter(experts::id.eq(id))
                .filter(experts::version.eq(expected_version)),
        )
        .set((
            changes,
            experts::version.eq(experts::version + 1),
            experts::updated_at.eq(now),
        ))
        .execute_on(conn)?;
        Ok(updated == 1)
    }

    /// Moves membership from `from` to `to` if the expert is still in `from` at `version`.
    pub fn set_status(
        conn: &mut DbConnection,
        id: &str,
        from: ExpertStatus,
        version: i32,
        to: ExpertStatus,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            experts::table
                .filter(experts::id.eq(id))
                .filter(experts::status.eq(from))
                .filter(experts::version.eq(version)),
        )
        .set((
            experts::status.eq(to),
            experts::version.eq(experts::version + 1),
            experts::updated_at.eq(now),
        ))
        .execute_on(conn)?;
        Ok(updated == 1)
    }

    pub fn list(
        conn: &mut DbConnection,
        scope: &ExpertScope,
        filter: &ExpertFilter,
        after: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<ExpertRow>> {
        let rows: Vec<(Expert, AccountContact, JoinedSets)> = crate::on_backend!(conn, |c| {
            // With their accounts (contact details) and their sets in the same row.
            macro_rules! page {
                () => {
                    experts::table
                        .inner_join(users::table)
                        .select((
                            Expert::as_select(),
                            AccountContact::as_select(),
                            JOINED_SETS,
                        ))
                        .order((experts::created_at.asc(), experts::id.asc()))
                        .limit(limit)
                };
            }
            let (at, id) = (experts::created_at, experts::id);
            // Who sees a non-active expert: a lead of their team (below), and they themselves.
            let visible = |own: &Option<String>| {
                experts::status
                    .eq(ExpertStatus::Active)
                    .or(experts::id.eq(own.clone().unwrap_or_default()))
            };
            match scope {
                // The unfiltered roster, as the office and as everyone else first see it:
                // unboxed, so prepared once and found by its type (see `load_after`).
                ExpertScope::All if filter.is_empty() => load_after!(page!(), after, at, id, c),
                ExpertScope::ActiveOrTeams { teams, own }
                    if filter.is_empty() && teams.is_empty() =>
                {
                    load_after!(page!().filter(visible(own)), after, at, id, c)
                }
                _ => {
                    let mut query = page!().into_boxed();
                    if let ExpertScope::ActiveOrTeams { teams, own } = scope {
                        let visible = visible(own);
                        // Most callers lead no team: leaving the team terms out keeps the statement
                        // free of an `IN (…)` list, which SQLite cannot keep prepared.
                        query = if teams.is_empty() {
                            query.filter(visible)
                        } else {
                            query.filter(
                                visible.or(experts::primary_team.eq_any(teams.clone())).or(
                                    experts::id.eq_any(
                                        expert_extra_teams::table
                                            .filter(
                                                expert_extra_teams::team_code.eq_any(teams.clone()),
                                            )
                                            .select(expert_extra_teams::expert_id),
                                    ),
                                ),
                            )
                        };
                    }
                    if let Some(team) = &filter.team {
                        query = query.filter(
                            experts::primary_team
                                .eq(team.clone())
                                .or(experts::id.eq_any(
                                    expert_extra_teams::table
                                        .filter(expert_extra_teams::team_code.eq(team.clone()))
                                        .select(expert_extra_teams::expert_id),
                                )),
                        );
                    }
                    if let Some(status) = &filter.status {
                        query = query.filter(experts::status.eq(*status));
                    }
                    if let Some(mode) = &filter.mode {
                        query = query.filter(
                            experts::id.eq_any(
                                expert_modes::table
                                    .filter(expert_modes::mode.eq(mode.clone()))
                                    .select(expert_modes::expert_id),
                            ),
                        );
                    }
                    if let Some(district) = &filter.district {
                        query = query.filter(
                            experts::id.eq_any(
                                expert_districts::table
                                    .filter(expert_districts::district.eq(district.clone()))
                                    .select(expert_districts::expert_id),
                            ),
                        );
                    }
                    if let Some(q) = &filter.q {
                        let pattern = contains_pattern(q);
                        query = query.filter(experts::search_text.like(pattern).escape('\\'));
                    }
                    if let Some(k) = after {
                        keyset_after!(query, k, at, id);
                    }
                    query.load(c)
                }
            }
        })?;
        Ok(rows.into_iter().map(into_row).collect())
    }

    /// Experts of exactly this name (the import's look-alike check).
    pub fn with_name(conn: &mut DbConnection, name: &str) -> QueryResult<Vec<Expert>> {
        experts::table
            .filter(experts::name.eq(name))
            .select(Expert::as_select())
            .load(conn)
    }
}
