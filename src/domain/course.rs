//! A course proposal as the rules see it (规范授课内容). No I/O.

use crate::domain::coded::coded_enum;
use crate::domain::roster::{Audience, CourseStatus, GradeBand, Mode};
use crate::domain::text;
use crate::domain::transition::Machine;
use crate::error::FieldError;
use crate::i18n::Msg;

coded_enum!(
    /// A step of a course's review (课程审核).
    CourseAction {
        Approve = "approve" / "审核通过",
        Reject = "reject" / "审核不通过",
        /// An edit: a decided course goes back to review.
        Edit = "edit" / "修改",
        /// Off the menu.
        Retire = "retire" / "下架",
    }
);

/// The history's action for a course's first entry (no `from`).
pub const COURSE_PROPOSED: &str = "propose";

/// The course menu's review as a state machine.
pub struct CourseReview;

/// Who acts on a course.
#[derive(Debug, Clone, Copy, Default)]
pub struct CourseWho {
    pub admin: bool,
    /// The course's expert.
    pub author: bool,
    /// A lead (团长/副团长) of the course's team.
    pub team_lead: bool,
}

impl Machine for CourseReview {
    const OBJECT: &'static str = "course";
    type State = CourseStatus;
    type Action = CourseAction;
    type Who = CourseWho;
    const ACTIONS: &'static [CourseAction] = CourseAction::ALL;

    /// `pending_review → approved | rejected`; an edit sends a pending, approved or
    /// rejected course (back) to review; only an approved course is retired; a retired
    /// course is final.
    fn step(from: CourseStatus, action: CourseAction) -> Option<CourseStatus> {
        use CourseAction::*;
        use CourseStatus::*;
        match (from, action) {
            (PendingReview, Approve) => Some(Approved),
            (PendingReview, Reject) => Some(Rejected),
            (PendingReview | Approved | Rejected, Edit) => Some(PendingReview),
            (Approved, Retire) => Some(Retired),
            _ => None,
        }
    }

    fn may(action: CourseAction, who: &CourseWho) -> Result<(), &'static str> {
        match action {
            CourseAction::Approve | CourseAction::Reject if who.author => {
                Err("problem-forbidden-course_review_own")
            }
            CourseAction::Approve | CourseAction::Reject if who.admin || who.team_lead => Ok(()),
            CourseAction::Approve | CourseAction::Reject => Err("problem-forbidden-course_review"),
            CourseAction::Edit | CourseAction::Retire if who.admin || who.author => Ok(()),
            CourseAction::Edit => Err("problem-forbidden-course_edit"),
            CourseAction::Retire => Err("problem-forbidden-course_retire"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseDraft {
    pub team: String,
    pub title: String,
    pub description: String,
    pub outline: String,
    pub audiences: Vec<Audience>,
    pub grade_bands: Vec<GradeBand>,
    pub modes: Vec<Mode>,
    pub duration_minutes: i32,
    pub max_audience: Option<i32>,
}

impl CourseDraft {
    /// Trims, sorts and de-duplicates; then checks every rule and reports every broken one.
    pub fn normalized(mut self) -> Result<CourseDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        self.team = self.team.trim().to_owned();
        let mut clean = |field: &str, value: &str, multiline: bool| {
            text::clean(field, value, multiline).unwrap_or_else(|e| {
                errors.push(e);
                value.trim().to_owned()
            })
        };
        self.title = clean("title", &self.title, false);
        self.description = clean("description", &self.description, true);
        self.outline = clean("outline", &self.outline, true);
        self.audiences.sort();
        self.audiences.dedup();
        self.grade_bands.sort();
        self.grade_bands.dedup();
        self.modes.sort();
        self.modes.dedup();

        if !crate::domain::profile::TEAM_CODES.contains(&self.team.as_str()) {
            errors.push(FieldError::new(
                "team",
                "invalid_choice",
                Msg::new("field-invalid_choice-team_must_six_sub").arg("field", "team"),
            ));
        }
        let mut text = |field: &str, value: &str, max: usize, required: bool| {
            if required && value.is_empty() {
                errors.push(FieldError::new(
                    field,
                    "required",
                    Msg::new("field-required-empty").arg("field", field),
                ));
            } else if value.chars().count() > max {
                errors.push(FieldError::new(
                    field,
                    "too_long",
                    Msg::new("field-too_long-max")
                        .arg("field", field)
                        .arg("max", max),
                ));
            }
        };
        text("title", &self.title, 100, true);
        text("description", &self.description, 2000, true);
        text("outline", &self.outline, 5000, false);
        if self.audiences.is_empty() {
            errors.push(FieldError::new(
                "audiences",
                "required",
                Msg::new("field-required-name_least_audience").arg("field", "audiences"),
            ));
        }
        let for_students = self.audiences.contains(&Audience::Students);
        if for_students && self.grade_bands.is_empty() {
            errors.push(FieldError::new(
                "grade_bands",
                "required",
                Msg::new("field-required-course_students_names_grade").arg("field", "grade_bands"),
            ));
        }
        if !for_students && !self.grade_bands.is_empty() {
            errors.push(FieldError::new(
                "grade_bands",
                "not_allowed",
                Msg::new("field-not_allowed-grade_bands_apply_student").arg("field", "grade_bands"),
            ));
        }
        if self.modes.is_empty() {
            errors.push(FieldError::new(
                "modes",
                "required",
                Msg::new("field-required-name_least_mode").arg("field", "modes"),
            ));
        }
        if self.modes.contains(&Mode::OneOnOne) {
            errors.push(FieldError::new(
                "modes",
                "invalid_choice",
                Msg::new("field-invalid_choice-course_given_online_offline").arg("field", "modes"),
            ));
        }
        if !(30..=240).contains(&self.duration_minutes) {
            errors.push(FieldError::new(
                "duration_minutes",
                "out_of_range",
                Msg::new("field-out_of_range-duration_minutes_must_between")
                    .arg("field", "duration_minutes"),
            ));
        }
        if self
            .max_audience
            .is_some_and(|n| !(1..=100_000).contains(&n))
        {
            errors.push(FieldError::new(
                "max_audience",
                "out_of_range",
                Msg::new("field-out_of_range-max_audience_must_between")
                    .arg("field", "max_audience"),
            ));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::transition::Refusal;

    #[test]
    fn reviews_edits_and_retirement_follow_the_menu_rules() {
        use CourseAction::*;
        use CourseStatus::*;
        let office = CourseWho {
            admin: true,
            ..CourseWho::default()
        };
        assert_eq!(
            CourseReview::next(PendingReview, Approve, &office),
            Ok(Approved)
        );
        assert_eq!(
            CourseReview::next(PendingReview, Reject, &office),
            Ok(Rejected)
        );
        assert_eq!(
            CourseReview::next(Approved, Edit, &office),
            Ok(PendingReview)
        );
        assert_eq!(
            CourseReview::next(Rejected, Edit, &office),
            Ok(PendingReview)
        );
        assert_eq!(CourseReview::next(Approved, Retire, &office), Ok(Retired));
        for action in [Approve, Reject, Edit, Retire] {
            assert!(matches!(
                CourseReview::next(Retired, action, &office),
                Err(Refusal::Illegal { .. })
            ));
        }
        assert!(matches!(
            CourseReview::next(Approved, Approve, &office),
            Err(Refusal::Illegal { .. })
        ));
    }

    #[test]
    fn an_author_never_reviews_their_own_course_even_as_lead() {
        let author_lead = CourseWho {
            author: true,
            team_lead: true,
            admin: false,
        };
        assert!(matches!(
            CourseReview::next(
                CourseStatus::PendingReview,
                CourseAction::Approve,
                &author_lead
            ),
            Err(Refusal::NotYours(_))
        ));
        let lead = CourseWho {
            team_lead: true,
            ..CourseWho::default()
        };
        assert_eq!(
            CourseReview::next(CourseStatus::PendingReview, CourseAction::Approve, &lead),
            Ok(CourseStatus::Approved)
        );
        assert!(matches!(
            CourseReview::next(CourseStatus::Approved, CourseAction::Retire, &lead),
            Err(Refusal::NotYours(_))
        ));
    }

    fn draft() -> CourseDraft {
        CourseDraft {
            team: "family_education".into(),
            title: " 如何与青春期孩子沟通 ".into(),
            description: "面向家长的沟通方法".into(),
            outline: "".into(),
            audiences: vec![Audience::Parents, Audience::Parents],
            grade_bands: vec![],
            modes: vec![Mode::Offline, Mode::Online],
            duration_minutes: 90,
            max_audience: Some(300),
        }
    }

    #[test]
    fn a_good_draft_is_tidied() {
        let d = draft().normalized().unwrap();
        assert_eq!(d.title, "如何与青春期孩子沟通");
        assert_eq!(d.audiences, [Audience::Parents]);
        assert_eq!(d.modes, [Mode::Online, Mode::Offline]);
    }

    #[test]
    fn grade_bands_go_with_students_only() {
        let students = CourseDraft {
            audiences: vec![Audience::Students],
            ..draft()
        };
        assert_eq!(students.normalized().unwrap_err()[0].field, "grade_bands");
        let parents = CourseDraft {
            grade_bands: vec![GradeBand::JuniorHigh],
            ..draft()
        };
        assert_eq!(parents.normalized().unwrap_err()[0].code, "not_allowed");
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let bad = CourseDraft {
            team: "astrology".into(),
            title: "".into(),
            audiences: vec![],
            modes: vec![Mode::OneOnOne],
            duration_minutes: 20,
            max_audience: Some(0),
            ..draft()
        };
        let fields: Vec<String> = bad
            .normalized()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "team",
                "title",
                "audiences",
                "modes",
                "duration_minutes",
                "max_audience"
            ]
        );
    }
}
