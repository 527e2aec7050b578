//! `/api/v1/courses`: the course menu (课程菜单): proposals, review, retirement, browsing.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::pagination;
use crate::api::support::{check_team_filter, present, version_mismatch, with_etag};
use crate::audit::AuditContext;
use crate::auth::AuthUser;
use crate::auth::actor::Actor;
use crate::db::{self, DbConnection};
use crate::domain::course::CourseDraft;
use crate::domain::roster::{Audience, CourseStatus, GradeBand, Mode, stored};
use crate::domain::visibility::{course_visible, may_review_course};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::{ApiJson, IfMatch};
use crate::http::RequestMeta;
use crate::mail::outbox::{Notice, notify};
use crate::models::course::{
    Course, CourseChanges, CourseFilter, CourseScope, CourseSets, NewCourse, search_text,
};
use crate::models::expert::Expert;
use crate::models::user::User;
use crate::time::to_local;

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
    pub team: String,
    pub title: String,
    pub description: String,
    pub outline: String,
    pub audiences: Vec<Audience>,
    /// For student audiences.
    pub grade_bands: Vec<GradeBand>,
    pub modes: Vec<Mode>,
    pub duration_minutes: i32,
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

struct CourseRecord {
    course: Course,
    sets: CourseSets,
    expert: Expert,
}

impl CourseRecord {
    fn load_many(conn: &mut DbConnection, courses: Vec<Course>) -> ApiResult<Vec<CourseRecord>> {
        let ids: Vec<String> = courses.iter().map(|c| c.id.clone()).collect();
        let sets = Course::sets_for(conn, &ids)?;
        let expert_ids: Vec<String> = courses.iter().map(|c| c.expert_id.clone()).collect();
        let experts: HashMap<String, Expert> = Expert::find_many(conn, &expert_ids)?
            .into_iter()
            .map(|e| (e.id.clone(), e))
            .collect();
        let mut records = Vec::with_capacity(courses.len());
        for (course, sets) in courses.into_iter().zip(sets) {
            let expert = experts
                .get(&course.expert_id)
                .cloned()
                .ok_or_else(|| ApiError::internal("course without expert"))?;
            records.push(CourseRecord {
                course,
                sets,
                expert,
            });
        }
        Ok(records)
    }

    fn load(conn: &mut DbConnection, id: &str) -> ApiResult<Option<CourseRecord>> {
        let Some(course) = Course::find(conn, id)? else {
            return Ok(None);
        };
        Ok(Self::load_many(conn, vec![course])?.pop())
    }

    fn visible_to(&self, actor: &Actor) -> bool {
        course_visible(
            actor.viewer(),
            &self.course.expert_id,
            &self.course.team_code,
            self.course.status == "approved",
            self.expert.status == "active",
        )
    }

    /// The course as a draft; sets in their natural order, not the database's text order.
    fn draft(&self) -> ApiResult<CourseDraft> {
        let mut draft = CourseDraft {
            team: self.course.team_code.clone(),
            title: self.course.title.clone(),
            description: self.course.description.clone(),
            outline: self.course.outline.clone(),
            audiences: self
                .sets
                .audiences
                .iter()
                .map(|a| stored(a))
                .collect::<ApiResult<_>>()?,
            grade_bands: self
                .sets
                .grades
                .iter()
                .map(|g| stored(g))
                .collect::<ApiResult<_>>()?,
            modes: self
                .sets
                .modes
                .iter()
                .map(|m| stored(m))
                .collect::<ApiResult<_>>()?,
            duration_minutes: self.course.duration_minutes,
            max_audience: self.course.max_audience,
        };
        draft.audiences.sort();
        draft.grade_bands.sort();
        draft.modes.sort();
        Ok(draft)
    }

    fn response(&self, actor: &Actor, tz: Tz) -> ApiResult<CourseResponse> {
        let draft = self.draft()?;
        let c = &self.course;
        let sees_review =
            actor.is_admin() || actor.is_expert(&c.expert_id) || actor.leads(&c.team_code);
        Ok(CourseResponse {
            id: c.id.clone(),
            expert_id: c.expert_id.clone(),
            expert_name: self.expert.name.clone(),
            team: draft.team,
            title: draft.title,
            description: draft.description,
            outline: draft.outline,
            audiences: draft.audiences,
            grade_bands: draft.grade_bands,
            modes: draft.modes,
            duration_minutes: draft.duration_minutes,
            max_audience: draft.max_audience,
            status: stored(&c.status)?,
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

fn sets_of(draft: &CourseDraft) -> CourseSets {
    CourseSets {
        audiences: draft
            .audiences
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
        grades: draft
            .grade_bands
            .iter()
            .map(|g| g.as_str().to_owned())
            .collect(),
        modes: draft.modes.iter().map(|m| m.as_str().to_owned()).collect(),
    }
}

/// The course's team must be one the expert serves.
fn check_team_served(conn: &mut DbConnection, expert: &Expert, team: &str) -> ApiResult<()> {
    let teams = Expert::sets(conn, &expert.id)?.all_teams(&expert.primary_team);
    if teams.iter().any(|t| t == team) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "team",
            "not_member",
            "the expert does not serve this sub-team",
        ))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCourseRequest {
    /// Whose course: required when an admin proposes on an expert's behalf; an expert
    /// proposes their own and may leave it out.
    pub expert_id: Option<String>,
    /// Sub-team code; one the expert serves.
    pub team: String,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub outline: String,
    pub audiences: Vec<Audience>,
    /// Required for student audiences, not allowed otherwise.
    #[serde(default)]
    pub grade_bands: Vec<GradeBand>,
    /// `online`, `offline` or both.
    pub modes: Vec<Mode>,
    /// 30-240.
    pub duration_minutes: i32,
    pub max_audience: Option<i32>,
}

/// Propose a course for the menu. It waits for review (`pending_review`).
#[utoipa::path(post, path = "/api/v1/courses", tag = "courses", request_body = CreateCourseRequest,
    security(("bearer" = [])),
    responses((status = 201, body = CourseResponse), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_course(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
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
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(user.id()), now);
    let tz = state.settings.timezone;
    let (course, actor) = db::run_tx(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let expert_id = match (actor.is_admin(), &actor.expert_id, body.expert_id.clone()) {
            (true, _, Some(id)) => id,
            (true, _, None) => {
                return Err(ApiError::invalid(
                    "expert_id",
                    "required",
                    "name the expert whose course this is",
                ));
            }
            (false, Some(own), None) => own.clone(),
            (false, Some(own), Some(id)) if *own == id => id,
            _ => {
                return Err(ApiError::forbidden(
                    "forbidden",
                    "experts propose their own courses; the office may propose for any expert",
                ));
            }
        };
        let expert = Expert::find(conn, &expert_id)?
            .ok_or_else(|| ApiError::invalid("expert_id", "not_found", "no expert has this id"))?;
        if expert.status == "exited" {
            return Err(ApiError::conflict(
                "expert_exited",
                "an expert who has left cannot propose courses",
            ));
        }
        check_team_served(conn, &expert, &draft.team)?;
        let id = uuid::Uuid::new_v4().to_string();
        Course::insert(
            conn,
            &NewCourse {
                id: id.clone(),
                expert_id: expert.id.clone(),
                team_code: draft.team.clone(),
                search_text: search_text(&draft.title, &draft.description, &draft.outline),
                title: draft.title.clone(),
                description: draft.description.clone(),
                outline: draft.outline.clone(),
                duration_minutes: draft.duration_minutes,
                max_audience: draft.max_audience,
                status: CourseStatus::PendingReview.as_str().to_owned(),
                created_by: actor.user_id.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            },
            &sets_of(&draft),
        )?;
        audit.record(
            conn,
            "course.proposed",
            "course",
            Some(&id),
            json!({ "expert_id": expert.id, "title": draft.title }),
        )?;
        let record = CourseRecord::load(conn, &id)?
            .ok_or_else(|| ApiError::internal("created course vanished"))?;
        Ok((record, actor))
    })
    .await?;
    let response = HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/courses/{}", course.course.id),
        ))
        .json(course.response(&actor, tz)?);
    Ok(with_etag(response, course.course.version))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListCoursesQuery {
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
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoursePage {
    pub items: Vec<CourseResponse>,
    pub next_cursor: Option<String>,
}

/// Browse the course menu. Schools see approved courses of active experts; experts also
/// their own; leads also their teams'; admins everything.
#[utoipa::path(get, path = "/api/v1/courses", tag = "courses", params(ListCoursesQuery), security(("bearer" = [])),
    responses((status = 200, body = CoursePage), (status = 422, body = Problem)))]
pub async fn list_courses(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ListCoursesQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    check_team_filter(query.team.as_deref())?;
    let filter = CourseFilter {
        team: query.team,
        audience: query.audience.map(|a| a.as_str().to_owned()),
        grade: query.grade.map(|g| g.as_str().to_owned()),
        mode: query.mode.map(|m| m.as_str().to_owned()),
        expert: query.expert,
        status: query.status.map(|s| s.as_str().to_owned()),
        q: query
            .q
            .map(|q| q.trim().to_lowercase())
            .filter(|q| !q.is_empty()),
    };
    let tz = state.settings.timezone;
    let (items, next_cursor) = db::run(&state.db, move |conn| {
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
        let (rows, next) = pagination::split_page(rows, limit, |c| (c.created_at, c.id.clone()));
        let items = CourseRecord::load_many(conn, rows)?
            .iter()
            .filter(|r| r.visible_to(&actor))
            .map(|r| r.response(&actor, tz))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok((items, next))
    })
    .await?;
    Ok(HttpResponse::Ok().json(CoursePage { items, next_cursor }))
}

fn load_visible(conn: &mut DbConnection, actor: &Actor, id: &str) -> ApiResult<CourseRecord> {
    CourseRecord::load(conn, id)?
        .filter(|r| r.visible_to(actor))
        .ok_or_else(|| ApiError::not_found("no such course"))
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
        let record = load_visible(conn, &actor, &id)?;
        Ok((record.response(&actor, tz)?, record.course.version))
    })
    .await?;
    Ok(with_etag(HttpResponse::Ok().json(body), version))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCourseRequest {
    pub team: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub outline: Option<String>,
    pub audiences: Option<Vec<Audience>>,
    pub grade_bands: Option<Vec<GradeBand>>,
    pub modes: Option<Vec<Mode>>,
    pub duration_minutes: Option<i32>,
    /// `null` removes the limit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>)]
    pub max_audience: Option<Option<i32>>,
}

/// Edit a course (its author or an admin). An approved or rejected course goes back to
/// review (an approved one leaves the menu until approved again); a retired one cannot be
/// edited. Honours `If-Match`.
#[utoipa::path(patch, path = "/api/v1/courses/{id}", tag = "courses", request_body = UpdateCourseRequest,
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "the version last read")),
    security(("bearer" = [])),
    responses((status = 200, body = CourseResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`course_retired`"), (status = 412, body = Problem),
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
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(user.id()), now);
    let tz = state.settings.timezone;
    let (record, actor) = db::run_tx(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let record = load_visible(conn, &actor, &id)?;
        if !actor.is_admin() && !actor.is_expert(&record.course.expert_id) {
            return Err(ApiError::forbidden(
                "forbidden",
                "only the course's author and the office edit it",
            ));
        }
        let status: CourseStatus = stored(&record.course.status)?;
        let next = status.after_edit().ok_or_else(|| {
            ApiError::conflict(
                "course_retired",
                "a retired course cannot be edited; propose a new one",
            )
        })?;
        let before = record.draft()?;
        let after = CourseDraft {
            team: body.team.clone().unwrap_or(before.team.clone()),
            title: body.title.clone().unwrap_or(before.title.clone()),
            description: body
                .description
                .clone()
                .unwrap_or(before.description.clone()),
            outline: body.outline.clone().unwrap_or(before.outline.clone()),
            audiences: body.audiences.clone().unwrap_or(before.audiences.clone()),
            grade_bands: body
                .grade_bands
                .clone()
                .unwrap_or(before.grade_bands.clone()),
            modes: body.modes.clone().unwrap_or(before.modes.clone()),
            duration_minutes: body.duration_minutes.unwrap_or(before.duration_minutes),
            max_audience: body.max_audience.unwrap_or(before.max_audience),
        }
        .normalized()
        .map_err(ApiError::Validation)?;
        if after.team != before.team {
            check_team_served(conn, &record.expert, &after.team)?;
        }
        let changes = CourseChanges {
            team_code: Some(after.team.clone()),
            title: Some(after.title.clone()),
            description: Some(after.description.clone()),
            outline: Some(after.outline.clone()),
            duration_minutes: Some(after.duration_minutes),
            max_audience: Some(after.max_audience),
            status: Some(next.as_str().to_owned()),
            search_text: Some(search_text(
                &after.title,
                &after.description,
                &after.outline,
            )),
        };
        let expected = if_match.0.unwrap_or(record.course.version);
        if !Course::update(conn, &id, expected, &changes, now)? {
            return Err(version_mismatch("course", record.course.version, expected));
        }
        Course::replace_sets(conn, &id, &sets_of(&after))?;
        audit.record(
            conn,
            "course.updated",
            "course",
            Some(&id),
            json!({ "from_status": status, "to_status": next }),
        )?;
        let record =
            CourseRecord::load(conn, &id)?.ok_or_else(|| ApiError::internal("course vanished"))?;
        Ok((record, actor))
    })
    .await?;
    Ok(with_etag(
        HttpResponse::Ok().json(record.response(&actor, tz)?),
        record.course.version,
    ))
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
        (status = 409, body = Problem, description = "`course_not_pending`"), (status = 422, body = Problem)))]
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
            "comment has at most 1000 characters",
        ));
    }
    if matches!(body.decision, ReviewDecision::Reject) && comment.is_none() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "comment",
            "required",
            "say why the course is rejected",
        )]));
    }
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(user.id()), now);
    let tz = state.settings.timezone;
    let st = state.clone();
    let (record, actor) = db::run_tx(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let record = load_visible(conn, &actor, &id)?;
        if !may_review_course(actor.viewer(), &record.course.expert_id, &record.course.team_code) {
            return Err(ApiError::forbidden(
                "forbidden",
                "courses are reviewed by the office or a lead of the course's team, never by their author",
            ));
        }
        let to = match body.decision {
            ReviewDecision::Approve => CourseStatus::Approved,
            ReviewDecision::Reject => CourseStatus::Rejected,
        };
        if !Course::review(conn, &id, to.as_str(), comment.as_deref(), &actor.user_id, now)? {
            return Err(ApiError::conflict(
                "course_not_pending",
                format!("the course is {}, not pending review", record.course.status),
            ));
        }
        audit.record(conn, "course.reviewed", "course", Some(&id), json!({ "decision": body.decision, "comment": comment }))?;
        if let Some(author) = User::find(conn, &record.expert.user_id)? {
            let notice = Notice::CourseReviewed {
                title: record.course.title.clone(),
                approved: to == CourseStatus::Approved,
                comment: comment.clone(),
                at: now,
            };
            notify(conn, &st.settings, &author, notice, now)?;
        }
        let record = CourseRecord::load(conn, &id)?.ok_or_else(|| ApiError::internal("course vanished"))?;
        Ok((record, actor))
    })
    .await?;
    Ok(with_etag(
        HttpResponse::Ok().json(record.response(&actor, tz)?),
        record.course.version,
    ))
}

/// Take an approved course off the menu (its author or an admin).
#[utoipa::path(post, path = "/api/v1/courses/{id}/retire", tag = "courses", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = CourseResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`course_not_approved`")))]
pub async fn retire_course(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(user.id()), now);
    let tz = state.settings.timezone;
    let (record, actor) = db::run_tx(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let record = load_visible(conn, &actor, &id)?;
        if !actor.is_admin() && !actor.is_expert(&record.course.expert_id) {
            return Err(ApiError::forbidden(
                "forbidden",
                "only the course's author and the office retire it",
            ));
        }
        if !Course::retire(conn, &id, now)? {
            return Err(ApiError::conflict(
                "course_not_approved",
                format!(
                    "only an approved course can be retired; this one is {}",
                    record.course.status
                ),
            ));
        }
        audit.record(conn, "course.retired", "course", Some(&id), json!({}))?;
        let record =
            CourseRecord::load(conn, &id)?.ok_or_else(|| ApiError::internal("course vanished"))?;
        Ok((record, actor))
    })
    .await?;
    Ok(with_etag(
        HttpResponse::Ok().json(record.response(&actor, tz)?),
        record.course.version,
    ))
}
