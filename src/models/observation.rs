//! `lecture_observers` and `lecture_observations` (听课): who is assigned to sit in on a
//! lecture — their time held by the assignment's own triggers while the lecture holds its
//! expert's — and what each files afterwards, once.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{experts, lecture_observations, lecture_observers, lectures};
use crate::db::{DbConnection, MaybeTime, OnBackend as _, Time};
use crate::domain::schedule::Span;
use crate::models::Keyset;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lecture_observers)]
pub struct LectureObserver {
    pub id: String,
    pub lecture_id: String,
    pub expert_id: String,
    pub assigned_by: String,
    #[diesel(deserialize_as = Time)]
    pub assigned_at: NaiveDateTime,
}

/// An observer with their name.
pub type ObserverRow = (LectureObserver, String);

impl LectureObserver {
    /// Assigns; the database holds the observer's time (and refuses an overlap) and refuses
    /// a second assignment of one expert to one lecture (`lecture_observers_once`).
    pub fn insert(conn: &mut DbConnection, observer: &LectureObserver) -> QueryResult<()> {
        diesel::insert_into(lecture_observers::table)
            .values(observer)
            .execute_on(conn)?;
        Ok(())
    }

    /// Removes an assignment (its hold goes with it): false when there was none.
    pub fn remove(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
        let deleted = diesel::delete(lecture_observers::table.find(id)).execute_on(conn)?;
        Ok(deleted == 1)
    }

    pub fn find(
        conn: &mut DbConnection,
        lecture_id: &str,
        expert_id: &str,
    ) -> QueryResult<Option<LectureObserver>> {
        lecture_observers::table
            .filter(lecture_observers::lecture_id.eq(lecture_id))
            .filter(lecture_observers::expert_id.eq(expert_id))
            .select(LectureObserver::as_select())
            .first(conn)
            .optional()
    }

    pub fn find_by_id(conn: &mut DbConnection, id: &str) -> QueryResult<Option<LectureObserver>> {
        lecture_observers::table
            .find(id)
            .select(LectureObserver::as_select())
            .first(conn)
            .optional()
    }

    /// A lecture's observers with their names, in the order they were assigned.
    pub fn of_lecture(conn: &mut DbConnection, lecture_id: &str) -> QueryResult<Vec<ObserverRow>> {
        lecture_observers::table
            .inner_join(experts::table)
            .filter(lecture_observers::lecture_id.eq(lecture_id))
            .order((
                lecture_observers::assigned_at.asc(),
                lecture_observers::id.asc(),
            ))
            .select((LectureObserver::as_select(), experts::name))
            .load(conn)
    }

    /// Whether `expert_id` is assigned to observe `lecture_id`.
    pub fn is_observer(
        conn: &mut DbConnection,
        lecture_id: &str,
        expert_id: &str,
    ) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            lecture_observers::table
                .filter(lecture_observers::lecture_id.eq(lecture_id))
                .filter(lecture_observers::expert_id.eq(expert_id)),
        ))
        .get_result(conn)
    }

    /// `expert_id`'s assignments to lectures in `states` (those not yet begun, for a release).
    pub fn of_expert_in(
        conn: &mut DbConnection,
        expert_id: &str,
        states: &[crate::domain::lecture::LectureState],
    ) -> QueryResult<Vec<LectureObserver>> {
        lecture_observers::table
            .inner_join(lectures::table)
            .filter(lecture_observers::expert_id.eq(expert_id))
            .filter(lectures::state.eq_any(states.to_vec()))
            .order(lectures::starts_at.asc())
            .select(LectureObserver::as_select())
            .load(conn)
    }
}

/// 听课记录: an observer's scores (1-5) and comment.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lecture_observations)]
pub struct Observation {
    pub id: String,
    pub lecture_id: String,
    pub observer_id: String,
    pub content: i32,
    pub delivery: i32,
    pub interaction: i32,
    pub effect: i32,
    pub comment: String,
    pub filed_by: String,
    #[diesel(deserialize_as = Time)]
    pub filed_at: NaiveDateTime,
}

/// An observation with its observer's name.
pub type ObservationRow = (Observation, String);

impl Observation {
    /// Files it; a second of one observer on one lecture is refused by the database
    /// (`lecture_observations_once`), as is one by an expert not assigned.
    pub fn insert(conn: &mut DbConnection, observation: &Observation) -> QueryResult<()> {
        diesel::insert_into(lecture_observations::table)
            .values(observation)
            .execute_on(conn)?;
        Ok(())
    }

    /// The observers of `lecture_id` who have filed theirs.
    pub fn observers_of(conn: &mut DbConnection, lecture_id: &str) -> QueryResult<Vec<String>> {
        lecture_observations::table
            .filter(lecture_observations::lecture_id.eq(lecture_id))
            .select(lecture_observations::observer_id)
            .load(conn)
    }

    pub fn exists(
        conn: &mut DbConnection,
        lecture_id: &str,
        observer_id: &str,
    ) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            lecture_observations::table
                .filter(lecture_observations::lecture_id.eq(lecture_id))
                .filter(lecture_observations::observer_id.eq(observer_id)),
        ))
        .get_result(conn)
    }

    /// A page of a lecture's observations in the order filed (`lecture_observations_page`);
    /// only `observer_id`'s when given. Unboxed, so each shape is prepared once and found by
    /// its type (`load_after`).
    pub fn page(
        conn: &mut DbConnection,
        lecture_id: &str,
        observer_id: Option<&str>,
        after: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<ObservationRow>> {
        crate::on_backend!(conn, |c| {
            macro_rules! page {
                () => {
                    lecture_observations::table
                        .inner_join(
                            experts::table.on(experts::id.eq(lecture_observations::observer_id)),
                        )
                        .filter(lecture_observations::lecture_id.eq(lecture_id))
                        .select((Observation::as_select(), experts::name))
                        .order((
                            lecture_observations::filed_at.asc(),
                            lecture_observations::id.asc(),
                        ))
                        .limit(limit)
                };
            }
            let (at, id) = (lecture_observations::filed_at, lecture_observations::id);
            match observer_id {
                None => load_after!(page!(), after, at, id, c),
                Some(observer) => load_after!(
                    page!().filter(lecture_observations::observer_id.eq(observer)),
                    after,
                    at,
                    id,
                    c
                ),
            }
        })
    }

    /// What `observer_id` observed of lectures that started inside `span`: each lecture's
    /// id, topic, start and the observed expert's name, in time order.
    pub fn filed_by(
        conn: &mut DbConnection,
        observer_id: &str,
        span: Span,
    ) -> QueryResult<Vec<ObservedLecture>> {
        lecture_observations::table
            .inner_join(lectures::table.on(lectures::id.eq(lecture_observations::lecture_id)))
            .inner_join(experts::table.on(lectures::expert_id.eq(experts::id.nullable())))
            .filter(lecture_observations::observer_id.eq(observer_id))
            .filter(lectures::sort_at.ge(span.start))
            .filter(lectures::sort_at.lt(span.end))
            .order((lectures::sort_at.asc(), lectures::id.asc()))
            .select((
                lectures::id,
                lectures::topic,
                lectures::starts_at,
                experts::name,
            ))
            .load(conn)
    }
}

/// A lecture an expert observed, for their service record.
#[derive(Debug, Clone, Queryable)]
pub struct ObservedLecture {
    pub lecture_id: String,
    pub topic: String,
    #[diesel(deserialize_as = MaybeTime)]
    pub starts_at: Option<NaiveDateTime>,
    /// The expert who gave it.
    pub expert_name: String,
}
