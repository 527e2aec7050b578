//! One file per table: row struct, `New*`, `*Changes`, and its queries. No HTTP here.

pub mod audit_event;
pub mod login_failure;
pub mod password_token;
pub mod refresh_token;
pub mod team;
pub mod user;

/// A keyset position in a list ordered by (time, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyset {
    pub at: chrono::NaiveDateTime,
    pub id: String,
}
