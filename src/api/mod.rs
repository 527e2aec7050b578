//! The HTTP API. Every route is in one table ([`route_table!`]), so the whole surface reads
//! in one screen; the registrations, [`ROUTES`] and the OpenAPI document all come from it.

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

/// How a route appears in [`ROUTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    /// Part of the JSON API and of the OpenAPI document.
    Api,
    /// An HTML page (linked from mails), outside the OpenAPI document.
    Page,
}

/// One method on one path.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    /// `GET`, `POST`, `PATCH`, `PUT`, `DELETE`.
    pub method: &'static str,
    /// As registered, with `{name}` segments.
    pub path: &'static str,
    pub kind: RouteKind,
    /// A creating POST: honours `Idempotency-Key` (written `create =>` in the table).
    pub creates: bool,
}

/// The table's verbs: the HTTP methods, and `create`, a POST that creates something and so
/// honours `Idempotency-Key`.
mod verb {
    pub use actix_web::web::{get, patch, post, put};
    pub fn create() -> actix_web::Route {
        actix_web::web::post()
    }
}

/// Whether a resource has a creating POST (then the idempotency middleware wraps it).
const fn has_create(verbs: &[&str]) -> bool {
    let mut i = 0;
    while i < verbs.len() {
        if let b"create" = verbs[i].as_bytes() {
            return true;
        }
        i += 1;
    }
    false
}

/// The one route table. From it come the actix registrations ([`configure`]), the list of
/// routes ([`ROUTES`], which the authorization matrix test walks) and the OpenAPI
/// document's paths ([`ApiDoc`]), so a registered API route that is undocumented cannot
/// exist. Within a section, literal paths come before `{id}` paths they would match.
macro_rules! route_table {
    (
        api: [ $( $path:literal { $( $method:ident => $($handler:ident)::+ ),+ $(,)? } )* ]
        pages: [ $( $page:literal { $( $page_method:ident => $($page_handler:ident)::+ ),+ $(,)? } )* ]
        openapi: { $($openapi:tt)* }
    ) => {
        pub fn configure(cfg: &mut web::ServiceConfig) {
            $( cfg.service(
                web::resource($path)
                    $( .route(verb::$method().to($($handler)::+)) )+
                    .default_service(web::to(|| async {
                        crate::http::method_not_allowed(&[$(method_name(stringify!($method))),+])
                    }))
                    .wrap(actix_web::middleware::Condition::new(
                        has_create(&[$(stringify!($method)),+]),
                        actix_web::middleware::from_fn(crate::idempotency::middleware),
                    )),
            ); )*
            $( cfg.service(
                web::resource($page)
                    $( .route(verb::$page_method().to($($page_handler)::+)) )+
                    .default_service(web::to(|| async {
                        crate::http::method_not_allowed(&[$(method_name(stringify!($page_method))),+])
                    })),
            ); )*
        }

        /// Every route, one row per method and path.
        pub const ROUTES: &[RouteSpec] = &[
            $( $( RouteSpec {
                method: method_name(stringify!($method)),
                path: $path,
                kind: RouteKind::Api,
                creates: has_create(&[stringify!($method)]),
            }, )+ )*
            $( $( RouteSpec {
                method: method_name(stringify!($page_method)),
                path: $page,
                kind: RouteKind::Page,
                creates: false,
            }, )+ )*
        ];

        #[derive(OpenApi)]
        #[openapi(
            paths( $( $( $($handler)::+ , )+ )* ),
            $($openapi)*
        )]
        pub struct ApiDoc;
    };
}

const fn method_name(method: &'static str) -> &'static str {
    match method.as_bytes() {
        b"get" => "GET",
        b"post" | b"create" => "POST",
        b"patch" => "PATCH",
        b"put" => "PUT",
        b"delete" => "DELETE",
        _ => panic!("unknown method in the route table"),
    }
}

route_table! {
    api: [
        "/healthz" { get => health::healthz }
        "/readyz" { get => health::readyz }
        "/api/v1/openapi.json" { get => health::openapi_document }
        "/api/v1/auth/login" { post => auth::login }
        "/api/v1/auth/refresh" { post => auth::refresh }
        "/api/v1/auth/logout" { post => auth::logout }
        "/api/v1/auth/password-reset" { post => auth::request_password_reset }
        "/api/v1/auth/set-password" { post => auth::set_password }
        "/api/v1/me" { get => me::get_me, patch => me::update_me }
        "/api/v1/me/password" { post => me::change_password }
        "/api/v1/me/notifications" { get => notification::list_my_notifications }
        "/api/v1/me/notifications/read-all" { post => notification::read_all_notifications }
        "/api/v1/me/notifications/{id}/read" { post => notification::read_notification }
        "/api/v1/admin/outbox" { get => notification::list_outbox }
        "/api/v1/admin/outbox/{id}/retry" { post => notification::retry_outbox }
        "/api/v1/users" { get => user::list_users, create => user::create_user }
        "/api/v1/users/{id}" { get => user::get_user, patch => user::update_user }
        "/api/v1/users/{id}/password-reset" { post => user::reset_user_password }
        "/api/v1/teams" { get => team::list_teams }
        "/api/v1/teams/{code}" { get => team::get_team }
        "/api/v1/teams/{code}/leads" { put => team::set_team_leads }
        "/api/v1/schools" { get => school::list_schools, create => school::create_school }
        "/api/v1/schools/{id}" { get => school::get_school, patch => school::update_school }
        "/api/v1/experts" { get => expert::list_experts, create => expert::create_expert_handler }
        "/api/v1/experts/import" { create => roster_csv::import_experts }
        "/api/v1/experts/export.csv" { get => roster_csv::export_experts }
        "/api/v1/experts/{id}" { get => expert::get_expert, patch => expert::update_expert }
        "/api/v1/experts/{id}/status" { post => expert::change_expert_status }
        "/api/v1/experts/{id}/history" { get => expert::expert_history }
        "/api/v1/courses" { get => course::list_courses, create => course::create_course }
        "/api/v1/courses/{id}" { get => course::get_course, patch => course::update_course }
        "/api/v1/courses/{id}/review" { post => course::review_course }
        "/api/v1/courses/{id}/retire" { post => course::retire_course }
        "/api/v1/courses/{id}/history" { get => course::course_history }
        "/api/v1/audit" { get => audit::list_audit }
    ]
    pages: [
        "/set-password" { get => crate::pages::set_password::show, post => crate::pages::set_password::submit }
        "/confirm-email" { get => crate::pages::confirm_email::show, post => crate::pages::confirm_email::submit }
    ]
    openapi: {
        info(
            title = "guanai",
            description = "Booking and dispatch for a city education bureau's care expert team (关爱专家团). \
                           Errors are RFC 9457 problem details; see api_docs/README.md.",
            license(name = "MIT"),
        ),
        modifiers(&ApiConventions),
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
    }
}

/// The `Idempotency-Key` header of a creating POST.
fn idempotency_key_parameter() -> utoipa::openapi::path::Parameter {
    use utoipa::openapi::Required;
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "A key of your choosing (1-255 visible ASCII characters): a retry with the same key \
             and body replays the first answer instead of creating again (kept 24 hours). \
             See api_docs/README.md.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[\\x21-\\x7E]+$")),
        ))
        .build()
}

/// Adds the bearer scheme, and declares error bodies as `application/problem+json`.
struct ApiConventions;

impl Modify for ApiConventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let creates = ROUTES.iter().any(|r| r.creates && r.path == path.as_str());
            if creates && let Some(post) = item.post.as_mut() {
                post.parameters
                    .get_or_insert_with(Vec::new)
                    .push(idempotency_key_parameter());
            }
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
