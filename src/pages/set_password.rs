//! `/set-password?token=…`: the page the account-created and password-reset mails link to.
//! GET shows the form (or says at once that the link is used up); the form posts back to the
//! same path and the answer says whether it worked.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::AppState;
use crate::api::auth::{PasswordTokenCheck, check_password_token, set_checked_password};
use crate::error::ApiError;
use crate::http::RequestMeta;
use crate::pages;

const TITLE: &str = "设置密码";

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Debug, Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// The link is unknown, used or expired: say so and say what to do.
fn spent(status: StatusCode) -> HttpResponse {
    pages::message(
        status,
        TITLE,
        "bad",
        "这个链接已经用过或已经过期，不能再设置密码。",
        "请联系关工委办公室，重新获取设置密码的链接。",
    )
}

fn form_page(status: StatusCode, login: &str, token: &str, error: Option<&str>) -> HttpResponse {
    pages::render(
        status,
        "set_password.html",
        TITLE,
        minijinja::context! { login => login, token => token, error => error },
    )
}

/// The reader's words for a refused password.
fn refusal(code: &str) -> &'static str {
    match code {
        "too_short" => "密码太短：至少需要 10 个字符。",
        "too_long" => "密码太长：最多 256 个字符。",
        "same_as_login" => "密码不能与登录名相同。",
        _ => "这个密码不能使用，请换一个。",
    }
}

/// GET: the form, or at once the news that the link no longer works.
pub async fn show(
    state: web::Data<AppState>,
    query: Result<web::Query<TokenQuery>, actix_web::Error>,
) -> HttpResponse {
    let token = query.map(|q| q.into_inner().token).unwrap_or_default();
    if token.trim().is_empty() {
        return spent(StatusCode::NOT_FOUND);
    }
    match check_password_token(&state, &token).await {
        Ok(PasswordTokenCheck::Valid { user, .. }) => {
            form_page(StatusCode::OK, &user.login, token.trim(), None)
        }
        Ok(PasswordTokenCheck::Unknown) => spent(StatusCode::NOT_FOUND),
        Ok(PasswordTokenCheck::Spent) => spent(StatusCode::GONE),
        Err(e) => pages::failure(&e),
    }
}

/// POST (`application/x-www-form-urlencoded`): sets the password and says whether it worked.
pub async fn submit(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: web::Bytes,
) -> HttpResponse {
    let Some(form) = pages::form::<SetPasswordForm>(&body) else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            TITLE,
            "bad",
            "表单内容无法识别。",
            "请重新打开邮件中的链接再试一次。",
        );
    };
    let (checked_token, user) = match check_password_token(&state, &form.token).await {
        Ok(PasswordTokenCheck::Valid { token, user }) => (token, user),
        Ok(PasswordTokenCheck::Unknown) => return spent(StatusCode::NOT_FOUND),
        Ok(PasswordTokenCheck::Spent) => return spent(StatusCode::GONE),
        Err(e) => return pages::failure(&e),
    };
    let (token, login) = (form.token.trim(), user.login.clone());
    if form.new_password != form.confirm_password {
        return form_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &login,
            token,
            Some("两次输入的密码不一样，请重新输入。"),
        );
    }
    match set_checked_password(&state, &meta, *checked_token, *user, form.new_password).await {
        Ok(user) => pages::message(
            StatusCode::OK,
            TITLE,
            "good",
            "密码已经设置好了。",
            &format!("请用登录名 {} 和新密码登录。", user.login),
        ),
        Err(ApiError::Validation(errors)) => {
            let code = errors.first().map_or("", |e| e.code.as_str());
            form_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &login,
                token,
                Some(refusal(code)),
            )
        }
        // Taken by a request racing this one, or spent meanwhile.
        Err(ApiError::Unauthorized { .. }) => spent(StatusCode::GONE),
        Err(e) => pages::failure(&e),
    }
}
