//! `/api/v1/leaves`: experts' leave (请假): asked for, approved or rejected, recorded by the
//! office, withdrawn; listed for the expert, the leads of their team and the office.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::history::{HistoryEntry, history_page};
use crate::api::pagination::{self, Page};
use crate::api::support::{ReasonRequest, id_filter, keep, reason, with_etag};
use crate::audit::AuditContext;
use crate::auth::StaffUser;
use crate::auth::actor::Actor;
use crate::domain::leave::{LeaveDays, LeaveState};
use crate::domain::lecture::LectureState;
use crate::domain::role::Role;
use crate::domain::schedule::local_date;
use crate::domain::validate;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, OptionalJson};
use crate::http::RequestMeta;
use crate::idempotency::Idempotency;
use crate::models::leave::{Leave, LeaveFilter, LeaveScope};
use crate::models::state_change::StateChange;
use crate::time::to_local;
use crate::usecase::leave::{LeaveRecord, Released};
use crate::usecase::{self, Answer, Uow};

/// A lecture an approval gave back to the office.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReleasedLecture {
    pub id: String,
    /// `requested` (it was offered) or `needs_reassignment` (it was confirmed).
    pub state: LectureState,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeaveResponse {
    pub id: String,
    pub expert_id: String,
    pub expert_name: String,
    /// The expert's primary team, whose leads decide.
    #[schema(value_type = crate::api::support::TeamCode)]
    pub team: String,
    pub state: LeaveState,
    /// The first day away (local date in the service zone).
    #[schema(value_type = String, format = Date)]
    pub start_date: NaiveDate,
    /// The last day away (inclusive).
    #[schema(value_type = String, format = Date)]
    pub end_date: NaiveDate,
    /// Days away, both ends counted.
    pub days: i64,
    pub reason: String,
    /// Who approved or rejected it, and when.
    pub decided_by: Option<String>,
    #[serde(serialize_with = "crate::time::serialize_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<DateTime<FixedOffset>>,
    /// Why it was not approved.
    pub rejection_reason: Option<String>,
    pub created_by: String,
    pub version: i32,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<FixedOffset>,
    /// Every step, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Only in the answer to an approval (and to the office's recording, approved at once):
    /// the lectures the expert held inside the leave, given back to the office.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub released_lectures: Option<Vec<ReleasedLecture>>,
}

/// A leave as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeaveBrief {
    pub id: String,
    pub expert_id: String,
    pub expert_name: String,
    #[schema(value_type = crate::api::support::TeamCode)]
    pub team: String,
    pub state: LeaveState,
    #[schema(value_type = String, format = Date)]
    pub start_date: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub end_date: NaiveDate,
    pub days: i64,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
}

fn leave_response(
    conn: &mut crate::db::DbConnection,
    record: LeaveRecord,
    released: Option<Released>,
    tz: Tz,
) -> ApiResult<LeaveResponse> {
    let history = StateChange::history(conn, "leave", &record.leave.id)?;
    let l = record.leave;
    let days = l.days().count();
    Ok(LeaveResponse {
        id: l.id,
        expert_id: l.expert_id,
        expert_name: record.expert_name,
        team: record.team,
        state: l.state,
        start_date: l.start_date,
        end_date: l.end_date,
        days,
        reason: l.reason,
        decided_by: l.decided_by,
        decided_at: l.decided_at.map(|t| to_local(t, tz)),
        rejection_reason: l.decision_reason,
        created_by: l.created_by,
        version: l.version,
        created_at: to_local(l.created_at, tz),
        updated_at: to_local(l.updated_at, tz),
        history: history_page(history, tz).items,
        released_lectures: released.map(|r| {
            r.into_iter()
                .map(|(id, state)| ReleasedLecture { id, state })
                .collect()
        }),
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLeaveRequest {
    /// The office names the expert; an expert leaves it out (or gives their own).
    pub expert_id: Option<String>,
    /// The first day away (a local date).
    #[schema(value_type = String, format = Date)]
    pub start_date: NaiveDate,
    /// The last day away (inclusive).
    #[schema(value_type = String, format = Date)]
    pub end_date: NaiveDate,
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// 请假: an expert asks for leave over whole local days (`pending`, told to the office and
/// the leads of their team); the office records one for any expert, approved at once, which
/// gives back the lectures the expert held inside it (listed in `released_lectures`).
#[utoipa::path(post, path = "/api/v1/leaves", tag = "leaves", request_body = CreateLeaveRequest,
    security(("bearer" = [])),
    responses((status = 201, body = LeaveResponse), (status = 403, body = Problem),
        (status = 409, body = Problem, description = "`leave_overlaps` (a pending or approved leave of the expert shares a day), `expert_exited`"),
        (status = 422, body = Problem)))]
pub async fn create_leave(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    idem: Idempotency,
    ApiJson(body): ApiJson<CreateLeaveRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let reason = keep(
        &mut errors,
        validate::multiline("reason", &body.reason, 500),
    );
    let expert_id = body
        .expert_id
        .as_deref()
        .and_then(|v| keep(&mut errors, validate::id("expert_id", v)));
    let days = LeaveDays {
        first: body.start_date,
        last: body.end_date,
    };
    let now = state.clock.now_naive();
    let tz = state.settings.timezone;
    errors.extend(days.problems(
        local_date(now, tz),
        user.role == Role::Admin,
        state.settings.days_ahead,
    ));
    let (Some(reason), true) = (reason, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let audit = AuditContext::from_request(&meta, Some(user.id()), now);
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        let (id, released) =
            usecase::leave::request(uow, &actor, expert_id.clone(), days, &reason)?;
        let record = LeaveRecord::load_visible(uow.conn, &actor, &id)?;
        let approved = record.leave.state == LeaveState::Approved;
        let body = leave_response(uow.conn, record, approved.then_some(released), tz)?;
        Ok(Answer::created(
            format!("/api/v1/leaves/{id}"),
            Some(body.version),
            body,
        ))
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListLeavesQuery {
    pub expert_id: Option<String>,
    pub state: Option<LeaveState>,
    /// Leaves that reach this day or later (a local date).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Leaves that begin by this day.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Leaves by first day: an expert sees their own (and, leading a team, its experts'), the
/// office all. Briefs; the reason and history are on the leave's own page.
#[utoipa::path(get, path = "/api/v1/leaves", tag = "leaves", params(ListLeavesQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<LeaveBrief>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_leaves(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    query: ApiQuery<ListLeavesQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let mut errors = Vec::new();
    let limit = pagination::limit_among(&mut errors, query.limit);
    let expert_id = id_filter(&mut errors, "expert_id", query.expert_id.as_deref());
    pagination::days_in_order(&mut errors, query.from, query.to);
    let (Some(limit), true) = (limit, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let after = pagination::decode_cursor("leaves", query.cursor.as_deref())?;
    let filter = LeaveFilter {
        expert_id,
        state: query.state,
        from: query.from,
        to: query.to,
    };
    let tz = state.settings.timezone;
    let page = pagination::read(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let scope = match &actor.expert_id {
            Some(own) if !actor.is_admin() => LeaveScope::Expert {
                own: own.clone(),
                teams: actor.lead_teams.clone(),
            },
            _ => LeaveScope::All,
        };
        let after = after.as_ref().map(|k| (k.at.date(), k.id.as_str()));
        let rows = Leave::list(conn, &scope, &filter, after, limit + 1)?;
        let (rows, next) = pagination::split_page("leaves", rows, limit, |(l, _, _)| {
            (l.start_date.and_time(NaiveTime::MIN), l.id.clone())
        });
        let items = rows
            .into_iter()
            .map(|(l, expert_name, team)| LeaveBrief {
                days: l.days().count(),
                id: l.id,
                expert_id: l.expert_id,
                expert_name,
                team,
                state: l.state,
                start_date: l.start_date,
                end_date: l.end_date,
                created_at: to_local(l.created_at, tz),
            })
            .collect();
        Ok(Page {
            items,
            next_cursor: next,
        })
    })
    .await?;
    Ok(page.respond())
}

/// A leave with its history: the expert, a lead of their team, the office.
#[utoipa::path(get, path = "/api/v1/leaves/{id}", tag = "leaves", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = LeaveResponse), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_leave(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let tz = state.settings.timezone;
    let body = crate::db::run(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let record = LeaveRecord::load_visible(conn, &actor, &id)?;
        leave_response(conn, record, None, tz)
    })
    .await?;
    let version = body.version;
    Ok(with_etag(HttpResponse::Ok().json(body), version))
}

/// Runs a step on a leave and answers the leave as it now is.
async fn change_leave<F>(
    state: web::Data<AppState>,
    user: crate::auth::AuthUser,
    meta: RequestMeta,
    id: String,
    mut change: F,
) -> ApiResult<HttpResponse>
where
    F: FnMut(&mut Uow<'_>, &Actor, &str) -> ApiResult<Option<Released>> + Send + 'static,
{
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    let body = usecase::write(&state, audit, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        let released = change(uow, &actor, &id)?;
        let record = LeaveRecord::load_visible(uow.conn, &actor, &id)?;
        leave_response(uow.conn, record, released, tz)
    })
    .await?;
    let version = body.version;
    Ok(with_etag(HttpResponse::Ok().json(body), version))
}

/// Approve a pending leave: the office, or a lead of the expert's team who is not the
/// expert. The expert's offered lectures inside it go back to `requested`, confirmed ones
/// to `needs_reassignment` (listed in `released_lectures`); the days are held.
#[utoipa::path(post, path = "/api/v1/leaves/{id}/approve", tag = "leaves", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = LeaveResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition` (not pending)")))]
pub async fn approve_leave(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change_leave(state, user, meta, id.into_inner(), |uow, actor, id| {
        usecase::leave::approve(uow, actor, id).map(Some)
    })
    .await
}

/// Reject a pending leave, saying why (the expert is told).
#[utoipa::path(post, path = "/api/v1/leaves/{id}/reject", tag = "leaves", params(("id" = String, Path)),
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 200, body = LeaveResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition` (not pending)"), (status = 422, body = Problem)))]
pub async fn reject_leave(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let reason = reason(body)?;
    change_leave(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::leave::reject(uow, actor, id, &reason).map(|()| None)
    })
    .await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawLeaveRequest {
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: Option<String>,
}

/// Withdraw a pending or approved leave: the expert before it begins, the office any time.
/// Its days are free again at once; lectures it gave back stay with the office.
#[utoipa::path(post, path = "/api/v1/leaves/{id}/withdraw", tag = "leaves", params(("id" = String, Path)),
    request_body(content = Option<WithdrawLeaveRequest>, description = "may be left out"), security(("bearer" = [])),
    responses((status = 200, body = LeaveResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition` (rejected or withdrawn), `leave_started` (the expert withdraws a leave that has begun)"),
        (status = 422, body = Problem)))]
pub async fn withdraw_leave(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    id: web::Path<String>,
    OptionalJson(body): OptionalJson<WithdrawLeaveRequest>,
) -> ApiResult<HttpResponse> {
    let reason = match body.reason.as_deref() {
        Some(r) => Some(
            validate::multiline("reason", r, 1000).map_err(|e| ApiError::Validation(vec![e]))?,
        ),
        None => None,
    };
    change_leave(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::leave::withdraw(uow, actor, id, reason.as_deref()).map(|()| None)
    })
    .await
}
