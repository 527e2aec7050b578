//! `/api/v1/me`: the caller's own account.

use crate::i18n::Msg;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::auth::LoginResponse;
use crate::api::support::{account_fields, not_null, present, with_etag};
use crate::api::user::UserResponse;
use crate::audit::AuditContext;
use crate::auth::password::{check_policy, hash_password, verify_password};
use crate::auth::session::{LoginRefusal, issue_tokens, release_failure_slot};
use crate::auth::{AuthUser, SessionUser};
use crate::db;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, IfMatch};
use crate::http::RequestMeta;
use crate::time::to_local;
use crate::usecase::user::{OwnAccount, OwnChanges};
use crate::usecase::{self, password::Via};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub old_password: String,
    pub new_password: String,
}

/// An address the caller asked for, waiting for the confirmation link mailed to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingEmail {
    pub email: String,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: DateTime<FixedOffset>,
}

/// The caller's own account.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    #[serde(flatten)]
    pub user: UserResponse,
    /// The caller's expert profile (`/api/v1/experts/{id}`), for expert accounts.
    pub expert_id: Option<String>,
    /// A new address waiting for its confirmation; `email` stays until then.
    pub pending_email: Option<PendingEmail>,
}

impl MeResponse {
    fn new(own: OwnAccount, state: &AppState) -> Self {
        let tz = state.settings.timezone;
        Self {
            user: UserResponse::from_user(&own.user, state),
            expert_id: own.expert_id,
            pending_email: own.pending_email.map(|p| PendingEmail {
                email: p.new_email,
                expires_at: to_local(p.expires_at, tz),
            }),
        }
    }
}

/// The caller's account, with their expert profile's id and any address waiting for its
/// confirmation. Works before the first own password is set.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = MeResponse), (status = 401, body = Problem)))]
pub async fn get_me(state: web::Data<AppState>, me: SessionUser) -> ApiResult<HttpResponse> {
    let now = state.clock.now_naive();
    let user = me.user;
    let own = db::run(&state.db, move |conn| OwnAccount::load(conn, user, now)).await?;
    let version = own.user.version;
    Ok(with_etag(
        HttpResponse::Ok().json(MeResponse::new(own, &state)),
        version,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    #[schema(min_length = 1, max_length = 100)]
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub display_name: Option<String>,
    /// A new address takes effect when confirmed through the link mailed to it (an admin's
    /// at once); `null` removes the address at once.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// `null` removes the number.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
}

/// Edit one's own display name, phone and email. A new email address is not used until
/// its owner opens the confirmation link mailed to it and confirms (the old address stays
/// until then and is told of the request); admins' addresses change at once. Honours
/// `If-Match`; an edit that changes nothing (an empty body, say) keeps the version.
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", request_body = UpdateMeRequest,
    params(("If-Match" = Option<String>, Header, description = "the version last read")),
    security(("bearer" = [])),
    responses((status = 200, body = MeResponse), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 412, body = Problem, description = "`version_mismatch`"), (status = 422, body = Problem)))]
pub async fn update_me(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    if_match: IfMatch,
    ApiJson(body): ApiJson<UpdateMeRequest>,
) -> ApiResult<HttpResponse> {
    let fields = account_fields(
        body.display_name.as_deref(),
        body.email.as_ref().map(Option::as_deref),
        body.phone.as_ref().map(Option::as_deref),
    )?;
    let changes = OwnChanges {
        display_name: fields.display_name,
        email: fields.email,
        phone: fields.phone,
    };
    let user_id = user.id().to_owned();
    let audit = AuditContext::from_request(&meta, Some(&user_id), state.clock.now_naive());
    let own = usecase::write(&state, audit, move |uow| {
        usecase::user::update_own(uow, &user_id, if_match.0, &changes)
    })
    .await?;
    let version = own.user.version;
    Ok(with_etag(
        HttpResponse::Ok().json(MeResponse::new(own, &state)),
        version,
    ))
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
            Msg::new("field-same_as_old-new_password_must_differ").arg("field", "new_password"),
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
            Msg::new("field-incorrect-old_password_wrong").arg("field", "old_password"),
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
