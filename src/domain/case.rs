//! One-on-one cases (一对一辅导, DESIGN.md §5) as the rules see it: their life as a state
//! machine, what they are asked with, and the guardian consent a minor under 14 needs. No I/O.

use crate::domain::coded::coded_enum;
use crate::domain::transition::Machine;

/// Below this age a case needs the guardian's recorded consent (PIPL Art. 28 and 31).
pub const CONSENT_BELOW_AGE: i32 = 14;

/// The ages a case is opened for (kindergarten to college).
pub const AGES: std::ops::RangeInclusive<i32> = 3..=25;

coded_enum!(
    /// Where a case is in its life.
    CaseState {
        /// Taken in; waits for the office to offer it to an expert.
        Requested = "requested" / "待分派",
        /// Offered to one expert, who has not answered yet.
        Offered = "offered" / "待接受",
        /// The expert helps the family.
        Active = "active" / "辅导中",
        Closed = "closed" / "已结案",
        /// The guardian withdrew consent: the case is closed and its notes sealed off.
        Withdrawn = "withdrawn" / "已撤回同意",
        /// Not taken on.
        Rejected = "rejected" / "不受理",
    }
);

coded_enum!(
    /// A step of a case's life.
    CaseAction {
        Offer = "offer" / "派单",
        Accept = "accept" / "接受",
        Decline = "decline" / "婉拒",
        /// The offer ran out unanswered (the service).
        Lapse = "lapse" / "超时未答",
        Reject = "reject" / "不受理",
        Close = "close" / "结案",
        WithdrawConsent = "withdraw_consent" / "撤回同意",
    }
);

/// The history's action for a case's first entry (no `from`).
pub const CASE_REQUESTED: &str = "request";

coded_enum!(
    /// How soon a family needs help.
    Urgency {
        Normal = "normal" / "一般",
        Urgent = "urgent" / "紧急",
    }
);

coded_enum!(
    /// How the family would like to be helped.
    HelpMode {
        Online = "online" / "线上",
        Offline = "offline" / "面谈",
        Phone = "phone" / "电话",
    }
);

coded_enum!(
    /// How the guardian gave consent.
    ConsentMethod {
        Written = "written" / "书面",
        Oral = "oral" / "口头",
        Phone = "phone" / "电话",
        Online = "online" / "线上确认",
    }
);

coded_enum!(
    /// Why an admin reads a case's personal fields or notes (`X-Access-Purpose`).
    AccessPurpose {
        Safeguarding = "safeguarding" / "安全保护",
        Complaint = "complaint" / "投诉处理",
        QualityReview = "quality_review" / "质量检查",
        GuardianRequest = "guardian_request" / "监护人要求",
        LegalRequest = "legal_request" / "法律要求",
    }
);

coded_enum!(
    /// How a closed case ended.
    CaseOutcome {
        Resolved = "resolved" / "已解决",
        /// Sent on to a professional (a hospital's child psychology clinic, …).
        Referred = "referred" / "已转介",
    }
);

/// Whether a subject of `age` needs the guardian's consent on record.
pub fn consent_required(age: i32) -> bool {
    age < CONSENT_BELOW_AGE
}

/// The case life cycle.
pub struct CaseFlow;

/// Who acts on a case, as far as its life cycle cares.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseWho {
    pub admin: bool,
    /// A lead (团长/副团长) of the case's team.
    pub team_lead: bool,
    /// The expert the case is offered to or held by.
    pub its_expert: bool,
    /// The school that referred it.
    pub referring_school: bool,
    /// The service itself (an offer's lapse).
    pub service: bool,
}

impl Machine for CaseFlow {
    const OBJECT: &'static str = "case";
    type State = CaseState;
    type Action = CaseAction;
    type Who = CaseWho;
    const ACTIONS: &'static [CaseAction] = CaseAction::ALL;

    /// `requested –offer→ offered –accept→ active –close→ closed`; an offer declined or
    /// lapsed goes back to `requested`; a request may be rejected; consent is withdrawn from
    /// any open state.
    fn step(from: CaseState, action: CaseAction) -> Option<CaseState> {
        use CaseAction::*;
        use CaseState::*;
        match (from, action) {
            (Requested, Offer) => Some(Offered),
            (Offered, Accept) => Some(Active),
            (Offered, Decline | Lapse) => Some(Requested),
            (Requested, Reject) => Some(Rejected),
            (Active, Close) => Some(Closed),
            (Requested | Offered | Active, WithdrawConsent) => Some(Withdrawn),
            _ => None,
        }
    }

    fn may(action: CaseAction, who: &CaseWho) -> Result<(), &'static str> {
        use CaseAction::*;
        match action {
            Offer | Reject if who.admin || who.team_lead => Ok(()),
            Offer | Reject => Err("problem-forbidden-case_dispatch"),
            Accept | Decline | Close if who.its_expert => Ok(()),
            Accept | Decline | Close => Err("problem-forbidden-case_expert"),
            Lapse if who.service => Ok(()),
            Lapse => Err("problem-forbidden-case_service"),
            WithdrawConsent if who.admin || who.its_expert || who.referring_school => Ok(()),
            WithdrawConsent => Err("problem-forbidden-case_withdraw_consent"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::transition::Refusal;

    fn admin() -> CaseWho {
        CaseWho {
            admin: true,
            ..CaseWho::default()
        }
    }

    fn expert() -> CaseWho {
        CaseWho {
            its_expert: true,
            ..CaseWho::default()
        }
    }

    #[test]
    fn a_case_is_offered_accepted_and_closed() {
        let offered = CaseFlow::next(CaseState::Requested, CaseAction::Offer, &admin()).unwrap();
        assert_eq!(offered, CaseState::Offered);
        let active = CaseFlow::next(offered, CaseAction::Accept, &expert()).unwrap();
        assert_eq!(active, CaseState::Active);
        assert_eq!(
            CaseFlow::next(active, CaseAction::Close, &expert()).unwrap(),
            CaseState::Closed
        );
    }

    #[test]
    fn a_declined_or_lapsed_offer_goes_back_and_consent_ends_any_open_case() {
        let service = CaseWho {
            service: true,
            ..CaseWho::default()
        };
        assert_eq!(
            CaseFlow::next(CaseState::Offered, CaseAction::Decline, &expert()).unwrap(),
            CaseState::Requested
        );
        assert_eq!(
            CaseFlow::next(CaseState::Offered, CaseAction::Lapse, &service).unwrap(),
            CaseState::Requested
        );
        let school = CaseWho {
            referring_school: true,
            ..CaseWho::default()
        };
        for open in [CaseState::Requested, CaseState::Offered, CaseState::Active] {
            assert_eq!(
                CaseFlow::next(open, CaseAction::WithdrawConsent, &school).unwrap(),
                CaseState::Withdrawn
            );
        }
        assert!(matches!(
            CaseFlow::next(CaseState::Closed, CaseAction::WithdrawConsent, &admin()),
            Err(Refusal::Illegal { .. })
        ));
    }

    #[test]
    fn only_the_office_or_a_team_lead_dispatches_and_only_its_expert_answers() {
        assert!(matches!(
            CaseFlow::next(CaseState::Requested, CaseAction::Offer, &expert()),
            Err(Refusal::NotYours(_))
        ));
        let lead = CaseWho {
            team_lead: true,
            ..CaseWho::default()
        };
        assert!(CaseFlow::next(CaseState::Requested, CaseAction::Reject, &lead).is_ok());
        assert!(matches!(
            CaseFlow::next(CaseState::Offered, CaseAction::Accept, &admin()),
            Err(Refusal::NotYours(_))
        ));
    }

    #[test]
    fn consent_is_required_below_fourteen() {
        assert!(consent_required(13));
        assert!(!consent_required(14));
        assert!(AGES.contains(&3) && !AGES.contains(&26));
    }
}
