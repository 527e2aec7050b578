//! `/api/v1/audit`: the audit log, for admins.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::pagination;
use crate::api::pagination::Page;
use crate::api::support::time_param;
use crate::auth::AdminUser;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::models::audit_event::{AuditEvent, AuditFilter};
use crate::time::to_local;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventResponse {
    pub id: String,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub at: DateTime<FixedOffset>,
    /// The user who acted; null for the system or an anonymous caller.
    pub actor_id: Option<String>,
    /// e.g. `user.created`, `auth.login_failed`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// RFC 3339; events at or after.
    #[param(format = DateTime)]
    pub since: Option<String>,
    /// RFC 3339; events before.
    #[param(format = DateTime)]
    pub until: Option<String>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Audit events, newest first (admin).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<AuditEventResponse>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_audit(
    state: web::Data<AppState>,
    _admin: AdminUser,
    query: ApiQuery<AuditQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let before = pagination::decode_cursor("audit", query.cursor.as_deref())?;
    let filter = AuditFilter {
        actor_id: query.actor_id,
        action: query.action,
        entity_type: query.entity_type,
        entity_id: query.entity_id,
        since: time_param("since", query.since.as_deref())?,
        until: time_param("until", query.until.as_deref())?,
    };
    let tz = state.settings.timezone;
    let page = pagination::read(&state.db, move |conn| {
        let rows = AuditEvent::list(conn, &filter, before.as_ref(), limit + 1)?;
        let (rows, next_cursor) =
            pagination::split_page("audit", rows, limit, |e| (e.at, e.id.clone()));
        Ok(Page {
            items: rows
                .into_iter()
                .map(|e| AuditEventResponse {
                    id: e.id,
                    at: to_local(e.at, tz),
                    actor_id: e.actor_id,
                    action: e.action,
                    entity_type: e.entity_type,
                    entity_id: e.entity_id,
                    request_id: e.request_id,
                    ip: e.ip,
                    detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
                })
                .collect(),
            next_cursor,
        })
    })
    .await?;
    Ok(page.respond())
}
