//! The HTTP API. Every route is in one table ([`route_table!`]), so the whole surface reads
//! in one screen; the registrations, [`ROUTES`] and the OpenAPI document all come from it.

pub mod audit;
pub mod auth;
pub mod availability;
pub mod consultation;
pub mod course;
pub mod expert;
pub mod health;
pub mod history;
pub mod leave;
pub mod lecture;
pub mod me;
pub mod notification;
pub(crate) mod openapi;
pub mod pagination;
pub mod roster_csv;
pub mod school;
pub mod service_record;
pub mod shape;
pub mod support;
pub mod team;
pub mod user;

use actix_web::web;
use utoipa::OpenApi;

use openapi::ApiConventions;

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
    pub use actix_web::web::{delete, patch, post, put};
    /// GET, and HEAD on the same handler (actix sends a HEAD answer's headers only): every
    /// readable route answers HEAD, as calendar apps and link checkers ask.
    pub fn get() -> actix_web::Route {
        use actix_web::guard;
        actix_web::web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
    }
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
            let mut scopes = Scopes::default();
            $( scopes.add($path, |rest| {
                web::resource(rest)
                    $( .route(verb::$method().to($($handler)::+)) )+
                    .default_service(web::to(|| async {
                        crate::http::method_not_allowed(&[$(method_name(stringify!($method))),+])
                    }))
                    .wrap(actix_web::middleware::Condition::new(
                        has_create(&[$(stringify!($method)),+]),
                        actix_web::middleware::from_fn(crate::idempotency::middleware),
                    ))
            }); )*
            $( scopes.add($page, |rest| {
                web::resource(rest)
                    $( .route(verb::$page_method().to($($page_handler)::+)) )+
                    .default_service(web::to(|| async {
                        crate::http::method_not_allowed(&[$(method_name(stringify!($page_method))),+])
                    }))
            }); )*
            scopes.register(cfg);
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

/// The routes grouped by resource (`/api/v1/lectures`, `/healthz`, …), each group one actix
/// scope, and inside a group the routes below its pattern segment (`/{id}`, `/{id}/offer`,
/// …) one nested scope of that pattern. The router tries a scope by comparing its literal
/// prefix and only then the patterns inside it; registered flat, every request ran each
/// `{id}` pattern registered before its own through the regular-expression engine (8 % of
/// a lecture page's instructions, callgrind), and with one scope a group still ran each of
/// its own (a quarter of the server's time on a lecture's evaluations page, the 18th of its
/// group: perf). Now a request meets at most one pattern a level. Groups keep the table's
/// order; in a group its literal routes come first (the table puts a literal path before
/// the `{id}` path it would match), then its nested scopes, each in the table's order.
#[derive(Default)]
struct Scopes(Vec<Group>);

struct Group {
    prefix: &'static str,
    literal: Option<actix_web::Scope>,
    nested: Vec<(&'static str, Option<actix_web::Scope>)>,
}

impl Scopes {
    /// Adds the route at `path`, made by `resource` from the path below its scope's prefix.
    fn add<R>(&mut self, path: &'static str, resource: impl FnOnce(&'static str) -> R)
    where
        R: actix_web::dev::HttpServiceFactory + 'static,
    {
        let (prefix, rest) = split_route(path);
        let group = find_or_push(
            &mut self.0,
            |g| g.prefix == prefix,
            || Group {
                prefix,
                literal: Some(web::scope(prefix)),
                nested: Vec::new(),
            },
        );
        let (slot, rest) = match split_pattern(rest) {
            Some((pattern, rest)) => {
                let nested = find_or_push(
                    &mut group.nested,
                    |(p, _)| *p == pattern,
                    || (pattern, Some(web::scope(pattern))),
                );
                (&mut nested.1, rest)
            }
            None => (&mut group.literal, rest),
        };
        *slot = slot.take().map(|scope| scope.service(resource(rest)));
    }

    fn register(self, cfg: &mut web::ServiceConfig) {
        for group in self.0 {
            let Some(mut scope) = group.literal else {
                continue;
            };
            for nested in group.nested.into_iter().filter_map(|(_, scope)| scope) {
                scope = scope.service(nested);
            }
            cfg.service(scope);
        }
    }
}

/// The item of `items` that `is` picks, pushed first from `make` when there is none (the
/// groups and a group's nested scopes keep the order they are first named in).
fn find_or_push<T>(
    items: &mut Vec<T>,
    is: impl Fn(&T) -> bool,
    make: impl FnOnce() -> T,
) -> &mut T {
    let i = match items.iter().position(is) {
        Some(i) => i,
        None => {
            items.push(make());
            items.len() - 1
        }
    };
    &mut items[i]
}

/// The pattern segment a group's rest starts with and what follows it: `/{id}/offer` →
/// (`/{id}`, `/offer`), `/{id}` → (`/{id}`, ``); a literal rest (`/queue`, ``) has none.
const fn split_pattern(rest: &'static str) -> Option<(&'static str, &'static str)> {
    let bytes = rest.as_bytes();
    if bytes.len() < 2 || bytes[0] != b'/' || bytes[1] != b'{' {
        return None;
    }
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i] == b'/' {
            return Some(rest.split_at(i));
        }
        i += 1;
    }
    Some((rest, ""))
}

/// A route's group prefix (its first three segments, those before a pattern, or the whole
/// of a shorter path) and the rest: `/api/v1/lectures/{id}/offer` → (`/api/v1/lectures`,
/// `/{id}/offer`); `/verify/{serial}` → (`/verify`, `/{serial}`).
const fn split_route(path: &'static str) -> (&'static str, &'static str) {
    let bytes = path.as_bytes();
    let (mut i, mut slashes) = (0, 0);
    while i < bytes.len() {
        if bytes[i] == b'/' {
            slashes += 1;
            let pattern_next = i > 0 && i + 1 < bytes.len() && bytes[i + 1] == b'{';
            if slashes == 4 || pattern_next {
                return path.split_at(i);
            }
        }
        i += 1;
    }
    (path, "")
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
        "/api/v1/experts/{id}/calendar-token" { create => lecture::rotate_calendar_token }
        "/api/v1/experts/{id}/calendar.ics" { get => lecture::calendar_feed }
        "/api/v1/experts/{id}/availability" { get => availability::get_availability, put => availability::put_availability }
        "/api/v1/experts/{id}/service-record" { get => service_record::get_service_record }
        "/api/v1/experts/{id}/service-record.csv" { get => service_record::get_service_record_csv }
        "/api/v1/experts/{id}/service-record.html" { get => service_record::get_service_record_html }
        "/api/v1/experts/{id}/certificates" { create => service_record::issue_certificate }
        "/api/v1/courses" { get => course::list_courses, create => course::create_course }
        "/api/v1/courses/{id}" { get => course::get_course, patch => course::update_course }
        "/api/v1/courses/{id}/review" { post => course::review_course }
        "/api/v1/courses/{id}/retire" { post => course::retire_course }
        "/api/v1/courses/{id}/history" { get => course::course_history }
        "/api/v1/lectures" { get => lecture::list_lectures, create => lecture::create_lecture }
        "/api/v1/lectures/queue" { get => lecture::lecture_queue }
        "/api/v1/lectures/{id}" { get => lecture::get_lecture, patch => lecture::update_lecture }
        "/api/v1/lectures/{id}/offer" { post => lecture::offer_lecture }
        "/api/v1/lectures/{id}/accept" { post => lecture::accept_lecture }
        "/api/v1/lectures/{id}/decline" { post => lecture::decline_lecture }
        "/api/v1/lectures/{id}/reject" { post => lecture::reject_lecture }
        "/api/v1/lectures/{id}/cancel" { post => lecture::cancel_lecture }
        "/api/v1/lectures/{id}/reschedule" { post => lecture::reschedule_lecture }
        "/api/v1/lectures/{id}/suggestions" { get => lecture::lecture_suggestions }
        "/api/v1/lectures/{id}/check-in-code" { get => lecture::lecture_check_in_code }
        "/api/v1/lectures/{id}/check-in" { post => lecture::check_in_lecture }
        "/api/v1/lectures/{id}/check-out" { post => lecture::check_out_lecture }
        "/api/v1/lectures/{id}/correct" { post => lecture::correct_lecture }
        "/api/v1/lectures/{id}/report" { create => lecture::report_lecture }
        "/api/v1/lectures/{id}/attendance" { create => lecture::confirm_lecture_audience }
        "/api/v1/lectures/{id}/observers" { create => lecture::assign_lecture_observer }
        "/api/v1/lectures/{id}/observers/{expert_id}" { delete => lecture::remove_lecture_observer }
        "/api/v1/lectures/{id}/observations" { get => lecture::list_lecture_observations, create => lecture::file_lecture_observation }
        "/api/v1/lectures/{id}/evaluations" { get => lecture::list_lecture_evaluations, create => lecture::evaluate_lecture }
        "/api/v1/lectures/{id}/evaluations/{evaluation_id}" { patch => lecture::update_lecture_evaluation }
        "/api/v1/lectures/{id}/participants" { create => lecture::join_lecture, delete => lecture::withdraw_from_lecture }
        "/api/v1/leaves" { get => leave::list_leaves, create => leave::create_leave }
        "/api/v1/leaves/{id}" { get => leave::get_leave }
        "/api/v1/leaves/{id}/approve" { post => leave::approve_leave }
        "/api/v1/leaves/{id}/reject" { post => leave::reject_leave }
        "/api/v1/leaves/{id}/withdraw" { post => leave::withdraw_leave }
        "/api/v1/consultations" { get => consultation::list_consultations, create => consultation::create_consultation }
        "/api/v1/consultations/{id}" { get => consultation::get_consultation }
        "/api/v1/blackouts" { get => availability::list_blackouts, create => availability::create_blackout }
        "/api/v1/blackouts/{id}" { delete => availability::delete_blackout }
        "/api/v1/audit" { get => audit::list_audit }
    ]
    pages: [
        "/set-password" { get => crate::pages::set_password::show, post => crate::pages::set_password::submit }
        "/confirm-email" { get => crate::pages::confirm_email::show, post => crate::pages::confirm_email::submit }
        "/verify/{serial}" { get => crate::pages::verify::show }
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
            (name = "lectures", description = "lectures (授课场次): requests (约课), dispatch (派课), offers and their answers"),
            (name = "leaves", description = "experts' leave (请假): asked for, approved or rejected, recorded by the office, withdrawn"),
            (name = "consultations", description = "hotline consultations (热线咨询): one-off answers recorded as counts, nothing personal"),
            (name = "blackouts", description = "the school calendar's closed periods (exam weeks, holidays, term breaks)"),
            (name = "audit", description = "the append-only audit log"),
            (name = "admin", description = "mail delivery: the outbox"),
            (name = "operations", description = "health, readiness, this document"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{split_pattern, split_route};

    #[test]
    fn a_route_is_grouped_by_its_first_three_segments() {
        assert_eq!(
            split_route("/api/v1/lectures/{id}/offer"),
            ("/api/v1/lectures", "/{id}/offer")
        );
        assert_eq!(split_route("/api/v1/lectures"), ("/api/v1/lectures", ""));
        assert_eq!(
            split_route("/api/v1/me/password"),
            ("/api/v1/me", "/password")
        );
        assert_eq!(split_route("/healthz"), ("/healthz", ""));
        assert_eq!(split_route("/verify/{serial}"), ("/verify", "/{serial}"));
    }

    #[test]
    fn a_groups_routes_below_a_pattern_share_its_scope() {
        assert_eq!(split_pattern("/{id}/offer"), Some(("/{id}", "/offer")));
        assert_eq!(
            split_pattern("/{id}/observers/{expert_id}"),
            Some(("/{id}", "/observers/{expert_id}"))
        );
        assert_eq!(split_pattern("/{serial}"), Some(("/{serial}", "")));
        assert_eq!(split_pattern("/queue"), None);
        assert_eq!(split_pattern(""), None);
    }

    #[test]
    fn every_route_of_a_group_shares_its_prefix() {
        let mut patterns = std::collections::HashMap::new();
        for route in super::ROUTES {
            let (prefix, rest) = split_route(route.path);
            assert_eq!(format!("{prefix}{rest}"), route.path);
            assert!(
                !prefix.contains('{'),
                "{} groups under a pattern",
                route.path
            );
            // One pattern scope a group: a second (`/{code}` beside `/{id}`) would never be
            // reached, the first taking every path below the group.
            if let Some((pattern, _)) = split_pattern(rest) {
                let first = patterns.entry(prefix).or_insert(pattern);
                assert_eq!(*first, pattern, "{} names its pattern anew", route.path);
            }
        }
    }
}
