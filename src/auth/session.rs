//! Logins and their sessions: the failed-login limiter and issuing token pairs.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

use crate::AppState;
use crate::auth::jwt::{AUDIENCE, Claims, ISSUER};
use crate::auth::token::{hash_token, random_token};
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::models::login_failure::{LoginFailure, NewLoginFailure, WindowCount};
use crate::models::refresh_token::{NewRefreshToken, RefreshToken};
use crate::models::user::User;

/// One limit on failed logins: at most `max` failures inside `window`, counted by
/// `scope`. The limits are set so that one attacker cannot lock the real owner out: the
/// narrow one counts an account *from one address*, and the account-wide one is far above
/// what one address may try (OWASP ASVS 2.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureLimit {
    /// Names the limit in audit rows and in the 429's detail.
    pub name: &'static str,
    pub scope: FailureScope,
    pub max: i64,
    pub window: Duration,
}

/// What a failure limit counts failures by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureScope {
    AccountAndAddress,
    Address,
    Account,
}

/// 10 failures per account from one address in 15 minutes.
pub const ACCOUNT_AND_ADDRESS: FailureLimit = FailureLimit {
    name: "account_and_address",
    scope: FailureScope::AccountAndAddress,
    max: 10,
    window: Duration::minutes(15),
};
/// 100 failures from one address (any accounts) in 15 minutes.
pub const ADDRESS: FailureLimit = FailureLimit {
    name: "address",
    scope: FailureScope::Address,
    max: 100,
    window: Duration::minutes(15),
};
/// 100 failures for one account (any addresses) in an hour.
pub const ACCOUNT: FailureLimit = FailureLimit {
    name: "account",
    scope: FailureScope::Account,
    max: 100,
    window: Duration::hours(1),
};
pub const FAILURE_LIMITS: [FailureLimit; 3] = [ACCOUNT_AND_ADDRESS, ADDRESS, ACCOUNT];

/// A fresh access token and refresh token.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
}

/// Seconds until a window that is full again has room: when its oldest counted entry
/// leaves it. At least one second.
pub fn retry_after(
    window: WindowCount,
    cap: i64,
    length: Duration,
    now: NaiveDateTime,
) -> Option<u64> {
    if window.count < cap {
        return None;
    }
    let frees_at = window.oldest? + length;
    let seconds = (frees_at - now).num_seconds().max(1);
    Some(u64::try_from(seconds).unwrap_or(1))
}

/// A login attempt refused before its password was checked: which limit, and when to
/// come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginRefusal {
    pub limit: FailureLimit,
    pub retry_after_secs: u64,
}

impl LoginRefusal {
    pub fn into_error(self) -> ApiError {
        ApiError::RateLimited {
            retry_after_secs: self.retry_after_secs,
            detail: crate::i18n::Msg::new("problem-rate_limited-logins").into(),
        }
    }
}

/// Inside a write transaction: the limit that is used up, if any (the one that frees last),
/// else reserves one failure slot (returned as the row id). A login that then succeeds
/// releases its slot with [`release_failure_slot`]; a failed one keeps it. Reserving before
/// the slow password check keeps the limits exact under concurrency.
pub fn reserve_failure_slot(
    conn: &mut DbConnection,
    login: &str,
    ip: &str,
    now: NaiveDateTime,
) -> ApiResult<Result<String, LoginRefusal>> {
    db::lock_keys(conn, &[format!("login:{login}"), format!("ip:{ip}")])?;
    let mut refusal: Option<LoginRefusal> = None;
    for limit in FAILURE_LIMITS {
        let since = now - limit.window;
        let (by_login, by_ip) = match limit.scope {
            FailureScope::AccountAndAddress => (Some(login), Some(ip)),
            FailureScope::Address => (None, Some(ip)),
            FailureScope::Account => (Some(login), None),
        };
        let counted = LoginFailure::count_window(conn, by_login, by_ip, since, limit.max)?;
        if let Some(wait) = retry_after(counted, limit.max, limit.window, now)
            && refusal.is_none_or(|r| wait > r.retry_after_secs)
        {
            refusal = Some(LoginRefusal {
                limit,
                retry_after_secs: wait,
            });
        }
    }
    if let Some(refusal) = refusal {
        return Ok(Err(refusal));
    }
    // Old failures no longer count for anything; forget them while we hold the lock.
    let longest = FAILURE_LIMITS
        .iter()
        .map(|l| l.window)
        .max()
        .unwrap_or_default();
    LoginFailure::purge_before(conn, now - longest - Duration::days(1))?;
    let id = crate::db::new_id();
    LoginFailure::insert(
        conn,
        &NewLoginFailure {
            id: id.clone(),
            login: login.to_owned(),
            ip: ip.to_owned(),
            at: now,
        },
    )?;
    Ok(Ok(id))
}

pub fn release_failure_slot(conn: &mut DbConnection, slot: &str) -> diesel::QueryResult<()> {
    LoginFailure::delete(conn, slot)
}

/// Issues an access token and a refresh token for `user`; the refresh token joins
/// `family` (a rotation) or starts a new one (a login).
pub fn issue_tokens(
    conn: &mut DbConnection,
    state: &AppState,
    user: &User,
    family: Option<&str>,
    now: DateTime<Utc>,
) -> ApiResult<TokenPair> {
    let expires_in = state.settings.access_token_minutes * 60;
    let family_id = family.map_or_else(crate::db::new_id, str::to_owned);
    let claims = Claims {
        sub: user.id.clone(),
        role: user.role.clone(),
        ver: user.token_version,
        fam: Some(family_id.clone()),
        aud: AUDIENCE.to_owned(),
        iss: ISSUER.to_owned(),
        iat: now.timestamp(),
        exp: now.timestamp() + expires_in,
    };
    let access_token = state.jwt.issue(&claims).map_err(ApiError::internal)?;
    let refresh_token = random_token();
    let created_at = state.clock.now_naive();
    RefreshToken::insert(
        conn,
        &NewRefreshToken {
            id: crate::db::new_id(),
            user_id: user.id.clone(),
            family_id,
            token_hash: hash_token(&refresh_token),
            created_at,
            expires_at: created_at + Duration::days(state.settings.refresh_token_days),
        },
    )?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        expires_in,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_window_frees_when_its_oldest_entry_leaves() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-05-01T10:00:00Z")
            .unwrap()
            .naive_utc();
        let oldest = now - Duration::minutes(10);
        let full = WindowCount {
            count: 10,
            oldest: Some(oldest),
        };
        assert_eq!(retry_after(full, 10, Duration::minutes(15), now), Some(300));
        let room = WindowCount {
            count: 9,
            oldest: Some(oldest),
        };
        assert_eq!(retry_after(room, 10, Duration::minutes(15), now), None);
        let at_edge = WindowCount {
            count: 10,
            oldest: Some(now - Duration::minutes(15)),
        };
        assert_eq!(
            retry_after(at_edge, 10, Duration::minutes(15), now),
            Some(1)
        );
    }
}
