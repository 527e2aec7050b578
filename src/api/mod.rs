//! The HTTP API. Every route is registered in [`configure`], so the whole surface reads
//! in one screen; [`ApiDoc`] documents the same list.

pub mod audit;
pub mod auth;
pub mod expert;
pub mod health;
pub mod me;
pub mod pagination;
pub mod school;
pub mod support;
pub mod team;
pub mod user;

use actix_web::web;
use utoipa::openapi::RefOr;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").route(web::get().to(health::healthz)))
        .service(web::resource("/readyz").route(web::get().to(health::readyz)))
        .service(
            web::scope("/api/v1")
                .service(
                    web::resource("/openapi.json").route(web::get().to(health::openapi_document)),
                )
                .service(web::resource("/auth/login").route(web::post().to(auth::login)))
                .service(web::resource("/auth/refresh").route(web::post().to(auth::refresh)))
                .service(web::resource("/auth/logout").route(web::post().to(auth::logout)))
                .service(
                    web::resource("/auth/set-password").route(web::post().to(auth::set_password)),
                )
                .service(web::resource("/me").route(web::get().to(me::get_me)))
                .service(web::resource("/me/password").route(web::post().to(me::change_password)))
                .service(
                    web::resource("/users")
                        .route(web::get().to(user::list_users))
                        .route(web::post().to(user::create_user)),
                )
                .service(
                    web::resource("/users/{id}")
                        .route(web::get().to(user::get_user))
                        .route(web::patch().to(user::update_user)),
                )
                .service(
                    web::resource("/users/{id}/password-reset")
                        .route(web::post().to(user::reset_user_password)),
                )
                .service(web::resource("/teams").route(web::get().to(team::list_teams)))
                .service(web::resource("/teams/{code}").route(web::get().to(team::get_team)))
                .service(web::resource("/audit").route(web::get().to(audit::list_audit))),
        );
}

/// Adds the bearer scheme, and declares error bodies as `application/problem+json`.
struct ApiConventions;

impl Modify for ApiConventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, response) in operation.responses.responses.iter_mut() {
                    let is_error = status.starts_with('4') || status.starts_with('5');
                    if let (true, RefOr::T(response)) = (is_error, response)
                        && let Some(content) = response.content.shift_remove("application/json")
                    {
                        response
                            .content
                            .insert(crate::error::PROBLEM_JSON.to_owned(), content);
                    }
                }
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "guanai",
        description = "Booking and dispatch for a city education bureau's care expert team (关爱专家团). \
                       Errors are RFC 9457 problem details; see api_docs/README.md.",
        license(name = "MIT"),
    ),
    modifiers(&ApiConventions),
    paths(
        health::healthz,
        health::readyz,
        health::openapi_document,
        auth::login,
        auth::refresh,
        auth::logout,
        auth::set_password,
        me::get_me,
        me::change_password,
        user::create_user,
        user::list_users,
        user::get_user,
        user::update_user,
        user::reset_user_password,
        team::list_teams,
        team::get_team,
        audit::list_audit,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    tags(
        (name = "auth", description = "log in, refresh, log out, set a password"),
        (name = "me", description = "the caller's own account"),
        (name = "users", description = "login accounts, managed by the office"),
        (name = "teams", description = "the six sub-teams (分团)"),
        (name = "audit", description = "the append-only audit log"),
        (name = "operations", description = "health, readiness, this document"),
    )
)]
pub struct ApiDoc;
