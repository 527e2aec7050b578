//! `leaves`: experts' leave (请假). An approved leave's hold on the expert's time is written
//! and freed by the table's own triggers (migration 000020), never here.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{experts, leaves};
use crate::db::{DbConnection, MaybeTime, OnBackend as _, Time};
use crate::domain::leave::{LeaveDays, LeaveState};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = leaves)]
pub struct Leave {
    pub id: String,
    pub expert_id: String,
    pub state: LeaveState,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    #[diesel(deserialize_as = Time)]
    pub starts_at: NaiveDateTime,
    #[diesel(deserialize_as = Time)]
    pub ends_at: NaiveDateTime,
    pub reason: String,
    pub decided_by: Option<String>,
    #[diesel(deserialize_as = MaybeTime)]
    pub decided_at: Option<NaiveDateTime>,
    pub decision_reason: Option<String>,
    pub created_by: String,
    pub version: i32,
    #[diesel(deserialize_as = Time)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = Time)]
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = leaves)]
pub struct NewLeave {
    pub id: String,
    pub expert_id: String,
    pub state: LeaveState,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub reason: String,
    pub created_by: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A leave with its expert's name and primary team, as lists and pages show it.
pub type LeaveRow = (Leave, String, String);

/// Whose leave a caller may list.
#[derive(Debug, Clone)]
pub enum LeaveScope {
    /// The office: everyone's.
    All,
    /// An expert: their own, and, leading teams, those of the teams' experts.
    Expert { own: String, teams: Vec<String> },
}

/// A list's filters; `None` takes all.
#[derive(Debug, Clone, Default)]
pub struct LeaveFilter {
    pub expert_id: Option<String>,
    pub state: Option<LeaveState>,
    /// Leaves that meet the days `from..=to`.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Leave {
    pub fn days(&self) -> LeaveDays {
        LeaveDays {
            first: self.start_date,
            last: self.end_date,
        }
    }

    pub fn insert(conn: &mut DbConnection, new: &NewLeave) -> QueryResult<()> {
        diesel::insert_into(leaves::table)
            .values(new)
            .execute_on(conn)?;
        Ok(())
    }

    pub fn find_row(conn: &mut DbConnection, id: &str) -> QueryResult<Option<LeaveRow>> {
        leaves::table
            .inner_join(experts::table)
            .filter(leaves::id.eq(id))
            .select((Leave::as_select(), experts::name, experts::primary_team))
            .first(conn)
            .optional()
    }

    /// Moves the leave from `from` to `to` if it is still there at `version`; a decision
    /// (approve, reject) records who made it and why.
    pub fn set_state(
        conn: &mut DbConnection,
        id: &str,
        (from, version): (LeaveState, i32),
        to: LeaveState,
        decision: Option<(&str, Option<&str>)>,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let target = leaves::table
            .filter(leaves::id.eq(id))
            .filter(leaves::state.eq(from))
            .filter(leaves::version.eq(version));
        let updated = match decision {
            Some((by, reason)) => diesel::update(target)
                .set((
                    leaves::state.eq(to),
                    leaves::decided_by.eq(by),
                    leaves::decided_at.eq(now),
                    leaves::decision_reason.eq(reason),
                    leaves::version.eq(leaves::version + 1),
                    leaves::updated_at.eq(now),
                ))
                .execute_on(conn)?,
            None => diesel::update(target)
                .set((
                    leaves::state.eq(to),
                    leaves::version.eq(leaves::version + 1),
                    leaves::updated_at.eq(now),
                ))
                .execute_on(conn)?,
        };
        Ok(updated == 1)
    }

    /// `expert_id`'s pending and approved leaves that share a day with `days`.
    pub fn open_meeting(
        conn: &mut DbConnection,
        expert_id: &str,
        days: LeaveDays,
    ) -> QueryResult<Vec<Leave>> {
        leaves::table
            .filter(leaves::expert_id.eq(expert_id))
            .filter(leaves::state.eq_any([LeaveState::Pending, LeaveState::Approved]))
            .filter(leaves::start_date.le(days.last))
            .filter(leaves::end_date.ge(days.first))
            .order((leaves::start_date.asc(), leaves::id.asc()))
            .select(Leave::as_select())
            .load(conn)
    }

    /// A page in list order (first day, id): the office's from `leaves_start` (or
    /// `leaves_state`, `leaves_expert` when filtered so); an expert's own from
    /// `leaves_expert`, and a lead's as the merge of that and their teams' (each cut at
    /// `limit`), so neither reads past the page.
    pub fn list(
        conn: &mut DbConnection,
        scope: &LeaveScope,
        filter: &LeaveFilter,
        after: Option<(NaiveDate, &str)>,
        limit: i64,
    ) -> QueryResult<Vec<LeaveRow>> {
        let LeaveScope::Expert { own, teams } = scope else {
            return Self::page(conn, Whose::All, filter, after, limit);
        };
        let mut rows = Self::page(conn, Whose::Expert(own), filter, after, limit)?;
        if !teams.is_empty() {
            rows.extend(Self::page(conn, Whose::Teams(teams), filter, after, limit)?);
            rows.sort_by(|(a, _, _), (b, _, _)| (a.start_date, &a.id).cmp(&(b.start_date, &b.id)));
            rows.dedup_by(|(a, _, _), (b, _, _)| a.id == b.id);
            rows.truncate(usize::try_from(limit).unwrap_or(0));
        }
        Ok(rows)
    }

    fn page(
        conn: &mut DbConnection,
        whose: Whose<'_>,
        filter: &LeaveFilter,
        after: Option<(NaiveDate, &str)>,
        limit: i64,
    ) -> QueryResult<Vec<LeaveRow>> {
        let mut query = leaves::table
            .inner_join(experts::table)
            .select((Leave::as_select(), experts::name, experts::primary_team))
            .into_boxed();
        match whose {
            Whose::All => {}
            Whose::Expert(id) => query = query.filter(leaves::expert_id.eq(id.to_owned())),
            Whose::Teams(teams) => {
                query = query.filter(experts::primary_team.eq_any(teams.to_vec()));
            }
        }
        if let Some(expert_id) = &filter.expert_id {
            query = query.filter(leaves::expert_id.eq(expert_id.clone()));
        }
        if let Some(state) = filter.state {
            query = query.filter(leaves::state.eq(state));
        }
        if let Some(from) = filter.from {
            query = query.filter(leaves::end_date.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(leaves::start_date.le(to));
        }
        if let Some((date, id)) = after {
            query = query.filter(
                leaves::start_date.gt(date).or(leaves::start_date
                    .eq(date)
                    .and(leaves::id.gt(id.to_owned()))),
            );
        }
        query
            .order((leaves::start_date.asc(), leaves::id.asc()))
            .limit(limit)
            .load(conn)
    }
}

/// Whose leaves one read of a list takes.
#[derive(Debug, Clone, Copy)]
enum Whose<'a> {
    All,
    Expert(&'a str),
    /// Those of the experts whose primary team is one of these.
    Teams(&'a [String]),
}
