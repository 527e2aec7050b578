//! Writing the audit log. Every call happens inside the transaction of the change it
//! records, so an audit row exists exactly when the change does.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde_json::Value;

use crate::db::DbConnection;
use crate::http::RequestMeta;
use crate::models::audit_event::{AuditEvent, NewAuditEvent};

/// Who did it, when, and through which request.
#[derive(Debug, Clone)]
pub struct AuditContext {
    pub actor_id: Option<String>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub at: NaiveDateTime,
}

impl AuditContext {
    pub fn from_request(meta: &RequestMeta, actor_id: Option<&str>, at: NaiveDateTime) -> Self {
        Self {
            actor_id: actor_id.map(str::to_owned),
            request_id: Some(meta.request_id.clone()),
            ip: Some(meta.ip.clone()),
            at,
        }
    }

    /// For changes made outside any request (CLI, background work).
    pub fn system(at: NaiveDateTime) -> Self {
        Self {
            actor_id: None,
            request_id: None,
            ip: None,
            at,
        }
    }

    pub fn record(
        &self,
        conn: &mut DbConnection,
        action: &str,
        entity_type: &str,
        entity_id: Option<&str>,
        detail: Value,
    ) -> QueryResult<()> {
        AuditEvent::insert(
            conn,
            &NewAuditEvent {
                id: crate::db::new_id(),
                at: self.at,
                actor_id: self.actor_id.clone(),
                action: action.to_owned(),
                entity_type: entity_type.to_owned(),
                entity_id: entity_id.map(str::to_owned),
                request_id: self.request_id.clone(),
                ip: self.ip.clone(),
                detail: detail.to_string(),
            },
        )
    }
}
