//! `/api/v1/teams`: the six sub-teams (分团) and their leads (团长, 副团长).

use crate::i18n::Msg;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::support::keep;
use crate::audit::AuditContext;
use crate::auth::{AdminUser, AuthUser};
use crate::db::{self, DbConnection};
use crate::domain::roster::LeadRole;
use crate::domain::validate;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiJson;
use crate::http::RequestMeta;
use crate::models::team::Team;
use crate::models::team_lead::{NamedLead, TeamLead};
use crate::usecase;

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
        let of_team = |role: LeadRole| {
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
            lead: of_team(LeadRole::Lead).into_iter().next(),
            deputies: of_team(LeadRole::Deputy),
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
    let team = Team::find(conn, code)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_sub_team_has")))?;
    let leads = TeamLead::named_for_teams(conn, &[code.to_owned()])?;
    Ok(TeamResponse::new(team, &leads))
}

/// One sub-team by its code.
#[utoipa::path(get, path = "/api/v1/teams/{code}", tag = "teams", params(("code" = crate::api::support::TeamCode, Path)),
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

/// Set a sub-team's 团长 and 副团长 (admin). Each must be an active expert serving the team
/// (as primary or extra team). Replaces the previous leads.
#[utoipa::path(put, path = "/api/v1/teams/{code}/leads", tag = "teams", request_body = SetLeadsRequest,
    params(("code" = crate::api::support::TeamCode, Path)), security(("bearer" = [])),
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
    let mut errors = Vec::new();
    let lead = body
        .lead
        .as_deref()
        .and_then(|id| keep(&mut errors, validate::id("lead", id)));
    let deputies: Vec<String> = body
        .deputies
        .iter()
        .enumerate()
        .filter_map(|(i, id)| keep(&mut errors, validate::id(&format!("deputies[{i}]"), id)))
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(admin.id()), now);
    let team = usecase::write(&state, audit, move |uow| {
        load_team(uow.conn, &code)?;
        usecase::team::set_leads(uow, &code, lead.as_deref(), &deputies)?;
        load_team(uow.conn, &code)
    })
    .await?;
    Ok(HttpResponse::Ok().json(team))
}
