//! `busy_intervals`: every commitment of an expert's time (a lecture offered, confirmed or
//! under way — written by the lecture's own triggers — and, as they come, case sessions,
//! observations, approved leave), which the database keeps from overlapping.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::busy_intervals;
use crate::db::{DbConnection, Time};
use crate::domain::schedule::Span;

/// What an expert's time is held for.
pub const SOURCE_LECTURE: &str = "lecture";
pub const SOURCE_LEAVE: &str = "leave";
pub const SOURCE_OBSERVATION: &str = "observation";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = busy_intervals)]
pub struct BusyInterval {
    pub id: String,
    pub expert_id: String,
    pub source_type: String,
    pub source_id: String,
    #[diesel(deserialize_as = Time)]
    pub starts_at: NaiveDateTime,
    #[diesel(deserialize_as = Time)]
    pub ends_at: NaiveDateTime,
}

impl BusyInterval {
    /// Holds `span` of `expert_id`'s time for a source, replacing what that source held. The
    /// database refuses an overlap with another commitment (`busy_intervals_no_overlap`).
    pub fn hold(
        conn: &mut DbConnection,
        expert_id: &str,
        source: (&str, &str),
        span: Span,
    ) -> QueryResult<()> {
        Self::release(conn, source)?;
        let id = crate::db::new_id();
        crate::on_backend!(conn, |c| diesel::insert_into(busy_intervals::table)
            .values((
                busy_intervals::id.eq(&id),
                busy_intervals::expert_id.eq(expert_id),
                busy_intervals::source_type.eq(source.0),
                busy_intervals::source_id.eq(source.1),
                busy_intervals::starts_at.eq(span.start),
                busy_intervals::ends_at.eq(span.end),
            ))
            .execute(c))?;
        Ok(())
    }

    /// Frees what a source held, if anything.
    pub fn release(conn: &mut DbConnection, source: (&str, &str)) -> QueryResult<()> {
        crate::on_backend!(conn, |c| diesel::delete(
            busy_intervals::table
                .filter(busy_intervals::source_type.eq(source.0))
                .filter(busy_intervals::source_id.eq(source.1)),
        )
        .execute(c))?;
        Ok(())
    }

    /// The first of `expert_id`'s commitments that overlaps `span`, other than `except`'s.
    /// An expert's commitments never overlap one another (the database refuses it), so of
    /// those starting before `span` ends the one starting last also ends last: when it ends
    /// by `span`'s start, nothing overlaps. That is one index step, the usual answer; only
    /// a conflict reads further, for the earliest commitment in the way.
    pub fn first_overlap(
        conn: &mut DbConnection,
        expert_id: &str,
        span: Span,
        except: (&str, &str),
    ) -> QueryResult<Option<BusyInterval>> {
        let latest: Option<BusyInterval> = crate::on_backend!(conn, |c| busy_intervals::table
            .filter(others_starting_before(
                expert_id, span.end, except.0, except.1
            ))
            .order(busy_intervals::starts_at.desc())
            .select(BusyInterval::as_select())
            .first(c)
            .optional())?;
        if latest.is_none_or(|b| b.ends_at <= span.start) {
            return Ok(None);
        }
        crate::on_backend!(conn, |c| busy_intervals::table
            .filter(others_starting_before(
                expert_id, span.end, except.0, except.1
            ))
            .filter(busy_intervals::ends_at.gt(span.start))
            .order(busy_intervals::starts_at.asc())
            .select(BusyInterval::as_select())
            .first(c)
            .optional())
    }

    /// Everyone's commitments that overlap `span`, other than `except`'s.
    pub fn overlapping(
        conn: &mut DbConnection,
        span: Span,
        except: (&str, &str),
    ) -> QueryResult<Vec<BusyInterval>> {
        busy_intervals::table
            .filter(busy_intervals::starts_at.lt(span.end))
            .filter(busy_intervals::ends_at.gt(span.start))
            .filter(
                busy_intervals::source_type
                    .ne(except.0)
                    .or(busy_intervals::source_id.ne(except.1)),
            )
            .select(BusyInterval::as_select())
            .load(conn)
    }

    /// The sources of one type (`lecture`, …) whose hold on `expert_id`'s time meets `span`.
    pub fn sources_meeting(
        conn: &mut DbConnection,
        expert_id: &str,
        source_type: &str,
        span: Span,
    ) -> QueryResult<Vec<String>> {
        busy_intervals::table
            .filter(busy_intervals::expert_id.eq(expert_id))
            .filter(busy_intervals::starts_at.lt(span.end))
            .filter(busy_intervals::ends_at.gt(span.start))
            .filter(busy_intervals::source_type.eq(source_type))
            .order(busy_intervals::starts_at.asc())
            .select(busy_intervals::source_id)
            .load(conn)
    }

    pub fn of_expert(conn: &mut DbConnection, expert_id: &str) -> QueryResult<Vec<BusyInterval>> {
        busy_intervals::table
            .filter(busy_intervals::expert_id.eq(expert_id))
            .order(busy_intervals::starts_at.asc())
            .select(BusyInterval::as_select())
            .load(conn)
    }
}

/// `expert_id`'s commitments that start before `end`, the source `except_type`/`except_id`
/// aside (the one being placed): where an overlap with a time ending at `end` can be.
#[diesel::dsl::auto_type]
fn others_starting_before<'a>(
    expert_id: &'a str,
    end: NaiveDateTime,
    except_type: &'a str,
    except_id: &'a str,
) -> _ {
    busy_intervals::expert_id
        .eq(expert_id)
        .and(busy_intervals::starts_at.lt(end))
        .and(
            busy_intervals::source_type
                .ne(except_type)
                .or(busy_intervals::source_id.ne(except_id)),
        )
}
