//! Request rate limits kept in the database (so they hold across instances), for requests
//! other than logins: e.g. password-reset requests per login and per client address.

use chrono::{Duration, NaiveDateTime};

use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::models::rate_event::RateEvent;

/// At most `limit` events of `kind` for `subject` within `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub kind: &'static str,
    pub limit: i64,
    pub window: Duration,
}

/// Inside a write transaction: refuses with 429 (and when to come back) if any limit is
/// used up, else counts one event against each.
pub fn take(
    conn: &mut DbConnection,
    limits: &[(Limit, &str)],
    now: NaiveDateTime,
) -> ApiResult<()> {
    let keys: Vec<String> = limits
        .iter()
        .map(|(limit, subject)| format!("rate:{}:{subject}", limit.kind))
        .collect();
    db::lock_keys(conn, &keys)?;
    refuse_if_used_up(
        conn,
        limits,
        now,
        crate::i18n::Msg::new("problem-rate_limited"),
    )?;
    count(conn, limits, now)
}

/// 429 with `detail` and when to come back if any limit is used up; counts nothing (for
/// limits on failures, which are counted only when they happen). The caller serializes
/// the check with the count (a lock of its own, or [`take`]'s).
pub fn refuse_if_used_up(
    conn: &mut DbConnection,
    limits: &[(Limit, &str)],
    now: NaiveDateTime,
    detail: crate::i18n::Msg,
) -> ApiResult<()> {
    let mut wait: Option<i64> = None;
    for (limit, subject) in limits {
        let since = now - limit.window;
        if RateEvent::count_since(conn, limit.kind, subject, since)? >= limit.limit {
            let oldest = RateEvent::oldest_since(conn, limit.kind, subject, since)?.unwrap_or(now);
            let seconds = (oldest + limit.window - now).num_seconds().max(1);
            wait = Some(wait.map_or(seconds, |w| w.max(seconds)));
        }
    }
    match wait {
        Some(seconds) => Err(ApiError::RateLimited {
            retry_after_secs: u64::try_from(seconds).unwrap_or(1),
            detail: detail.into(),
        }),
        None => Ok(()),
    }
}

/// Counts one event against each limit, and forgets events older than any window needs.
pub fn count(
    conn: &mut DbConnection,
    limits: &[(Limit, &str)],
    now: NaiveDateTime,
) -> ApiResult<()> {
    for (limit, subject) in limits {
        RateEvent::record(conn, limit.kind, subject, now)?;
    }
    let longest = limits
        .iter()
        .map(|(l, _)| l.window)
        .max()
        .unwrap_or_else(|| Duration::hours(1));
    RateEvent::purge_before(conn, now - longest - Duration::days(1))?;
    Ok(())
}
