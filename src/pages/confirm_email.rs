//! `/confirm-email?token=…`: the page the confirmation mail links to. GET only shows what
//! would change and a button (mail scanners that follow links confirm nothing); the button
//! posts back to the same path, and the answer says whether the address changed.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::AppState;
use crate::audit::AuditContext;
use crate::db;
use crate::http::RequestMeta;
use crate::pages;
use crate::usecase::{
    self,
    email::{Confirmation, LinkCheck},
};

const TITLE: &str = "确认新的邮箱地址";

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

fn spent(status: StatusCode) -> HttpResponse {
    pages::message(
        status,
        TITLE,
        "bad",
        "这个链接已经用过、已经过期，或者已被更新的申请取代，邮箱没有更改。",
        "如仍需更改邮箱，请在平台上重新填写新的邮箱地址；有疑问请联系关工委办公室。",
    )
}

async fn check(state: &web::Data<AppState>, token: String) -> Result<LinkCheck, HttpResponse> {
    let now = state.clock.now_naive();
    db::run(&state.db, move |conn| {
        Ok(usecase::email::check(conn, &token, now)?)
    })
    .await
    .map_err(|e| pages::failure(&e))
}

/// GET: what would change, and the button that confirms it.
pub async fn show(
    state: web::Data<AppState>,
    query: Result<web::Query<TokenForm>, actix_web::Error>,
) -> HttpResponse {
    let token = query.map(|q| q.into_inner().token).unwrap_or_default();
    if token.trim().is_empty() {
        return spent(StatusCode::NOT_FOUND);
    }
    match check(&state, token.clone()).await {
        Ok(LinkCheck::Open { change, user }) => pages::render(
            StatusCode::OK,
            "confirm_email.html",
            TITLE,
            minijinja::context! {
                login => user.login,
                new_email => change.new_email,
                token => token.trim(),
            },
        ),
        Ok(LinkCheck::Unknown) => spent(StatusCode::NOT_FOUND),
        Ok(LinkCheck::Spent) => spent(StatusCode::GONE),
        Err(page) => page,
    }
}

/// POST (`application/x-www-form-urlencoded`): confirms the address.
pub async fn submit(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: web::Bytes,
) -> HttpResponse {
    let token = pages::form::<TokenForm>(&body)
        .map(|f| f.token)
        .unwrap_or_default();
    let audit = AuditContext::from_request(&meta, None, state.clock.now_naive());
    let confirmed = usecase::write(&state, audit, move |uow| {
        usecase::email::confirm(uow, &token)
    })
    .await;
    match confirmed {
        Ok(Confirmation::Confirmed(user)) => pages::message(
            StatusCode::OK,
            TITLE,
            "good",
            &format!(
                "邮箱已经改为 {}。",
                user.email.as_deref().unwrap_or_default()
            ),
            "以后的通知都会发到这个地址。",
        ),
        Ok(Confirmation::Unknown) => spent(StatusCode::NOT_FOUND),
        Ok(Confirmation::Spent) => spent(StatusCode::GONE),
        Err(e) => pages::failure(&e),
    }
}
