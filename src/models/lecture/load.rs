//! What counts against an expert's load, what they hold, and what the timers look for.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::*;

impl Lecture {
    /// How many lectures count against `expert_id`'s load limit with a start inside `span`
    /// ([`counts_against_load`]), leaving out `except`.
    pub fn load_count(
        conn: &mut DbConnection,
        expert_id: &str,
        span: Span,
        except: &str,
    ) -> QueryResult<i64> {
        crate::on_backend!(conn, |c| lectures::table
            .filter(lectures::expert_id.eq(expert_id))
            .filter(counts_against_load(span, except))
            .count()
            .get_result(c))
    }

    /// Per expert, how many lectures count against their load with a start inside `span`
    /// (as [`Lecture::load_count`], for everyone at once).
    pub fn load_counts(
        conn: &mut DbConnection,
        span: Span,
        except: &str,
    ) -> QueryResult<Vec<(Option<String>, i64)>> {
        lectures::table
            .filter(lectures::expert_id.is_not_null())
            .filter(counts_against_load(span, except))
            .group_by(lectures::expert_id)
            .select((lectures::expert_id, diesel::dsl::count_star()))
            .load_on(conn)
    }

    /// The lectures in `state` that ended by `cutoff` (for the timers; `lectures_state`
    /// reads the state's range).
    pub fn ended_in_state(
        conn: &mut DbConnection,
        state: LectureState,
        cutoff: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<Vec<String>> {
        lectures::table
            .filter(lectures::state.eq(state))
            .filter(lectures::ends_at.le(cutoff))
            .order((lectures::sort_at.asc(), lectures::id.asc()))
            .limit(limit)
            .select(lectures::id)
            .load_on(conn)
    }

    /// The lectures `expert_id` holds in these states (for a membership change).
    pub fn held_by(
        conn: &mut DbConnection,
        expert_id: &str,
        states: &[LectureState],
    ) -> QueryResult<Vec<String>> {
        lectures::table
            .filter(lectures::expert_id.eq(expert_id))
            .filter(lectures::state.eq_any(states.to_vec()))
            .order((lectures::sort_at.asc(), lectures::id.asc()))
            .select(lectures::id)
            .load_on(conn)
    }
}

/// The lectures that count against their expert's load in `span`: offered, confirmed,
/// running or given ([`LectureState::COUNTING`]; a no-show does not count) and starting
/// inside it, `except` aside (the one being placed). One definition for the offer's
/// check ([`Lecture::load_count`]) and the suggestions' roster ([`Lecture::load_counts`]).
/// A lecture that holds time has its start chosen, and `sort_at` is then that start: the
/// range is read on `sort_at`, which the indexes of the lists carry (`lectures_expert`
/// reads one expert's range). The states are compared one by one rather than as an `IN`
/// list, which diesel prepares anew on every execution.
#[diesel::dsl::auto_type]
fn counts_against_load<'a>(span: Span, except: &'a str) -> _ {
    let offered: LectureState = LectureState::COUNTING[0];
    let confirmed: LectureState = LectureState::COUNTING[1];
    let running: LectureState = LectureState::COUNTING[2];
    let delivered: LectureState = LectureState::COUNTING[3];
    let closed: LectureState = LectureState::COUNTING[4];
    let (start, end): (NaiveDateTime, NaiveDateTime) = (span.start, span.end);
    lectures::state
        .eq(offered)
        .or(lectures::state.eq(confirmed))
        .or(lectures::state.eq(running))
        .or(lectures::state.eq(delivered))
        .or(lectures::state.eq(closed))
        .and(lectures::sort_at.ge(start))
        .and(lectures::sort_at.lt(end))
        .and(lectures::id.ne(except))
}
