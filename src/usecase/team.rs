//! The six sub-teams' leads (团长 and 副团长).

use crate::i18n::Msg;
use serde_json::json;

use crate::db::DbConnection;
use crate::domain::roster::{ExpertStatus, LeadRole};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::models::expert::Expert;
use crate::models::team_lead::TeamLead;
use crate::models::user::User;
use crate::usecase::Uow;

/// Whom a team's business goes to: the office (every active admin) and the active leads of
/// `team` — a course's reviewers, a leave's approvers, a lecture's dispatchers. Oldest
/// admin first, then the leads; an account may appear twice (callers tell each once).
pub fn office_and_leads(conn: &mut DbConnection, team: &str) -> ApiResult<Vec<User>> {
    let mut users = User::active_admins(conn)?;
    for user_id in TeamLead::reviewer_users(conn, team)? {
        if let Some(user) = User::find(conn, &user_id)?.filter(|u| u.active) {
            users.push(user);
        }
    }
    Ok(users)
}

/// Why `expert_id` cannot lead `team`, if it cannot: it must be an active expert serving the team.
fn lead_problem(
    conn: &mut DbConnection,
    field: String,
    expert_id: &str,
    team: &str,
) -> ApiResult<Option<FieldError>> {
    let Some(expert) = Expert::find(conn, expert_id)? else {
        return Ok(Some(FieldError::new(
            field.clone(),
            "not_found",
            Msg::new("field-not_found-no_expert_has_id").arg("field", field),
        )));
    };
    if expert.status != ExpertStatus::Active {
        return Ok(Some(FieldError::new(
            field.clone(),
            "not_active",
            Msg::new("field-not_active-only_active_expert_can").arg("field", field),
        )));
    }
    let teams = Expert::sets(conn, expert_id)?.all_teams(&expert.primary_team);
    if !teams.iter().any(|t| t == team) {
        return Ok(Some(FieldError::new(
            field.clone(),
            "not_member",
            Msg::new("field-not_member-expert_does_not_serve").arg("field", field),
        )));
    }
    Ok(None)
}

/// Replaces `team`'s 团长 (`lead`, or none) and 副团长 (`deputies`, duplicates dropped).
/// Each must be an active expert serving the team; every problem is reported.
pub fn set_leads(
    uow: &mut Uow<'_>,
    team: &str,
    lead: Option<&str>,
    deputies: &[String],
) -> ApiResult<()> {
    let before = TeamLead::named_for_teams(uow.conn, &[team.to_owned()])?;
    let mut unique: Vec<String> = Vec::new();
    for d in deputies {
        if !unique.contains(d) {
            unique.push(d.clone());
        }
    }
    let mut errors = Vec::new();
    if let Some(lead) = lead {
        errors.extend(lead_problem(uow.conn, "lead".to_owned(), lead, team)?);
        if unique.iter().any(|d| d == lead) {
            errors.push(FieldError::new(
                "deputies",
                "duplicate",
                Msg::new("field-duplicate-cannot_also").arg("field", "deputies"),
            ));
        }
    }
    for (i, deputy) in unique.iter().enumerate() {
        errors.extend(lead_problem(
            uow.conn,
            format!("deputies[{i}]"),
            deputy,
            team,
        )?);
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = uow.now();
    TeamLead::replace_for_team(uow.conn, team, lead, &unique, now)?;
    let of_role = |role: LeadRole| {
        before
            .iter()
            .filter(|l| l.lead_role == role)
            .map(|l| l.expert_id.clone())
            .collect::<Vec<_>>()
    };
    let detail = json!({
        "before": { "lead": of_role(LeadRole::Lead).first(), "deputies": of_role(LeadRole::Deputy) },
        "after": { "lead": lead, "deputies": unique },
    });
    uow.record("team.leads_changed", "team", Some(team), detail)
}
