//! Database refusals as problems: which constraint refused a write, and the one table that
//! turns a constraint's name into what the client is told.
//!
//! How the name is found:
//! - PostgreSQL reports it (`constraint_name()`), for unique, foreign-key, check and
//!   exclusion constraints and for a trigger that raises with `CONSTRAINT = '…'`;
//!   `details()` carries the conflicting values (an exclusion constraint names the
//!   conflicting row's range there).
//! - SQLite names a CHECK written as `CONSTRAINT name CHECK (…)` in its message
//!   (`CHECK constraint failed: name`); a trigger's `RAISE(ABORT, 'name: detail')` text
//!   starts with the name by convention. Its unique message names the columns
//!   (`UNIQUE constraint failed: t.a, t.b`), which a rule may list as an alias.

use diesel::result::{DatabaseErrorKind, Error};

use crate::error::ApiError;
use crate::i18n::{Msg, Text};

/// What a refused write told about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub kind: RefusalKind,
    /// The constraint's name (or, for an SQLite unique violation, `table.col, …`).
    pub constraint: Option<String>,
    /// PostgreSQL's detail line, or the text after `name:` in an SQLite trigger message.
    pub details: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    Unique,
    ForeignKey,
    Check,
    Exclusion,
    /// A trigger refused the write (SQLite `RAISE(ABORT, …)`, PostgreSQL `RAISE EXCEPTION`).
    Trigger,
}

/// One row of the table: a constraint, and the problem it becomes.
#[derive(Debug, Clone, Copy)]
pub struct ConstraintRule {
    /// The constraint's name, and any alias SQLite reports instead (`table.col`).
    pub names: &'static [&'static str],
    /// 409 or 422, mostly.
    pub status: u16,
    pub code: &'static str,
    /// The problem's detail, from the refusal (for the conflicting values).
    pub detail: fn(&Refusal) -> Text,
}

/// Every constraint whose refusal a client can meet, and what they are told. A constraint
/// missing here still becomes a 409 (`constraint_violation`), with a logged warning.
pub static CONSTRAINTS: &[ConstraintRule] = &[
    // Two writers appended the same object's next history entry: the later one lost.
    ConstraintRule {
        names: &[
            "state_changes_pkey",
            "state_changes.object_type, state_changes.object_id, state_changes.seq",
        ],
        status: 409,
        code: "status_changed",
        detail: |_| Msg::new("problem-status_changed-history").into(),
    },
    // An expert's commitments overlap (travel buffer included): PostgreSQL's exclusion
    // constraint, SQLite's trigger. The use cases check first; this is the database's word
    // for a write that raced past the check.
    ConstraintRule {
        names: &["busy_intervals_no_overlap"],
        status: 409,
        code: "expert_busy",
        detail: |refusal| match refusal.details.as_deref().and_then(conflicting_interval) {
            Some((start, end)) => Msg::new("problem-expert_busy-utc")
                .arg("start", start)
                .arg("end", end)
                .into(),
            None => Msg::new("problem-expert_busy-now").into(),
        },
    },
    // A lecture's hold on its expert's time written, moved or freed against its lecture
    // (by hand: the service leaves the hold to the database's own triggers).
    ConstraintRule {
        names: &["lecture_hold_in_step"],
        status: 409,
        code: "hold_out_of_step",
        detail: |_| Msg::new("problem-hold_out_of_step").into(),
    },
    // The same for an approved leave's hold (written and freed by the leave's triggers).
    ConstraintRule {
        names: &["leave_hold_in_step"],
        status: 409,
        code: "hold_out_of_step",
        detail: |_| Msg::new("problem-hold_out_of_step-leave").into(),
    },
    // A second delivery report of one lecture (the use case looks first; this is the
    // database's word for two racing).
    ConstraintRule {
        names: &["lecture_reports_pkey", "lecture_reports.lecture_id"],
        status: 409,
        code: "already_reported",
        detail: |_| Msg::new("problem-already_reported").into(),
    },
    // The same for an observer's hold (written and freed by the assignment's triggers).
    ConstraintRule {
        names: &["observer_hold_in_step"],
        status: 409,
        code: "hold_out_of_step",
        detail: |_| Msg::new("problem-hold_out_of_step-observer").into(),
    },
    // One expert assigned twice to observe one lecture, or filing twice (the use case looks
    // first; these are the database's word for two racing).
    ConstraintRule {
        names: &[
            "lecture_observers_once",
            "lecture_observers.lecture_id, lecture_observers.expert_id",
        ],
        status: 409,
        code: "already_observer",
        detail: |_| Msg::new("problem-already_observer").into(),
    },
    ConstraintRule {
        names: &[
            "lecture_observations_once",
            "lecture_observations.lecture_id, lecture_observations.observer_id",
        ],
        status: 409,
        code: "already_observed",
        detail: |_| Msg::new("problem-already_observed").into(),
    },
    ConstraintRule {
        names: &[
            "lecture_evaluations_once",
            "lecture_evaluations.lecture_id, lecture_evaluations.school_id",
        ],
        status: 409,
        code: "already_evaluated",
        detail: |_| Msg::new("problem-already_evaluated").into(),
    },
    // SQLite: a time the rules compare, not in the one form in which text order is time
    // order (`YYYY-MM-DD HH:MM:SS`, UTC, an optional fraction).
    ConstraintRule {
        names: &["time_not_canonical"],
        status: 422,
        code: "time_not_canonical",
        detail: |refusal| {
            Msg::new("field-time_not_canonical")
                .arg("field", "body")
                .arg("table", refusal.details.as_deref().unwrap_or("?").trim())
                .into()
        },
    },
];

/// The interval an overlap refusal names: SQLite's trigger gives `start/end`; PostgreSQL's
/// detail ends with `conflicts with existing key (…)=(id, ["start","end"))`. Times come back
/// as `YYYY-MM-DDTHH:MM:SS`.
fn conflicting_interval(details: &str) -> Option<(String, String)> {
    let tail = details
        .rsplit_once("existing key")
        .map_or(details, |(_, tail)| tail);
    let stamps: Vec<String> = tail
        .split(['"', '/', '[', ')', ','])
        .map(str::trim)
        .filter(|part| {
            part.len() >= 19
                && part.as_bytes().first().is_some_and(u8::is_ascii_digit)
                && chrono::NaiveDateTime::parse_from_str(&part[..19], "%Y-%m-%d %H:%M:%S").is_ok()
        })
        .map(|part| part[..19].replace(' ', "T"))
        .collect();
    match stamps.as_slice() {
        [start, end, ..] => Some((start.clone(), end.clone())),
        _ => None,
    }
}

/// Reads which constraint refused the write, if a constraint did.
pub fn refusal_of(err: &Error) -> Option<Refusal> {
    let Error::DatabaseError(kind, info) = err else {
        return None;
    };
    let message = info.message();
    let kind = match kind {
        DatabaseErrorKind::UniqueViolation => RefusalKind::Unique,
        DatabaseErrorKind::ForeignKeyViolation => RefusalKind::ForeignKey,
        DatabaseErrorKind::CheckViolation => RefusalKind::Check,
        DatabaseErrorKind::ExclusionViolation => RefusalKind::Exclusion,
        // PostgreSQL: a trigger raising with a CONSTRAINT option but its own SQLSTATE.
        DatabaseErrorKind::Unknown if info.constraint_name().is_some() => RefusalKind::Trigger,
        // SQLite: `RAISE(ABORT, 'name: detail')`, by this project's convention.
        DatabaseErrorKind::Unknown if trigger_text(message).is_some() => RefusalKind::Trigger,
        _ => return None,
    };
    if let Some(name) = info.constraint_name() {
        return Some(Refusal {
            kind,
            constraint: Some(name.to_owned()),
            details: info.details().map(str::to_owned),
        });
    }
    // SQLite: the name is in the message.
    let (constraint, details) = match kind {
        RefusalKind::Check => (
            message
                .strip_prefix("CHECK constraint failed: ")
                .map(str::to_owned),
            None,
        ),
        RefusalKind::Unique => (
            message
                .strip_prefix("UNIQUE constraint failed: ")
                .map(str::to_owned),
            None,
        ),
        RefusalKind::Trigger => match trigger_text(message) {
            Some((name, details)) => (Some(name.to_owned()), details.map(str::to_owned)),
            None => (None, None),
        },
        RefusalKind::ForeignKey | RefusalKind::Exclusion => (None, None),
    };
    Some(Refusal {
        kind,
        constraint,
        details,
    })
}

/// `name` or `name: detail`, where the name is a snake_case identifier.
fn trigger_text(message: &str) -> Option<(&str, Option<&str>)> {
    let (name, details) = match message.split_once(':') {
        Some((name, rest)) => (name, Some(rest.trim())),
        None => (message, None),
    };
    let is_name = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.contains('_');
    is_name.then_some((name, details.filter(|d| !d.is_empty())))
}

/// The problem a refusal becomes under `table`. `None` when the error is no refusal.
pub fn problem_for(err: &Error, table: &[ConstraintRule]) -> Option<ApiError> {
    let refusal = refusal_of(err)?;
    let rule = refusal.constraint.as_deref().and_then(|name| {
        table
            .iter()
            .find(|rule| rule.names.iter().any(|n| n.eq_ignore_ascii_case(name)))
    });
    if let Some(rule) = rule {
        let detail = (rule.detail)(&refusal);
        return Some(match rule.status {
            422 => ApiError::invalid("body", rule.code, detail),
            403 => ApiError::forbidden(rule.code, detail),
            _ => ApiError::conflict(rule.code, detail),
        });
    }
    Some(match refusal.kind {
        // Long-standing generic answers for the plain key constraints.
        RefusalKind::Unique => ApiError::conflict(
            "already_exists",
            Msg::new("problem-already_exists-resource_these_values_already"),
        ),
        RefusalKind::ForeignKey => ApiError::conflict(
            "reference_conflict",
            Msg::new("problem-reference_conflict-referenced_resource_does_not"),
        ),
        RefusalKind::Check | RefusalKind::Exclusion | RefusalKind::Trigger => {
            tracing::warn!(
                constraint = refusal.constraint.as_deref().unwrap_or("?"),
                kind = ?refusal.kind,
                "a constraint without a rule in db::constraint::CONSTRAINTS refused a write"
            );
            ApiError::conflict(
                "constraint_violation",
                Msg::new("problem-constraint_violation-change_breaks_rule_data"),
            )
        }
    })
}

/// PostgreSQL's deadlock (40P01) and serialization failure (40001): the transaction lost a
/// race and may simply be run again.
pub fn is_retryable(err: &Error) -> bool {
    match err {
        Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        Error::DatabaseError(_, info) => info.message().contains("deadlock detected"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite_error(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_owned()))
    }

    #[test]
    fn an_overlap_refusal_names_the_interval_on_both_backends() {
        assert_eq!(
            conflicting_interval("2026-03-09 05:30:00/2026-03-09 08:30:00"),
            Some((
                "2026-03-09T05:30:00".to_owned(),
                "2026-03-09T08:30:00".to_owned()
            ))
        );
        let pg = "Key (expert_id, tsrange(starts_at, ends_at, '[)'::text))=(e2, [\"2026-03-09 06:00:00\",\"2026-03-09 07:00:00\")) \
                  conflicts with existing key (expert_id, tsrange(starts_at, ends_at, '[)'::text))=(e2, [\"2026-03-09 05:30:00\",\"2026-03-09 08:30:00\")).";
        assert_eq!(
            conflicting_interval(pg),
            Some((
                "2026-03-09T05:30:00".to_owned(),
                "2026-03-09T08:30:00".to_owned()
            ))
        );
        assert_eq!(conflicting_interval("no times here"), None);
    }

    #[test]
    fn sqlite_messages_name_their_constraint() {
        let check = sqlite_error(
            DatabaseErrorKind::CheckViolation,
            "CHECK constraint failed: probe_positive",
        );
        assert_eq!(
            refusal_of(&check).unwrap().constraint.as_deref(),
            Some("probe_positive")
        );
        let trigger = sqlite_error(
            DatabaseErrorKind::Unknown,
            "expert_busy: 2026-03-05 09:00-10:30",
        );
        let refusal = refusal_of(&trigger).unwrap();
        assert_eq!(refusal.kind, RefusalKind::Trigger);
        assert_eq!(refusal.constraint.as_deref(), Some("expert_busy"));
        assert_eq!(refusal.details.as_deref(), Some("2026-03-05 09:00-10:30"));
        // Ordinary failures are no refusal.
        assert_eq!(
            refusal_of(&sqlite_error(
                DatabaseErrorKind::Unknown,
                "no such table: x"
            )),
            None
        );
        assert_eq!(refusal_of(&Error::NotFound), None);
    }

    #[test]
    fn the_table_decides_the_problem_and_unmapped_constraints_are_409() {
        const PROBE_CODE: &str = "must_be_positive";
        static TABLE: &[ConstraintRule] = &[ConstraintRule {
            names: &["probe_positive"],
            status: 422,
            code: PROBE_CODE,
            detail: |_| Text::Plain("n must be positive".to_owned()),
        }];
        let mapped = problem_for(
            &sqlite_error(
                DatabaseErrorKind::CheckViolation,
                "CHECK constraint failed: probe_positive",
            ),
            TABLE,
        )
        .unwrap();
        assert_eq!(mapped.code(), "validation_failed");
        let unmapped = problem_for(
            &sqlite_error(
                DatabaseErrorKind::CheckViolation,
                "CHECK constraint failed: other",
            ),
            TABLE,
        )
        .unwrap();
        assert_eq!(unmapped.code(), "constraint_violation");
    }

    #[test]
    fn a_lost_race_for_the_next_history_entry_is_409_on_both_backends() {
        let sqlite = sqlite_error(
            DatabaseErrorKind::UniqueViolation,
            "UNIQUE constraint failed: state_changes.object_type, state_changes.object_id, state_changes.seq",
        );
        assert_eq!(
            problem_for(&sqlite, CONSTRAINTS).unwrap().code(),
            "status_changed"
        );
    }

    #[test]
    fn deadlocks_and_serialization_failures_are_retryable() {
        assert!(is_retryable(&sqlite_error(
            DatabaseErrorKind::SerializationFailure,
            "could not serialize access"
        )));
        assert!(is_retryable(&sqlite_error(
            DatabaseErrorKind::Unknown,
            "deadlock detected"
        )));
        assert!(!is_retryable(&Error::NotFound));
    }
}
