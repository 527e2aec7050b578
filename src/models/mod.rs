//! One file per table: row struct, `New*`, `*Changes`, and its queries. No HTTP here.

/// Keeps the rows of a boxed query that come after keyset `$k` in ascending (`$at`, `$id`)
/// order. The redundant `$at >= k.at` is what lets both planners start the index range at
/// the key (neither seeks on the `OR` alone, and page 500 would cost a scan of 10,000 rows).
macro_rules! keyset_after {
    ($query:ident, $k:expr, $at:expr, $id:expr) => {{
        let k: &$crate::models::Keyset = $k;
        $query = $query
            .filter($at.ge(k.at))
            .filter($at.gt(k.at).or($at.eq(k.at).and($id.gt(k.id.clone()))));
    }};
}

/// [`keyset_after`] for descending (`$at`, `$id`) order (newest first).
macro_rules! keyset_before {
    ($query:ident, $k:expr, $at:expr, $id:expr) => {{
        let k: &$crate::models::Keyset = $k;
        $query = $query
            .filter($at.le(k.at))
            .filter($at.lt(k.at).or($at.eq(k.at).and($id.lt(k.id.clone()))));
    }};
}

pub mod audit_event;
pub mod availability;
pub mod course;
pub mod email_change;
pub mod expert;
pub mod idempotency_key;
pub mod job_run;
pub mod lecture;
pub mod login_failure;
pub mod notification;
pub mod password_token;
pub mod rate_event;
pub mod refresh_token;
pub mod school;
pub mod state_change;
pub mod team;
pub mod team_lead;
pub mod user;
pub mod value_set;

/// A LIKE pattern (with `ESCAPE '\\'`) matching any text that contains `value` literally:
/// `%`, `_` and `\\` in it are escaped.
pub fn contains_pattern(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('%');
    for c in value.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// A keyset position in a list ordered by (time, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyset {
    pub at: chrono::NaiveDateTime,
    pub id: String,
}

#[cfg(test)]
mod tests {
    #[test]
    fn wildcards_in_a_search_are_taken_literally() {
        assert_eq!(super::contains_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
        assert_eq!(super::contains_pattern("阅读"), "%阅读%");
    }
}
