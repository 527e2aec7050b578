//! Login accounts (the office's side): creating them, editing and (de)activating them, and
//! issuing set-password links.

use serde_json::json;

use crate::auth::account::{IssuedToken, issue_set_password_token, provision};
use crate::domain::roster::ExpertStatus;
use crate::error::{ApiError, ApiResult};
use crate::mail::outbox::Notice;
use crate::models::expert::Expert;
use crate::models::refresh_token::RefreshToken;
use crate::models::school::School;
use crate::models::user::{NewUser, User, UserChanges};
use crate::usecase::Uow;

/// Creates an account (admin or school; experts come with their profile) and tells its
/// owner. Returns the account and the one-time set-password token, if one was issued.
pub fn create(uow: &mut Uow<'_>, new: NewUser) -> ApiResult<(User, Option<IssuedToken>)> {
    if User::login_exists(uow.conn, &new.login)? {
        return Err(ApiError::conflict(
            "login_taken",
            format!("the login name `{}` is taken", new.login),
        ));
    }
    if let Some(school) = &new.school_id
        && School::find(uow.conn, school)?.is_none()
    {
        return Err(ApiError::invalid(
            "school_id",
            "not_found",
            "no school has this id",
        ));
    }
    let issued = provision(uow.conn, &new)?;
    uow.record(
        "user.created",
        "user",
        Some(&new.id),
        json!({ "login": new.login, "role": new.role, "initial_password": new.password_hash.is_some() }),
    )?;
    let user = User::find(uow.conn, &new.id)?
        .ok_or_else(|| ApiError::internal("created user vanished"))?;
    let notice = Notice::AccountCreated {
        password_link: issued.clone(),
    };
    uow.notify(&user, notice)?;
    Ok((user, issued))
}

/// Which fields an edit touched (never their contact values, which are personal data).
fn touched(changes: &UserChanges) -> Vec<&'static str> {
    [
        ("display_name", changes.display_name.is_some()),
        ("email", changes.email.is_some()),
        ("phone", changes.phone.is_some()),
        ("active", changes.active.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, touched)| touched.then_some(name))
    .collect()
}

/// Edits an account at the version the caller read (`If-Match`), or the current one.
/// Deactivation ends every session of the account at once.
pub fn update(
    uow: &mut Uow<'_>,
    id: &str,
    if_match: Option<i32>,
    changes: &UserChanges,
) -> ApiResult<User> {
    if changes.active == Some(false) && uow.actor_id() == Some(id) {
        return Err(ApiError::conflict(
            "cannot_deactivate_self",
            "an admin cannot deactivate their own account",
        ));
    }
    let current = User::find(uow.conn, id)?.ok_or_else(|| ApiError::not_found("no such user"))?;
    if changes.active == Some(true)
        && !current.active
        && Expert::find_by_user(uow.conn, id)?.is_some_and(|e| e.status == ExpertStatus::Exited)
    {
        return Err(ApiError::conflict(
            "expert_exited",
            "this expert has left the team; readmitting them (exited → candidate) turns the login on again",
        ));
    }
    let expected = if_match.unwrap_or(current.version);
    let deactivating = current.active && changes.active == Some(false);
    let reactivating = !current.active && changes.active == Some(true);
    let now = uow.now();
    if !User::update(uow.conn, id, expected, changes, now, deactivating)? {
        return Err(ApiError::version_mismatch(
            "user",
            current.version,
            expected,
        ));
    }
    if deactivating {
        RefreshToken::revoke_all_for_user(uow.conn, id, now)?;
    }
    let action = if deactivating {
        "user.deactivated"
    } else if reactivating {
        "user.reactivated"
    } else {
        "user.updated"
    };
    uow.record(
        action,
        "user",
        Some(id),
        json!({ "changes": touched(changes) }),
    )?;
    User::find(uow.conn, id)?.ok_or_else(|| ApiError::internal("updated user vanished"))
}

/// Issues a new one-time set-password link for an active account and mails it; earlier
/// unused links stop working.
pub fn reset_password(uow: &mut Uow<'_>, id: &str) -> ApiResult<IssuedToken> {
    let user = User::find(uow.conn, id)?.ok_or_else(|| ApiError::not_found("no such user"))?;
    if !user.active {
        return Err(ApiError::conflict(
            "user_inactive",
            "reactivate the account before resetting its password",
        ));
    }
    let issued = issue_set_password_token(uow.conn, &user.id, uow.now())?;
    uow.notify(
        &user,
        Notice::PasswordReset {
            link: issued.clone(),
        },
    )?;
    uow.record(
        "user.password_reset_issued",
        "user",
        Some(&user.id),
        json!({}),
    )?;
    Ok(issued)
}
