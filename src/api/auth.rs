//! `/api/v1/auth`: login, refresh-token rotation, logout, setting a password with a one-time token.

use actix_web::{HttpResponse, web};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::user::UserResponse;
use crate::audit::AuditContext;
use crate::auth::account::issue_set_password_token;
use crate::auth::password::{check_policy, hash_password, verify_password};
use crate::auth::rate::{self, Limit};
use crate::auth::session::{TokenPair, issue_tokens, release_failure_slot, reserve_failure_slot};
use crate::auth::token::hash_token;
use crate::db;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiJson;
use crate::http::RequestMeta;
use crate::mail::outbox::{Notice, notify};
use crate::models::password_token::PasswordToken;
use crate::models::refresh_token::RefreshToken;
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
    ApiError::unauthorized("invalid_credentials", "the login name or password is wrong")
}

/// Log in with login name and password.
///
/// Every failure (unknown login, wrong password, deactivated account) is the same 401.
/// Ten failures per account, or a hundred per client address, within 15 minutes lead to 429.
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
    let login = body.login.trim().to_lowercase();
    if login.is_empty() || body.password.is_empty() {
        return Err(invalid_credentials());
    }
    let now = state.clock.now_naive();
    let (slot, user) = {
        let (login, ip) = (login.clone(), meta.ip.clone());
        db::run_tx(&state.db, move |conn| {
            let slot = reserve_failure_slot(conn, &login, &ip, now)?;
            Ok((slot, User::find_by_login(conn, &login)?))
        })
        .await?
    };

    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let password = body.password;
    let matches = web::block(move || verify_password(&password, stored.as_deref())).await?;

    let state_for_tx = state.clone();
    let audit = AuditContext::from_request(&meta, None, now);
    let outcome = db::run_tx(&state.db, move |conn| match user.clone() {
        Some(user) if matches && user.active => {
            release_failure_slot(conn, &slot)?;
            let pair = issue_tokens(conn, &state_for_tx, &user, None, state_for_tx.clock.now())?;
            Ok(Ok((pair, user)))
        }
        other => {
            let reason = match &other {
                None => "unknown_login",
                Some(u) if !u.active => "deactivated",
                Some(_) => "wrong_password",
            };
            let user_id = other.as_ref().map(|u| u.id.as_str());
            audit.record(
                conn,
                "auth.login_failed",
                "user",
                user_id,
                json!({ "login": login, "reason": reason }),
            )?;
            Ok(Err(()))
        }
    })
    .await?;
    match outcome {
        Ok((pair, user)) => {
            tracing::info!(user_id = %user.id, "login");
            Ok(HttpResponse::Ok().json(LoginResponse::new(
                pair,
                UserResponse::from_user(&user, &state),
            )))
        }
        Err(()) => Err(invalid_credentials()),
    }
}

enum RefreshOutcome {
    Rotated(Box<(TokenPair, User)>),
    Refused,
}

/// Trade a refresh token for a new token pair.
///
/// Each refresh token works once. Presenting one that was already used ends every
/// session of that login (the token was probably stolen).
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
    let outcome = db::run_tx(&state.db, move |conn| {
        let now = st.clock.now_naive();
        let Some(token) = RefreshToken::find_by_hash(conn, &hash)? else {
            return Ok(RefreshOutcome::Refused);
        };
        if token.revoked_at.is_some() || token.expires_at <= now {
            return Ok(RefreshOutcome::Refused);
        }
        if token.rotated_at.is_some() || !RefreshToken::mark_rotated(conn, &token.id, now)? {
            // Re-use of a rotated token: end the whole login family, and keep that on record.
            let revoked = RefreshToken::revoke_family(conn, &token.family_id, now)?;
            AuditContext::from_request(&meta, Some(&token.user_id), now).record(
                conn,
                "auth.refresh_reuse",
                "user",
                Some(&token.user_id),
                json!({ "family_id": token.family_id, "revoked": revoked }),
            )?;
            tracing::warn!(user_id = %token.user_id, "refresh token re-used; family revoked");
            return Ok(RefreshOutcome::Refused);
        }
        let Some(user) = User::find(conn, &token.user_id)?.filter(|u| u.active) else {
            return Ok(RefreshOutcome::Refused);
        };
        let pair = issue_tokens(conn, &st, &user, Some(&token.family_id), st.clock.now())?;
        Ok(RefreshOutcome::Rotated(Box::new((pair, user))))
    })
    .await?;
    match outcome {
        RefreshOutcome::Rotated(rotated) => {
            let (pair, user) = *rotated;
            let user = UserResponse::from_user(&user, &state);
            Ok(HttpResponse::Ok().json(LoginResponse::new(pair, user)))
        }
        RefreshOutcome::Refused => Err(ApiError::unauthorized(
            "invalid_refresh_token",
            "the refresh token is unknown, expired, revoked or already used; log in again",
        )),
    }
}

/// End a session: revoke its refresh token. Always 204, known token or not.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "the refresh token no longer works")))]
pub async fn logout(
    state: web::Data<AppState>,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let hash = hash_token(body.refresh_token.trim());
    let now = state.clock.now_naive();
    db::run_tx(&state.db, move |conn| {
        if let Some(token) = RefreshToken::find_by_hash(conn, &hash)? {
            RefreshToken::revoke(conn, &token.id, now)?;
        }
        Ok(())
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
    let hash = hash_token(body.token.trim());
    let now = state.clock.now_naive();
    let invalid = || {
        ApiError::unauthorized(
            "invalid_password_token",
            "the set-password token is unknown, expired or used",
        )
    };
    let found = db::run(&state.db, move |conn| {
        let Some(token) = PasswordToken::find_by_hash(conn, &hash)? else {
            return Ok(None);
        };
        let user = User::find(conn, &token.user_id)?;
        Ok(user.map(|u| (token, u)))
    })
    .await?;
    let (token, user) = found.ok_or_else(invalid)?;
    if token.used_at.is_some() || token.expires_at <= now || !user.active {
        return Err(invalid());
    }
    check_policy("new_password", &body.new_password, &user.login)
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let password = body.new_password;
    let password_hash = web::block(move || hash_password(&password))
        .await?
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let audit = AuditContext::from_request(&meta, Some(&user.id), now);
    let used = usecase::write(&state, audit, move |uow| {
        if !PasswordToken::mark_used(uow.conn, &token.id, now)? {
            return Ok(false);
        }
        usecase::password::set(uow, &user.id, &password_hash, Via::SetPasswordToken)?;
        Ok(true)
    })
    .await?;
    if !used {
        return Err(invalid());
    }
    Ok(HttpResponse::NoContent().finish())
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

/// Password-reset requests allowed per login and per client address, per hour.
const RESETS_PER_LOGIN: Limit = Limit {
    kind: "password_reset_login",
    limit: 5,
    window: Duration::hours(1),
};
const RESETS_PER_IP: Limit = Limit {
    kind: "password_reset_ip",
    limit: 20,
    window: Duration::hours(1),
};

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
    let login = body.login.trim().to_lowercase();
    if login.is_empty() {
        return Err(ApiError::invalid(
            "login",
            "required",
            "login must not be empty",
        ));
    }
    let now = state.clock.now_naive();
    let st = state.clone();
    db::run_tx(&state.db, move |conn| {
        rate::take(
            conn,
            &[
                (RESETS_PER_LOGIN, login.as_str()),
                (RESETS_PER_IP, meta.ip.as_str()),
            ],
            now,
        )?;
        let Some(user) =
            User::find_by_login(conn, &login)?.filter(|u| u.active && u.email.is_some())
        else {
            return Ok(());
        };
        let issued = issue_set_password_token(conn, &user.id, now)?;
        notify(
            conn,
            &st.settings,
            &user,
            Notice::PasswordReset { link: issued },
            now,
        )?;
        AuditContext::from_request(&meta, Some(&user.id), now).record(
            conn,
            "user.password_reset_requested",
            "user",
            Some(&user.id),
            json!({}),
        )?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Accepted().json(AcceptedResponse {
        detail: "if an account with this login has an email address, a link to set a new password is on its way"
            .to_owned(),
    }))
}
