//! One file per table: row struct, `New*`, `*Changes`, and its queries. No HTTP here.

pub mod audit_event;
pub mod course;
pub mod expert;
pub mod login_failure;
pub mod notification;
pub mod password_token;
pub mod rate_event;
pub mod refresh_token;
pub mod school;
pub mod team;
pub mod team_lead;
pub mod user;
pub mod value_set;

/// A keyset position in a list ordered by (time, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyset {
    pub at: chrono::NaiveDateTime,
    pub id: String,
}
