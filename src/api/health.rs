//! Liveness, readiness and the OpenAPI document.

use crate::db::OnBackend;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::{OpenApi as _, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    /// `ok` or `ready`.
    pub status: String,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = HealthResponse)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthResponse {
        status: "ok".to_owned(),
    })
}

/// The database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = HealthResponse), (status = 503, body = crate::error::Problem)))]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    crate::db::run(&state.db, |conn| {
        diesel::sql_query("SELECT 1").execute_on(conn).map_err(|e| {
            tracing::warn!(error = %e, "readiness check failed");
            ApiError::Unavailable {
                code: "database_unavailable",
                detail: crate::i18n::Msg::new("problem-database_unavailable-ready").into(),
            }
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(HealthResponse {
        status: "ready".to_owned(),
    }))
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "the OpenAPI document", content_type = "application/json")))]
pub async fn openapi_document() -> HttpResponse {
    HttpResponse::Ok().json(super::ApiDoc::openapi())
}
