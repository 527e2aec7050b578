//! `lecture_reports`: what the expert files after a delivered lecture (授课记录) — how many
//! were there and what was covered — once per lecture (the key refuses a second).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{lecture_participants, lecture_reports};
use crate::db::{DbConnection, OnBackend as _, Time};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lecture_reports)]
pub struct LectureReport {
    pub lecture_id: String,
    /// People in the room or online, as the expert counted them (受益人次 counts people).
    pub audience: i32,
    pub summary: String,
    /// Filed more than `GUANAI_REPORT_DAYS` after the lecture's end.
    pub late: bool,
    pub filed_by: String,
    #[diesel(deserialize_as = Time)]
    pub filed_at: NaiveDateTime,
}

impl LectureReport {
    pub fn find(conn: &mut DbConnection, lecture_id: &str) -> QueryResult<Option<LectureReport>> {
        lecture_reports::table
            .find(lecture_id)
            .select(LectureReport::as_select())
            .first(conn)
            .optional()
    }

    /// Files it; a second report of one lecture is refused by the database
    /// (`lecture_reports_pkey`).
    pub fn insert(conn: &mut DbConnection, report: &LectureReport) -> QueryResult<()> {
        diesel::insert_into(lecture_reports::table)
            .values(report)
            .execute_on(conn)?;
        Ok(())
    }

    /// A joined school confirms its own count of a city-wide lecture, once: false when it
    /// has already (or has not joined).
    pub fn confirm_school_audience(
        conn: &mut DbConnection,
        lecture_id: &str,
        school_id: &str,
        audience: i32,
        at: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            lecture_participants::table
                .filter(lecture_participants::lecture_id.eq(lecture_id))
                .filter(lecture_participants::school_id.eq(school_id))
                .filter(lecture_participants::audience.is_null()),
        )
        .set((
            lecture_participants::audience.eq(audience),
            lecture_participants::audience_at.eq(at),
        ))
        .execute_on(conn)?;
        Ok(updated == 1)
    }

    /// The joined schools' confirmed counts of a city-wide lecture, added up (0 when none).
    pub fn schools_audience(conn: &mut DbConnection, lecture_id: &str) -> QueryResult<i64> {
        let counts: Vec<Option<i32>> = lecture_participants::table
            .filter(lecture_participants::lecture_id.eq(lecture_id))
            .select(lecture_participants::audience)
            .load(conn)?;
        Ok(counts.into_iter().flatten().map(i64::from).sum())
    }

    /// The count a joined school confirmed, if it has.
    pub fn school_audience(
        conn: &mut DbConnection,
        lecture_id: &str,
        school_id: &str,
    ) -> QueryResult<Option<i32>> {
        Ok(lecture_participants::table
            .filter(lecture_participants::lecture_id.eq(lecture_id))
            .filter(lecture_participants::school_id.eq(school_id))
            .select(lecture_participants::audience)
            .first::<Option<i32>>(conn)
            .optional()?
            .flatten())
    }
}
