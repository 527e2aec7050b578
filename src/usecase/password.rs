//! Setting a password (with the old one, or with a one-time set-password token): the one
//! place that stores the hash, ends every other session and tells the owner.

use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::mail::outbox::Notice;
use crate::models::refresh_token::RefreshToken;
use crate::models::user::User;
use crate::usecase::Uow;

/// How the new password was authorized, as the audit log records it.
#[derive(Debug, Clone, Copy)]
pub enum Via {
    /// The owner gave their old password (`POST /me/password`).
    OldPassword,
    /// A one-time set-password token (new accounts, resets).
    SetPasswordToken,
}

/// Records a password change refused for a wrong old password (its attempt slot stays
/// counted against the failed-login limits).
pub fn record_wrong_old_password(uow: &mut Uow<'_>, user_id: &str) -> ApiResult<()> {
    uow.record(
        "auth.password_change_failed",
        "user",
        Some(user_id),
        json!({ "reason": "wrong_old_password" }),
    )
}

/// Stores `password_hash` for `user_id`, revokes every refresh token of the account (so
/// every session ends), audits it and mails the owner. Returns the updated account.
pub fn set(uow: &mut Uow<'_>, user_id: &str, password_hash: &str, via: Via) -> ApiResult<User> {
    let now = uow.now();
    User::set_password(uow.conn, user_id, password_hash, now)?;
    RefreshToken::revoke_all_for_user(uow.conn, user_id, now)?;
    let (action, detail) = match via {
        Via::OldPassword => ("user.password_changed", json!({})),
        Via::SetPasswordToken => ("user.password_set", json!({ "via": "set_password_token" })),
    };
    uow.record(action, "user", Some(user_id), detail)?;
    let user = User::find(uow.conn, user_id)?.ok_or_else(|| ApiError::internal("user vanished"))?;
    uow.notify(&user, Notice::PasswordChanged { at: now })?;
    Ok(user)
}
