//! `/api/v1/courses`: the course menu (课程菜单): proposals, review, retirement, browsing.

use crate::i18n::Msg;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::history::{HistoryEntry, history_page};
use crate::api::pagination;
use crate::api::pagination::Page;
use crate::api::support::{check_team_filter, not_null, present, with_etag};
use crate::audit::AuditContext;
use crate::auth::actor::Actor;
use crate::auth::{AuthUser, StaffUser};
use crate::db;
use crate::domain::course::CourseDraft;
use crate::domain::roster::{Audience, CourseStatus, GradeBand, Mode};
use crate::domain::validate;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::{ApiJson, ApiQuery, IfMatch};
use crate::http::RequestMeta;
use crate::idempotency::Idempotency;
use crate::models::course::{Course, CourseFilter, CourseScope};
use crate::models::state_change::StateChange;
use crate::time::to_local;
use crate::usecase::course::{CourseEdit, CourseRecord, Decision};
use crate::usecase::{self, Answer, Uow};

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseReview {
    pub comment: Option<String>,
    pub reviewed_by: Option<String>,
    #[serde(serialize_with = "crate::time::serialize_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reviewed_at: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseResponse {
    pub id: String,
    pub expert_id: String,
    pub expert_name: String,
    #[schema(value_type = crate::api::support::TeamCode)]
    pub team: String,
    pub title: String,
    pub description: String,
    pub outline: String,
    pub audiences: Vec<Audience>,
    /// For student audiences.
    pub grade_bands: Vec<GradeBand>,
    pub modes: Vec<Mode>,
    #[schema(minimum = 30, maximum = 240)]
    pub duration_minutes: i32,
    #[schema(minimum = 1, maximum = 100000)]
    pub max_audience: Option<i32>,
    pub status: CourseStatus,
    /// The last review: shown to the author, the team's leads and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<CourseReview>,
    pub version: i32,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<FixedOffset>,
}

/// The course as `actor` may see it: the review only for those who may see it.
fn course_response(record: &CourseRecord, actor: &Actor, tz: Tz) -> ApiResult<CourseResponse> {
    {
        let draft = record.draft()?;
        let c = &record.course;
        let sees_review = record.review_visible_to(actor);
        Ok(CourseResponse {
            id: c.id.clone(),
            expert_id: c.expert_id.clone(),
            expert_name: record.expert.name.clone(),
            team: draft.team,
            title: draft.title,
            description: draft.description,
            outline: draft.outline,
            audiences: draft.audiences,
            grade_bands: draft.grade_bands,
            modes: draft.modes,
            duration_minutes: draft.duration_minutes,
            max_audience: draft.max_audience,
            status: c.status,
            review: sees_review.then(|| CourseReview {
                comment: c.review_comment.clone(),
                reviewed_by: c.reviewed_by.clone(),
                reviewed_at: c.reviewed_at.map(|t| to_local(t, tz)),
            }),
            version: c.version,
            created_at: to_local(c.created_at, tz),
            updated_at: to_local(c.updated_at, tz),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCourseRequest {
    /// Whose course: required when an admin proposes on an expert's behalf; an expert
    /// proposes their own and may leave it out.
    pub expert_id: Option<String>,
    /// Sub-team code; one the expert serves.
    #[schema(value_type = crate::api::support::TeamCode)]
    pub team: String,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub outline: String,
    #[schema(min_items = 1)]
    pub audiences: Vec<Audience>,
    /// Required for student audiences, not allowed otherwise.
    #[serde(default)]
    pub grade_bands: Vec<GradeBand>,
    /// `online`, `offline` or both.
    #[schema(min_items = 1)]
    pub modes: Vec<Mode>,
    /// 30-240.
    #[schema(minimum = 30, maximum = 240)]
    pub duration_minutes: i32,
    #[schema(minimum = 1, maximum = 100000)]
    pub max_audience: Option<i32>,
}

/// Propose a course for the menu. It waits for review (`pending_review`).
#[utoipa::path(post, path = "/api/v1/courses", tag = "courses", request_body = CreateCourseRequest,
    security(("bearer" = [])),
    responses((status = 201, body = CourseResponse), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_course(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    idem: Idempotency,
    ApiJson(body): ApiJson<CreateCourseRequest>,
) -> ApiResult<HttpResponse> {
    let draft = CourseDraft {
        team: body.team,
        title: body.title,
        description: body.description,
        outline: body.outline,
        audiences: body.audiences,
        grade_bands: body.grade_bands,
        modes: body.modes,
        duration_minutes: body.duration_minutes,
        max_audience: body.max_audience,
    }
    .normalized()
    .map_err(ApiError::Validation)?;
    let expert_id = body
        .expert_id
        .as_deref()
        .map(|id| validate::id("expert_id", id))
        .transpose()
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        let id = usecase::course::propose(uow, &actor, expert_id.clone(), &draft)?;
        let body = reload(uow, &actor, &id, tz)?;
        Ok(Answer::created(
            format!("/api/v1/courses/{id}"),
            Some(body.version),
            body,
        ))
    })
    .await
}

/// The course after a change, as the one who changed it sees it.
fn reload(uow: &mut Uow<'_>, actor: &Actor, id: &str, tz: Tz) -> ApiResult<CourseResponse> {
    let record =
        CourseRecord::load(uow.conn, id)?.ok_or_else(|| ApiError::internal("course vanished"))?;
    course_response(&record, actor, tz)
}

/// Runs `change` on course `id` for the caller, then answers the course with its `ETag`.
async fn change_course<F>(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: String,
    mut change: F,
) -> ApiResult<HttpResponse>
where
    F: FnMut(&mut Uow<'_>, &Actor, &str) -> ApiResult<()> + Send + 'static,
{
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    let body = usecase::write(&state, audit, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        change(uow, &actor, &id)?;
        reload(uow, &actor, &id, tz)
    })
    .await?;
    let version = body.version;
    Ok(with_etag(HttpResponse::Ok().json(body), version))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListCoursesQuery {
    #[param(value_type = Option<crate::api::support::TeamCode>)]
    pub team: Option<String>,
    pub audience: Option<Audience>,
    pub grade: Option<GradeBand>,
    pub mode: Option<Mode>,
    /// An expert id.
    pub expert: Option<String>,
    /// Others than `approved` are seen only by their authors, their team leads and admins.
    pub status: Option<CourseStatus>,
    /// Part of the title, description or outline, any case.
    pub q: Option<String>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Browse the course menu. Schools see approved courses of active experts; experts also
/// their own; leads also their teams'; admins everything.
#[utoipa::path(get, path = "/api/v1/courses", tag = "courses", params(ListCoursesQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<CourseResponse>), (status = 422, body = Problem)))]
pub async fn list_courses(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<ListCoursesQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor("courses", query.cursor.as_deref())?;
    check_team_filter(query.team.as_deref())?;
    let filter = CourseFilter {
        team: query.team,
        audience: query.audience.map(|a| a.as_str().to_owned()),
        grade: query.grade.map(|g| g.as_str().to_owned()),
        mode: query.mode.map(|m| m.as_str().to_owned()),
        expert: query.expert,
        status: query.status,
        q: query
            .q
            .map(|q| q.trim().to_lowercase())
            .filter(|q| !q.is_empty()),
    };
    let tz = state.settings.timezone;
    let page = pagination::read(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let scope = if actor.is_admin() {
            CourseScope::All
        } else {
            CourseScope::Menu {
                own_expert: actor.expert_id.clone(),
                teams: actor.lead_teams.clone(),
            }
        };
        let rows = Course::list(conn, &scope, &filter, after.as_ref(), limit + 1)?;
        let (rows, next) = pagination::split_page("courses", rows, limit, |(c, _, _)| {
            (c.created_at, c.id.clone())
        });
        let items = rows
            .into_iter()
            .map(CourseRecord::from_row)
            .filter(|r| r.visible_to(&actor))
            .map(|r| course_response(&r, &actor, tz))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(Page {
            items,
            next_cursor: next,
        })
    })
    .await?;
    Ok(page.respond())
}

/// One course.
#[utoipa::path(get, path = "/api/v1/courses/{id}", tag = "courses", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = CourseResponse), (status = 404, body = Problem)))]
pub async fn get_course(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let tz = state.settings.timezone;
    let (body, version) = db::run(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let record = CourseRecord::load_visible(conn, &actor, &id)?;
        Ok((course_response(&record, &actor, tz)?, record.course.version))
    })
    .await?;
    Ok(with_etag(HttpResponse::Ok().json(body), version))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCourseRequest {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    #[schema(value_type = Option<crate::api::support::TeamCode>)]
    pub team: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub outline: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    #[schema(min_items = 1)]
    pub audiences: Option<Vec<Audience>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub grade_bands: Option<Vec<GradeBand>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    #[schema(min_items = 1)]
    pub modes: Option<Vec<Mode>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    #[schema(minimum = 30, maximum = 240)]
    pub duration_minutes: Option<i32>,
    /// `null` removes the limit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 100000)]
    pub max_audience: Option<Option<i32>>,
}

/// Edit a course (its author or an admin). An approved or rejected course goes back to
/// review (an approved one leaves the menu until approved again); a retired one cannot be
/// edited. Honours `If-Match`.
#[utoipa::path(patch, path = "/api/v1/courses/{id}", tag = "courses", request_body = UpdateCourseRequest,
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "the version last read")),
    security(("bearer" = [])),
    responses((status = 200, body = CourseResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition` (a retired course)"), (status = 412, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update_course(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<UpdateCourseRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let edit = CourseEdit {
        team: body.team,
        title: body.title,
        description: body.description,
        outline: body.outline,
        audiences: body.audiences,
        grade_bands: body.grade_bands,
        modes: body.modes,
        duration_minutes: body.duration_minutes,
        max_audience: body.max_audience,
    };
    change_course(state, user, meta, id, move |uow, actor, id| {
        usecase::course::edit(uow, actor, id, if_match.0, edit.clone())
    })
    .await
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Approve,
    Reject,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewCourseRequest {
    pub decision: ReviewDecision,
    /// Shown to the author; required when rejecting.
    pub comment: Option<String>,
}

/// Review a pending course: an admin, or a lead of the course's team reviewing someone
/// else's course. Approval puts it on the menu.
#[utoipa::path(post, path = "/api/v1/courses/{id}/review", tag = "courses", request_body = ReviewCourseRequest,
    params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CourseResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition` (not pending review), `expert_not_active` (approving a course of an expert who is not active)"), (status = 422, body = Problem)))]
pub async fn review_course(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ReviewCourseRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let comment = body
        .comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > 1000) {
        return Err(ApiError::invalid(
            "comment",
            "too_long",
            Msg::new("field-too_long-comment_has_most_1000").arg("field", "comment"),
        ));
    }
    if matches!(body.decision, ReviewDecision::Reject) && comment.is_none() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "comment",
            "required",
            Msg::new("field-required-say_why_course_rejected").arg("field", "comment"),
        )]));
    }
    let decision = match body.decision {
        ReviewDecision::Approve => Decision::Approve,
        ReviewDecision::Reject => Decision::Reject,
    };
    change_course(state, user, meta, id, move |uow, actor, id| {
        usecase::course::review(uow, actor, id, decision, comment.as_deref())
    })
    .await
}

/// Take an approved course off the menu (its author or an admin).
#[utoipa::path(post, path = "/api/v1/courses/{id}/retire", tag = "courses", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = CourseResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition` (not approved)")))]
pub async fn retire_course(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change_course(state, user, meta, id.into_inner(), usecase::course::retire).await
}

/// A course's review history (proposed, approved, rejected, edited back to review,
/// retired), in order: for its author, the leads of its team and the office.
#[utoipa::path(get, path = "/api/v1/courses/{id}/history", tag = "courses", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Page<HistoryEntry>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn course_history(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let tz = state.settings.timezone;
    let changes = db::run(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let record = CourseRecord::load_visible(conn, &actor, &id)?;
        if !record.review_visible_to(&actor) {
            return Err(ApiError::forbidden(
                "forbidden",
                Msg::new("problem-forbidden-course_s_history_author"),
            ));
        }
        Ok(StateChange::history(conn, "course", &id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(history_page(changes, tz)))
}
