//! Attendance (签到 / 签退): the code the school shows, check-in and check-out, and the
//! office's correction of a no-show.

use super::*;
use crate::usecase::lecture::{CheckInRefusal, Proof};

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInCodeResponse {
    /// Six digits; the previous code is still taken for two minutes after this one appears.
    #[schema(pattern = "^[0-9]{6}$")]
    pub code: String,
    /// When a new code replaces it.
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub valid_until: DateTime<FixedOffset>,
}

/// The check-in code (签到码) to show the expert: the lecture's school (each joined school of
/// a city-wide lecture) and the office, from 30 minutes before the start until the end. No
/// expert account reads it.
#[utoipa::path(get, path = "/api/v1/lectures/{id}/check-in-code", tag = "lectures", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = CheckInCodeResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`outside_check_in_window` (not yet, no longer, or not a confirmed lecture)")))]
pub async fn lecture_check_in_code(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (tz, now) = (state.settings.timezone, state.clock.now_naive());
    let body = db::run(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let (code, until) = usecase::lecture::check_in_code(conn, &actor, &id, now)?;
        Ok(CheckInCodeResponse {
            code,
            valid_until: to_local(until, tz),
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(body))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    /// The code the school shows (the expert).
    #[schema(pattern = "^[0-9]{6}$")]
    pub code: Option<String>,
    /// The office checks the expert in without a code, saying why.
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: Option<String>,
}

/// 签到: the lecture's expert with the school's code, from 30 minutes before the start until
/// the end (late when more than `GUANAI_LATE_MINUTES` after the start); the office with a
/// `reason` instead. Five wrong codes in ten minutes lock the lecture's check-in (429).
#[utoipa::path(post, path = "/api/v1/lectures/{id}/check-in", tag = "lectures", params(("id" = String, Path)),
    request_body = CheckInRequest, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition` (not confirmed), `outside_check_in_window`"),
        (status = 422, body = Problem, description = "`code` `invalid_code` (wrong or stale), `required`"),
        (status = 429, body = Problem, description = "five wrong codes in ten minutes; see `Retry-After`")))]
pub async fn check_in_lecture(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<CheckInRequest>,
) -> ApiResult<HttpResponse> {
    let proof = match (body.code, body.reason) {
        (Some(code), None) => Proof::Code(code.trim().to_owned()),
        (None, Some(reason)) => Proof::Reason(
            validate::multiline("reason", &reason, 1000)
                .map_err(|e| ApiError::Validation(vec![e]))?,
        ),
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "reason",
                "not_allowed",
                crate::i18n::Msg::new("field-not_allowed-code_or_reason").arg("field", "reason"),
            ));
        }
        (None, None) => {
            return Err(ApiError::invalid(
                "code",
                "required",
                crate::i18n::Msg::new("field-required-check_in_code").arg("field", "code"),
            ));
        }
    };
    let id = id.into_inner();
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    let answer = usecase::write(&state, audit, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        match usecase::lecture::check_in(uow, &actor, &id, &proof)? {
            Ok(()) => reload(uow, &actor, &id, tz).map(Ok),
            // Committed as it is: the wrong code counts against the lecture.
            Err(refusal) => Ok(Err(refusal)),
        }
    })
    .await?;
    match answer {
        Ok(body) => {
            let version = body.version;
            Ok(with_etag(HttpResponse::Ok().json(body), version))
        }
        Err(CheckInRefusal::WrongCode) => Err(ApiError::invalid(
            "code",
            "invalid_code",
            crate::i18n::Msg::new("field-invalid_code-check_in").arg("field", "code"),
        )),
    }
}

/// 签退: the lecture's expert; the minutes from check-in count, at most the planned length
/// plus 30.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/check-out", tag = "lectures", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition` (not checked in)")))]
pub async fn check_out_lecture(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change_lecture(
        state,
        user,
        meta,
        id.into_inner(),
        usecase::lecture::check_out,
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectLectureRequest {
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
    /// When it really began and ended.
    pub start: BodyTime,
    pub end: BodyTime,
}

/// The office records that a lecture marked no-show did take place, with a reason and the
/// times it really ran: it becomes `delivered`.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/correct", tag = "lectures", params(("id" = String, Path)),
    request_body = CorrectLectureRequest, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition` (not a no-show)"), (status = 422, body = Problem)))]
pub async fn correct_lecture(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<CorrectLectureRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let reason = keep(
        &mut errors,
        validate::multiline("reason", &body.reason, 1000),
    );
    let ran = Span {
        start: body.start.0,
        end: body.end.0,
    };
    if ran.end <= ran.start {
        errors.push(FieldError::new(
            "end",
            "end_before_start",
            crate::i18n::Msg::new("field-end_before_start").arg("field", "end"),
        ));
    }
    let (Some(reason), true) = (reason, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::correct(uow, actor, id, &reason, ran)
    })
    .await
}
