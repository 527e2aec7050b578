//! 听课 (observation): assigning and removing observers, and the observations they file.

use super::*;
use crate::models::observation::{LectureObserver, Observation};
use crate::usecase::lecture::ObservationScores;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignObserverRequest {
    /// The expert who is to observe (never the lecture's own).
    pub expert_id: String,
}

/// An observer of a lecture, on its page.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObserverResponse {
    pub expert_id: String,
    pub name: String,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub assigned_at: DateTime<FixedOffset>,
    /// Whether they have filed their observation.
    pub observed: bool,
}

/// The lecture's observers as its page shows them (to those who work on it and to its
/// observers; a school does not see who observes).
pub(super) fn observers(
    conn: &mut crate::db::DbConnection,
    record: &LectureRecord,
    actor: &Actor,
    tz: Tz,
) -> ApiResult<Option<Vec<ObserverResponse>>> {
    if !(record.staff_view(actor) || record.observing) {
        return Ok(None);
    }
    if !record.lecture.state.keeps_observers() {
        return Ok(Some(Vec::new()));
    }
    let rows = LectureObserver::of_lecture(conn, &record.lecture.id)?;
    let filed = Observation::observers_of(conn, &record.lecture.id)?;
    let observers = rows
        .into_iter()
        .map(|(o, name)| ObserverResponse {
            observed: filed.contains(&o.expert_id),
            expert_id: o.expert_id,
            name,
            assigned_at: to_local(o.assigned_at, tz),
        })
        .collect();
    Ok(Some(observers))
}

/// 听课安排: the office or a lead of the lecture's team assigns an expert to observe an
/// offered or confirmed lecture before it begins. The observer's time is held as a lecture's
/// is (travel buffer on site, approved leave refused), moves with a reschedule and is freed
/// by a cancel or a release; the observer is told.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/observers", tag = "lectures", params(("id" = String, Path)),
    request_body = AssignObserverRequest, security(("bearer" = [])),
    responses((status = 201, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`not_observable`, `already_observer`, `expert_busy`, `expert_on_leave`, `expert_not_active`"),
        (status = 422, body = Problem, description = "`expert_id` `own_lecture`, `not_found`")))]
pub async fn assign_lecture_observer(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    idem: Idempotency,
    id: web::Path<String>,
    ApiJson(body): ApiJson<AssignObserverRequest>,
) -> ApiResult<HttpResponse> {
    let expert_id =
        validate::id("expert_id", &body.expert_id).map_err(|e| ApiError::Validation(vec![e]))?;
    created(
        state,
        user,
        meta,
        idem,
        id.into_inner(),
        move |uow, actor, id| usecase::lecture::assign_observer(uow, actor, id, &expert_id),
    )
    .await
}

/// The office or a lead of the lecture's team takes an observer off it before it begins;
/// their time is freed and they are told.
#[utoipa::path(delete, path = "/api/v1/lectures/{id}/observers/{expert_id}", tag = "lectures",
    params(("id" = String, Path), ("expert_id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`not_observable` (begun)")))]
pub async fn remove_lecture_observer(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, expert_id) = path.into_inner();
    change_lecture(state, user, meta, id, move |uow, actor, id| {
        usecase::lecture::remove_observer(uow, actor, id, &expert_id)
    })
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObservationRequest {
    /// 内容: 1-5.
    #[schema(minimum = 1, maximum = 5)]
    pub content: i32,
    /// 讲授: 1-5.
    #[schema(minimum = 1, maximum = 5)]
    pub delivery: i32,
    /// 互动: 1-5.
    #[schema(minimum = 1, maximum = 5)]
    pub interaction: i32,
    /// 效果: 1-5.
    #[schema(minimum = 1, maximum = 5)]
    pub effect: i32,
    #[schema(min_length = 1, max_length = 5000)]
    pub comment: String,
}

/// 听课记录: what an observer filed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObservationResponse {
    pub id: String,
    pub lecture_id: String,
    pub observer_id: String,
    pub observer_name: String,
    pub content: i32,
    pub delivery: i32,
    pub interaction: i32,
    pub effect: i32,
    pub comment: String,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub filed_at: DateTime<FixedOffset>,
}

impl ObservationResponse {
    fn new((o, observer_name): (Observation, String), tz: Tz) -> Self {
        ObservationResponse {
            id: o.id,
            lecture_id: o.lecture_id,
            observer_id: o.observer_id,
            observer_name,
            content: o.content,
            delivery: o.delivery,
            interaction: o.interaction,
            effect: o.effect,
            comment: o.comment,
            filed_at: to_local(o.filed_at, tz),
        }
    }
}

/// A scored comment (an observation's, an evaluation's): the comment checked as multi-line
/// text and every score of 1-5, each refusal named; the comment.
pub(super) fn scored_comment(comment: &str, scores: &[(&str, i32)]) -> ApiResult<String> {
    let mut errors = Vec::new();
    let comment = keep(&mut errors, validate::multiline("comment", comment, 5000));
    check_scores(scores, &mut errors);
    match (comment, errors.is_empty()) {
        (Some(comment), true) => Ok(comment),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// Scores of 1-5, each named when out of range.
pub(super) fn check_scores(scores: &[(&str, i32)], errors: &mut Vec<FieldError>) {
    for (field, score) in scores {
        if !(1..=5).contains(score) {
            errors.push(FieldError::new(
                *field,
                "out_of_range",
                crate::i18n::Msg::new("field-out_of_range-score").arg("field", *field),
            ));
        }
    }
}

/// 听课记录: an assigned observer files theirs once the lecture has begun (its expert checked
/// in), once.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/observations", tag = "lectures", params(("id" = String, Path)),
    request_body = ObservationRequest, security(("bearer" = [])),
    responses((status = 201, body = ObservationResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`lecture_not_begun`, `already_observed`"), (status = 422, body = Problem)))]
pub async fn file_lecture_observation(
    state: web::Data<AppState>,
    ExpertUser(user): ExpertUser,
    meta: RequestMeta,
    idem: Idempotency,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ObservationRequest>,
) -> ApiResult<HttpResponse> {
    let comment = scored_comment(
        &body.comment,
        &[
            ("content", body.content),
            ("delivery", body.delivery),
            ("interaction", body.interaction),
            ("effect", body.effect),
        ],
    )?;
    let scores = ObservationScores {
        content: body.content,
        delivery: body.delivery,
        interaction: body.interaction,
        effect: body.effect,
    };
    let id = id.into_inner();
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        usecase::lecture::file_observation(uow, &actor, &id, scores, &comment)?;
        let observer = actor.expert_id.clone().unwrap_or_default();
        let row = Observation::page(uow.conn, &id, Some(&observer), None, 1)?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::internal("a filed observation is not found"))?;
        Ok(Answer::created(
            format!("/api/v1/lectures/{id}/observations"),
            None,
            ObservationResponse::new(row, tz),
        ))
    })
    .await
}

/// A lecture's observations in the order filed: the office, the team's leads and the
/// observed expert; an observer their own. Never a school (403).
#[utoipa::path(get, path = "/api/v1/lectures/{id}/observations", tag = "lectures",
    params(("id" = String, Path), pagination::PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<ObservationResponse>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn list_lecture_observations(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    id: web::Path<String>,
    query: ApiQuery<pagination::PageQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor("observations", query.cursor.as_deref())?;
    let (id, tz) = (id.into_inner(), state.settings.timezone);
    let page = pagination::read(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let record = LectureRecord::load_visible(conn, &actor, &id)?;
        let only = usecase::lecture::observations_reader(conn, &actor, &record)?;
        let rows = Observation::page(conn, &id, only.as_deref(), after.as_ref(), limit + 1)?;
        let (rows, next) = pagination::split_page("observations", rows, limit, |(o, _)| {
            (o.filed_at, o.id.clone())
        });
        Ok(Page {
            items: rows
                .into_iter()
                .map(|row| ObservationResponse::new(row, tz))
                .collect(),
            next_cursor: next,
        })
    })
    .await?;
    Ok(page.respond())
}
