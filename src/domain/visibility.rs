//! Who sees what of the roster and the course menu. Pure rules over the caller's relations.

/// How much of an expert's profile a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileView {
    /// Everything, contact details and membership included.
    Full,
    /// Name, teams, specialties, bio and modes only.
    Public,
}

/// The caller's relations that matter for visibility.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub is_admin: bool,
    pub own_expert_id: Option<&'a str>,
    pub lead_teams: &'a [String],
}

impl Viewer<'_> {
    fn leads_any(&self, teams: &[String]) -> bool {
        teams.iter().any(|t| self.lead_teams.contains(t))
    }
}

/// Admins see everyone in full; an expert sees themselves in full; a lead sees the
/// experts of their teams in full; everyone sees active experts' public profile; nobody
/// else sees anything (404).
pub fn expert_view(
    viewer: Viewer<'_>,
    expert_id: &str,
    expert_teams: &[String],
    active: bool,
) -> Option<ProfileView> {
    if viewer.is_admin || viewer.own_expert_id == Some(expert_id) || viewer.leads_any(expert_teams)
    {
        Some(ProfileView::Full)
    } else if active {
        Some(ProfileView::Public)
    } else {
        None
    }
}

/// Approved courses of active experts are on the menu for everyone; an expert also sees
/// their own, a lead their teams', an admin all.
pub fn course_visible(
    viewer: Viewer<'_>,
    course_expert_id: &str,
    course_team: &str,
    approved: bool,
    expert_active: bool,
) -> bool {
    viewer.is_admin
        || viewer.own_expert_id == Some(course_expert_id)
        || viewer.lead_teams.iter().any(|t| t == course_team)
        || (approved && expert_active)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn teams(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn profiles_by_relation() {
        let none: Vec<String> = Vec::new();
        let reading = teams(&["reading"]);
        let admin = Viewer {
            is_admin: true,
            own_expert_id: None,
            lead_teams: &none,
        };
        let me = Viewer {
            is_admin: false,
            own_expert_id: Some("e1"),
            lead_teams: &none,
        };
        let lead = Viewer {
            is_admin: false,
            own_expert_id: Some("e9"),
            lead_teams: &reading,
        };
        let school = Viewer {
            is_admin: false,
            own_expert_id: None,
            lead_teams: &none,
        };
        let e1_teams = teams(&["reading", "ideology"]);

        assert_eq!(
            expert_view(admin, "e1", &e1_teams, false),
            Some(ProfileView::Full)
        );
        assert_eq!(
            expert_view(me, "e1", &e1_teams, false),
            Some(ProfileView::Full)
        );
        assert_eq!(
            expert_view(lead, "e1", &e1_teams, false),
            Some(ProfileView::Full)
        );
        assert_eq!(
            expert_view(school, "e1", &e1_teams, true),
            Some(ProfileView::Public)
        );
        assert_eq!(expert_view(school, "e1", &e1_teams, false), None);
        assert_eq!(
            expert_view(lead, "e2", &teams(&["legal_safety"]), true),
            Some(ProfileView::Public)
        );
    }
}
