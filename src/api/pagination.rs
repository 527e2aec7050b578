//! List pages: `limit` 1-100 (default 20), an opaque keyset cursor bound to the list that
//! issued it, and the one page shape every list answers.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};
use crate::models::Keyset;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

pub fn limit(raw: Option<i64>) -> ApiResult<i64> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid(
            "limit",
            "out_of_range",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

/// One page of a list: `{"items": [...], "next_cursor": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

const CURSOR_TIME: &str = "%Y-%m-%dT%H:%M:%S%.f";

/// A cursor for the list named `list`, after the row at (`at`, `id`).
pub fn encode_cursor(list: &str, at: NaiveDateTime, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{list}|{}|{id}", at.format(CURSOR_TIME)))
}

/// Reads a cursor that `list` issued; a cursor of another list (or none of ours) is a 400.
pub fn decode_cursor(list: &str, raw: Option<&str>) -> ApiResult<Option<Keyset>> {
    // No cursor, or an empty one (`cursor=`), is the first page.
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let invalid = || {
        ApiError::bad_request(
            "invalid_cursor",
            format!("the cursor is not one this list ({list}) issued"),
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (issuer, rest) = text.split_once('|').ok_or_else(invalid)?;
    if issuer != list {
        return Err(invalid());
    }
    let (at, id) = rest.split_once('|').ok_or_else(invalid)?;
    let at = NaiveDateTime::parse_from_str(at, CURSOR_TIME).map_err(|_| invalid())?;
    Ok(Some(Keyset {
        at,
        id: id.to_owned(),
    }))
}

/// Cuts a page fetched with `limit + 1` rows down to `limit` and says where the next starts.
pub fn split_page<T>(
    list: &str,
    mut rows: Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> (NaiveDateTime, String),
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(0);
    if rows.len() <= limit {
        return (rows, None);
    }
    rows.truncate(limit);
    let next = rows.last().map(|last| {
        let (at, id) = key(last);
        encode_cursor(list, at, &id)
    });
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let at = NaiveDateTime::parse_from_str("2026-03-05T06:00:00.123456", CURSOR_TIME).unwrap();
        let cursor = encode_cursor("experts", at, "abc");
        assert_eq!(
            decode_cursor("experts", Some(&cursor)).unwrap(),
            Some(Keyset {
                at,
                id: "abc".into()
            })
        );
        assert_eq!(
            decode_cursor("courses", Some(&cursor)).unwrap_err().code(),
            "invalid_cursor"
        );
        assert_eq!(
            decode_cursor("experts", Some("!!")).unwrap_err().code(),
            "invalid_cursor"
        );
        assert_eq!(decode_cursor("experts", None).unwrap(), None);
    }

    #[test]
    fn limits() {
        assert_eq!(limit(None).unwrap(), 20);
        assert_eq!(limit(Some(100)).unwrap(), 100);
        assert_eq!(limit(Some(101)).unwrap_err().code(), "validation_failed");
        assert_eq!(limit(Some(0)).unwrap_err().code(), "validation_failed");
    }
}
