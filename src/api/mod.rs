//! The HTTP API. Every route is registered in [`configure`], so the whole surface reads
//! in one screen; [`ApiDoc`] documents the same list.

pub mod audit;
pub mod auth;
pub mod course;
pub mod expert;
pub mod health;
pub mod history;
pub mod me;
pub mod notification;
pub mod pagination;
pub mod roster_csv;
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
                    web::resource("/auth/password-reset")
                        .route(web::post().to(auth::request_password_reset)),
                )
                .service(
                    web::resource("/auth/set-password").route(web::post().to(auth::set_password)),
                )
                .service(web::resource("/me").route(web::get().to(me::get_me)))
                .service(web::resource("/me/password").route(web::post().to(me::change_password)))
                .service(
                    web::resource("/me/notifications")
                        .route(web::get().to(notification::list_my_notifications)),
                )
                .service(
                    web::resource("/me/notifications/{id}/read")
                        .route(web::post().to(notification::read_notification)),
                )
                .service(
                    web::resource("/admin/outbox").route(web::get().to(notification::list_outbox)),
                )
                .service(
                    web::resource("/admin/outbox/{id}/retry")
                        .route(web::post().to(notification::retry_outbox)),
                )
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
                .service(
                    web::resource("/teams/{code}/leads").route(web::put().to(team::set_team_leads)),
                )
                .service(
                    web::resource("/schools")
                        .route(web::get().to(school::list_schools))
                        .route(web::post().to(school::create_school)),
                )
                .service(
                    web::resource("/schools/{id}")
                        .route(web::get().to(school::get_school))
                        .route(web::patch().to(school::update_school)),
                )
                .service(
                    web::resource("/experts")
                        .route(web::get().to(expert::list_experts))
                        .route(web::post().to(expert::create_expert_handler)),
                )
                // Before /experts/{id}, which would otherwise take these names as ids.
                .service(
                    web::resource("/experts/import")
                        .route(web::post().to(roster_csv::import_experts)),
                )
                .service(
                    web::resource("/experts/export.csv")
                        .route(web::get().to(roster_csv::export_experts)),
                )
                .service(
                    web::resource("/experts/{id}")
                        .route(web::get().to(expert::get_expert))
                        .route(web::patch().to(expert::update_expert)),
                )
                .service(
                    web::resource("/experts/{id}/status")
                        .route(web::post().to(expert::change_expert_status)),
                )
                .service(
                    web::resource("/experts/{id}/history")
                        .route(web::get().to(expert::expert_history)),
                )
                .service(
                    web::resource("/courses")
                        .route(web::get().to(course::list_courses))
                        .route(web::post().to(course::create_course)),
                )
                .service(
                    web::resource("/courses/{id}")
                        .route(web::get().to(course::get_course))
                        .route(web::patch().to(course::update_course)),
                )
                .service(
                    web::resource("/courses/{id}/review")
                        .route(web::post().to(course::review_course)),
                )
                .service(
                    web::resource("/courses/{id}/retire")
                        .route(web::post().to(course::retire_course)),
                )
                .service(
                    web::resource("/courses/{id}/history")
                        .route(web::get().to(course::course_history)),
                )
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
        auth::request_password_reset,
        notification::list_my_notifications,
        notification::read_notification,
        notification::list_outbox,
        notification::retry_outbox,
        me::get_me,
        me::change_password,
        user::create_user,
        user::list_users,
        user::get_user,
        user::update_user,
        user::reset_user_password,
        team::list_teams,
        team::get_team,
        team::set_team_leads,
        school::create_school,
        school::list_schools,
        school::get_school,
        school::update_school,
        expert::create_expert_handler,
        expert::list_experts,
        expert::get_expert,
        expert::update_expert,
        expert::change_expert_status,
        expert::expert_history,
        roster_csv::import_experts,
        roster_csv::export_experts,
        course::create_course,
        course::list_courses,
        course::get_course,
        course::update_course,
        course::review_course,
        course::retire_course,
        course::course_history,
        audit::list_audit,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    tags(
        (name = "auth", description = "log in, refresh, log out, set a password"),
        (name = "me", description = "the caller's own account"),
        (name = "users", description = "login accounts, managed by the office"),
        (name = "teams", description = "the six sub-teams (分团) and their leads"),
        (name = "schools", description = "schools, kindergartens and colleges"),
        (name = "experts", description = "the roster (专家团名册): profiles, membership, import and export"),
        (name = "courses", description = "the course menu (课程菜单) and its review"),
        (name = "audit", description = "the append-only audit log"),
        (name = "admin", description = "mail delivery: the outbox"),
        (name = "operations", description = "health, readiness, this document"),
    )
)]
pub struct ApiDoc;
