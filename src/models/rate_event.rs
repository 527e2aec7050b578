//! `rate_events`: counted requests for rate limits that hold across instances.

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::rate_events;

pub struct RateEvent;

impl RateEvent {
    /// Events of `kind` for `subject` at or after `since`.
    pub fn count_since(
        conn: &mut DbConnection,
        kind: &str,
        subject: &str,
        since: NaiveDateTime,
    ) -> QueryResult<i64> {
        rate_events::table
            .filter(rate_events::kind.eq(kind))
            .filter(rate_events::subject.eq(subject))
            .filter(rate_events::at.ge(since))
            .count()
            .get_result_on(conn)
    }

    /// The oldest event of `kind` for `subject` at or after `since`.
    pub fn oldest_since(
        conn: &mut DbConnection,
        kind: &str,
        subject: &str,
        since: NaiveDateTime,
    ) -> QueryResult<Option<NaiveDateTime>> {
        rate_events::table
            .filter(rate_events::kind.eq(kind))
            .filter(rate_events::subject.eq(subject))
            .filter(rate_events::at.ge(since))
            .select(diesel::dsl::min(rate_events::at))
            .first_on(conn)
    }

    pub fn record(
        conn: &mut DbConnection,
        kind: &str,
        subject: &str,
        at: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::insert_into(rate_events::table)
            .values((
                rate_events::id.eq(crate::db::new_id()),
                rate_events::kind.eq(kind),
                rate_events::subject.eq(subject),
                rate_events::at.eq(at),
            ))
            .execute_on(conn)?;
        Ok(())
    }

    pub fn purge_before(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(rate_events::table.filter(rate_events::at.lt(before))).execute_on(conn)
    }
}
