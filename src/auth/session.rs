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

/// Failed logins allowed per account, and per client address, within [`FAILURE_WINDOW_MINUTES`].
pub const MAX_FAILURES_PER_LOGIN: i64 = 10;
pub const MAX_FAILURES_PER_IP: i64 = 100;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

/// A fresh access token and refresh token.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
}

/// Seconds until a window that is full again has room: when its oldest counted entry
/// leaves it. At least one second.
pub fn retry_after(window: WindowCount, cap: i64, now: NaiveDateTime) -> Option<u64> {
    if window.count < cap {
        return None;
    }
    let frees_at = window.oldest? + Duration::minutes(FAILURE_WINDOW_MINUTES);
    let seconds = (frees_at - now).num_seconds().max(1);
    Some(u64::try_from(seconds).unwrap_or(1))
}

/// Inside a write transaction: refuses with 429 when the account or the address has used
/// up its failures, else reserves one failure slot (returned as the row id). A login that
/// then succeeds releases its slot with [`release_failure_slot`]; a failed one keeps it.
/// Reserving before the slow password check keeps the limit exact under concurrency.
pub fn reserve_failure_slot(
    conn: &mut DbConnection,
    login: &str,
    ip: &str,
    now: NaiveDateTime,
) -> ApiResult<String> {
    db::lock_keys(conn, &[format!("login:{login}"), format!("ip:{ip}")])?;
    let since = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
    let by_login = LoginFailure::for_login(conn, login, since, MAX_FAILURES_PER_LOGIN)?;
    let by_ip = LoginFailure::for_ip(conn, ip, since, MAX_FAILURES_PER_IP)?;
    let wait = [
        retry_after(by_login, MAX_FAILURES_PER_LOGIN, now),
        retry_after(by_ip, MAX_FAILURES_PER_IP, now),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(retry_after_secs) = wait {
        return Err(ApiError::RateLimited {
            retry_after_secs,
            detail: "too many failed logins; try again later".to_owned(),
        });
    }
    // Old failures no longer count for anything; forget them while we hold the lock.
    LoginFailure::purge_before(conn, since - Duration::days(1))?;
    let id = uuid::Uuid::new_v4().to_string();
    LoginFailure::insert(
        conn,
        &NewLoginFailure {
            id: id.clone(),
            login: login.to_owned(),
            ip: ip.to_owned(),
            at: now,
        },
    )?;
    Ok(id)
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
    let claims = Claims {
        sub: user.id.clone(),
        role: user.role.clone(),
        ver: user.token_version,
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
            id: uuid::Uuid::new_v4().to_string(),
            user_id: user.id.clone(),
            family_id: family.map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned),
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
        assert_eq!(retry_after(full, 10, now), Some(300));
        let room = WindowCount {
            count: 9,
            oldest: Some(oldest),
        };
        assert_eq!(retry_after(room, 10, now), None);
        let at_edge = WindowCount {
            count: 10,
            oldest: Some(now - Duration::minutes(15)),
        };
        assert_eq!(retry_after(at_edge, 10, now), Some(1));
    }
}
