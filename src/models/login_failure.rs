//! `login_failures`: failed logins by account and by client address, for rate limiting
//! that holds across instances.

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::login_failures;

#[derive(Debug, Insertable)]
#[diesel(table_name = login_failures)]
pub struct NewLoginFailure {
    pub id: String,
    pub login: String,
    pub ip: String,
    pub at: NaiveDateTime,
}

/// Failures inside a window: how many, and when the oldest of them happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowCount {
    pub count: i64,
    pub oldest: Option<NaiveDateTime>,
}

pub struct LoginFailure;

impl LoginFailure {
    pub fn insert(conn: &mut DbConnection, new: &NewLoginFailure) -> QueryResult<()> {
        diesel::insert_into(login_failures::table)
            .values(new)
            .execute_on(conn)?;
        Ok(())
    }

    /// Failures at or after `since` for `login` and/or from the client address `ip` (each
    /// filter only when given), newest first up to `cap`, reported with the oldest of those:
    /// the moment the count falls below `cap` is `oldest + window`.
    pub fn count_window(
        conn: &mut DbConnection,
        login: Option<&str>,
        ip: Option<&str>,
        since: NaiveDateTime,
        cap: i64,
    ) -> QueryResult<WindowCount> {
        let mut query = login_failures::table.into_boxed();
        if let Some(login) = login {
            query = query.filter(login_failures::login.eq(login.to_owned()));
        }
        if let Some(ip) = ip {
            query = query.filter(login_failures::ip.eq(ip.to_owned()));
        }
        Self::window(conn, query, since, cap)
    }

    fn window(
        conn: &mut DbConnection,
        query: login_failures::BoxedQuery<'_, crate::db::DbBackend>,
        since: NaiveDateTime,
        cap: i64,
    ) -> QueryResult<WindowCount> {
        let times: Vec<NaiveDateTime> = query
            .filter(login_failures::at.ge(since))
            .order(login_failures::at.desc())
            .limit(cap)
            .select(login_failures::at)
            .load(conn)?;
        Ok(WindowCount {
            count: times.len() as i64,
            oldest: times.last().copied(),
        })
    }

    /// Forgets failures older than `before`; they no longer count for anything.
    pub fn purge_before(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(login_failures::table.filter(login_failures::at.lt(before))).execute_on(conn)
    }
}

impl LoginFailure {
    pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
        diesel::delete(login_failures::table.find(id)).execute_on(conn)?;
        Ok(())
    }
}
