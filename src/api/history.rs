//! The one shape every history takes in the API: `seq, actor, from, to, action, reason, at`.

use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::pagination::Page;
use crate::models::state_change::StateChange;
use crate::time::to_local;

/// One state change.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// 1, 2, 3, … per object: the order the changes were made in.
    pub seq: i32,
    /// The user who made the change; `null` for the service itself (a job, the CLI).
    pub actor: Option<String>,
    /// `null` for the first entry.
    pub from: Option<String>,
    pub to: String,
    /// What was done (`qualify`, `approve`, `edit`, …).
    pub action: String,
    pub reason: Option<String>,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub at: DateTime<FixedOffset>,
}

/// A whole history, oldest first, as one page (`next_cursor` is always null).
pub fn history_page(changes: Vec<StateChange>, tz: Tz) -> Page<HistoryEntry> {
    Page {
        items: changes
            .into_iter()
            .map(|c| HistoryEntry {
                seq: c.seq,
                actor: c.actor_id,
                from: c.from_state,
                to: c.to_state,
                action: c.action,
                reason: c.reason,
                at: to_local(c.at, tz),
            })
            .collect(),
        next_cursor: None,
    }
}
