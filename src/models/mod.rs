//! One file per table: row struct, `New*`, `*Changes`, and its queries. No HTTP here.

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
