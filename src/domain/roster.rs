//! The roster's vocabulary (五老 categories, membership status, modes, school types, course
//! audiences and grade bands) and the membership state machine.

use std::str::FromStr;

use crate::domain::coded::coded_enum;
use crate::domain::transition::Machine;

coded_enum!(
    /// 五老: the five kinds of veterans the team is drawn from.
    Category {
        VeteranCadre = "veteran_cadre" / "老干部",
        VeteranSoldier = "veteran_soldier" / "老战士",
        VeteranExpert = "veteran_expert" / "老专家",
        VeteranTeacher = "veteran_teacher" / "老教师",
        VeteranModel = "veteran_model" / "老模范",
    }
);

coded_enum!(
    Gender {
        Male = "male" / "男",
        Female = "female" / "女",
    }
);

coded_enum!(
    /// How an expert serves: online lectures, on-site lectures, one-on-one counseling.
    Mode {
        Online = "online" / "线上",
        Offline = "offline" / "线下",
        OneOnOne = "one_on_one" / "一对一",
    }
);

coded_enum!(
    /// Membership (有出有进、进出有序). Only `active` experts get offers.
    ExpertStatus {
        Candidate = "candidate" / "候选",
        Active = "active" / "在册",
        Suspended = "suspended" / "暂停",
        Exited = "exited" / "退出",
    }
);

coded_enum!(
    SchoolType {
        Kindergarten = "kindergarten" / "幼儿园",
        Primary = "primary" / "小学",
        JuniorHigh = "junior_high" / "初中",
        SeniorHigh = "senior_high" / "高中",
        Vocational = "vocational" / "职业学校",
        University = "university" / "高校",
        Other = "other" / "其他",
    }
);

coded_enum!(
    Audience {
        Students = "students" / "学生",
        Parents = "parents" / "家长",
        Teachers = "teachers" / "教师",
    }
);

coded_enum!(
    /// Grade bands for student audiences.
    GradeBand {
        Kindergarten = "kindergarten" / "幼儿园",
        PrimaryLower = "primary_lower" / "小学低年级",
        PrimaryUpper = "primary_upper" / "小学高年级",
        JuniorHigh = "junior_high" / "初中",
        SeniorHigh = "senior_high" / "高中",
        Vocational = "vocational" / "职业学校",
        University = "university" / "高校",
    }
);

coded_enum!(
    /// A course on the menu: reviewed before schools can book it.
    CourseStatus {
        PendingReview = "pending_review" / "待审核",
        Approved = "approved" / "已通过",
        Rejected = "rejected" / "未通过",
        Retired = "retired" / "已下架",
    }
);

coded_enum!(
    /// 团长 or 副团长.
    LeadRole {
        Lead = "lead" / "团长",
        Deputy = "deputy" / "副团长",
    }
);

coded_enum!(
    /// A step of membership (有出有进、进出有序).
    MembershipAction {
        /// `candidate → active`: the qualification decision (资格确定).
        Qualify = "qualify" / "资格确定",
        Suspend = "suspend" / "暂停",
        Reinstate = "reinstate" / "恢复",
        Exit = "exit" / "退出",
        /// `exited → candidate`: a former member comes back.
        Readmit = "readmit" / "重新登记",
    }
);

/// The history's action for the first membership entry (no `from`).
pub const MEMBERSHIP_ENTERED: &str = "enter";

/// Membership as a state machine: only the office moves it.
pub struct Membership;

/// Who moves membership.
#[derive(Debug, Clone, Copy)]
pub struct MembershipWho {
    pub admin: bool,
}

impl Machine for Membership {
    const OBJECT: &'static str = "expert";
    type State = ExpertStatus;
    type Action = MembershipAction;
    type Who = MembershipWho;
    const ACTIONS: &'static [MembershipAction] = MembershipAction::ALL;

    /// `candidate → active | exited`, `active → suspended | exited`,
    /// `suspended → active | exited`, `exited → candidate`.
    fn step(from: ExpertStatus, action: MembershipAction) -> Option<ExpertStatus> {
        use ExpertStatus::*;
        use MembershipAction::*;
        match (from, action) {
            (Candidate, Qualify) => Some(Active),
            (Active, Suspend) => Some(Suspended),
            (Suspended, Reinstate) => Some(Active),
            (Candidate | Active | Suspended, Exit) => Some(Exited),
            (Exited, Readmit) => Some(Candidate),
            _ => None,
        }
    }

    fn may(_: MembershipAction, who: &MembershipWho) -> Result<(), &'static str> {
        if who.admin {
            Ok(())
        } else {
            Err("problem-forbidden-membership")
        }
    }
}

impl MembershipAction {
    /// The step that leads from `from` to `to`, if there is one (the API names the target).
    pub fn towards(from: ExpertStatus, to: ExpertStatus) -> Option<MembershipAction> {
        MembershipAction::ALL
            .iter()
            .copied()
            .find(|a| Membership::step(from, *a) == Some(to))
    }
}

/// Parses a stored code; a stored value outside the set is a bug, reported as such.
pub fn stored<T: FromStr>(raw: &str) -> Result<T, crate::error::ApiError> {
    raw.parse()
        .map_err(|_| crate::error::ApiError::internal(format!("unexpected stored value `{raw}`")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_moves_only_along_the_charter() {
        use ExpertStatus::*;
        let legal = [
            (Candidate, Active),
            (Candidate, Exited),
            (Active, Suspended),
            (Active, Exited),
            (Suspended, Active),
            (Suspended, Exited),
            (Exited, Candidate),
        ];
        let admin = MembershipWho { admin: true };
        for from in ExpertStatus::ALL {
            for to in ExpertStatus::ALL {
                let action = MembershipAction::towards(*from, *to);
                assert_eq!(
                    action.is_some(),
                    legal.contains(&(*from, *to)),
                    "{from} → {to}"
                );
                if let Some(action) = action {
                    assert_eq!(Membership::next(*from, action, &admin), Ok(*to));
                }
            }
        }
    }

    #[test]
    fn only_the_office_moves_membership_and_illegal_steps_name_the_legal_ones() {
        use crate::domain::transition::Refusal;
        let lead = MembershipWho { admin: false };
        assert!(matches!(
            Membership::next(ExpertStatus::Active, MembershipAction::Suspend, &lead),
            Err(Refusal::NotYours(_))
        ));
        let admin = MembershipWho { admin: true };
        let Err(Refusal::Illegal { allowed, .. }) =
            Membership::next(ExpertStatus::Exited, MembershipAction::Suspend, &admin)
        else {
            panic!("exited experts cannot be suspended")
        };
        assert_eq!(allowed, ["readmit → candidate"]);
    }

    #[test]
    fn codes_and_chinese_labels_both_parse() {
        assert_eq!("老教师".parse::<Category>(), Ok(Category::VeteranTeacher));
        assert_eq!(
            "veteran_model".parse::<Category>(),
            Ok(Category::VeteranModel)
        );
        assert_eq!(" 线上 ".parse::<Mode>(), Ok(Mode::Online));
        assert!("astronaut".parse::<Category>().is_err());
        assert_eq!(Mode::codes(), "online, offline, one_on_one");
    }
}
