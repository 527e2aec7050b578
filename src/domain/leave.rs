//! Leave (请假制度, DESIGN.md §3) as the rules see it: its life as a state machine, the whole
//! local days it covers as UTC instants, and which days may be asked for. No I/O.

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;

use crate::domain::coded::coded_enum;
use crate::domain::schedule::{Span, days_span};
use crate::domain::transition::Machine;
use crate::error::FieldError;
use crate::i18n::Msg;

coded_enum!(
    /// Where a leave is in its life.
    LeaveState {
        /// Asked for by the expert; waits for the office or a lead of their team.
        Pending = "pending" / "待审批",
        /// Holds the expert's days: nothing is offered or lands inside them.
        Approved = "approved" / "已批准",
        Rejected = "rejected" / "未批准",
        Withdrawn = "withdrawn" / "已撤回",
    }
);

coded_enum!(
    /// A step of a leave's life.
    LeaveAction {
        Approve = "approve" / "批准",
        Reject = "reject" / "不批准",
        Withdraw = "withdraw" / "撤回",
    }
);

/// The history's action for a leave's first entry (no `from`).
pub const LEAVE_REQUESTED: &str = "request";

/// How far back the office records a leave it was told of late (a phone call after the fact).
pub const RECORD_DAYS_BACK: i64 = 366;

/// The leave life cycle.
pub struct LeaveFlow;

/// Who acts on a leave, as far as its life cycle cares.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeaveWho {
    pub admin: bool,
    /// A lead (团长/副团长) of the expert's primary team.
    pub team_lead: bool,
    /// The expert whose leave it is.
    pub own: bool,
}

impl Machine for LeaveFlow {
    const OBJECT: &'static str = "leave";
    type State = LeaveState;
    type Action = LeaveAction;
    type Who = LeaveWho;
    const ACTIONS: &'static [LeaveAction] = LeaveAction::ALL;

    /// `pending → approved | rejected`; a pending or approved leave is withdrawn.
    fn step(from: LeaveState, action: LeaveAction) -> Option<LeaveState> {
        use LeaveAction::*;
        use LeaveState::*;
        match (from, action) {
            (Pending, Approve) => Some(Approved),
            (Pending, Reject) => Some(Rejected),
            (Pending | Approved, Withdraw) => Some(Withdrawn),
            _ => None,
        }
    }

    fn may(action: LeaveAction, who: &LeaveWho) -> Result<(), &'static str> {
        use LeaveAction::*;
        match action {
            Approve | Reject if who.own => Err("problem-forbidden-leave_decide_own"),
            Approve | Reject if who.admin || who.team_lead => Ok(()),
            Approve | Reject => Err("problem-forbidden-leave_decide"),
            // Before the leave begins for the expert (the use case checks the date).
            Withdraw if who.admin || who.own => Ok(()),
            Withdraw => Err("problem-forbidden-leave_withdraw"),
        }
    }
}

/// The days of a leave, both inclusive, in the service zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaveDays {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl LeaveDays {
    /// What the leave holds: local midnight of the first day to local midnight after the
    /// last, in UTC.
    pub fn span(&self, tz: Tz) -> Span {
        days_span(self.first, self.last, tz)
    }

    /// How many days away, both ends counted.
    pub fn count(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    /// Whether the two ranges share a day.
    pub fn meets(&self, other: &LeaveDays) -> bool {
        self.first <= other.last && other.first <= self.last
    }

    /// Every broken rule of asking for these days on `today` (local): the last day not
    /// before the first; an expert asks from today on, the office records up to
    /// [`RECORD_DAYS_BACK`] days back; no day more than `days_ahead` ahead.
    pub fn problems(&self, today: NaiveDate, by_office: bool, days_ahead: i64) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.last < self.first {
            errors.push(FieldError::new(
                "end_date",
                "end_before_start",
                Msg::new("field-end_before_start-end_date_after_start").arg("field", "end_date"),
            ));
        }
        if !by_office && self.first < today {
            errors.push(FieldError::new(
                "start_date",
                "in_the_past",
                Msg::new("field-in_the_past-leave").arg("field", "start_date"),
            ));
        } else if self.first < today - Duration::days(RECORD_DAYS_BACK) {
            errors.push(FieldError::new(
                "start_date",
                "in_the_past",
                Msg::new("field-in_the_past-leave_record")
                    .arg("field", "start_date")
                    .arg("days", RECORD_DAYS_BACK),
            ));
        }
        if self.last > today + Duration::days(days_ahead) {
            errors.push(FieldError::new(
                "end_date",
                "too_far_ahead",
                Msg::new("field-too_far_ahead-leave")
                    .arg("field", "end_date")
                    .arg("days", days_ahead),
            ));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::transition::Refusal;
    use chrono::NaiveDateTime;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn leave_holds_whole_local_days() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let days = LeaveDays {
            first: day("2026-12-07"),
            last: day("2026-12-08"),
        };
        assert_eq!(days.count(), 2);
        let span = days.span(tz);
        assert_eq!(span.start, at("2026-12-06 16:00"));
        assert_eq!(span.end, at("2026-12-08 16:00"));
    }

    #[test]
    fn an_expert_never_decides_their_own_leave_and_a_lead_does_for_others() {
        let own_lead = LeaveWho {
            team_lead: true,
            own: true,
            ..Default::default()
        };
        let lead = LeaveWho {
            team_lead: true,
            ..Default::default()
        };
        assert!(matches!(
            LeaveFlow::next(LeaveState::Pending, LeaveAction::Approve, &own_lead),
            Err(Refusal::NotYours(_))
        ));
        assert_eq!(
            LeaveFlow::next(LeaveState::Pending, LeaveAction::Approve, &lead),
            Ok(LeaveState::Approved)
        );
        assert_eq!(
            LeaveFlow::next(LeaveState::Approved, LeaveAction::Withdraw, &own_lead),
            Ok(LeaveState::Withdrawn)
        );
        assert!(matches!(
            LeaveFlow::next(LeaveState::Approved, LeaveAction::Withdraw, &lead),
            Err(Refusal::NotYours(_))
        ));
    }

    #[test]
    fn a_decided_leave_is_not_decided_again() {
        let admin = LeaveWho {
            admin: true,
            ..Default::default()
        };
        for state in [
            LeaveState::Approved,
            LeaveState::Rejected,
            LeaveState::Withdrawn,
        ] {
            for action in [LeaveAction::Approve, LeaveAction::Reject] {
                assert!(matches!(
                    LeaveFlow::next(state, action, &admin),
                    Err(Refusal::Illegal { .. })
                ));
            }
        }
        assert!(matches!(
            LeaveFlow::next(LeaveState::Rejected, LeaveAction::Withdraw, &admin),
            Err(Refusal::Illegal { .. })
        ));
    }

    #[test]
    fn an_expert_asks_from_today_and_the_office_records_a_year_back() {
        let today = day("2026-12-03");
        let codes = |first: &str, last: &str, office: bool| {
            LeaveDays {
                first: day(first),
                last: day(last),
            }
            .problems(today, office, 365)
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect::<Vec<_>>()
        };
        assert!(codes("2026-12-03", "2026-12-03", false).is_empty());
        assert_eq!(
            codes("2026-12-02", "2026-12-03", false),
            [("start_date".to_owned(), "in_the_past".to_owned())]
        );
        assert!(codes("2026-12-02", "2026-12-03", true).is_empty());
        assert_eq!(
            codes("2025-12-01", "2025-12-02", true),
            [("start_date".to_owned(), "in_the_past".to_owned())]
        );
        assert_eq!(
            codes("2026-12-05", "2026-12-04", false),
            [("end_date".to_owned(), "end_before_start".to_owned())]
        );
        assert_eq!(
            codes("2027-12-01", "2027-12-05", false),
            [("end_date".to_owned(), "too_far_ahead".to_owned())]
        );
    }
}
