//! Email addresses. An address the owner asks for takes effect only when confirmed through a
//! one-time link mailed to it (so nobody can redirect mail to an address they do not hold);
//! until then the old address stays, and it is told of the request. The office sets
//! addresses directly.

use crate::i18n::Msg;
use chrono::Duration;
use serde_json::json;

use crate::auth::account::IssuedToken;
use crate::auth::token::{hash_token, random_token};
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::mail::outbox::Notice;
use crate::models::email_change::EmailChange;
use crate::models::user::User;
use crate::usecase::Uow;

/// How long a confirmation link works.
pub const EMAIL_CONFIRM_HOURS: i64 = 24;

/// What became of an address someone asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailOutcome {
    /// It already was the address.
    Unchanged,
    /// Set at once (the office, or clearing the address).
    Set,
    /// Waiting for the confirmation link mailed to it.
    Pending,
}

/// Who asks for a new address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requester {
    /// The account's owner: a new address waits for its confirmation.
    Owner,
    /// The office: the address is set directly.
    Office,
}

/// Sets or asks for the address of `user_id`: `None` clears it (at once: clearing
/// redirects nothing). A newer request, or a direct change, ends any earlier open request.
pub fn change(
    uow: &mut Uow<'_>,
    requester: Requester,
    user_id: &str,
    new_email: Option<&str>,
) -> ApiResult<EmailOutcome> {
    let user = User::find(uow.conn, user_id)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_user")))?;
    let now = uow.now();
    if user.email.as_deref() == new_email {
        EmailChange::end_open(uow.conn, user_id, now)?;
        return Ok(EmailOutcome::Unchanged);
    }
    let new_email = match (requester, new_email) {
        (Requester::Owner, Some(address)) => address,
        (_, address) => {
            EmailChange::end_open(uow.conn, user_id, now)?;
            User::set_contact(
                uow.conn,
                user_id,
                Some(address.map(str::to_owned)),
                None,
                now,
            )?;
            let via = if requester == Requester::Office {
                "office"
            } else {
                "owner_cleared"
            };
            uow.record(
                "user.email_changed",
                "user",
                Some(user_id),
                json!({ "via": via }),
            )?;
            return Ok(EmailOutcome::Set);
        }
    };
    EmailChange::end_open(uow.conn, user_id, now)?;
    let token = random_token();
    let row = EmailChange {
        id: crate::db::new_id(),
        user_id: user_id.to_owned(),
        new_email: new_email.to_owned(),
        token_hash: hash_token(&token),
        created_at: now,
        expires_at: now + Duration::hours(EMAIL_CONFIRM_HOURS),
        confirmed_at: None,
        ended_at: None,
    };
    EmailChange::insert(uow.conn, &row)?;
    let link = IssuedToken {
        token,
        expires_at: row.expires_at,
    };
    uow.notify(
        &user,
        Notice::EmailConfirm {
            new_email: new_email.to_owned(),
            link,
        },
    )?;
    if user.email.is_some() {
        uow.notify(
            &user,
            Notice::EmailChangeRequested {
                new_email: new_email.to_owned(),
                at: now,
            },
        )?;
    }
    uow.record(
        "user.email_change_requested",
        "user",
        Some(user_id),
        json!({}),
    )?;
    Ok(EmailOutcome::Pending)
}

/// What a confirmation link is worth right now.
pub enum LinkCheck {
    Unknown,
    /// Used, replaced by a newer request, expired, or the account is off.
    Spent,
    Open {
        change: Box<EmailChange>,
        user: Box<User>,
    },
}

/// Looks a confirmation link up without using it.
pub fn check(
    conn: &mut DbConnection,
    raw_token: &str,
    now: chrono::NaiveDateTime,
) -> diesel::QueryResult<LinkCheck> {
    let Some(change) = EmailChange::find_by_hash(conn, &hash_token(raw_token.trim()))? else {
        return Ok(LinkCheck::Unknown);
    };
    let Some(user) = User::find(conn, &change.user_id)? else {
        return Ok(LinkCheck::Unknown);
    };
    Ok(if change.is_open(now) && user.active {
        LinkCheck::Open {
            change: Box::new(change),
            user: Box::new(user),
        }
    } else {
        LinkCheck::Spent
    })
}

/// What confirming a link did.
pub enum Confirmation {
    /// The address is the account's now.
    Confirmed(Box<User>),
    Unknown,
    /// Used, replaced, expired, the account off — or used first by a request racing this one.
    Spent,
}

/// Confirms the address of a link: it becomes the account's address.
pub fn confirm(uow: &mut Uow<'_>, raw_token: &str) -> ApiResult<Confirmation> {
    let now = uow.now();
    let (change, user) = match check(uow.conn, raw_token, now)? {
        LinkCheck::Open { change, user } => (change, user),
        LinkCheck::Unknown => return Ok(Confirmation::Unknown),
        LinkCheck::Spent => return Ok(Confirmation::Spent),
    };
    if !EmailChange::confirm(uow.conn, &change.id, now)? {
        return Ok(Confirmation::Spent);
    }
    User::set_contact(
        uow.conn,
        &user.id,
        Some(Some(change.new_email.clone())),
        None,
        now,
    )?;
    uow.audit.actor_id = Some(user.id.clone());
    uow.record(
        "user.email_changed",
        "user",
        Some(&user.id),
        json!({ "via": "confirmation" }),
    )?;
    let user =
        User::find(uow.conn, &user.id)?.ok_or_else(|| ApiError::internal("user vanished"))?;
    Ok(Confirmation::Confirmed(Box::new(user)))
}
