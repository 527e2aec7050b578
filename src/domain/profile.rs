//! An expert's profile as the rules see it: the checks shared by creation, edits and the
//! CSV import. No I/O.

use crate::domain::roster::{Category, Gender, Mode};
use crate::domain::text;
use crate::error::FieldError;
use crate::i18n::Msg;

/// The six fixed sub-team codes (seeded by migration, never changed at run time).
pub const TEAM_CODES: [&str; 6] = [
    "family_education",
    "mental_health",
    "reading",
    "ideology",
    "traditional_culture",
    "legal_safety",
];

pub const DEFAULT_MAX_PER_WEEK: i32 = 3;
pub const DEFAULT_MAX_PER_MONTH: i32 = 10;

/// The sub-teams' codes with their Chinese names.
const TEAM_NAMES: [(&str, &str); 6] = [
    ("family_education", "家庭教育"),
    ("mental_health", "心理健康"),
    ("reading", "阅读辅导"),
    ("ideology", "思政教育"),
    ("traditional_culture", "传统文化"),
    ("legal_safety", "法制安全教育"),
];

/// A sub-team's Chinese name (分团), or the code itself for an unknown one.
pub fn team_label(code: &str) -> &str {
    TEAM_NAMES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, zh)| zh)
}

/// Parses a sub-team given by code or by its Chinese name (as the office's files have it).
pub fn team_code(raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    TEAM_NAMES
        .iter()
        .find(|(code, zh)| code.eq_ignore_ascii_case(raw) || *zh == raw)
        .map(|(code, _)| *code)
}

/// Every field of a profile except status and account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_year: Option<i32>,
    pub category: Category,
    pub former_post: Option<String>,
    pub former_org: Option<String>,
    pub specialties: Vec<String>,
    pub bio: String,
    pub districts: Vec<String>,
    pub modes: Vec<Mode>,
    pub max_per_week: i32,
    pub max_per_month: i32,
    pub rest_weekdays: Vec<i32>,
    pub primary_team: String,
    pub extra_teams: Vec<String>,
}

fn tidy_list(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values.iter().map(|v| text::nfc(v).trim().to_owned()) {
        if !v.is_empty() && !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// NFC and trimmed; a refused character is recorded and the value kept for the other checks.
fn tidy(errors: &mut Vec<FieldError>, field: &str, value: &str, multiline: bool) -> String {
    match text::clean(field, value, multiline) {
        Ok(clean) => clean,
        Err(e) => {
            errors.push(e);
            value.trim().to_owned()
        }
    }
}

fn check_list(
    errors: &mut Vec<FieldError>,
    field: &str,
    values: &[String],
    max_items: usize,
    max_len: usize,
) {
    if values.len() > max_items {
        errors.push(FieldError::new(
            field,
            "too_many",
            Msg::new("field-too_many-entries")
                .arg("field", field)
                .arg("max", max_items),
        ));
    }
    if values.iter().any(|v| v.chars().count() > max_len) {
        errors.push(FieldError::new(
            field,
            "too_long",
            Msg::new("field-too_long-entry")
                .arg("field", field)
                .arg("max", max_len),
        ));
    }
}

fn check_optional_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &Option<String>,
    max: usize,
) {
    if value.as_ref().is_some_and(|v| v.chars().count() > max) {
        errors.push(FieldError::new(
            field,
            "too_long",
            Msg::new("field-too_long-max")
                .arg("field", field)
                .arg("max", max),
        ));
    }
}

impl Profile {
    /// Trims and de-duplicates lists, drops the primary team from the extra ones, sorts
    /// modes and weekdays; then checks every rule and reports every broken one.
    pub fn normalized(mut self, current_year: i32) -> Result<Profile, Vec<FieldError>> {
        let mut errors = Vec::new();
        self.name = tidy(&mut errors, "name", &self.name, false);
        self.bio = tidy(&mut errors, "bio", &self.bio, true);
        self.former_post = self
            .former_post
            .map(|v| tidy(&mut errors, "former_post", &v, false))
            .filter(|v| !v.is_empty());
        self.former_org = self
            .former_org
            .map(|v| tidy(&mut errors, "former_org", &v, false))
            .filter(|v| !v.is_empty());
        self.specialties = tidy_list(&self.specialties);
        self.districts = tidy_list(&self.districts);
        for (field, list) in [
            ("specialties", &self.specialties),
            ("districts", &self.districts),
        ] {
            if let Some(e) = list.iter().find_map(|v| text::check(field, v, false).err()) {
                errors.push(e);
            }
        }
        self.modes.sort();
        self.modes.dedup();
        self.rest_weekdays.sort_unstable();
        self.rest_weekdays.dedup();
        self.primary_team = self.primary_team.trim().to_owned();
        let primary = self.primary_team.clone();
        self.extra_teams = tidy_list(&self.extra_teams)
            .into_iter()
            .filter(|t| *t != primary)
            .collect();

        if self.name.is_empty() {
            errors.push(FieldError::new(
                "name",
                "required",
                Msg::new("field-required-name_must_not_empty").arg("field", "name"),
            ));
        } else if self.name.chars().count() > 50 {
            errors.push(FieldError::new(
                "name",
                "too_long",
                Msg::new("field-too_long-name_has_most_50").arg("field", "name"),
            ));
        }
        if let Some(year) = self.birth_year
            && !(1900..=current_year - 18).contains(&year)
        {
            errors.push(FieldError::new(
                "birth_year",
                "out_of_range",
                Msg::new("field-out_of_range-birth_year")
                    .arg("field", "birth_year")
                    .arg("latest", current_year - 18),
            ));
        }
        check_optional_text(&mut errors, "former_post", &self.former_post, 100);
        check_optional_text(&mut errors, "former_org", &self.former_org, 100);
        check_list(&mut errors, "specialties", &self.specialties, 20, 50);
        check_list(&mut errors, "districts", &self.districts, 30, 50);
        if self.bio.chars().count() > 2000 {
            errors.push(FieldError::new(
                "bio",
                "too_long",
                Msg::new("field-too_long-bio_has_most_2000").arg("field", "bio"),
            ));
        }
        if !(0..=20).contains(&self.max_per_week) {
            errors.push(FieldError::new(
                "max_per_week",
                "out_of_range",
                Msg::new("field-out_of_range-max_per_week_must").arg("field", "max_per_week"),
            ));
        }
        if !(0..=80).contains(&self.max_per_month) {
            errors.push(FieldError::new(
                "max_per_month",
                "out_of_range",
                Msg::new("field-out_of_range-max_per_month_must").arg("field", "max_per_month"),
            ));
        } else if (0..=20).contains(&self.max_per_week) && self.max_per_week > self.max_per_month {
            errors.push(FieldError::new(
                "max_per_month",
                "out_of_range",
                Msg::new("field-out_of_range-max_per_month_must_2").arg("field", "max_per_month"),
            ));
        }
        if self.rest_weekdays.iter().any(|d| !(1..=7).contains(d)) {
            errors.push(FieldError::new(
                "rest_weekdays",
                "out_of_range",
                Msg::new("field-out_of_range-weekdays_iso_numbers_1").arg("field", "rest_weekdays"),
            ));
        }
        if !TEAM_CODES.contains(&self.primary_team.as_str()) {
            errors.push(FieldError::new(
                "primary_team",
                "invalid_choice",
                Msg::new("field-invalid_choice-teams")
                    .arg("field", "primary_team")
                    .arg("allowed", TEAM_CODES.join(", ")),
            ));
        }
        if self
            .extra_teams
            .iter()
            .any(|t| !TEAM_CODES.contains(&t.as_str()))
        {
            errors.push(FieldError::new(
                "extra_teams",
                "invalid_choice",
                Msg::new("field-invalid_choice-teams")
                    .arg("field", "extra_teams")
                    .arg("allowed", TEAM_CODES.join(", ")),
            ));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// Primary team first, then the extra ones.
    pub fn teams(&self) -> Vec<String> {
        std::iter::once(self.primary_team.clone())
            .chain(self.extra_teams.iter().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        Profile {
            name: " 王秀兰 ".into(),
            gender: Some(Gender::Female),
            birth_year: Some(1950),
            category: Category::VeteranTeacher,
            former_post: Some("  ".into()),
            former_org: None,
            specialties: vec!["亲子沟通".into(), " 亲子沟通".into(), "".into()],
            bio: "退休特级教师".into(),
            districts: vec!["鼓楼区".into()],
            modes: vec![Mode::Offline, Mode::Online, Mode::Offline],
            max_per_week: 3,
            max_per_month: 10,
            rest_weekdays: vec![7, 6, 7],
            primary_team: "family_education".into(),
            extra_teams: vec!["family_education".into(), "reading".into()],
        }
    }

    #[test]
    fn normalizing_tidies_lists() {
        let p = profile().normalized(2026).unwrap();
        assert_eq!(p.name, "王秀兰");
        assert_eq!(p.former_post, None);
        assert_eq!(p.specialties, ["亲子沟通"]);
        assert_eq!(p.modes, [Mode::Online, Mode::Offline]);
        assert_eq!(p.rest_weekdays, [6, 7]);
        assert_eq!(p.extra_teams, ["reading"]);
        assert_eq!(p.teams(), ["family_education", "reading"]);
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let bad = Profile {
            name: "".into(),
            birth_year: Some(2020),
            max_per_week: 5,
            max_per_month: 4,
            rest_weekdays: vec![0, 8],
            primary_team: "astrology".into(),
            ..profile()
        };
        let fields: Vec<String> = bad
            .normalized(2026)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "birth_year",
                "max_per_month",
                "rest_weekdays",
                "primary_team"
            ]
        );
    }

    #[test]
    fn teams_parse_by_code_or_chinese_name() {
        assert_eq!(team_code("法制安全教育"), Some("legal_safety"));
        assert_eq!(team_code(" reading "), Some("reading"));
        assert_eq!(team_code("天文"), None);
    }
}
