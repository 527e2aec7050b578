//! Login accounts (the office's side): creating them, editing and (de)activating them, and
//! issuing set-password links.

use crate::i18n::Msg;
use chrono::NaiveDateTime;
use serde_json::json;

use crate::auth::account::{IssuedToken, issue_set_password_token, provision};
use crate::db::DbConnection;
use crate::domain::role::Role;
use crate::domain::roster::ExpertStatus;
use crate::error::{ApiError, ApiResult};
use crate::mail::outbox::Notice;
use crate::models::email_change::EmailChange;
use crate::models::expert::Expert;
use crate::models::refresh_token::RefreshToken;
use crate::models::school::School;
use crate::models::user::{NewUser, User, UserChanges};
use crate::usecase::{Uow, email};

/// Creates an account (admin or school; experts come with their profile) and tells its
/// owner. Returns the account and the one-time set-password token, if one was issued.
pub fn create(uow: &mut Uow<'_>, new: NewUser) -> ApiResult<(User, Option<IssuedToken>)> {
    if User::login_exists(uow.conn, &new.login)? {
        return Err(ApiError::conflict(
            "login_taken",
            Msg::new("problem-login_taken").arg("login", &new.login),
        ));
    }
    if let Some(school) = &new.school_id
        && School::find(uow.conn, school)?.is_none()
    {
        return Err(ApiError::invalid(
            "school_id",
            "not_found",
            Msg::new("field-not_found-no_school_has_id").arg("field", "school_id"),
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
            Msg::new("problem-cannot_deactivate_self-admin_cannot_deactivate_their"),
        ));
    }
    let current = User::find(uow.conn, id)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_user")))?;
    if changes.active == Some(true)
        && !current.active
        && Expert::find_by_user(uow.conn, id)?.is_some_and(|e| e.status == ExpertStatus::Exited)
    {
        return Err(ApiError::conflict(
            "expert_exited",
            Msg::new("problem-expert_exited-expert_has_left_team"),
        ));
    }
    let expected = if_match.unwrap_or(current.version);
    // Only what differs is a change; an edit that changes nothing keeps the version.
    let changes = &UserChanges {
        display_name: changes
            .display_name
            .clone()
            .filter(|v| *v != current.display_name),
        email: changes.email.clone().filter(|v| *v != current.email),
        phone: changes.phone.clone().filter(|v| *v != current.phone),
        active: changes.active.filter(|v| *v != current.active),
    };
    if touched(changes).is_empty() {
        if expected != current.version {
            return Err(ApiError::version_mismatch(
                "user",
                current.version,
                expected,
            ));
        }
        return Ok(current);
    }
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
    if changes.email.is_some() {
        // The office set the address: an owner's earlier request for another one is void.
        EmailChange::end_open(uow.conn, id, now)?;
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
    let user = User::find(uow.conn, id)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_user")))?;
    if !user.active {
        return Err(ApiError::conflict(
            "user_inactive",
            Msg::new("problem-user_inactive-reactivate_account_before_resetting"),
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

/// One's own account as `/me` shows it: the account, the caller's expert profile (expert
/// accounts) and an address waiting for its confirmation.
pub struct OwnAccount {
    pub user: User,
    pub expert_id: Option<String>,
    pub pending_email: Option<EmailChange>,
}

impl OwnAccount {
    pub fn load(conn: &mut DbConnection, user: User, now: NaiveDateTime) -> ApiResult<Self> {
        let expert_id = Expert::find_by_user(conn, &user.id)?.map(|e| e.id);
        let pending_email = EmailChange::open_for_user(conn, &user.id, now)?;
        Ok(Self {
            user,
            expert_id,
            pending_email,
        })
    }
}

/// What the owner may change of their own account: name, phone and email (`Some(None)`
/// clears one). An email other than the current one waits for its confirmation, unless the
/// owner is an admin.
#[derive(Debug, Clone, Default)]
pub struct OwnChanges {
    pub display_name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
}

/// Edits the caller's own account at the version they read (`If-Match`), or the current
/// one. An edit that changes nothing leaves the version as it was.
pub fn update_own(
    uow: &mut Uow<'_>,
    user_id: &str,
    if_match: Option<i32>,
    changes: &OwnChanges,
) -> ApiResult<OwnAccount> {
    let current = User::find(uow.conn, user_id)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_user")))?;
    if let Some(expected) = if_match
        && expected != current.version
    {
        return Err(ApiError::version_mismatch(
            "user",
            current.version,
            expected,
        ));
    }
    let direct = UserChanges {
        display_name: changes
            .display_name
            .clone()
            .filter(|name| *name != current.display_name),
        phone: changes
            .phone
            .clone()
            .filter(|phone| *phone != current.phone),
        ..UserChanges::default()
    };
    let now = uow.now();
    let mut fields = touched(&direct);
    if !fields.is_empty() && !User::update(uow.conn, user_id, current.version, &direct, now, false)?
    {
        return Err(ApiError::changed_meanwhile("user"));
    }
    if let Some(address) = &changes.email {
        let requester = if current.role == Role::Admin.as_str() {
            email::Requester::Office
        } else {
            email::Requester::Owner
        };
        match email::change(uow, requester, user_id, address.as_deref())? {
            email::EmailOutcome::Unchanged => {}
            email::EmailOutcome::Set => fields.push("email"),
            email::EmailOutcome::Pending => fields.push("email_requested"),
        }
    }
    if !fields.is_empty() {
        uow.record(
            "user.updated_own",
            "user",
            Some(user_id),
            json!({ "changes": fields }),
        )?;
    }
    let user = User::find(uow.conn, user_id)?.ok_or_else(|| ApiError::internal("user vanished"))?;
    OwnAccount::load(uow.conn, user, now)
}
