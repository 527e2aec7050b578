//! Authentication and authorization: passwords, tokens, and the extractors a handler
//! names in its signature to say who may call it.

pub mod account;
pub mod actor;
pub mod jwt;
pub mod password;
pub mod rate;
pub mod session;
pub mod token;

use crate::i18n::Msg;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use crate::AppState;
use crate::auth::jwt::Claims;
use crate::domain::role::Role;
use crate::error::ApiError;
use crate::models::user::User;

/// A logged-in user whose account is active and whose token is current, whether or not
/// they still have to set their own password. Only the few endpoints that let a user do
/// that take this; everything else takes [`AuthUser`].
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user: User,
    pub role: Role,
}

/// A logged-in user who may use the API.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user: User,
    pub role: Role,
}

impl AuthUser {
    pub fn id(&self) -> &str {
        &self.user.id
    }
}

/// A logged-in admin (关工委办公室).
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized(
            "missing_token",
            Msg::new("problem-missing_token-send_access_token_authorization"),
        )
    })?;
    let value = value.to_str().map_err(|_| {
        ApiError::unauthorized(
            "invalid_token",
            Msg::new("problem-invalid_token-access_token_not_valid"),
        )
    })?;
    let (scheme, token) = value.split_once(' ').ok_or_else(|| {
        ApiError::unauthorized(
            "invalid_token",
            Msg::new("problem-invalid_token-access_token_not_valid"),
        )
    })?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::unauthorized(
            "invalid_token",
            Msg::new("problem-invalid_token-access_token_not_valid"),
        ));
    }
    Ok(token.trim().to_owned())
}

/// Verifies the token, then reads the user from the database on every request, so a
/// deactivation or password change takes effect at once.
async fn authenticate(req: &HttpRequest) -> Result<SessionUser, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    let token = bearer_token(req)?;
    let claims = state
        .jwt
        .verify(&token, state.clock.now())
        .map_err(|e| match e {
            jwt::JwtError::Expired => ApiError::unauthorized(
                "token_expired",
                Msg::new("problem-token_expired-access_token_has_expired"),
            ),
            _ => ApiError::unauthorized(
                "invalid_token",
                Msg::new("problem-invalid_token-access_token_not_valid"),
            ),
        })?;
    let Claims { sub, fam, ver, .. } = claims;
    let found = crate::db::run(&state.db, move |conn| {
        Ok(User::find_for_session(conn, &sub, fam.as_deref())?)
    })
    .await?;
    let revoked = || {
        ApiError::unauthorized(
            "token_revoked",
            Msg::new("problem-token_revoked-session_has_ended_log"),
        )
    };
    let (user, family_ended) = found.ok_or_else(revoked)?;
    if !user.active || user.token_version != ver || family_ended {
        return Err(revoked());
    }
    let role = user
        .role
        .parse::<Role>()
        .map_err(|()| ApiError::internal(format!("user {} has unknown role", user.id)))?;
    Ok(SessionUser { user, role })
}

/// Runs an authentication extractor's `check` with the request's [`AuthGate`] installed; the
/// gate opens when the check has decided, so the body extractors wait for it.
fn gated<T, Fut>(
    req: &HttpRequest,
    check: impl FnOnce(HttpRequest) -> Fut,
) -> LocalBoxFuture<'static, Result<T, ApiError>>
where
    Fut: std::future::Future<Output = Result<T, ApiError>> + 'static,
{
    let gate = AuthGate::install(req);
    let checked = check(req.clone());
    Box::pin(async move {
        let _gate = gate;
        checked.await
    })
}

impl FromRequest for SessionUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        gated(req, |req| async move { authenticate(&req).await })
    }
}

async fn auth_user(req: &HttpRequest) -> Result<AuthUser, ApiError> {
    let SessionUser { user, role } = authenticate(req).await?;
    if user.must_change_password {
        return Err(ApiError::forbidden(
            "password_change_required",
            Msg::new("problem-password_change_required-set_your_own_password"),
        ));
    }
    Ok(AuthUser { user, role })
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        gated(req, |req| async move { auth_user(&req).await })
    }
}

/// An extractor for a logged-in user of some roles only: any other role is refused (403)
/// before the body is read.
macro_rules! role_extractor {
    ($name:ident, [$($role:ident),+], $refusal:literal) => {
        impl FromRequest for $name {
            type Error = ApiError;
            type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                gated(req, |req| async move {
                    let user = auth_user(&req).await?;
                    if !matches!(user.role, $(Role::$role)|+) {
                        return Err(ApiError::forbidden("forbidden", crate::i18n::Msg::new($refusal)));
                    }
                    Ok($name(user))
                })
            }
        }
    };
}

role_extractor!(AdminUser, [Admin], "problem-forbidden-role_admin");

/// A logged-in admin or expert: every role but a school (the course menu's and the
/// roster's writers).
#[derive(Debug, Clone)]
pub struct StaffUser(pub AuthUser);

role_extractor!(StaffUser, [Admin, Expert], "problem-forbidden-role_staff");

/// A logged-in expert: the answers to an offer are theirs alone.
#[derive(Debug, Clone)]
pub struct ExpertUser(pub AuthUser);

role_extractor!(ExpertUser, [Expert], "problem-forbidden-role_expert");

/// A logged-in school account: joining city-wide lectures is a school's.
#[derive(Debug, Clone)]
pub struct SchoolUser(pub AuthUser);

role_extractor!(SchoolUser, [School], "problem-forbidden-role_school");

/// A logged-in admin or school account (a school's own record).
#[derive(Debug, Clone)]
pub struct OfficeOrSchool(pub AuthUser);

role_extractor!(
    OfficeOrSchool,
    [Admin, School],
    "problem-forbidden-role_office_or_school"
);

/// Who may call a route is decided before its body is read: actix runs a handler's
/// extractors side by side, so the body extractors ([`crate::extract::ApiJson`],
/// [`crate::extract::CsvBody`]) wait at this gate, which the authentication extractor
/// installs and opens when it has decided (or is dropped). Without it, a stranger posting
/// a wrong body would get a 422 describing the schema instead of the 401 or 403.
#[derive(Debug, Clone, Default)]
pub struct AuthGate(std::rc::Rc<GateState>);

#[derive(Debug, Default)]
struct GateState {
    open: std::cell::Cell<bool>,
    waker: std::cell::RefCell<Option<std::task::Waker>>,
}

/// Opens its gate when dropped.
pub struct GateGuard(AuthGate);

impl Drop for GateGuard {
    fn drop(&mut self) {
        self.0.0.open.set(true);
        if let Some(waker) = self.0.0.waker.borrow_mut().take() {
            waker.wake();
        }
    }
}

impl AuthGate {
    /// Installs a closed gate on the request; the guard opens it.
    fn install(req: &HttpRequest) -> GateGuard {
        let gate = AuthGate::default();
        req.extensions_mut().insert(gate.clone());
        GateGuard(gate)
    }

    /// The gate of this request, if an authentication extractor installed one.
    pub fn of(req: &HttpRequest) -> Option<AuthGate> {
        req.extensions().get::<AuthGate>().cloned()
    }

    /// Resolves once the gate is open.
    pub async fn wait(self) {
        std::future::poll_fn(|cx| {
            if self.0.open.get() {
                std::task::Poll::Ready(())
            } else {
                *self.0.waker.borrow_mut() = Some(cx.waker().clone());
                std::task::Poll::Pending
            }
        })
        .await;
    }
}
