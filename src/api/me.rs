//! `/api/v1/me`: the caller's own account.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::auth::LoginResponse;
use crate::api::user::UserResponse;
use crate::audit::AuditContext;
use crate::auth::SessionUser;
use crate::auth::password::{check_policy, hash_password, verify_password};
use crate::auth::session::{LoginRefusal, issue_tokens, release_failure_slot};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiJson;
use crate::http::RequestMeta;
use crate::usecase::{self, password::Via};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub old_password: String,
    pub new_password: String,
}

/// The caller's account. Works before the first own password is set.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = UserResponse), (status = 401, body = Problem)))]
pub async fn get_me(state: web::Data<AppState>, me: SessionUser) -> HttpResponse {
    HttpResponse::Ok().json(UserResponse::from_user(&me.user, &state))
}

/// Change one's own password. Every other session (refresh tokens and access tokens
/// issued before) ends at once; the answer is a fresh token pair for this one.
///
/// A wrong old password counts as a failed login for rate limiting.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "me", request_body = ChangePasswordRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, body = Problem), (status = 422, body = Problem, description = "`old_password` incorrect, or the new one breaks the policy"),
        (status = 429, body = Problem),
    ))]
pub async fn change_password(
    state: web::Data<AppState>,
    me: SessionUser,
    meta: RequestMeta,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let user = me.user;
    let mut errors = Vec::new();
    if let Err(e) = check_policy("new_password", &body.new_password, &user.login) {
        errors.push(e);
    }
    if body.new_password == body.old_password {
        errors.push(crate::error::FieldError::new(
            "new_password",
            "same_as_old",
            "the new password must differ from the old one",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }

    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(&user.id), now);
    let slot = {
        let (login, ip) = (user.login.clone(), meta.ip.clone());
        usecase::write(&state, audit.clone(), move |uow| {
            usecase::session::reserve_attempt(uow, &login, &ip)
        })
        .await?
        .map_err(LoginRefusal::into_error)?
    };
    let stored = user.password_hash.clone();
    let (old, new) = (body.old_password, body.new_password);
    let (matches, new_hash) = web::block(move || {
        let matches = verify_password(&old, stored.as_deref());
        let new_hash = if matches {
            Some(hash_password(&new))
        } else {
            None
        };
        (matches, new_hash)
    })
    .await?;
    if !matches {
        let user_id = user.id.clone();
        usecase::write(&state, audit, move |uow| {
            usecase::password::record_wrong_old_password(uow, &user_id)
        })
        .await?;
        return Err(ApiError::invalid(
            "old_password",
            "incorrect",
            "the old password is wrong",
        ));
    }
    let new_hash = new_hash
        .transpose()
        .map_err(|e| ApiError::internal(e.to_string()))?
        .ok_or_else(|| ApiError::internal("no new hash"))?;
    let st = state.clone();
    let (pair, user) = usecase::write(&state, audit, move |uow| {
        release_failure_slot(uow.conn, &slot)?;
        let user = usecase::password::set(uow, &user.id, &new_hash, Via::OldPassword)?;
        let pair = issue_tokens(uow.conn, &st, &user, None, st.clock.now())?;
        Ok((pair, user))
    })
    .await?;
    Ok(HttpResponse::Ok().json(LoginResponse::new(
        pair,
        UserResponse::from_user(&user, &state),
    )))
}
