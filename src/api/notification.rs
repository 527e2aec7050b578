//! `/api/v1/me/notifications` (a user's inbox) and `/api/v1/admin/outbox` (mail delivery).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::pagination;
use crate::api::pagination::Page;
use crate::audit::AuditContext;
use crate::auth::{AdminUser, AuthUser};
use crate::error::{ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::http::RequestMeta;
use crate::models::notification::{Notification, NotificationStatus};
use crate::time::to_local;
use crate::usecase;

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationResponse {
    pub id: String,
    /// The notice it is: `account_created`, `lecture_offered`, `leave_requested`, … (the
    /// API guide, "Notifications", lists every kind).
    pub kind: String,
    pub subject: String,
    pub body: String,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
    #[serde(serialize_with = "crate::time::serialize_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<DateTime<FixedOffset>>,
}

impl NotificationResponse {
    fn new(n: Notification, tz: Tz) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            subject: n.subject,
            body: n.body,
            created_at: to_local(n.created_at, tz),
            read_at: n.read_at.map(|t| to_local(t, tz)),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// `true`: unread only; `false`: read only.
    pub unread: Option<bool>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The caller's notifications, newest first.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "me", params(InboxQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<NotificationResponse>), (status = 401, body = Problem)))]
pub async fn list_my_notifications(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<InboxQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let before = pagination::decode_cursor("inbox", query.cursor.as_deref())?;
    let user_id = user.id().to_owned();
    let tz = state.settings.timezone;
    let page = pagination::read(&state.db, move |conn| {
        let rows = Notification::inbox(conn, &user_id, query.unread, before.as_ref(), limit + 1)?;
        let (rows, next_cursor) =
            pagination::split_page("inbox", rows, limit, |n| (n.created_at, n.id.clone()));
        Ok(Page {
            items: rows
                .into_iter()
                .map(|n| NotificationResponse::new(n, tz))
                .collect(),
            next_cursor,
        })
    })
    .await?;
    Ok(page.respond())
}

/// Mark one of the caller's notifications read (again is fine).
#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "me", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = NotificationResponse), (status = 404, body = Problem)))]
pub async fn read_notification(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let user_id = user.id().to_owned();
    let audit = AuditContext::from_request(&meta, Some(&user_id), state.clock.now_naive());
    let row = usecase::write(&state, audit, move |uow| {
        usecase::notification::mark_read(uow, &user_id, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(NotificationResponse::new(row, state.settings.timezone)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadAllResponse {
    /// How many notifications were unread until now.
    pub marked: usize,
}

/// Mark every one of the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read-all", tag = "me",
    security(("bearer" = [])),
    responses((status = 200, body = ReadAllResponse), (status = 401, body = Problem)))]
pub async fn read_all_notifications(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
) -> ApiResult<HttpResponse> {
    let user_id = user.id().to_owned();
    let audit = AuditContext::from_request(&meta, Some(&user_id), state.clock.now_naive());
    let marked = usecase::write(&state, audit, move |uow| {
        usecase::notification::mark_all_read(uow, &user_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ReadAllResponse { marked }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxEntry {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub subject: String,
    /// Null for in-app-only notifications (the user has no address).
    pub email_to: Option<String>,
    pub status: NotificationStatus,
    pub attempts: i32,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub next_attempt_at: DateTime<FixedOffset>,
    pub last_error: Option<String>,
    #[serde(serialize_with = "crate::time::serialize_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<DateTime<FixedOffset>>,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
}

impl OutboxEntry {
    fn new(n: Notification, tz: Tz) -> Self {
        Self {
            id: n.id,
            user_id: n.user_id,
            kind: n.kind,
            subject: n.subject,
            email_to: n.email_to,
            status: n.status,
            attempts: n.attempts,
            next_attempt_at: to_local(n.next_attempt_at, tz),
            last_error: n.last_error,
            sent_at: n.sent_at.map(|t| to_local(t, tz)),
            created_at: to_local(n.created_at, tz),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    pub status: Option<NotificationStatus>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The mail outbox, newest first (admin): what waits, what failed and why.
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "admin", params(OutboxQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<OutboxEntry>), (status = 403, body = Problem)))]
pub async fn list_outbox(
    state: web::Data<AppState>,
    _admin: AdminUser,
    query: ApiQuery<OutboxQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let before = pagination::decode_cursor("outbox", query.cursor.as_deref())?;
    let status = query.status;
    let tz = state.settings.timezone;
    let page = pagination::read(&state.db, move |conn| {
        let rows = Notification::outbox(conn, status, before.as_ref(), limit + 1)?;
        let (rows, next_cursor) =
            pagination::split_page("outbox", rows, limit, |n| (n.created_at, n.id.clone()));
        Ok(Page {
            items: rows.into_iter().map(|n| OutboxEntry::new(n, tz)).collect(),
            next_cursor,
        })
    })
    .await?;
    Ok(page.respond())
}

/// Put a dead message back in the queue with fresh attempts (admin).
#[utoipa::path(post, path = "/api/v1/admin/outbox/{id}/retry", tag = "admin", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = OutboxEntry), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`not_dead`: only dead messages are retried by hand")))]
pub async fn retry_outbox(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(admin.id()), now);
    let row = usecase::write(&state, audit, move |uow| {
        usecase::notification::retry(uow, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(OutboxEntry::new(row, state.settings.timezone)))
}
