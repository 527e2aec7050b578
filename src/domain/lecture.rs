//! A lecture's life cycle (约课 / 派课, DESIGN.md §4) as a state machine: its states and steps,
//! who may take each, which states hold an expert's time and count against their load. Its
//! times are `domain::schedule`'s. No I/O.

use crate::domain::coded::coded_enum;
use crate::domain::transition::Machine;

coded_enum!(
    /// Where a lecture came from.
    Origin {
        /// 约课: a school asked for it.
        Booking = "booking" / "约课",
        /// 派课: the office or a team lead arranged it.
        Dispatch = "dispatch" / "派课",
    }
);

coded_enum!(
    /// How a lecture is given (线上网课 / 线下授课).
    LectureMode {
        Online = "online" / "线上",
        Offline = "offline" / "线下",
    }
);

coded_enum!(
    /// Where a lecture is in its life.
    LectureState {
        /// Waiting for the office to offer it to an expert.
        Requested = "requested" / "待派课",
        /// Put to one expert, waiting for their answer.
        Offered = "offered" / "待接受",
        Confirmed = "confirmed" / "已确认",
        /// Its expert can no longer give it; it waits for another.
        NeedsReassignment = "needs_reassignment" / "待改派",
        /// The office refused the request.
        Rejected = "rejected" / "已拒绝",
        Cancelled = "cancelled" / "已取消",
        /// Its proposed times all passed before anyone confirmed it.
        Expired = "expired" / "已过期",
        /// Its expert checked in (签到).
        InProgress = "in_progress" / "进行中",
        /// Given: checked out (签退), by the expert or the service.
        Delivered = "delivered" / "已授课",
        /// Still confirmed an hour after its end: nobody checked in.
        NoShow = "no_show" / "未到场",
        /// Evaluated by every school that may, or 14 days past its end.
        Closed = "closed" / "已结课",
    }
);

coded_enum!(
    /// A step of a lecture's life.
    LectureAction {
        Offer = "offer" / "派单",
        Accept = "accept" / "接受",
        Decline = "decline" / "谢绝",
        /// The offer was not answered in time (job runner).
        Lapse = "lapse" / "邀约过期",
        Reject = "reject" / "拒绝",
        Cancel = "cancel" / "取消",
        Reschedule = "reschedule" / "改期",
        /// Its expert was suspended or left (and later: leave over it).
        Release = "release" / "释放",
        /// Every proposed time passed unconfirmed (job runner).
        Expire = "expire" / "过期",
        /// 签到: the expert with the school's code (an admin without one, with a reason).
        CheckIn = "check_in" / "签到",
        /// 签退: the expert, or the service an hour after the end.
        CheckOut = "check_out" / "签退",
        /// Nobody checked in by an hour after the end (job runner).
        NoShow = "no_show" / "记为未到场",
        /// An admin records that a lecture marked no-show did take place.
        Correct = "correct" / "更正为已授课",
        /// Every school evaluated it, or 14 days passed (the service).
        Close = "close" / "结课",
    }
);

coded_enum!(
    /// Why an expert is not offered a lecture again.
    RefusalKind {
        Declined = "declined" / "已谢绝",
        Lapsed = "lapsed" / "未答复",
    }
);

/// The history's action for a lecture's first entry (no `from`).
pub const LECTURE_CREATED: &str = "create";

impl LectureState {
    /// The states in which a lecture holds its expert's time (the database's `lectures_hold`
    /// triggers name the same three).
    pub const HOLDING: [LectureState; 3] = [
        LectureState::Offered,
        LectureState::Confirmed,
        LectureState::InProgress,
    ];

    /// The states in which a lecture counts against its expert's weekly and monthly load:
    /// held, running or given; a no-show does not count.
    pub const COUNTING: [LectureState; 5] = [
        LectureState::Offered,
        LectureState::Confirmed,
        LectureState::InProgress,
        LectureState::Delivered,
        LectureState::Closed,
    ];

    /// Whether the lecture holds its expert's time (one of [`LectureState::HOLDING`]).
    pub fn holds_time(self) -> bool {
        Self::HOLDING.contains(&self)
    }

    /// Whether it can still be taken from its expert (suspension, exit, leave): offered or
    /// confirmed; a lecture already running is not taken away.
    pub fn releasable(self) -> bool {
        matches!(self, LectureState::Offered | LectureState::Confirmed)
    }

    /// Whether it has begun with its expert there: in progress, or given since (its
    /// check-in is recorded; an observation may be filed).
    pub fn has_run(self) -> bool {
        matches!(
            self,
            LectureState::InProgress | LectureState::Delivered | LectureState::Closed
        )
    }

    /// Whether it was given: delivered, or closed since (its report may be filed).
    pub fn was_given(self) -> bool {
        matches!(self, LectureState::Delivered | LectureState::Closed)
    }

    /// Whether its observers (听课) stay assigned: while it is held, and once it ran or was
    /// missed (a correction may make a no-show given). Back with the office, cancelled or
    /// refused, it lets them go.
    pub fn keeps_observers(self) -> bool {
        Self::COUNTING.contains(&self) || self == LectureState::NoShow
    }

    /// States a lecture does not leave.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            LectureState::Rejected
                | LectureState::Cancelled
                | LectureState::Expired
                | LectureState::Closed
        )
    }
}

/// The lecture life cycle.
pub struct LectureFlow;

/// Who acts on a lecture, as far as the life cycle cares.
#[derive(Debug, Clone, Copy, Default)]
pub struct LectureWho {
    pub admin: bool,
    /// A lead (团长/副团长) of the lecture's team.
    pub team_lead: bool,
    /// The school that asked for it (or that it was arranged for).
    pub own_school: bool,
    /// The expert it is offered to or held by.
    pub its_expert: bool,
    /// The service itself: a job, or the consequence of another change.
    pub system: bool,
}

impl LectureWho {
    /// Dispatches (offers, rejects): the office or a lead of the lecture's team — never on
    /// a lecture they are offered or hold themselves.
    fn dispatches(&self) -> bool {
        (self.admin || self.team_lead) && !self.its_expert
    }

    /// Cancels any lecture and reschedules it: the office alone (a lead dispatches, but the
    /// school's lecture is the school's and the office's to end or move).
    fn office(&self) -> bool {
        self.admin && !self.its_expert
    }
}

impl Machine for LectureFlow {
    const OBJECT: &'static str = "lecture";
    type State = LectureState;
    type Action = LectureAction;
    type Who = LectureWho;
    const ACTIONS: &'static [LectureAction] = LectureAction::ALL;

    fn step(from: LectureState, action: LectureAction) -> Option<LectureState> {
        use LectureAction::*;
        use LectureState::*;
        match (from, action) {
            (Requested | NeedsReassignment, Offer) => Some(Offered),
            (Offered, Accept) => Some(Confirmed),
            (Offered, Decline | Lapse) => Some(Requested),
            (Requested, Reject) => Some(Rejected),
            (Requested | Offered | Confirmed | NeedsReassignment, Cancel) => Some(Cancelled),
            (Offered | Confirmed, Reschedule) => Some(Offered),
            (Offered, Release) => Some(Requested),
            (Confirmed, Release) => Some(NeedsReassignment),
            (Requested | NeedsReassignment, Expire) => Some(Expired),
            (Confirmed, CheckIn) => Some(InProgress),
            (InProgress, CheckOut) => Some(Delivered),
            (Confirmed, LectureAction::NoShow) => Some(LectureState::NoShow),
            (LectureState::NoShow, Correct) => Some(Delivered),
            (Delivered, Close) => Some(Closed),
            _ => None,
        }
    }

    fn may(action: LectureAction, who: &LectureWho) -> Result<(), &'static str> {
        use LectureAction::*;
        match action {
            Offer | Reject if who.dispatches() => Ok(()),
            // A booked course is offered to its expert by the service itself.
            Offer if who.system => Ok(()),
            Offer | Reject if who.its_expert => Err("problem-forbidden-lecture_dispatch_own"),
            Offer => Err("problem-forbidden-lecture_offer"),
            Reject => Err("problem-forbidden-lecture_reject"),
            Accept | Decline if who.its_expert => Ok(()),
            Accept | Decline => Err("problem-forbidden-lecture_answer"),
            Cancel if who.its_expert => Err("problem-forbidden-lecture_cancel_own"),
            Reschedule if who.its_expert => Err("problem-forbidden-lecture_move_own"),
            Cancel | Reschedule if who.office() || who.own_school => Ok(()),
            Cancel => Err("problem-forbidden-lecture_cancel"),
            Reschedule => Err("problem-forbidden-lecture_reschedule"),
            // The expert checks in with the code; the office without one (with a reason).
            CheckIn if who.its_expert || who.office() => Ok(()),
            CheckIn => Err("problem-forbidden-lecture_check_in"),
            CheckOut if who.its_expert || who.system => Ok(()),
            CheckOut => Err("problem-forbidden-lecture_check_out"),
            Correct if who.office() => Ok(()),
            Correct => Err("problem-forbidden-lecture_correct"),
            Lapse | Release | Expire | LectureAction::NoShow | Close if who.system => Ok(()),
            Lapse | Release | Expire | LectureAction::NoShow | Close => {
                Err("problem-forbidden-service_step")
            }
        }
    }
}

/// The shortest and longest lecture without a course (with one, its duration).
pub const MIN_MINUTES: i64 = 30;
pub const MAX_MINUTES: i64 = 240;

impl LectureMode {
    /// The travel time kept free before and after a lecture given this way: the buffer on
    /// site, none online.
    pub fn travel_minutes(self, buffer: i64) -> i64 {
        match self {
            LectureMode::Online => 0,
            LectureMode::Offline => buffer,
        }
    }
}

/// 线上网课 for the whole city: an online lecture for no one school, which schools join.
pub fn city_wide(school_id: Option<&str>, mode: LectureMode) -> bool {
    school_id.is_none() && mode == LectureMode::Online
}

/// 受益人次 of a lecture: the expert's reported count and the joined schools' confirmed
/// counts (`schools`, 0 but for a city-wide online lecture); `None` until the expert reports.
pub fn beneficiaries(reported: Option<i32>, schools: i64) -> Option<i64> {
    reported.map(|n| i64::from(n) + schools)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::transition::Refusal;

    #[test]
    fn an_offer_is_answered_only_by_its_expert() {
        let expert = LectureWho {
            its_expert: true,
            ..Default::default()
        };
        let school = LectureWho {
            own_school: true,
            ..Default::default()
        };
        assert_eq!(
            LectureFlow::next(LectureState::Offered, LectureAction::Accept, &expert),
            Ok(LectureState::Confirmed)
        );
        assert!(matches!(
            LectureFlow::next(LectureState::Offered, LectureAction::Accept, &school),
            Err(Refusal::NotYours(_))
        ));
    }

    #[test]
    fn the_holding_expert_never_cancels() {
        let expert = LectureWho {
            its_expert: true,
            ..Default::default()
        };
        assert!(matches!(
            LectureFlow::next(LectureState::Confirmed, LectureAction::Cancel, &expert),
            Err(Refusal::NotYours(_))
        ));
    }

    #[test]
    fn a_lead_dispatches_but_neither_cancels_nor_reschedules() {
        let lead = LectureWho {
            team_lead: true,
            ..Default::default()
        };
        assert_eq!(
            LectureFlow::next(LectureState::Requested, LectureAction::Offer, &lead),
            Ok(LectureState::Offered)
        );
        assert_eq!(
            LectureFlow::next(LectureState::Requested, LectureAction::Reject, &lead),
            Ok(LectureState::Rejected)
        );
        for action in [LectureAction::Cancel, LectureAction::Reschedule] {
            assert!(matches!(
                LectureFlow::next(LectureState::Confirmed, action, &lead),
                Err(Refusal::NotYours(_))
            ));
        }
    }

    #[test]
    fn nobody_acts_as_the_office_on_a_lecture_they_hold() {
        let lead_holding = LectureWho {
            team_lead: true,
            its_expert: true,
            ..Default::default()
        };
        for (state, action) in [
            (LectureState::Offered, LectureAction::Cancel),
            (LectureState::Confirmed, LectureAction::Cancel),
            (LectureState::Confirmed, LectureAction::Reschedule),
            (LectureState::NeedsReassignment, LectureAction::Offer),
        ] {
            assert!(matches!(
                LectureFlow::next(state, action, &lead_holding),
                Err(Refusal::NotYours(_))
            ));
        }
        assert_eq!(
            LectureFlow::next(LectureState::Offered, LectureAction::Accept, &lead_holding),
            Ok(LectureState::Confirmed)
        );
    }

    #[test]
    fn final_states_lead_nowhere() {
        // Whoever may take a step (the office, the school, the expert or the service) finds
        // it illegal from a final state.
        let office = LectureWho {
            admin: true,
            own_school: true,
            system: true,
            ..Default::default()
        };
        let expert = LectureWho {
            its_expert: true,
            ..Default::default()
        };
        for state in [
            LectureState::Rejected,
            LectureState::Cancelled,
            LectureState::Expired,
            LectureState::Closed,
        ] {
            assert!(state.is_final());
            for action in LectureAction::ALL {
                let who = if LectureFlow::may(*action, &office).is_ok() {
                    office
                } else {
                    expert
                };
                assert!(matches!(
                    LectureFlow::next(state, *action, &who),
                    Err(Refusal::Illegal { .. })
                ));
            }
        }
    }

    #[test]
    fn a_confirmed_lecture_released_waits_for_reassignment() {
        let system = LectureWho {
            system: true,
            ..Default::default()
        };
        assert_eq!(
            LectureFlow::next(LectureState::Confirmed, LectureAction::Release, &system),
            Ok(LectureState::NeedsReassignment)
        );
        assert_eq!(
            LectureFlow::next(LectureState::Offered, LectureAction::Release, &system),
            Ok(LectureState::Requested)
        );
    }

    #[test]
    fn a_confirmed_lecture_runs_is_given_and_closes_and_a_no_show_is_corrected() {
        let system = LectureWho {
            system: true,
            ..Default::default()
        };
        let expert = LectureWho {
            its_expert: true,
            ..Default::default()
        };
        let admin = LectureWho {
            admin: true,
            ..Default::default()
        };
        use LectureAction as A;
        use LectureState as S;
        assert_eq!(
            LectureFlow::next(S::Confirmed, A::CheckIn, &expert),
            Ok(S::InProgress)
        );
        assert_eq!(
            LectureFlow::next(S::Confirmed, A::CheckIn, &admin),
            Ok(S::InProgress)
        );
        assert_eq!(
            LectureFlow::next(S::InProgress, A::CheckOut, &expert),
            Ok(S::Delivered)
        );
        assert_eq!(
            LectureFlow::next(S::InProgress, A::CheckOut, &system),
            Ok(S::Delivered)
        );
        assert_eq!(
            LectureFlow::next(S::Delivered, A::Close, &system),
            Ok(S::Closed)
        );
        assert_eq!(
            LectureFlow::next(S::Confirmed, A::NoShow, &system),
            Ok(S::NoShow)
        );
        assert_eq!(
            LectureFlow::next(S::NoShow, A::Correct, &admin),
            Ok(S::Delivered)
        );
        // A running lecture is not released, and only the office corrects a no-show.
        assert!(matches!(
            LectureFlow::next(S::InProgress, A::Release, &system),
            Err(Refusal::Illegal { .. })
        ));
        assert!(!S::InProgress.releasable() && S::InProgress.holds_time());
        assert!(matches!(
            LectureFlow::next(S::NoShow, A::Correct, &expert),
            Err(Refusal::NotYours(_))
        ));
        let lead = LectureWho {
            team_lead: true,
            ..Default::default()
        };
        assert!(matches!(
            LectureFlow::next(S::Confirmed, A::CheckIn, &lead),
            Err(Refusal::NotYours(_))
        ));
    }
}
