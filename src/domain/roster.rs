//! The roster's vocabulary (五老 categories, membership status, modes, school types, course
//! audiences and grade bands) and the membership state machine.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Defines a closed set of snake_case codes, each with its Chinese label. Both the code
/// and the label parse (CSV files from the office use the Chinese).
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal / $zh:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// The Chinese label (中文名).
            pub fn label_zh(self) -> &'static str {
                match self {
                    $($name::$variant => $zh),+
                }
            }

            /// The codes, for error messages.
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ();

            fn from_str(s: &str) -> Result<Self, ()> {
                let s = s.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(s) || v.label_zh() == s)
                    .ok_or(())
            }
        }
    };
}

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

impl ExpertStatus {
    /// Where membership may go from here: `candidate → active | exited`,
    /// `active → suspended | exited`, `suspended → active | exited`, `exited → candidate`.
    pub fn allowed_next(self) -> &'static [ExpertStatus] {
        use ExpertStatus::*;
        match self {
            Candidate => &[Active, Exited],
            Active => &[Suspended, Exited],
            Suspended => &[Active, Exited],
            Exited => &[Candidate],
        }
    }

    pub fn can_become(self, to: ExpertStatus) -> bool {
        self.allowed_next().contains(&to)
    }
}

impl CourseStatus {
    /// Editing an approved or rejected course sends it back to review; a retired course
    /// cannot be edited.
    pub fn after_edit(self) -> Option<CourseStatus> {
        match self {
            CourseStatus::PendingReview | CourseStatus::Approved | CourseStatus::Rejected => {
                Some(CourseStatus::PendingReview)
            }
            CourseStatus::Retired => None,
        }
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
        for from in ExpertStatus::ALL {
            for to in ExpertStatus::ALL {
                assert_eq!(
                    from.can_become(*to),
                    legal.contains(&(*from, *to)),
                    "{from} → {to}"
                );
            }
        }
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

    #[test]
    fn edits_send_courses_back_to_review() {
        assert_eq!(
            CourseStatus::Approved.after_edit(),
            Some(CourseStatus::PendingReview)
        );
        assert_eq!(
            CourseStatus::Rejected.after_edit(),
            Some(CourseStatus::PendingReview)
        );
        assert_eq!(CourseStatus::Retired.after_edit(), None);
    }
}
