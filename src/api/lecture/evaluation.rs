//! 评课 (evaluation): a school's scores of a delivered lecture, edited for a week, and the
//! list of a lecture's evaluations.

use super::*;
use crate::api::lecture::observation::{check_scores, scored_comment};
use crate::api::support::not_null;
use crate::models::evaluation::{Evaluation, EvaluationChanges, EvaluationRow};
use crate::usecase::lecture::{EDITABLE_DAYS, EvaluationScores};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationRequest {
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
    /// 针对性 (how well it fitted the school's need): 1-5.
    #[schema(minimum = 1, maximum = 5)]
    pub relevance: i32,
    #[schema(min_length = 1, max_length = 5000)]
    pub comment: String,
}

/// An edit of an evaluation: what is left out stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEvaluationRequest {
    #[serde(default, deserialize_with = "whole_not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 5)]
    pub content: Option<i32>,
    #[serde(default, deserialize_with = "whole_not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 5)]
    pub delivery: Option<i32>,
    #[serde(default, deserialize_with = "whole_not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 5)]
    pub interaction: Option<i32>,
    #[serde(default, deserialize_with = "whole_not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 5)]
    pub effect: Option<i32>,
    #[serde(default, deserialize_with = "whole_not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 5)]
    pub relevance: Option<i32>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 5000)]
    pub comment: Option<String>,
}

/// 评课: a school's scores of a lecture.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationResponse {
    pub id: String,
    pub lecture_id: String,
    pub school_id: String,
    pub school_name: String,
    pub content: i32,
    pub delivery: i32,
    pub interaction: i32,
    pub effect: i32,
    pub relevance: i32,
    pub comment: String,
    pub version: i32,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<FixedOffset>,
    /// Its school may edit it until then (7 days after filing).
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub editable_until: DateTime<FixedOffset>,
}

impl EvaluationResponse {
    fn new((e, school_name): EvaluationRow, tz: Tz) -> Self {
        EvaluationResponse {
            editable_until: to_local(e.created_at + chrono::Duration::days(EDITABLE_DAYS), tz),
            id: e.id,
            lecture_id: e.lecture_id,
            school_id: e.school_id,
            school_name,
            content: e.content,
            delivery: e.delivery,
            interaction: e.interaction,
            effect: e.effect,
            relevance: e.relevance,
            comment: e.comment,
            version: e.version,
            created_at: to_local(e.created_at, tz),
            updated_at: to_local(e.updated_at, tz),
        }
    }
}

fn read_evaluation(
    conn: &mut crate::db::DbConnection,
    id: &str,
    tz: Tz,
) -> ApiResult<EvaluationResponse> {
    Evaluation::find(conn, id)?
        .map(|row| EvaluationResponse::new(row, tz))
        .ok_or_else(|| ApiError::not_found(crate::i18n::Msg::new("problem-not_found-evaluation")))
}

/// 评课: the lecture's school (each joined school of a city-wide one) evaluates a delivered
/// lecture, once; the lecture closes when every school that may evaluate it has. A school
/// that did not join a city-wide lecture gets 403; another school's own lecture stays 404.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/evaluations", tag = "lectures", params(("id" = String, Path)),
    request_body = EvaluationRequest, security(("bearer" = [])),
    responses((status = 201, body = EvaluationResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`not_evaluable`, `already_evaluated`"), (status = 422, body = Problem)))]
pub async fn evaluate_lecture(
    state: web::Data<AppState>,
    SchoolUser(user): SchoolUser,
    meta: RequestMeta,
    idem: Idempotency,
    id: web::Path<String>,
    ApiJson(body): ApiJson<EvaluationRequest>,
) -> ApiResult<HttpResponse> {
    let comment = scored_comment(
        &body.comment,
        &[
            ("content", body.content),
            ("delivery", body.delivery),
            ("interaction", body.interaction),
            ("effect", body.effect),
            ("relevance", body.relevance),
        ],
    )?;
    let scores = EvaluationScores {
        content: body.content,
        delivery: body.delivery,
        interaction: body.interaction,
        effect: body.effect,
        relevance: body.relevance,
    };
    let id = id.into_inner();
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        let evaluation = usecase::lecture::evaluate(uow, &actor, &id, scores, &comment)?;
        let body = read_evaluation(uow.conn, &evaluation, tz)?;
        Ok(Answer::created(
            format!("/api/v1/lectures/{id}/evaluations/{evaluation}"),
            Some(body.version),
            body,
        ))
    })
    .await
}

/// A school edits its own evaluation for 7 days after filing (`409 evaluation_locked` after);
/// `If-Match` with the version it read.
#[utoipa::path(patch, path = "/api/v1/lectures/{id}/evaluations/{evaluation_id}", tag = "lectures",
    params(("id" = String, Path), ("evaluation_id" = String, Path)),
    request_body = UpdateEvaluationRequest, security(("bearer" = [])),
    responses((status = 200, body = EvaluationResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`evaluation_locked`"), (status = 412, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update_lecture_evaluation(
    state: web::Data<AppState>,
    SchoolUser(user): SchoolUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<UpdateEvaluationRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let comment = match &body.comment {
        Some(text) => keep(&mut errors, validate::multiline("comment", text, 5000)),
        None => None,
    };
    let scores = [
        ("content", body.content),
        ("delivery", body.delivery),
        ("interaction", body.interaction),
        ("effect", body.effect),
        ("relevance", body.relevance),
    ];
    let given: Vec<(&str, i32)> = scores
        .iter()
        .filter_map(|(field, score)| score.map(|s| (*field, s)))
        .collect();
    check_scores(&given, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let changes = EvaluationChanges {
        content: body.content,
        delivery: body.delivery,
        interaction: body.interaction,
        effect: body.effect,
        relevance: body.relevance,
        comment,
    };
    let (id, evaluation_id) = path.into_inner();
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    let body = usecase::write(&state, audit, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        usecase::lecture::edit_evaluation(
            uow,
            &actor,
            (&id, &evaluation_id),
            if_match.0,
            &changes,
        )?;
        read_evaluation(uow.conn, &evaluation_id, tz)
    })
    .await?;
    let version = body.version;
    Ok(with_etag(HttpResponse::Ok().json(body), version))
}

/// A lecture's evaluations in the order filed: the office, the team's leads and the
/// lecture's expert read all; a school its own. A school that did not join a city-wide
/// lecture gets 403; another school's own lecture stays 404.
#[utoipa::path(get, path = "/api/v1/lectures/{id}/evaluations", tag = "lectures",
    params(("id" = String, Path), pagination::PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<EvaluationResponse>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn list_lecture_evaluations(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    query: ApiQuery<pagination::PageQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor("evaluations", query.cursor.as_deref())?;
    let (id, tz) = (id.into_inner(), state.settings.timezone);
    let page = pagination::read(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let record = LectureRecord::load_visible(conn, &actor, &id)?;
        let only = usecase::lecture::evaluations_reader(&actor, &record)?;
        let rows = Evaluation::page(conn, &id, only.as_deref(), after.as_ref(), limit + 1)?;
        let (rows, next) = pagination::split_page("evaluations", rows, limit, |(e, _)| {
            (e.created_at, e.id.clone())
        });
        Ok(Page {
            items: rows
                .into_iter()
                .map(|row| EvaluationResponse::new(row, tz))
                .collect(),
            next_cursor: next,
        })
    })
    .await?;
    Ok(page.respond())
}
