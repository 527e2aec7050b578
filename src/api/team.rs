//! `/api/v1/teams`: the six sub-teams (分团).

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::AuthUser;
use crate::db;
use crate::error::{ApiError, ApiResult, Problem};
use crate::models::team::Team;

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamResponse {
    /// Fixed code, e.g. `mental_health`.
    pub code: String,
    /// 中文名, e.g. 心理健康.
    pub name_zh: String,
    pub name_en: String,
}

impl From<Team> for TeamResponse {
    fn from(team: Team) -> Self {
        Self {
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

/// The six sub-teams, in their fixed order.
#[utoipa::path(get, path = "/api/v1/teams", tag = "teams", security(("bearer" = [])),
    responses((status = 200, body = TeamList), (status = 401, body = Problem)))]
pub async fn list_teams(state: web::Data<AppState>, _user: AuthUser) -> ApiResult<HttpResponse> {
    let teams = db::run(&state.db, |conn| Ok(Team::all(conn)?)).await?;
    Ok(HttpResponse::Ok().json(TeamList {
        items: teams.into_iter().map(TeamResponse::from).collect(),
        next_cursor: None,
    }))
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
    let team = db::run(&state.db, move |conn| Ok(Team::find(conn, &code)?))
        .await?
        .ok_or_else(|| ApiError::not_found("no sub-team has this code"))?;
    Ok(HttpResponse::Ok().json(TeamResponse::from(team)))
}
