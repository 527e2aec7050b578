//! What an expert gave in a period (志愿服务记录): their delivered and closed lectures with
//! the minutes and counts recorded for each, read on `lectures_expert`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::*;
use crate::db::schema::{lecture_attendance, lecture_reports};

/// A given lecture as the service record lists it.
#[derive(Debug, Clone, Queryable)]
pub struct GivenLecture {
    pub id: String,
    pub topic: String,
    pub team_code: String,
    pub mode: LectureMode,
    #[diesel(deserialize_as = Time)]
    pub starts_at: NaiveDateTime,
    #[diesel(deserialize_as = Time)]
    pub ends_at: NaiveDateTime,
    pub school_id: Option<String>,
    pub school_name: Option<String>,
    /// Check-in to check-out (or as corrected), when recorded.
    pub delivered_minutes: Option<i32>,
    /// The expert's count in the delivery report, once reported.
    pub audience: Option<i32>,
}

impl Lecture {
    /// `expert_id`'s delivered and closed lectures that started inside `span`, in time
    /// order.
    pub fn given_by(
        conn: &mut DbConnection,
        expert_id: &str,
        span: Span,
    ) -> QueryResult<Vec<GivenLecture>> {
        lectures::table
            .left_join(schools::table)
            .left_join(lecture_attendance::table)
            .left_join(lecture_reports::table)
            .filter(lectures::expert_id.eq(expert_id))
            .filter(lectures::sort_at.ge(span.start))
            .filter(lectures::sort_at.lt(span.end))
            // One by one, not as an `IN` list, which diesel prepares anew on every execution
            // (as `counts_against_load` does).
            .filter(
                lectures::state
                    .eq(LectureState::Delivered)
                    .or(lectures::state.eq(LectureState::Closed)),
            )
            .filter(lectures::starts_at.is_not_null())
            .order((lectures::sort_at.asc(), lectures::id.asc()))
            .select((
                lectures::id,
                lectures::topic,
                lectures::team_code,
                lectures::mode,
                lectures::starts_at.assume_not_null(),
                lectures::ends_at.assume_not_null(),
                lectures::school_id,
                schools::name.nullable(),
                lecture_attendance::delivered_minutes.nullable(),
                lecture_reports::audience.nullable(),
            ))
            .load(conn)
    }

    /// The joined schools' confirmed counts of each of `ids` (city-wide lectures), as
    /// (lecture, count) pairs of the schools that confirmed.
    pub fn schools_audiences(
        conn: &mut DbConnection,
        ids: &[String],
    ) -> QueryResult<Vec<(String, i32)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, Option<i32>)> = lecture_participants::table
            .filter(lecture_participants::lecture_id.eq_any(ids))
            .filter(lecture_participants::audience.is_not_null())
            .select((
                lecture_participants::lecture_id,
                lecture_participants::audience,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, n)| n.map(|n| (id, n)))
            .collect())
    }
}
