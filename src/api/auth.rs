//! `/api/v1/auth`: login, refresh-token rotation, logout, setting a password with a one-time token.

use crate::i18n::Msg;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::user::UserResponse;
use crate::audit::AuditContext;
use crate::auth::password::{check_policy, hash_password, verify_password};
use crate::auth::session::{LoginRefusal, TokenPair};
use crate::auth::token::hash_token;
use crate::db;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiJson;
use crate::http::RequestMeta;
use crate::models::password_token::PasswordToken;
use crate::models::user::User;
use crate::usecase::{self, password::Via};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Login name (case does not matter).
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for `Authorization`, valid for `expires_in` seconds.
    pub access_token: String,
    /// One-time token for `POST /api/v1/auth/refresh`; each use returns a new one.
    pub refresh_token: String,
    pub token_type: String,
    pub expires_in: i64,
    pub user: UserResponse,
}

impl LoginResponse {
    pub fn new(pair: TokenPair, user: UserResponse) -> Self {
        Self {
            access_token: pair.access_token,
            refresh_token: pair.refresh_token,
            token_type: "Bearer".to_owned(),
            expires_in: pair.expires_in,
            user,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPasswordRequest {
    /// The one-time set-password token an admin handed over (valid 72 hours).
    pub token: String,
    pub new_password: String,
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized(
        "invalid_credentials",
        Msg::new("problem-invalid_credentials-login_name_password_wrong"),
    )
}

/// Log in with login name and password.
///
/// Every failure (unknown login, wrong password, deactivated account) is the same 401.
/// Ten failures for one account from one client address or a hundred from one address
/// within 15 minutes, or a hundred for one account within an hour, lead to 429.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, body = Problem, description = "`invalid_credentials`"),
        (status = 422, body = Problem),
        (status = 429, body = Problem, description = "`rate_limited`, with `Retry-After`"),
    ))]
pub async fn login(
    state: web::Data<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let login = crate::domain::text::login_form(&body.login);
    if login.is_empty() || body.password.is_empty() {
        return Err(invalid_credentials());
    }
    let audit = AuditContext::from_request(&meta, None, state.clock.now_naive());
    let (slot, user) = {
        let (login, ip) = (login.clone(), meta.ip.clone());
        usecase::write(&state, audit.clone(), move |uow| {
            usecase::session::begin_login(uow, &login, &ip)
        })
        .await?
        .map_err(LoginRefusal::into_error)?
    };

    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let password = body.password;
    let matches = web::block(move || verify_password(&password, stored.as_deref())).await?;

    let st = state.clone();
    let outcome = usecase::write(&state, audit, move |uow| {
        usecase::session::finish_login(uow, &st, &login, &slot, user.clone(), matches)
    })
    .await?;
    match outcome {
        Some((pair, user)) => {
            tracing::info!(user_id = %user.id, "login");
            Ok(HttpResponse::Ok().json(LoginResponse::new(
                pair,
                UserResponse::from_user(&user, &state),
            )))
        }
        None => Err(invalid_credentials()),
    }
}

/// Trade a refresh token for a new token pair.
///
/// Each refresh token works once. Presenting one that was already used ends that login,
/// its access tokens included (the token was probably stolen) — unless it was used less
/// than 10 seconds ago (a client retrying), which is refused without ending anything.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, body = Problem, description = "`invalid_refresh_token`"),
    ))]
pub async fn refresh(
    state: web::Data<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let hash = hash_token(body.refresh_token.trim());
    let st = state.clone();
    let audit = AuditContext::from_request(&meta, None, state.clock.now_naive());
    let outcome = usecase::write(&state, audit, move |uow| {
        usecase::session::refresh(uow, &st, &hash)
    })
    .await?;
    match outcome {
        Some((pair, user)) => {
            let user = UserResponse::from_user(&user, &state);
            Ok(HttpResponse::Ok().json(LoginResponse::new(pair, user)))
        }
        None => Err(ApiError::unauthorized(
            "invalid_refresh_token",
            Msg::new("problem-invalid_refresh_token-refresh_token_unknown_expired"),
        )),
    }
}

/// End a session: revoke its refresh token, which also ends the access tokens of that login.
/// Always 204, known token or not.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "the refresh token no longer works")))]
pub async fn logout(
    state: web::Data<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let hash = hash_token(body.refresh_token.trim());
    let audit = AuditContext::from_request(&meta, None, state.clock.now_naive());
    usecase::write(&state, audit, move |uow| {
        usecase::session::logout(uow, &hash)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Set one's own password with a one-time set-password token (new accounts, resets).
///
/// Ends every existing session of the account.
#[utoipa::path(post, path = "/api/v1/auth/set-password", tag = "auth", request_body = SetPasswordRequest,
    responses(
        (status = 204, description = "password set; log in with it"),
        (status = 401, body = Problem, description = "`invalid_password_token`"),
        (status = 422, body = Problem),
    ))]
pub async fn set_password(
    state: web::Data<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<SetPasswordRequest>,
) -> ApiResult<HttpResponse> {
    set_password_with_token(&state, &meta, &body.token, body.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What a one-time set-password token is worth right now.
pub enum PasswordTokenCheck {
    /// No such token.
    Unknown,
    /// Used, expired, or its account deactivated.
    Spent,
    Valid {
        token: Box<PasswordToken>,
        user: Box<User>,
    },
}

fn invalid_password_token() -> ApiError {
    ApiError::unauthorized(
        "invalid_password_token",
        Msg::new("problem-invalid_password_token-set_password_token_unknown"),
    )
}

/// Looks a set-password token up without using it (the set-password page shows at once
/// whether its link still works).
pub async fn check_password_token(
    state: &web::Data<AppState>,
    raw_token: &str,
) -> ApiResult<PasswordTokenCheck> {
    let hash = hash_token(raw_token.trim());
    let now = state.clock.now_naive();
    let found = db::run(&state.db, move |conn| {
        let Some(token) = PasswordToken::find_by_hash(conn, &hash)? else {
            return Ok(None);
        };
        let user = User::find(conn, &token.user_id)?;
        Ok(user.map(|u| (token, u)))
    })
    .await?;
    Ok(match found {
        None => PasswordTokenCheck::Unknown,
        Some((token, user))
            if token.used_at.is_some() || token.expires_at <= now || !user.active =>
        {
            PasswordTokenCheck::Spent
        }
        Some((token, user)) => PasswordTokenCheck::Valid {
            token: Box::new(token),
            user: Box::new(user),
        },
    })
}

/// Sets the password of a set-password token's account and uses the token up. 401
/// `invalid_password_token` when the token is unknown, spent or taken by a request racing
/// this one; 422 when the password is refused.
pub async fn set_password_with_token(
    state: &web::Data<AppState>,
    meta: &RequestMeta,
    raw_token: &str,
    new_password: String,
) -> ApiResult<User> {
    let PasswordTokenCheck::Valid { token, user } = check_password_token(state, raw_token).await?
    else {
        return Err(invalid_password_token());
    };
    set_checked_password(state, meta, *token, *user, new_password).await
}

/// The rest of [`set_password_with_token`] for a token already found valid (the served page
/// has looked it up to show the form again on a refusal).
pub async fn set_checked_password(
    state: &web::Data<AppState>,
    meta: &RequestMeta,
    token: PasswordToken,
    user: User,
    new_password: String,
) -> ApiResult<User> {
    check_policy("new_password", &new_password, &user.login)
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let password_hash = web::block(move || hash_password(&new_password))
        .await?
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(meta, Some(&user.id), now);
    let user_id = user.id.clone();
    let updated = usecase::write(state, audit, move |uow| {
        if !PasswordToken::mark_used(uow.conn, &token.id, now)? {
            return Ok(None);
        }
        usecase::password::set(uow, &user_id, &password_hash, Via::SetPasswordToken).map(Some)
    })
    .await?;
    updated.ok_or_else(invalid_password_token)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    pub login: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedResponse {
    pub detail: String,
}

/// Forgot the password: mails a one-time set-password link to the account's email address.
///
/// The answer is the same whether or not the login exists (or has an address). At most 5
/// requests per login and 20 per client address per hour; beyond that 429.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = PasswordResetRequest,
    responses(
        (status = 202, body = AcceptedResponse),
        (status = 422, body = Problem),
        (status = 429, body = Problem, description = "`rate_limited`, with `Retry-After`"),
    ))]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    let login = crate::domain::text::login_form(&body.login);
    if login.is_empty() {
        return Err(ApiError::invalid(
            "login",
            "required",
            Msg::new("field-required-login_must_not_empty").arg("field", "login"),
        ));
    }
    // A login is one line: a tab or a line break is refused as the schema says, not
    // answered as an unknown login.
    crate::domain::text::check("login", &login, false)
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let audit = AuditContext::from_request(&meta, None, state.clock.now_naive());
    usecase::write(&state, audit, move |uow| {
        usecase::session::request_password_reset(uow, &login, &meta.ip)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(AcceptedResponse {
        detail: crate::i18n::Msg::new("answer-password_reset").text(crate::i18n::current()),
    }))
}
