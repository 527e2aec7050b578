//! The authorization matrix: every route of the route table, called by every kind of caller,
//! on objects of their own and of someone else. The expected status of each call is in
//! [`ROWS`]; a route without a row fails the test.
//!
//! The callers: no token, the office (admin), the lead of the `reading` team, a plain
//! expert of that team (`plain`), and a school (`school.a`). The objects: `plain`'s courses
//! (approved and pending), another team's expert (`outsider`) and courses, another school;
//! lectures offered to `plain`, to the lead (the lead as its expert) and to the outsider (the
//! lead as a lead of another team).

mod rows;
mod world;

use actix_web::http::{Method, header};
use actix_web::test::TestRequest;
use serde_json::{Value, json};

use rows::ROWS;
use world::World;

/// Caller columns, in the order of [`Row::expect`].
const CALLERS: [&str; 5] = ["no token", "admin", "lead", "expert", "school"];

/// One call: method, path (with `{placeholders}` for the world's objects), body, and the
/// status each caller gets: no token, admin, lead, expert, school.
pub(super) struct Row {
    method: &'static str,
    path: &'static str,
    body: Body,
    expect: [u16; 5],
    /// The successes of different callers cannot disturb each other (each touches only
    /// the caller's own account, or nothing), so they may share one world.
    independent: bool,
}

#[derive(Clone, Copy)]
pub(super) enum Body {
    None,
    Json(fn() -> Value),
    Csv(&'static str),
    /// `application/x-www-form-urlencoded`, as the served pages' forms post.
    Form(&'static str),
}

pub(super) const fn row(
    method: &'static str,
    path: &'static str,
    body: Body,
    expect: [u16; 5],
) -> Row {
    Row {
        method,
        path,
        body,
        expect,
        independent: false,
    }
}

/// A row whose callers' successes are independent of each other (see [`Row::independent`]).
pub(super) const fn own(
    method: &'static str,
    path: &'static str,
    body: Body,
    expect: [u16; 5],
) -> Row {
    Row {
        independent: true,
        ..row(method, path, body, expect)
    }
}

/// `/api/v1/courses/{pending_course}` and `/api/v1/courses/{id}` are the same route.
fn route_shape(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn every_route_in_the_table_has_a_row() {
    let missing: Vec<String> = guanai::api::ROUTES
        .iter()
        .filter(|route| {
            !ROWS.iter().any(|row| {
                row.method == route.method && route_shape(row.path) == route_shape(route.path)
            })
        })
        .map(|route| format!("{} {}", route.method, route.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a matrix row: {missing:?}"
    );
}

/// Calls `row` as `caller` in `world` and says what differs from the matrix, if anything.
async fn check(world: &World, row: &Row, caller: usize, wrong: &mut Vec<String>) {
    let expected = row.expect[caller];
    let response = world.call(row, caller).await;
    let status = response.status.as_u16();
    let is_page = guanai::api::ROUTES.iter().any(|route| {
        route.kind == guanai::api::RouteKind::Page
            && route.method == row.method
            && route_shape(route.path) == route_shape(row.path)
    });
    // An API refusal is problem+json; a page's is a page.
    let well_formed = if is_page {
        response
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    } else {
        response.header("content-type") == Some("application/problem+json")
            && response.body["status"] == status
    };
    if status != expected || (status >= 400 && !well_formed) {
        wrong.push(format!(
            "{} {} as {}: expected {expected}, got {status}: {}",
            row.method, row.path, CALLERS[caller], response.body
        ));
    }
}

#[actix_web::test]
async fn every_caller_gets_exactly_what_the_matrix_says() {
    let mut wrong = Vec::new();
    // Reads change nothing: one world serves them all.
    let readers = World::new().await;
    for row in ROWS.iter().filter(|r| r.method == "GET") {
        for caller in 0..CALLERS.len() {
            check(&readers, row, caller, &mut wrong).await;
        }
    }
    // A write gets a world per row: the refused calls first (they change nothing, and an
    // unexpected success shows up as a difference), then the first expected success; every
    // further success gets a fresh world, so one caller's change cannot hide another's.
    for row in ROWS.iter().filter(|r| r.method != "GET") {
        let world = World::new().await;
        let (allowed, refused): (Vec<usize>, Vec<usize>) =
            (0..CALLERS.len()).partition(|c| row.expect[*c] < 400);
        for caller in refused {
            check(&world, row, caller, &mut wrong).await;
        }
        for (n, caller) in allowed.into_iter().enumerate() {
            if n == 0 || row.independent {
                check(&world, row, caller, &mut wrong).await;
            } else {
                check(&World::new().await, row, caller, &mut wrong).await;
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} calls differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// A caller who names a field they may not set (`status`, `school_id`, `expert_id`, `role`,
/// `version`, or an admin-only profile field) is refused, and the object stays as it was.
#[actix_web::test]
async fn fields_a_caller_may_not_set_change_nothing() {
    const ADMIN: usize = 1;
    const LEAD: usize = 2;
    const EXPERT: usize = 3;
    const SCHOOL: usize = 4;
    // caller, method, path, body, expected status; then what to read back and its pointer.
    let cases: [(usize, &str, &str, Value, u16, &str, &str); 10] = [
        (
            EXPERT,
            "PATCH",
            "/api/v1/experts/{plain_expert}",
            json!({ "status": "suspended" }),
            422,
            "/api/v1/experts/{plain_expert}",
            "/status",
        ),
        (
            EXPERT,
            "PATCH",
            "/api/v1/experts/{plain_expert}",
            json!({ "version": 99 }),
            422,
            "/api/v1/experts/{plain_expert}",
            "/version",
        ),
        (
            EXPERT,
            "PATCH",
            "/api/v1/experts/{plain_expert}",
            json!({ "name": "冒名" }),
            403,
            "/api/v1/experts/{plain_expert}",
            "/name",
        ),
        (
            EXPERT,
            "PATCH",
            "/api/v1/courses/{pending_course}",
            json!({ "status": "approved" }),
            422,
            "/api/v1/courses/{pending_course}",
            "/status",
        ),
        (
            EXPERT,
            "PATCH",
            "/api/v1/courses/{pending_course}",
            json!({ "expert_id": "{outsider_expert}" }),
            422,
            "/api/v1/courses/{pending_course}",
            "/expert_id",
        ),
        (
            EXPERT,
            "POST",
            "/api/v1/courses",
            json!({ "team": "reading", "title": "Self approved", "description": "x", "audiences": ["parents"],
                    "modes": ["online"], "duration_minutes": 60, "status": "approved" }),
            422,
            "/api/v1/courses?q=self%20approved",
            "/items/0/status",
        ),
        (
            SCHOOL,
            "PATCH",
            "/api/v1/schools/{school_a}",
            json!({ "school_id": "{school_b}" }),
            422,
            "/api/v1/schools/{school_a}",
            "/id",
        ),
        (
            SCHOOL,
            "PATCH",
            "/api/v1/schools/{school_a}",
            json!({ "version": 7 }),
            422,
            "/api/v1/schools/{school_a}",
            "/version",
        ),
        (
            ADMIN,
            "PATCH",
            "/api/v1/users/{plain_user}",
            json!({ "role": "admin" }),
            422,
            "/api/v1/users/{plain_user}",
            "/role",
        ),
        (
            LEAD,
            "POST",
            "/api/v1/courses/{pending_course}/review",
            json!({ "decision": "approve", "status": "retired" }),
            422,
            "/api/v1/courses/{pending_course}",
            "/status",
        ),
    ];
    let world = World::new().await;
    // Read back as the office, which sees every object and field.
    for (caller, method, path, body, expected, read, pointer) in cases {
        let read_row = row("GET", read, Body::None, [0; 5]);
        let before = world.call(&read_row, ADMIN).await.body;
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let token = world.tokens[caller].clone().expect("token");
        let req = TestRequest::default()
            .method(method)
            .uri(&world.fill(path))
            .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload(world.fill(&body.to_string()));
        let response = world.app.call(req).await;
        assert_eq!(
            response.status.as_u16(),
            expected,
            "{path} with {body} as {}: {}",
            CALLERS[caller],
            response.body
        );
        let after = world.call(&read_row, ADMIN).await.body;
        assert_eq!(
            before.pointer(pointer),
            after.pointer(pointer),
            "{path} with {body} changed {pointer}"
        );
    }
}

/// Every creating POST of the route table honours `Idempotency-Key`: sent twice, the second
/// answer is the first one replayed.
#[actix_web::test]
async fn every_creating_post_replays_under_its_idempotency_key() {
    let creating: Vec<_> = guanai::api::ROUTES.iter().filter(|r| r.creates).collect();
    assert!(!creating.is_empty());
    for route in creating {
        let row = ROWS
            .iter()
            .find(|row| {
                row.method == route.method && route_shape(row.path) == route_shape(route.path)
            })
            .expect("a matrix row");
        let caller = (1..CALLERS.len())
            .find(|c| row.expect[*c] < 300)
            .expect("someone may create");
        let world = World::new().await;
        let send = || {
            let mut req = TestRequest::post()
                .uri(&world.fill(row.path))
                .insert_header((
                    header::AUTHORIZATION,
                    format!("Bearer {}", world.tokens[caller].clone().expect("token")),
                ))
                .insert_header(("Idempotency-Key", "matrix-key"));
            req = match row.body {
                Body::None => req,
                Body::Json(body) => req
                    .insert_header((header::CONTENT_TYPE, "application/json"))
                    .set_payload(world.fill(&body().to_string())),
                Body::Csv(text) => req
                    .insert_header((header::CONTENT_TYPE, "text/csv"))
                    .set_payload(text.as_bytes().to_vec()),
                Body::Form(text) => req
                    .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
                    .set_payload(text.as_bytes().to_vec()),
            };
            world.app.call(req)
        };
        let first = send().await;
        let again = send().await;
        assert!(
            first.status.is_success(),
            "{} {}: {}",
            route.method,
            route.path,
            first.body
        );
        assert_eq!(first.header("idempotency-replayed"), None, "{}", route.path);
        assert_eq!(again.status, first.status, "{}", route.path);
        assert_eq!(
            again.header("idempotency-replayed"),
            Some("true"),
            "{}",
            route.path
        );
        assert_eq!(
            again.header("location"),
            first.header("location"),
            "{}",
            route.path
        );
        let mut replayed = again.body.clone();
        if let Some(map) = replayed.as_object_mut() {
            map.remove("replay_note");
        }
        let mut original = first.body.clone();
        if let Some(map) = original.as_object_mut() {
            // One-time secrets are never kept for a replay.
            for secret in ["set_password_token", "token", "url"] {
                if map.contains_key(secret) {
                    map.insert(secret.into(), Value::Null);
                }
            }
        }
        assert_eq!(replayed, original, "{}", route.path);
    }
}

/// Who may not call a route at all is told so before the body is read: no token is 401 and a
/// role that may never call the route is 403, whatever the body holds (a body that would be
/// a 422 must not teach a stranger the schema). A role is refused outright when the matrix
/// refuses it on every row of the route; permissions that depend on the object or on the
/// body come after parsing and are not checked here.
#[actix_web::test]
async fn callers_who_may_never_call_a_route_are_refused_before_the_body_is_read() {
    let world = World::new().await;
    let mut wrong = Vec::new();
    for row in ROWS.iter().filter(|r| r.method != "GET") {
        let is_page = guanai::api::ROUTES.iter().any(|route| {
            route.kind == guanai::api::RouteKind::Page
                && route_shape(route.path) == route_shape(row.path)
        });
        if is_page {
            continue;
        }
        let same_route: Vec<&Row> = ROWS
            .iter()
            .filter(|r| r.method == row.method && route_shape(r.path) == route_shape(row.path))
            .collect();
        // The lead and the plain expert are both of the role `expert`.
        let role_of = |caller: usize| match caller {
            2 | 3 => 2,
            other => other,
        };
        for (caller, caller_name) in CALLERS.iter().enumerate() {
            let role_refused = caller > 0
                && same_route.iter().all(|r| {
                    (1..CALLERS.len())
                        .filter(|c| role_of(*c) == role_of(caller))
                        .all(|c| r.expect[c] == 403)
                });
            // No token: refused outright where the route wants one (a route that answers
            // 401 to everyone judges the body's own credentials, like a refresh token).
            let wants_token = caller == 0 && (1..CALLERS.len()).any(|c| row.expect[c] != 401);
            if !(role_refused || (wants_token && row.expect[0] == 401)) {
                continue;
            }
            let method = Method::from_bytes(row.method.as_bytes()).expect("method");
            let mut req = TestRequest::default()
                .method(method)
                .uri(&world.fill(row.path))
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .set_payload(r#"{"no_such_field": [1, "two"]}"#);
            if let Some(token) = &world.tokens[caller] {
                req = req.insert_header((header::AUTHORIZATION, format!("Bearer {token}")));
            }
            let response = world.app.call(req).await;
            if response.status.as_u16() != row.expect[caller] {
                wrong.push(format!(
                    "{} {} as {}: expected {}, got {}: {}",
                    row.method,
                    row.path,
                    caller_name,
                    row.expect[caller],
                    response.status.as_u16(),
                    response.body["detail"]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} calls differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
