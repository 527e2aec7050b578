//! Sessions: logging in (around the password check, which runs outside any transaction),
//! rotating and ending refresh tokens, and the self-service password reset.

use chrono::Duration;
use serde_json::json;

use crate::AppState;
use crate::auth::account::issue_set_password_token;
use crate::auth::rate::{self, Limit};
use crate::auth::session::{
    FailureScope, LoginRefusal, TokenPair, issue_tokens, release_failure_slot, reserve_failure_slot,
};
use crate::error::ApiResult;
use crate::mail::outbox::Notice;
use crate::models::rate_event::RateEvent;
use crate::models::refresh_token::RefreshToken;
use crate::models::user::User;
use crate::usecase::Uow;

/// Takes a slot of the failed-login limits for `login` from `ip` before a password is
/// checked; the caller gives it back when the password was right. When a limit is used up
/// the attempt is refused — answered 429 by the caller *after* this transaction commits, so
/// the refusal is audited: once per limit and window, not once per request.
pub fn reserve_attempt(
    uow: &mut Uow<'_>,
    login: &str,
    ip: &str,
) -> ApiResult<Result<String, LoginRefusal>> {
    let now = uow.now();
    let refusal = match reserve_failure_slot(uow.conn, login, ip, now)? {
        Ok(slot) => return Ok(Ok(slot)),
        Err(refusal) => refusal,
    };
    let limit = refusal.limit;
    let subject = match limit.scope {
        FailureScope::AccountAndAddress => format!("{login}|{ip}"),
        FailureScope::Address => ip.to_owned(),
        FailureScope::Account => login.to_owned(),
    };
    let kind = "login_refusal_audited";
    let subject = format!("{}:{subject}", limit.name);
    if RateEvent::count_since(uow.conn, kind, &subject, now - limit.window)? == 0 {
        RateEvent::record(uow.conn, kind, &subject, now)?;
        let user_id = User::find_by_login(uow.conn, login)?.map(|u| u.id);
        uow.record(
            "auth.login_refused",
            "user",
            user_id.as_deref(),
            json!({
                "login": login,
                "limit": limit.name,
                "max_failures": limit.max,
                "window_minutes": limit.window.num_minutes(),
                "retry_after_secs": refusal.retry_after_secs,
            }),
        )?;
    }
    Ok(Err(refusal))
}

/// The first step of a login: takes an attempt slot and finds the account. The password is
/// checked next, outside the transaction.
pub fn begin_login(
    uow: &mut Uow<'_>,
    login: &str,
    ip: &str,
) -> ApiResult<Result<(String, Option<User>), LoginRefusal>> {
    Ok(match reserve_attempt(uow, login, ip)? {
        Ok(slot) => Ok((slot, User::find_by_login(uow.conn, login)?)),
        Err(refusal) => Err(refusal),
    })
}

/// The last step of a login: with the right password for an active account, gives back the
/// failure slot and issues tokens; otherwise records the failure (the slot stays counted).
pub fn finish_login(
    uow: &mut Uow<'_>,
    state: &AppState,
    login: &str,
    slot: &str,
    user: Option<User>,
    password_matches: bool,
) -> ApiResult<Option<(TokenPair, User)>> {
    match user {
        Some(user) if password_matches && user.active => {
            release_failure_slot(uow.conn, slot)?;
            let pair = issue_tokens(uow.conn, state, &user, None, state.clock.now())?;
            Ok(Some((pair, user)))
        }
        other => {
            let reason = match &other {
                None => "unknown_login",
                Some(u) if !u.active => "deactivated",
                Some(_) => "wrong_password",
            };
            let user_id = other.as_ref().map(|u| u.id.as_str());
            uow.record(
                "auth.login_failed",
                "user",
                user_id,
                json!({ "login": login, "reason": reason }),
            )?;
            Ok(None)
        }
    }
}

/// How long after a rotation presenting the same refresh token again counts as a client's
/// retry (it lost the answer) rather than as theft.
pub const REFRESH_RETRY_GRACE: Duration = Duration::seconds(10);

/// Trades a refresh token (by its hash) for a new pair. A token used before ends its whole
/// login family, access tokens included (it was probably stolen) — unless it was rotated
/// within [`REFRESH_RETRY_GRACE`]; an unknown, expired or revoked one gets nothing.
pub fn refresh(
    uow: &mut Uow<'_>,
    state: &AppState,
    token_hash: &str,
) -> ApiResult<Option<(TokenPair, User)>> {
    let now = uow.now();
    let Some(token) = RefreshToken::find_by_hash(uow.conn, token_hash)? else {
        return Ok(None);
    };
    if token.revoked_at.is_some() || token.expires_at <= now {
        return Ok(None);
    }
    if token.rotated_at.is_some() || !RefreshToken::mark_rotated(uow.conn, &token.id, now)? {
        // Rotated moments ago (or by a request racing this one): a client that lost the
        // answer and asks again. Refused, but nothing is revoked.
        let rotated_at = token.rotated_at.unwrap_or(now);
        if now - rotated_at <= REFRESH_RETRY_GRACE {
            return Ok(None);
        }
        let revoked = RefreshToken::revoke_family(uow.conn, &token.family_id, now)?;
        uow.audit.actor_id = Some(token.user_id.clone());
        uow.record(
            "auth.refresh_reuse",
            "user",
            Some(&token.user_id),
            json!({ "family_id": token.family_id, "revoked": revoked }),
        )?;
        tracing::warn!(user_id = %token.user_id, "refresh token re-used; family revoked");
        return Ok(None);
    }
    let Some(user) = User::find(uow.conn, &token.user_id)?.filter(|u| u.active) else {
        return Ok(None);
    };
    let pair = issue_tokens(
        uow.conn,
        state,
        &user,
        Some(&token.family_id),
        state.clock.now(),
    )?;
    Ok(Some((pair, user)))
}

/// Ends the session of a refresh token (by its hash), if there is one.
pub fn logout(uow: &mut Uow<'_>, token_hash: &str) -> ApiResult<()> {
    if let Some(token) = RefreshToken::find_by_hash(uow.conn, token_hash)? {
        let now = uow.now();
        RefreshToken::revoke(uow.conn, &token.id, now)?;
    }
    Ok(())
}

const RESETS_PER_LOGIN: Limit = Limit {
    kind: "password_reset_login",
    limit: 5,
    window: Duration::hours(1),
};
const RESETS_PER_IP: Limit = Limit {
    kind: "password_reset_ip",
    limit: 20,
    window: Duration::hours(1),
};

/// Forgot the password: mails a one-time set-password link to an active account with an
/// address. Does the same work whether or not the login exists, so the answer tells nothing.
/// At most 5 requests per login and 20 per client address per hour (429 beyond).
pub fn request_password_reset(uow: &mut Uow<'_>, login: &str, ip: &str) -> ApiResult<()> {
    let now = uow.now();
    rate::take(
        uow.conn,
        &[(RESETS_PER_LOGIN, login), (RESETS_PER_IP, ip)],
        now,
    )?;
    let Some(user) =
        User::find_by_login(uow.conn, login)?.filter(|u| u.active && u.email.is_some())
    else {
        return Ok(());
    };
    let issued = issue_set_password_token(uow.conn, &user.id, now)?;
    uow.notify(&user, Notice::PasswordReset { link: issued })?;
    // The caller is anonymous: the row names the account as its subject, never as its
    // actor, and carries the client address from the request.
    uow.record(
        "user.password_reset_requested",
        "user",
        Some(&user.id),
        json!({}),
    )
}
