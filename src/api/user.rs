//! `/api/v1/users`: the office manages login accounts.

use crate::i18n::Msg;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::pagination;
use crate::api::pagination::Page;
use crate::api::support::{account_fields, keep, not_null, present, with_etag};
use crate::audit::AuditContext;
use crate::auth::AdminUser;
use crate::auth::account::IssuedToken;
use crate::auth::password::{check_policy, hash_password};
use crate::db;
use crate::domain::role::Role;
use crate::domain::validate;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::{ApiJson, ApiQuery, IfMatch};
use crate::http::RequestMeta;
use crate::idempotency::Idempotency;
use crate::models::user::{NewUser, User, UserChanges, UserFilter};
use crate::time::to_local;
use crate::usecase::{self, Answer};

#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Role,
    /// The school of a `school` account.
    pub school_id: Option<String>,
    pub active: bool,
    /// True until the user has set a password of their own; until then only
    /// `/me` and `/me/password` answer.
    pub must_change_password: bool,
    /// Incremented by every change; send it back in `If-Match` when editing.
    pub version: i32,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<FixedOffset>,
}

impl UserResponse {
    pub fn from_user(user: &User, state: &AppState) -> Self {
        let tz = state.settings.timezone;
        Self {
            id: user.id.clone(),
            login: user.login.clone(),
            display_name: user.display_name.clone(),
            email: user.email.clone(),
            phone: user.phone.clone(),
            role: user.role.parse().unwrap_or(Role::School),
            school_id: user.school_id.clone(),
            active: user.active,
            must_change_password: user.must_change_password,
            version: user.version,
            created_at: to_local(user.created_at, tz),
            updated_at: to_local(user.updated_at, tz),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// 3-64 characters: letters, digits, `.`, `_`, `-`, `@`; stored in lower case.
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Required for `school` accounts: the school they belong to.
    pub school_id: Option<String>,
    /// A first password to hand over. Without one, the answer carries a one-time
    /// set-password token. Either way the user sets their own before using the API.
    pub initial_password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SetPasswordToken {
    /// Give this to the user once; it is not stored and cannot be shown again.
    pub token: String,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: DateTime<FixedOffset>,
}

impl SetPasswordToken {
    pub fn new(issued: IssuedToken, tz: Tz) -> Self {
        Self {
            token: issued.token,
            expires_at: to_local(issued.expires_at, tz),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreateUserResponse {
    pub user: UserResponse,
    /// Present when the account was created without an initial password.
    pub set_password_token: Option<SetPasswordToken>,
    /// Only on an idempotent replay: the one-time token is not repeated, and how to get a
    /// new one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replay_note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub display_name: Option<String>,
    /// `null` removes the address.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// `null` removes the number.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// `false` deactivates the account and ends its sessions at once.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListUsersQuery {
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Part of the login or display name, any case.
    pub q: Option<String>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Create a login account (admin).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUserRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, body = CreateUserResponse),
        (status = 403, body = Problem), (status = 409, body = Problem, description = "`login_taken`"),
        (status = 422, body = Problem),
    ))]
pub async fn create_user(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    meta: RequestMeta,
    idem: Idempotency,
    ApiJson(body): ApiJson<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let login = keep(&mut errors, validate::login("login", &body.login));
    let display_name = keep(
        &mut errors,
        validate::text("display_name", &body.display_name, 100),
    );
    let email = keep(&mut errors, validate::email("email", body.email.as_deref()));
    let phone = keep(&mut errors, validate::phone("phone", body.phone.as_deref()));
    if let Some(password) = &body.initial_password {
        let login = login.as_deref().unwrap_or_default();
        if let Err(e) = check_policy("initial_password", password, login) {
            errors.push(e);
        }
    }
    match (body.role, &body.school_id) {
        (Role::Expert, _) => errors.push(FieldError::new(
            "role",
            "invalid_choice",
            Msg::new("field-invalid_choice-expert_accounts_created_their").arg("field", "role"),
        )),
        (Role::School, None) => errors.push(FieldError::new(
            "school_id",
            "required",
            Msg::new("field-required-school_account_belongs_school").arg("field", "school_id"),
        )),
        (Role::Admin, Some(_)) => errors.push(FieldError::new(
            "school_id",
            "not_allowed",
            Msg::new("field-not_allowed-only_school_accounts_belong").arg("field", "school_id"),
        )),
        _ => {}
    }
    let school_id = body
        .school_id
        .as_deref()
        .and_then(|id| keep(&mut errors, validate::id("school_id", id)));
    let (Some(login), Some(display_name), Some(email), Some(phone), true) =
        (login, display_name, email, phone, errors.is_empty())
    else {
        return Err(ApiError::Validation(errors));
    };
    let password_hash = match body.initial_password {
        Some(password) => Some(
            web::block(move || hash_password(&password))
                .await?
                .map_err(|e| ApiError::internal(e.to_string()))?,
        ),
        None => None,
    };
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(admin.id()), now);
    let role = body.role;
    let st = state.clone();
    usecase::answer(&state, audit, idem, move |uow| {
        let new = NewUser {
            email: email.clone(),
            phone: phone.clone(),
            password_hash: password_hash.clone(),
            school_id: school_id.clone(),
            ..NewUser::new(&login, &display_name, role, now)
        };
        let (user, issued) = usecase::user::create(uow, new)?;
        let tz = st.settings.timezone;
        let body = CreateUserResponse {
            user: UserResponse::from_user(&user, &st),
            set_password_token: issued.map(|t| SetPasswordToken::new(t, tz)),
            replay_note: None,
        };
        Ok(Answer {
            secrets: &["/set_password_token"],
            ..Answer::created(
                format!("/api/v1/users/{}", user.id),
                Some(user.version),
                body,
            )
        })
    })
    .await
}

/// List login accounts (admin), oldest first.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(ListUsersQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Page<UserResponse>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_users(
    state: web::Data<AppState>,
    _admin: AdminUser,
    query: ApiQuery<ListUsersQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor("users", query.cursor.as_deref())?;
    let filter = UserFilter {
        role: query.role.map(|r| r.as_str().to_owned()),
        active: query.active,
        q: query
            .q
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty()),
    };
    let app = state.clone();
    let page = pagination::read(&state.db, move |conn| {
        let rows = User::list(conn, &filter, after.as_ref(), limit + 1)?;
        let (rows, next_cursor) =
            pagination::split_page("users", rows, limit, |u| (u.created_at, u.id.clone()));
        Ok(Page {
            items: rows
                .iter()
                .map(|u| UserResponse::from_user(u, &app))
                .collect(),
            next_cursor,
        })
    })
    .await?;
    Ok(page.respond())
}

async fn load_user(state: &AppState, id: String) -> ApiResult<User> {
    db::run(&state.db, move |conn| Ok(User::find(conn, &id)?))
        .await?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_user")))
}

/// One login account (admin). The `ETag` carries its version.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = UserResponse), (status = 404, body = Problem)))]
pub async fn get_user(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let user = load_user(&state, id.into_inner()).await?;
    Ok(with_etag(
        HttpResponse::Ok().json(UserResponse::from_user(&user, &state)),
        user.version,
    ))
}

/// Edit or (de)activate a login account (admin). Honours `If-Match`.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UpdateUserRequest,
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "the version last read, e.g. \"3\"")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = UserResponse), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`cannot_deactivate_self`"),
        (status = 412, body = Problem, description = "`version_mismatch`"), (status = 422, body = Problem),
    ))]
pub async fn update_user(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    meta: RequestMeta,
    id: web::Path<String>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<UpdateUserRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let fields = account_fields(
        body.display_name.as_deref(),
        body.email.as_ref().map(Option::as_deref),
        body.phone.as_ref().map(Option::as_deref),
    )?;
    let changes = UserChanges {
        display_name: fields.display_name,
        email: fields.email,
        phone: fields.phone,
        active: body.active,
    };
    let audit = AuditContext::from_request(&meta, Some(admin.id()), state.clock.now_naive());
    let user = usecase::write(&state, audit, move |uow| {
        usecase::user::update(uow, &id, if_match.0, &changes)
    })
    .await?;
    Ok(with_etag(
        HttpResponse::Ok().json(UserResponse::from_user(&user, &state)),
        user.version,
    ))
}

/// Issue a new one-time set-password token for a user who forgot their password (admin).
/// Earlier unused tokens stop working; the current password keeps working until replaced.
#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset", tag = "users", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 201, body = SetPasswordToken), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn reset_user_password(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(admin.id()), now);
    let issued = usecase::write(&state, audit, move |uow| {
        usecase::user::reset_password(uow, &id)
    })
    .await?;
    Ok(HttpResponse::Created().json(SetPasswordToken::new(issued, state.settings.timezone)))
}
