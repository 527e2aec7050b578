//! Offers and their answers, rejection, cancellation and rescheduling.

use super::*;
use crate::api::support::{ReasonRequest, reason};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferLectureRequest {
    pub expert_id: String,
    /// Which proposed time (from 0); the first when left out.
    #[serde(default, deserialize_with = "whole_opt")]
    #[schema(minimum = 0, maximum = 2)]
    pub slot: Option<usize>,
    /// Admin only: offer again to an expert who declined it or let an offer lapse.
    #[schema(max_length = 500)]
    pub override_reason: Option<String>,
}

/// 派单: offer a waiting lecture to an expert who serves its sub-team (admin, or a lead of
/// the lecture's team, never to themselves; an admin's `override_reason` sends it outside
/// the team).
#[utoipa::path(post, path = "/api/v1/lectures/{id}/offer", tag = "lectures", params(("id" = String, Path)),
    request_body = OfferLectureRequest, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition`, `expert_busy`, `expert_on_leave`, `expert_not_active`, `team_not_served`, `mode_not_served`, `rest_day`, `weekly_limit_reached`, `monthly_limit_reached`, `previously_refused`"),
        (status = 422, body = Problem)))]
pub async fn offer_lecture(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<OfferLectureRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let expert_id = keep(&mut errors, validate::id("expert_id", &body.expert_id));
    let reason = optional_text(
        &mut errors,
        "override_reason",
        body.override_reason.as_deref(),
        500,
        true,
    );
    let (Some(expert_id), true) = (expert_id, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let slot = body.slot;
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::offer(uow, actor, id, &expert_id, slot, reason.as_deref())
    })
    .await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptLectureRequest {
    /// Another of the school's proposed times (from 0) that suits better; the offered time
    /// when left out.
    #[serde(default, deserialize_with = "whole_opt")]
    #[schema(minimum = 0, maximum = 2)]
    pub slot: Option<usize>,
}

/// The offered expert accepts, at the offered time or another proposed slot; rest days and
/// load limits are weighed again, and a move to another slot raises the calendar sequence.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/accept", tag = "lectures", params(("id" = String, Path)),
    request_body(content = Option<AcceptLectureRequest>, description = "may be left out: the offered time"), security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition`, `offer_expired`, `rest_day`, `weekly_limit_reached`, `monthly_limit_reached`, or the other slot is not free (`expert_busy`, …)"),
        (status = 422, body = Problem)))]
pub async fn accept_lecture(
    state: web::Data<AppState>,
    ExpertUser(user): ExpertUser,
    meta: RequestMeta,
    id: web::Path<String>,
    OptionalJson(body): OptionalJson<AcceptLectureRequest>,
) -> ApiResult<HttpResponse> {
    let slot = body.slot;
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::accept(uow, actor, id, slot)
    })
    .await
}

/// The offered expert declines; the lecture waits for the office again.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/decline", tag = "lectures", params(("id" = String, Path)),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition`"), (status = 422, body = Problem)))]
pub async fn decline_lecture(
    state: web::Data<AppState>,
    ExpertUser(user): ExpertUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let reason = reason(body)?;
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::decline(uow, actor, id, &reason)
    })
    .await
}

/// The office (or a lead of the team) refuses a school's request.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/reject", tag = "lectures", params(("id" = String, Path)),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition`"), (status = 422, body = Problem)))]
pub async fn reject_lecture(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let reason = reason(body)?;
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::reject(uow, actor, id, &reason)
    })
    .await
}

/// A school cancels its own lecture, an admin any, before it begins; a team lead does not,
/// and the expert holding it never (they ask for leave).
#[utoipa::path(post, path = "/api/v1/lectures/{id}/cancel", tag = "lectures", params(("id" = String, Path)),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition`"), (status = 422, body = Problem)))]
pub async fn cancel_lecture(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let reason = reason(body)?;
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::cancel(uow, actor, id, &reason)
    })
    .await
}

/// A new time for an offered or confirmed lecture (an admin, or the school for its own):
/// it goes back to its expert as an offer; the old time is released at once.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/reschedule", tag = "lectures", params(("id" = String, Path)),
    request_body = SlotBody, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition`, or the expert cannot take the new time (`expert_busy`, …)"),
        (status = 422, body = Problem)))]
pub async fn reschedule_lecture(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<SlotBody>,
) -> ApiResult<HttpResponse> {
    let span = Span {
        start: body.start.0,
        end: body.end.0,
    };
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::reschedule(uow, actor, id, span)
    })
    .await
}
