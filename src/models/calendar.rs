//! An expert's calendar feed (iCalendar): its token, the lectures in it, and the lectures
//! that left it lately (`lecture_feed_removals`), which the feed keeps as cancelled events so
//! the calendars that imported them remove them.

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{calendar_tokens, lecture_feed_removals, lectures};
use crate::domain::lecture::LectureState;
use crate::domain::schedule::Span;

/// An expert's calendar feed token, stored hashed.
pub struct CalendarToken;

impl CalendarToken {
    /// Replaces the expert's token (the old one stops working at once).
    pub fn rotate(
        conn: &mut DbConnection,
        expert_id: &str,
        token_hash: &str,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::delete(calendar_tokens::table.filter(calendar_tokens::expert_id.eq(expert_id)))
            .execute_on(conn)?;
        diesel::insert_into(calendar_tokens::table)
            .values((
                calendar_tokens::expert_id.eq(expert_id),
                calendar_tokens::token_hash.eq(token_hash),
                calendar_tokens::created_at.eq(now),
            ))
            .execute_on(conn)?;
        Ok(())
    }

    /// Whether `token_hash` is `expert_id`'s current token.
    pub fn matches(
        conn: &mut DbConnection,
        expert_id: &str,
        token_hash: &str,
    ) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            calendar_tokens::table
                .filter(calendar_tokens::expert_id.eq(expert_id))
                .filter(calendar_tokens::token_hash.eq(token_hash)),
        ))
        .get_result_on(conn)
    }
}

/// A lecture that left an expert's calendar (declined, let lapse, released, cancelled), with
/// the SEQUENCE its cancelled event carries.
pub struct FeedRemoval;

impl FeedRemoval {
    /// Records that `lecture_id` left `expert_id`'s calendar at `at` (again, if it had).
    pub fn record(
        conn: &mut DbConnection,
        expert_id: &str,
        lecture_id: &str,
        sequence: i32,
        span: Span,
        at: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::delete(
            lecture_feed_removals::table
                .filter(lecture_feed_removals::expert_id.eq(expert_id))
                .filter(lecture_feed_removals::lecture_id.eq(lecture_id)),
        )
        .execute_on(conn)?;
        diesel::insert_into(lecture_feed_removals::table)
            .values((
                lecture_feed_removals::expert_id.eq(expert_id),
                lecture_feed_removals::lecture_id.eq(lecture_id),
                lecture_feed_removals::sequence.eq(sequence),
                lecture_feed_removals::starts_at.eq(span.start),
                lecture_feed_removals::ends_at.eq(span.end),
                lecture_feed_removals::removed_at.eq(at),
            ))
            .execute_on(conn)?;
        Ok(())
    }

    /// The lectures that left `expert_id`'s calendar since `since` and are not theirs again:
    /// each one's id, SEQUENCE and the time the calendar had.
    pub fn since(
        conn: &mut DbConnection,
        expert_id: &str,
        since: NaiveDateTime,
    ) -> QueryResult<Vec<(String, i32, Span)>> {
        let held_again = lectures::table
            .filter(lectures::id.eq(lecture_feed_removals::lecture_id))
            .filter(lectures::expert_id.eq(expert_id))
            .filter(lectures::state.eq_any(LectureState::COUNTING));
        lecture_feed_removals::table
            .filter(lecture_feed_removals::expert_id.eq(expert_id))
            .filter(lecture_feed_removals::removed_at.ge(since))
            .filter(diesel::dsl::not(diesel::dsl::exists(held_again)))
            .order(lecture_feed_removals::removed_at.asc())
            .select((
                lecture_feed_removals::lecture_id,
                lecture_feed_removals::sequence,
                lecture_feed_removals::starts_at,
                lecture_feed_removals::ends_at,
            ))
            .load_on::<(String, i32, NaiveDateTime, NaiveDateTime)>(conn)
            .map(|rows| {
                rows.into_iter()
                    .map(|(id, sequence, start, end)| (id, sequence, Span { start, end }))
                    .collect()
            })
    }
}
