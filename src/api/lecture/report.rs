//! The delivery report (授课记录): the expert's count and summary, and each joined school's
//! own count of a city-wide online lecture.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportLectureRequest {
    /// How many people were in the room or online (受益人次 counts people).
    #[schema(minimum = 0, maximum = 1000000)]
    pub audience: i32,
    /// What was covered.
    #[schema(min_length = 1, max_length = 5000)]
    pub summary: String,
}

/// 授课记录: the lecture's expert reports a given (delivered or closed) lecture, once: late
/// when filed more than `GUANAI_REPORT_DAYS` (3) after its end.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/report", tag = "lectures", params(("id" = String, Path)),
    request_body = ReportLectureRequest, security(("bearer" = [])),
    responses((status = 201, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`lecture_not_delivered`, `already_reported`"), (status = 422, body = Problem)))]
pub async fn report_lecture(
    state: web::Data<AppState>,
    ExpertUser(user): ExpertUser,
    meta: RequestMeta,
    idem: Idempotency,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ReportLectureRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let summary = keep(
        &mut errors,
        validate::multiline("summary", &body.summary, 5000),
    );
    check_audience(body.audience, &mut errors);
    let (Some(summary), true) = (summary, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let audience = body.audience;
    created(
        state,
        user,
        meta,
        idem,
        id.into_inner(),
        move |uow, actor, id| usecase::lecture::file_report(uow, actor, id, audience, &summary),
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmAudienceRequest {
    /// How many of the school's own took part.
    #[schema(minimum = 0, maximum = 1000000)]
    pub audience: i32,
}

/// A school that joined a given city-wide online lecture confirms its own count, once; the
/// lecture's beneficiaries are the schools' counts and the expert's.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/attendance", tag = "lectures", params(("id" = String, Path)),
    request_body = ConfirmAudienceRequest, security(("bearer" = [])),
    responses((status = 201, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`not_city_wide`, `lecture_not_delivered`, `already_reported`"), (status = 422, body = Problem)))]
pub async fn confirm_lecture_audience(
    state: web::Data<AppState>,
    SchoolUser(user): SchoolUser,
    meta: RequestMeta,
    idem: Idempotency,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ConfirmAudienceRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    check_audience(body.audience, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let audience = body.audience;
    created(
        state,
        user,
        meta,
        idem,
        id.into_inner(),
        move |uow, actor, id| usecase::lecture::confirm_audience(uow, actor, id, audience),
    )
    .await
}

fn check_audience(audience: i32, errors: &mut Vec<FieldError>) {
    if !(0..=1_000_000).contains(&audience) {
        errors.push(FieldError::new(
            "audience",
            "out_of_range",
            crate::i18n::Msg::new("field-out_of_range-audience").arg("field", "audience"),
        ));
    }
}
