//! `lecture_evaluations` (评课): a school's scores of a delivered lecture and its comment,
//! once per school and lecture (the key refuses a second), edited by version.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{lecture_evaluations, schools};
use crate::db::{DbConnection, OnBackend as _, Time};
use crate::models::Keyset;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lecture_evaluations)]
pub struct Evaluation {
    pub id: String,
    pub lecture_id: String,
    pub school_id: String,
    pub content: i32,
    pub delivery: i32,
    pub interaction: i32,
    pub effect: i32,
    /// 针对性.
    pub relevance: i32,
    pub comment: String,
    pub filed_by: String,
    pub version: i32,
    #[diesel(deserialize_as = Time)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = Time)]
    pub updated_at: NaiveDateTime,
}

/// An evaluation with its school's name.
pub type EvaluationRow = (Evaluation, String);

/// What an edit changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = lecture_evaluations)]
pub struct EvaluationChanges {
    pub content: Option<i32>,
    pub delivery: Option<i32>,
    pub interaction: Option<i32>,
    pub effect: Option<i32>,
    pub relevance: Option<i32>,
    pub comment: Option<String>,
}

impl Evaluation {
    /// Files it; a second of one school on one lecture is refused by the database
    /// (`lecture_evaluations_once`).
    pub fn insert(conn: &mut DbConnection, evaluation: &Evaluation) -> QueryResult<()> {
        diesel::insert_into(lecture_evaluations::table)
            .values(evaluation)
            .execute_on(conn)?;
        Ok(())
    }

    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<EvaluationRow>> {
        lecture_evaluations::table
            .inner_join(schools::table)
            .filter(lecture_evaluations::id.eq(id))
            .select((Evaluation::as_select(), schools::name))
            .first(conn)
            .optional()
    }

    /// The schools that have evaluated `lecture_id`.
    pub fn schools_of(conn: &mut DbConnection, lecture_id: &str) -> QueryResult<Vec<String>> {
        lecture_evaluations::table
            .filter(lecture_evaluations::lecture_id.eq(lecture_id))
            .select(lecture_evaluations::school_id)
            .load(conn)
    }

    /// Applies an edit if the evaluation is still at `expected_version`.
    pub fn update(
        conn: &mut DbConnection,
        id: &str,
        expected_version: i32,
        changes: &EvaluationChanges,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            lecture_evaluations::table
                .filter(lecture_evaluations::id.eq(id))
                .filter(lecture_evaluations::version.eq(expected_version)),
        )
        .set((
            changes,
            lecture_evaluations::version.eq(lecture_evaluations::version + 1),
            lecture_evaluations::updated_at.eq(now),
        ))
        .execute_on(conn)?;
        Ok(updated == 1)
    }

    /// A page of a lecture's evaluations in the order filed (`lecture_evaluations_page`);
    /// only `school_id`'s when given. Unboxed, so each shape is prepared once and found by
    /// its type (`load_after`).
    pub fn page(
        conn: &mut DbConnection,
        lecture_id: &str,
        school_id: Option<&str>,
        after: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<EvaluationRow>> {
        crate::on_backend!(conn, |c| {
            macro_rules! page {
                () => {
                    lecture_evaluations::table
                        .inner_join(schools::table)
                        .filter(lecture_evaluations::lecture_id.eq(lecture_id))
                        .select((Evaluation::as_select(), schools::name))
                        .order((
                            lecture_evaluations::created_at.asc(),
                            lecture_evaluations::id.asc(),
                        ))
                        .limit(limit)
                };
            }
            let (at, id) = (lecture_evaluations::created_at, lecture_evaluations::id);
            match school_id {
                None => load_after!(page!(), after, at, id, c),
                Some(school) => load_after!(
                    page!().filter(lecture_evaluations::school_id.eq(school)),
                    after,
                    at,
                    id,
                    c
                ),
            }
        })
    }
}
