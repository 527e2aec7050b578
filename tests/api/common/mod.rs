//! The test harness: the real application from `guanai::app`, a fresh database per test
//! (SQLite by default, PostgreSQL when `GUANAI_TEST_PG_URL` is set), a manual clock, and
//! small builders for fixtures.

use std::sync::{Arc, LazyLock};

use actix_http::Request;
use actix_service::boxed::BoxService;
use actix_web::body::{BoxBody, MessageBody as _};
use actix_web::dev::ServiceResponse;
use actix_web::http::{Method, StatusCode, header};
use actix_web::test::TestRequest;
use actix_web::web;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::{Connection as _, PgConnection, RunQueryDsl as _};
use guanai::audit::AuditContext;
use guanai::auth::jwt::JwtKeys;
use guanai::clock::{Clock as _, ManualClock};
use guanai::config::{DatabaseTarget, Settings};
use guanai::db::{self, DbConnection, DbPool};
use guanai::domain::profile::Profile;
use guanai::domain::role::Role;
use guanai::domain::roster::{Category, ExpertStatus, Gender, Mode};
use guanai::models::expert::Expert;
use guanai::models::school::{NewSchool, School};
use guanai::models::user::{NewUser, User};
use guanai::usecase::expert::NewExpertInput;
use guanai::usecase::{self, Uow};
use guanai::{AppState, app};
use serde_json::{Value, json};

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0001";
/// The password every fixture user has.
pub const PASSWORD: &str = "correct horse battery staple";

mod database;
mod server;

pub use database::TestDb;
pub use server::*;

static PASSWORD_HASH: LazyLock<String> =
    LazyLock::new(|| guanai::auth::password::hash_password(PASSWORD).expect("hash"));

/// Inserts a ready-to-use account (password [`PASSWORD`], no change required).
pub fn insert_user(
    conn: &mut DbConnection,
    role: Role,
    login: &str,
    school_id: Option<&str>,
    now: NaiveDateTime,
) -> User {
    let new = NewUser {
        email: Some(format!("{login}@example.cn")),
        password_hash: Some(PASSWORD_HASH.clone()),
        must_change_password: false,
        school_id: school_id.map(str::to_owned),
        ..NewUser::new(login, &format!("{login} (test)"), role, now)
    };
    User::insert(conn, &new).expect("insert user");
    User::find(conn, &new.id).expect("find").expect("user")
}

/// Inserts a school.
pub fn insert_school(conn: &mut DbConnection, name: &str, now: NaiveDateTime) -> School {
    let new = NewSchool {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.to_owned(),
        school_type: "primary".to_owned(),
        district: "鼓楼区".to_owned(),
        address: format!("{name}路1号"),
        contact_person: "李老师".to_owned(),
        phone: Some("0591-00000000".to_owned()),
        search_text: guanai::models::school::search_text(name, "鼓楼区", &format!("{name}路1号")),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    School::insert(conn, &new).expect("insert school");
    School::find(conn, &new.id).expect("find").expect("school")
}

/// A profile for fixtures: one primary team, online and offline.
pub fn profile(name: &str, team: &str) -> Profile {
    Profile {
        name: name.to_owned(),
        gender: Some(Gender::Female),
        birth_year: Some(1952),
        category: Category::VeteranTeacher,
        former_post: Some("特级教师".to_owned()),
        former_org: Some("市第一中学".to_owned()),
        specialties: vec!["亲子沟通".to_owned()],
        bio: format!("{name}，退休教师。"),
        districts: vec!["鼓楼区".to_owned()],
        modes: vec![Mode::Online, Mode::Offline],
        max_per_week: 3,
        max_per_month: 10,
        rest_weekdays: vec![7],
        primary_team: team.to_owned(),
        extra_teams: Vec::new(),
    }
}

/// Inserts an expert with a ready-to-use account (password [`PASSWORD`]) through the same
/// code as the API, then moves them to `status`.
pub fn insert_expert(
    conn: &mut DbConnection,
    login: &str,
    profile: Profile,
    status: ExpertStatus,
    now: NaiveDateTime,
) -> Expert {
    let account = NewUser {
        email: Some(format!("{login}@example.cn")),
        phone: Some("13800000000".to_owned()),
        password_hash: Some(PASSWORD_HASH.clone()),
        must_change_password: false,
        ..NewUser::new(login, &profile.name, Role::Expert, now)
    };
    let input = NewExpertInput {
        account,
        profile,
        status,
        reason: "test fixture".to_owned(),
        notify: false,
    };
    let settings = test_settings(DatabaseTarget::Sqlite("unused".into()));
    let (id, _) = Uow::within(conn, &settings, AuditContext::system(now), |uow| {
        usecase::expert::create(uow, input)
    })
    .expect("create expert");
    Expert::find(conn, &id).expect("find").expect("expert")
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub body: Value,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem-details error with this status and code.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        assert_eq!(self.body["code"], code, "body: {}", self.body);
        assert_eq!(self.body["status"], status);
        assert_eq!(self.body["type"], format!("/problems/{code}"));
        assert!(self.body["title"].is_string());
        assert!(self.body["detail"].is_string());
        let request_id = self.header("x-request-id").expect("x-request-id header");
        assert_eq!(self.body["request_id"], request_id);
    }

    /// Asserts a 422 that names `field` with `code` among its field errors.
    #[track_caller]
    pub fn assert_field_error(&self, field: &str, code: &str) {
        self.assert_problem(422, "validation_failed");
        let named = self.body["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["field"] == field && e["code"] == code);
        assert!(named, "no {field} {code}: {}", self.body);
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        &self.body
    }
}

pub struct TestApp {
    pub state: web::Data<AppState>,
    pub clock: ManualClock,
    service: BoxService<Request, ServiceResponse<BoxBody>, actix_web::Error>,
    pub db: TestDb,
}

/// A data key of the test's own.
pub fn test_keys() -> guanai::crypto::DataKeys {
    let key = guanai::crypto::DataKey::parse(&guanai::crypto::DataKey::generate()).expect("key");
    guanai::crypto::DataKeys::new(key, Vec::new())
}

pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")
        .expect("time")
        .with_timezone(&Utc)
}

/// The settings every test runs with.
pub fn test_settings(database: DatabaseTarget) -> Settings {
    let settings = Settings::from_lookup(|key| match key {
        "GUANAI_JWT_SECRET" => Some(JWT_SECRET.to_owned()),
        _ => None,
    })
    .expect("settings");
    Settings {
        database,
        db_pool_size: 3,
        ..settings
    }
}

/// The application state over a fresh database, with a manual clock.
pub fn test_state() -> (web::Data<AppState>, ManualClock, TestDb) {
    let (test_db, target) = TestDb::create();
    let settings = test_settings(target.clone());
    let pool = db::connect(&target, 3).expect("pool");
    {
        let mut conn = pool.get().expect("connection");
        db::run_migrations(&mut conn).expect("migrations");
    }
    let clock = ManualClock::new(start_time());
    let jwt = JwtKeys::new(JWT_SECRET).expect("jwt keys");
    let state = web::Data::new(AppState::new(
        pool,
        settings,
        Arc::new(clock.clone()),
        jwt,
        test_keys(),
    ));
    (state, clock, test_db)
}

impl TestApp {
    pub async fn new() -> TestApp {
        let (state, clock, test_db) = test_state();
        let service = actix_web::test::init_service(app(state.clone())).await;
        TestApp {
            state,
            clock,
            service: actix_service::boxed::service(service),
            db: test_db,
        }
    }

    pub fn pool(&self) -> &DbPool {
        &self.state.db
    }

    /// Runs `f` on a connection of the app's database (for arranging and inspecting).
    pub fn with_conn<T>(&self, f: impl FnOnce(&mut DbConnection) -> T) -> T {
        let mut conn = self.pool().get().expect("connection");
        f(&mut conn)
    }

    pub async fn call(&self, req: TestRequest) -> TestResponse {
        self.call_from(req, "192.0.2.10").await
    }

    /// Calls the app as a client at the address `ip`.
    pub async fn call_from(&self, req: TestRequest, ip: &str) -> TestResponse {
        use actix_service::Service as _;
        let req = req
            .peer_addr(format!("{ip}:40000").parse().expect("addr"))
            .to_request();
        let response = self.service.call(req).await.expect("service error");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().try_into_bytes().unwrap_or_default();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        let mut req = TestRequest::default().method(method).uri(path);
        if let Some(token) = token {
            req = req.insert_header((header::AUTHORIZATION, format!("Bearer {token}")));
        }
        if let Some(body) = body {
            req = req.set_json(body);
        }
        self.call(req).await
    }

    pub async fn get(&self, path: &str, token: &str) -> TestResponse {
        self.send(Method::GET, path, Some(token), None).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> TestResponse {
        self.send(Method::DELETE, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> TestResponse {
        self.send(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(
        &self,
        path: &str,
        token: &str,
        if_match: Option<&str>,
        body: Value,
    ) -> TestResponse {
        let mut req = TestRequest::patch()
            .uri(path)
            .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
            .set_json(body);
        if let Some(v) = if_match {
            req = req.insert_header((header::IF_MATCH, v));
        }
        self.call(req).await
    }

    /// Inserts a ready-to-use user (own password [`PASSWORD`], no change required).
    pub fn user(&self, role: Role, login: &str) -> User {
        let now = self.clock.now_naive();
        self.with_conn(|conn| insert_user(conn, role, login, None, now))
    }

    pub fn school(&self, name: &str) -> School {
        let now = self.clock.now_naive();
        self.with_conn(|conn| insert_school(conn, name, now))
    }

    /// A school and one ready-to-use account of it.
    pub fn school_account(&self, login: &str) -> (School, User) {
        let now = self.clock.now_naive();
        self.with_conn(|conn| {
            let school = insert_school(conn, &format!("{login}学校"), now);
            let user = insert_user(conn, Role::School, login, Some(&school.id), now);
            (school, user)
        })
    }

    /// An expert with a ready-to-use account, in `team`, with `status`.
    pub fn expert(&self, login: &str, team: &str, status: ExpertStatus) -> Expert {
        let now = self.clock.now_naive();
        self.with_conn(|conn| {
            insert_expert(
                conn,
                login,
                profile(&format!("{login}专家"), team),
                status,
                now,
            )
        })
    }

    /// Makes `expert_id` the 团长 of `team`.
    pub fn make_lead(&self, team: &str, expert_id: &str) {
        let now = self.clock.now_naive();
        self.with_conn(|conn| {
            guanai::models::team_lead::TeamLead::replace_for_team(
                conn,
                team,
                Some(expert_id),
                &[],
                now,
            )
            .expect("leads")
        });
    }

    pub async fn login(&self, login: &str, password: &str) -> TestResponse {
        self.post(
            "/api/v1/auth/login",
            None,
            json!({ "login": login, "password": password }),
        )
        .await
    }

    /// Logs in from the client address `ip`.
    pub async fn login_from(&self, login: &str, password: &str, ip: &str) -> TestResponse {
        let req = TestRequest::post()
            .uri("/api/v1/auth/login")
            .set_json(json!({ "login": login, "password": password }));
        self.call_from(req, ip).await
    }

    /// Logs in and returns (access token, refresh token).
    pub async fn tokens(&self, login: &str) -> (String, String) {
        let response = self.login(login, PASSWORD).await;
        let body = response.assert_status(200);
        (
            body["access_token"].as_str().expect("access").to_owned(),
            body["refresh_token"].as_str().expect("refresh").to_owned(),
        )
    }

    /// A new admin and an access token for them.
    pub async fn admin(&self) -> (User, String) {
        let user = self.user(
            Role::Admin,
            &format!("admin{}", &uuid::Uuid::new_v4().simple().to_string()[..6]),
        );
        let (token, _) = self.tokens(&user.login).await;
        (user, token)
    }

    /// Audit rows with this action, oldest first.
    pub fn audit_actions(&self, action: &str) -> Vec<guanai::models::audit_event::AuditEvent> {
        use guanai::models::audit_event::{AuditEvent, AuditFilter};
        let filter = AuditFilter {
            action: Some(action.to_owned()),
            ..AuditFilter::default()
        };
        let mut rows =
            self.with_conn(|conn| AuditEvent::list(conn, &filter, None, 1000).expect("audit"));
        rows.reverse();
        rows
    }
}
