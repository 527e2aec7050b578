//! A course proposal as the rules see it (规范授课内容). No I/O.

use crate::domain::roster::{Audience, GradeBand, Mode};
use crate::error::FieldError;

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
        self.title = self.title.trim().to_owned();
        self.description = self.description.trim().to_owned();
        self.outline = self.outline.trim().to_owned();
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
                "team must be one of the six sub-team codes",
            ));
        }
        let mut text = |field: &str, value: &str, max: usize, required: bool| {
            if required && value.is_empty() {
                errors.push(FieldError::new(
                    field,
                    "required",
                    format!("{field} must not be empty"),
                ));
            } else if value.chars().count() > max {
                errors.push(FieldError::new(
                    field,
                    "too_long",
                    format!("{field} has at most {max} characters"),
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
                "name at least one audience",
            ));
        }
        let for_students = self.audiences.contains(&Audience::Students);
        if for_students && self.grade_bands.is_empty() {
            errors.push(FieldError::new(
                "grade_bands",
                "required",
                "a course for students names its grade bands",
            ));
        }
        if !for_students && !self.grade_bands.is_empty() {
            errors.push(FieldError::new(
                "grade_bands",
                "not_allowed",
                "grade bands apply to student audiences only",
            ));
        }
        if self.modes.is_empty() {
            errors.push(FieldError::new(
                "modes",
                "required",
                "name at least one mode",
            ));
        }
        if self.modes.contains(&Mode::OneOnOne) {
            errors.push(FieldError::new(
                "modes",
                "invalid_choice",
                "a course is given online or offline; one-on-one work is a case",
            ));
        }
        if !(30..=240).contains(&self.duration_minutes) {
            errors.push(FieldError::new(
                "duration_minutes",
                "out_of_range",
                "duration_minutes must be between 30 and 240",
            ));
        }
        if self
            .max_audience
            .is_some_and(|n| !(1..=100_000).contains(&n))
        {
            errors.push(FieldError::new(
                "max_audience",
                "out_of_range",
                "max_audience must be between 1 and 100000",
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
