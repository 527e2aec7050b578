//! `audit_events`: the append-only audit log (the database refuses updates and deletes).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::Time;
use crate::db::schema::audit_events;
use crate::models::Keyset;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub id: String,
    #[diesel(deserialize_as = Time)]
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_events)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewAuditEvent {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
}

#[derive(Debug, Default)]
pub struct AuditFilter {
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

impl AuditEvent {
    pub fn insert(conn: &mut DbConnection, new: &NewAuditEvent) -> QueryResult<()> {
        crate::on_backend!(conn, |c| diesel::insert_into(audit_events::table)
            .values(new)
            .execute(c))?;
        Ok(())
    }

    /// Newest first, before `before`.
    pub fn list(
        conn: &mut DbConnection,
        filter: &AuditFilter,
        before: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<AuditEvent>> {
        let mut query = audit_events::table
            .select(AuditEvent::as_select())
            .into_boxed();
        if let Some(actor) = &filter.actor_id {
            query = query.filter(audit_events::actor_id.eq(actor.clone()));
        }
        if let Some(action) = &filter.action {
            query = query.filter(audit_events::action.eq(action.clone()));
        }
        if let Some(entity_type) = &filter.entity_type {
            query = query.filter(audit_events::entity_type.eq(entity_type.clone()));
        }
        if let Some(entity_id) = &filter.entity_id {
            query = query.filter(audit_events::entity_id.eq(entity_id.clone()));
        }
        if let Some(since) = filter.since {
            query = query.filter(audit_events::at.ge(since));
        }
        if let Some(until) = filter.until {
            query = query.filter(audit_events::at.lt(until));
        }
        if let Some(k) = before {
            keyset_before!(query, k, audit_events::at, audit_events::id);
        }
        query
            .order((audit_events::at.desc(), audit_events::id.desc()))
            .limit(limit)
            .load(conn)
    }
}
