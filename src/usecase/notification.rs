//! Notifications after they are written: the owner reads them, the office requeues mail
//! that could not be delivered.

use crate::i18n::Msg;
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::models::notification::Notification;
use crate::usecase::Uow;

/// Marks one of the caller's own notifications read (someone else's is a 404).
pub fn mark_read(uow: &mut Uow<'_>, user_id: &str, id: &str) -> ApiResult<Notification> {
    let found = Notification::find(uow.conn, id)?
        .filter(|n| n.user_id == user_id)
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_notification")))?;
    let now = uow.now();
    Notification::mark_read(uow.conn, &found.id, user_id, now)?;
    Notification::find(uow.conn, &found.id)?
        .ok_or_else(|| ApiError::internal("notification vanished"))
}

/// Marks every unread notification of the caller read; how many there were.
pub fn mark_all_read(uow: &mut Uow<'_>, user_id: &str) -> ApiResult<usize> {
    let now = uow.now();
    Ok(Notification::mark_all_read(uow.conn, user_id, now)?)
}

/// Puts a dead message back in the queue with fresh attempts (the office).
pub fn retry(uow: &mut Uow<'_>, id: &str) -> ApiResult<Notification> {
    let current = Notification::find(uow.conn, id)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_notification")))?;
    let now = uow.now();
    if !Notification::requeue_dead(uow.conn, id, now)? {
        return Err(ApiError::conflict(
            "not_dead",
            Msg::new("problem-not_dead").arg("status", current.status),
        ));
    }
    uow.record(
        "outbox.retried",
        "notification",
        Some(id),
        json!({ "attempts_before": current.attempts }),
    )?;
    Notification::find(uow.conn, id)?.ok_or_else(|| ApiError::internal("notification vanished"))
}
