//! An expert's calendar feed of their lectures and its token.

use super::*;

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarTokenResponse {
    /// Shown once; stored hashed. A new one replaces it. `null` in a replay of the answer
    /// (`Idempotency-Key`), which never keeps it.
    pub token: Option<String>,
    /// The feed's address, to subscribe to in a calendar app; `null` in a replay.
    pub url: Option<String>,
}

/// A new calendar feed link for an expert (the expert or the office); the old link stops
/// working.
#[utoipa::path(post, path = "/api/v1/experts/{id}/calendar-token", tag = "experts", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 201, body = CalendarTokenResponse), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn rotate_calendar_token(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    idem: Idempotency,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let base = state.settings.public_url.clone();
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        let token = usecase::lecture::rotate_calendar_token(uow, &actor, &id)?;
        let url = format!("{base}/api/v1/experts/{id}/calendar.ics?token={token}");
        Ok(Answer {
            secrets: &["/token", "/url"],
            ..Answer::created(
                format!("/api/v1/experts/{id}/calendar.ics"),
                None,
                CalendarTokenResponse {
                    token: Some(token),
                    url: Some(url),
                },
            )
        })
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// The expert's calendar token (`POST /api/v1/experts/{id}/calendar-token`).
    #[param(min_length = 1, max_length = 200)]
    pub token: String,
}

/// An expert's offered and confirmed lectures as an RFC 5545 calendar (times in UTC), and
/// those that left them in the last 30 days as cancelled events, for calendar apps: the token
/// in the link is the credential. Answers HEAD too.
#[utoipa::path(get, path = "/api/v1/experts/{id}/calendar.ics", tag = "experts",
    params(("id" = String, Path), CalendarQuery),
    responses((status = 200, content_type = "text/calendar", body = String),
        (status = 404, body = Problem, description = "no such expert, or not their current token")))]
pub async fn calendar_feed(
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: ApiQuery<CalendarQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let token = query.into_inner().token;
    let now = state.clock.now_naive();
    let st = state.clone();
    let feed = db::run(&state.db, move |conn| {
        usecase::lecture::calendar_feed(conn, &st.settings, &id, &token, now)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "private, max-age=300",
        ))
        .body(feed))
}
