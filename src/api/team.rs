//! `/api/v1/teams`: the six sub-teams (分团) and their leads (团长, 副团长).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::AppState;
use crate::audit::AuditContext;
use crate::auth::{AdminUser, AuthUser};
use crate::db::{self, DbConnection};
use crate::domain::roster::ExpertStatus;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::ApiJson;
use crate::http::RequestMeta;
use crate::models::expert::Expert;
use crate::models::team::Team;
use crate::models::team_lead::{NamedLead, TeamLead};

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadRef {
    pub expert_id: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamResponse {
    /// Fixed code, e.g. `mental_health`.
    pub code: String,
    /// 中文名, e.g. 心理健康.
    pub name_zh: String,
    pub name_en: String,
    /// 团长.
    pub lead: Option<LeadRef>,
    /// 副团长.
    pub deputies: Vec<LeadRef>,
}

impl TeamResponse {
    fn new(team: Team, leads: &[NamedLead]) -> Self {
        let of_team = |role: &str| {
            leads
                .iter()
                .filter(|l| l.team_code == team.code && l.lead_role == role)
                .map(|l| LeadRef {
                    expert_id: l.expert_id.clone(),
                    name: l.name.clone(),
                })
                .collect::<Vec<_>>()
        };
        Self {
            lead: of_team("lead").into_iter().next(),
            deputies: of_team("deputy"),
            code: team.code,
            name_zh: team.name_zh,
            name_en: team.name_en,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamList {
    pub items: Vec<TeamResponse>,
    /// Always null: six teams fit on one page.
    pub next_cursor: Option<String>,
}

/// The six sub-teams, in their fixed order, with their leads.
#[utoipa::path(get, path = "/api/v1/teams", tag = "teams", security(("bearer" = [])),
    responses((status = 200, body = TeamList), (status = 401, body = Problem)))]
pub async fn list_teams(state: web::Data<AppState>, _user: AuthUser) -> ApiResult<HttpResponse> {
    let (teams, leads) = db::run(&state.db, |conn| {
        let teams = Team::all(conn)?;
        let codes: Vec<String> = teams.iter().map(|t| t.code.clone()).collect();
        Ok((teams, TeamLead::named_for_teams(conn, &codes)?))
    })
    .await?;
    Ok(HttpResponse::Ok().json(TeamList {
        items: teams
            .into_iter()
            .map(|t| TeamResponse::new(t, &leads))
            .collect(),
        next_cursor: None,
    }))
}

fn load_team(conn: &mut DbConnection, code: &str) -> ApiResult<TeamResponse> {
    let team =
        Team::find(conn, code)?.ok_or_else(|| ApiError::not_found("no sub-team has this code"))?;
    let leads = TeamLead::named_for_teams(conn, &[code.to_owned()])?;
    Ok(TeamResponse::new(team, &leads))
}

/// One sub-team by its code.
#[utoipa::path(get, path = "/api/v1/teams/{code}", tag = "teams", params(("code" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = TeamResponse), (status = 404, body = Problem)))]
pub async fn get_team(
    state: web::Data<AppState>,
    _user: AuthUser,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let code = code.into_inner();
    let team = db::run(&state.db, move |conn| load_team(conn, &code)).await?;
    Ok(HttpResponse::Ok().json(team))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetLeadsRequest {
    /// The 团长's expert id, or null for none.
    pub lead: Option<String>,
    /// The 副团长' expert ids.
    #[serde(default)]
    pub deputies: Vec<String>,
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
            field,
            "not_found",
            "no expert has this id",
        )));
    };
    if expert.status != ExpertStatus::Active {
        return Ok(Some(FieldError::new(
            field,
            "not_active",
            "only an active expert can lead",
        )));
    }
    let teams = Expert::sets(conn, expert_id)?.all_teams(&expert.primary_team);
    if !teams.iter().any(|t| t == team) {
        return Ok(Some(FieldError::new(
            field,
            "not_member",
            "the expert does not serve this sub-team",
        )));
    }
    Ok(None)
}

/// Set a sub-team's 团长 and 副团长 (admin). Each must be an active expert serving the team
/// (as primary or extra team). Replaces the previous leads.
#[utoipa::path(put, path = "/api/v1/teams/{code}/leads", tag = "teams", request_body = SetLeadsRequest,
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = TeamResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn set_team_leads(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    meta: RequestMeta,
    code: web::Path<String>,
    ApiJson(body): ApiJson<SetLeadsRequest>,
) -> ApiResult<HttpResponse> {
    let code = code.into_inner();
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(admin.id()), now);
    let team = db::run_tx(&state.db, move |conn| {
        let before = load_team(conn, &code)?;
        let mut deputies: Vec<String> = Vec::new();
        for d in body.deputies.clone() {
            if !deputies.contains(&d) {
                deputies.push(d);
            }
        }
        let mut errors = Vec::new();
        if let Some(lead) = &body.lead {
            errors.extend(lead_problem(conn, "lead".to_owned(), lead, &code)?);
            if deputies.contains(lead) {
                errors.push(FieldError::new("deputies", "duplicate", "the 团长 cannot also be a 副团长"));
            }
        }
        for (i, deputy) in deputies.iter().enumerate() {
            errors.extend(lead_problem(conn, format!("deputies[{i}]"), deputy, &code)?);
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        TeamLead::replace_for_team(conn, &code, body.lead.as_deref(), &deputies, now)?;
        let detail = json!({
            "before": { "lead": before.lead.map(|l| l.expert_id), "deputies": before.deputies.into_iter().map(|l| l.expert_id).collect::<Vec<_>>() },
            "after": { "lead": body.lead, "deputies": deputies },
        });
        audit.record(conn, "team.leads_changed", "team", Some(&code), detail)?;
        load_team(conn, &code)
    })
    .await?;
    Ok(HttpResponse::Ok().json(team))
}
