//! `consultations` and `consultation_topics` (热线咨询): one-off answers, counts only. A
//! consultation's topics are written once, with it; the joined copy on its row is the
//! database's (migration 000026).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{consultations, experts, schools};
use crate::db::{DbConnection, OnBackend as _, Time};
use crate::domain::help::{ConsultationChannel, HelpTopic};
use crate::models::Keyset;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consultations)]
pub struct Consultation {
    pub id: String,
    pub channel: ConsultationChannel,
    #[diesel(deserialize_as = Time)]
    pub at: NaiveDateTime,
    pub minutes: i32,
    pub families: i32,
    pub expert_id: Option<String>,
    pub school_id: Option<String>,
    pub note: Option<String>,
    pub joined_topics: Option<String>,
    pub recorded_by: String,
    #[diesel(deserialize_as = Time)]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = consultations)]
pub struct NewConsultation {
    pub id: String,
    pub channel: ConsultationChannel,
    pub at: NaiveDateTime,
    pub minutes: i32,
    pub families: i32,
    pub expert_id: Option<String>,
    pub school_id: Option<String>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
}

/// A consultation with the names of its expert and school, as lists and pages show it.
pub type ConsultationRow = (Consultation, Option<String>, Option<String>);

/// A list's filters; `None` takes all.
#[derive(Debug, Clone, Default)]
pub struct ConsultationFilter {
    /// Only this expert's (an expert's own list always is).
    pub expert_id: Option<String>,
    pub channel: Option<ConsultationChannel>,
    /// Answered at or after.
    pub since: Option<NaiveDateTime>,
    /// Answered before.
    pub until: Option<NaiveDateTime>,
}

impl Consultation {
    /// The consultation and one row per topic.
    pub fn insert(
        conn: &mut DbConnection,
        new: &NewConsultation,
        topics: &[HelpTopic],
    ) -> QueryResult<()> {
        diesel::insert_into(consultations::table)
            .values(new)
            .execute_on(conn)?;
        crate::models::value_set::consultation_topics::replace(conn, &new.id, topics)
    }

    pub fn find_row(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ConsultationRow>> {
        consultations::table
            .left_join(experts::table)
            .left_join(schools::table)
            .filter(consultations::id.eq(id))
            .select((
                Consultation::as_select(),
                experts::name.nullable(),
                schools::name.nullable(),
            ))
            .first(conn)
            .optional()
    }

    /// Newest first, before `before`: from `consultations_at`, or `consultations_expert`
    /// for one expert's.
    pub fn list(
        conn: &mut DbConnection,
        filter: &ConsultationFilter,
        before: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<ConsultationRow>> {
        let mut query = consultations::table
            .left_join(experts::table)
            .left_join(schools::table)
            .select((
                Consultation::as_select(),
                experts::name.nullable(),
                schools::name.nullable(),
            ))
            .into_boxed();
        if let Some(expert_id) = &filter.expert_id {
            query = query.filter(consultations::expert_id.eq(expert_id.clone()));
        }
        if let Some(channel) = filter.channel {
            query = query.filter(consultations::channel.eq(channel));
        }
        if let Some(since) = filter.since {
            query = query.filter(consultations::at.ge(since));
        }
        if let Some(until) = filter.until {
            query = query.filter(consultations::at.lt(until));
        }
        if let Some(k) = before {
            keyset_before!(query, k, consultations::at, consultations::id);
        }
        query
            .order((consultations::at.desc(), consultations::id.desc()))
            .limit(limit)
            .load(conn)
    }
}
