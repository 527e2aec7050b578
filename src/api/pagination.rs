//! List pages: `limit` 1-100 (default 20), an opaque keyset cursor bound to the list that
//! issued it, and the one page shape every list answers.

use crate::i18n::Msg;
use actix_web::HttpResponse;
use actix_web::http::header::ContentType;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::{self, DbConnection, DbPool};
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
            Msg::new("field-out_of_range-limit")
                .arg("field", "limit")
                .arg("max", MAX_LIMIT),
        )),
    }
}

/// [`limit`] for a list whose other query fields are checked too: a refused limit joins
/// `errors`, so that one answer names every bad field.
pub fn limit_among(errors: &mut Vec<crate::error::FieldError>, raw: Option<i64>) -> Option<i64> {
    match limit(raw) {
        Ok(limit) => Some(limit),
        Err(ApiError::Validation(refused)) => {
            errors.extend(refused);
            None
        }
        Err(_) => None,
    }
}

/// A list's `from`/`to` days: `to` not before `from`, else an `end_before_start` problem
/// joins `errors`.
pub fn days_in_order(
    errors: &mut Vec<crate::error::FieldError>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) {
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        errors.push(crate::error::FieldError::new(
            "to",
            "end_before_start",
            Msg::new("field-end_before_start-to_after_from").arg("field", "to"),
        ));
    }
}

/// The query of a list with no filters of its own: where to go on, and how many.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// One page of a list: `{"items": [...], "next_cursor": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

impl<T: Serialize> Page<T> {
    /// The page's answer, its JSON written now. [`read`] calls it on the thread that read the
    /// rows, so that the rows' strings are freed by the thread that allocated them: freed by
    /// another, the allocator hands each of them back across threads and the reading thread's
    /// next page starts on memory another core touched last (the allocation was 7 % of a
    /// school's lecture page, perf, before). Written with sonic-rs, which writes the same
    /// bytes as serde_json with a quarter fewer instructions (a school's lecture page,
    /// callgrind: its string escaping looks at 16 bytes at a time).
    fn into_json(self) -> ApiResult<PageJson> {
        // Room for the usual item at once (an expert takes ~720 bytes, a lecture's brief
        // ~480), rather than growing the body from nothing and copying it at each doubling.
        let mut body = Vec::with_capacity(64 + ITEM_ROOM * self.items.len());
        sonic_rs::to_writer(&mut body, &self).map_err(ApiError::internal)?;
        Ok(PageJson(body))
    }
}

/// A page read by `f` on a pooled connection, its JSON written on the same thread once the
/// connection is back in the pool ([`db::run_then`], [`Page::into_json`]).
pub async fn read<T, F>(pool: &DbPool, f: F) -> ApiResult<PageJson>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut DbConnection) -> ApiResult<Page<T>> + Send + 'static,
{
    db::run_then(pool, f, Page::into_json).await
}

/// Bytes reserved per item for a page's body.
const ITEM_ROOM: usize = 1024;

/// A page's JSON body ([`Page::into_json`]).
#[derive(Debug)]
pub struct PageJson(Vec<u8>);

impl PageJson {
    /// `200 OK` with the page.
    pub fn respond(self) -> HttpResponse {
        HttpResponse::Ok()
            .content_type(ContentType::json())
            .body(self.0)
    }
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
            Msg::new("problem-invalid_cursor").arg("list", list),
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
    fn a_page_is_written_as_serde_json_writes_it() {
        // Every escape JSON has, text beyond the BMP, and the shapes of an item.
        let tricky =
            "引号\"反斜杠\\ /\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f}\u{7f}\u{2028}𝄞".to_owned();
        let page = || Page {
            items: vec![
                serde_json::json!({ "text": tricky, "n": -3, "x": 0.5, "none": null, "list": [true, false] }),
                serde_json::json!({}),
            ],
            next_cursor: Some("abc".to_owned()),
        };
        let ours = page().into_json().unwrap().0;
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string(&page()).unwrap()
        );
    }

    #[test]
    fn limits() {
        assert_eq!(limit(None).unwrap(), 20);
        assert_eq!(limit(Some(100)).unwrap(), 100);
        assert_eq!(limit(Some(101)).unwrap_err().code(), "validation_failed");
        assert_eq!(limit(Some(0)).unwrap_err().code(), "validation_failed");
    }
}
