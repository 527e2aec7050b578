//! `availability_rules` and `availability_exceptions` (when an expert can give lectures) and
//! `blackouts` (the school calendar's closed periods).

use crate::db::OnBackend;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::Time;
use crate::db::schema::{availability_exceptions, availability_rules, blackouts};
use crate::domain::availability::{self, BlackoutScope, ExceptionKind};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = availability_rules)]
pub struct AvailabilityRule {
    pub expert_id: String,
    pub weekday: i32,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = availability_exceptions)]
pub struct AvailabilityException {
    pub expert_id: String,
    pub day: NaiveDate,
    pub kind: ExceptionKind,
    pub start_time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
}

impl AvailabilityRule {
    pub fn window(&self) -> availability::WeeklyWindow {
        availability::WeeklyWindow {
            weekday: u32::try_from(self.weekday).unwrap_or(0),
            start: self.start_time,
            end: self.end_time,
        }
    }
}

impl AvailabilityException {
    pub fn exception(&self) -> availability::DatedException {
        availability::DatedException {
            day: self.day,
            kind: self.kind,
            times: self.start_time.zip(self.end_time),
        }
    }
}

/// An expert's weekly windows and dated exceptions.
pub fn of_expert(
    conn: &mut DbConnection,
    expert_id: &str,
) -> QueryResult<(Vec<AvailabilityRule>, Vec<AvailabilityException>)> {
    let rules = crate::on_backend!(conn, |c| availability_rules::table
        .filter(availability_rules::expert_id.eq(expert_id))
        .order((
            availability_rules::weekday.asc(),
            availability_rules::start_time.asc(),
        ))
        .select(AvailabilityRule::as_select())
        .load(c))?;
    let exceptions = crate::on_backend!(conn, |c| availability_exceptions::table
        .filter(availability_exceptions::expert_id.eq(expert_id))
        .order((
            availability_exceptions::day.asc(),
            availability_exceptions::start_time.asc(),
        ))
        .select(AvailabilityException::as_select())
        .load(c))?;
    Ok((rules, exceptions))
}

/// Everyone's weekly windows, and everyone's exceptions on `day`.
pub fn all_on(
    conn: &mut DbConnection,
    day: NaiveDate,
) -> QueryResult<(Vec<AvailabilityRule>, Vec<AvailabilityException>)> {
    let rules = availability_rules::table
        .select(AvailabilityRule::as_select())
        .load(conn)?;
    let exceptions = availability_exceptions::table
        .filter(availability_exceptions::day.eq(day))
        .select(AvailabilityException::as_select())
        .load(conn)?;
    Ok((rules, exceptions))
}

/// Replaces an expert's windows and exceptions (one statement per row: the two-backend
/// connection has no batch insert).
pub fn replace(
    conn: &mut DbConnection,
    expert_id: &str,
    rules: &[AvailabilityRule],
    exceptions: &[AvailabilityException],
) -> QueryResult<()> {
    diesel::delete(availability_rules::table.filter(availability_rules::expert_id.eq(expert_id)))
        .execute_on(conn)?;
    diesel::delete(
        availability_exceptions::table.filter(availability_exceptions::expert_id.eq(expert_id)),
    )
    .execute_on(conn)?;
    for rule in rules {
        diesel::insert_into(availability_rules::table)
            .values(rule)
            .execute_on(conn)?;
    }
    for exception in exceptions {
        diesel::insert_into(availability_exceptions::table)
            .values(exception)
            .execute_on(conn)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = blackouts)]
pub struct BlackoutRow {
    pub id: String,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub scope: BlackoutScope,
    pub district: Option<String>,
    pub school_id: Option<String>,
    pub created_by: Option<String>,
    #[diesel(deserialize_as = Time)]
    pub created_at: NaiveDateTime,
}

impl BlackoutRow {
    pub fn period(&self) -> availability::Blackout {
        availability::Blackout {
            name: self.name.clone(),
            start: self.start_date,
            end: self.end_date,
            scope: self.scope,
            district: self.district.clone(),
            school_id: self.school_id.clone(),
        }
    }

    pub fn insert(conn: &mut DbConnection, row: &BlackoutRow) -> QueryResult<()> {
        diesel::insert_into(blackouts::table)
            .values(row)
            .execute_on(conn)?;
        Ok(())
    }

    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<BlackoutRow>> {
        blackouts::table
            .find(id)
            .select(BlackoutRow::as_select())
            .first(conn)
            .optional()
    }

    pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
        Ok(diesel::delete(blackouts::table.find(id)).execute_on(conn)? == 1)
    }

    /// The periods that meet the days `first..=last` (any scope; the caller picks).
    pub fn meeting(
        conn: &mut DbConnection,
        first: NaiveDate,
        last: NaiveDate,
    ) -> QueryResult<Vec<BlackoutRow>> {
        blackouts::table
            .filter(blackouts::start_date.le(last))
            .filter(blackouts::end_date.ge(first))
            .order((blackouts::start_date.asc(), blackouts::id.asc()))
            .select(BlackoutRow::as_select())
            .load(conn)
    }

    /// A page by (start date, id): all periods, or those covering one school (city-wide,
    /// its district's, its own).
    pub fn list(
        conn: &mut DbConnection,
        school: Option<(&str, &str)>,
        after: Option<(NaiveDate, &str)>,
        limit: i64,
    ) -> QueryResult<Vec<BlackoutRow>> {
        let mut query = blackouts::table
            .select(BlackoutRow::as_select())
            .into_boxed();
        if let Some((school_id, district)) = school {
            query = query.filter(
                blackouts::scope
                    .eq(BlackoutScope::City)
                    .or(blackouts::district.eq(district.to_owned()))
                    .or(blackouts::school_id.eq(school_id.to_owned())),
            );
        }
        if let Some((date, id)) = after {
            query = query.filter(
                blackouts::start_date.gt(date).or(blackouts::start_date
                    .eq(date)
                    .and(blackouts::id.gt(id.to_owned()))),
            );
        }
        query
            .order((blackouts::start_date.asc(), blackouts::id.asc()))
            .limit(limit)
            .load(conn)
    }
}
