//! `/api/v1/experts`: the roster (专家团名册): profiles, membership, search.

use crate::i18n::Msg;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Datelike as _, FixedOffset};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::history::{HistoryEntry, history_page};
use crate::api::pagination;
use crate::api::pagination::Page;
use crate::api::support::{check_team_filter, keep, not_null, present, with_etag};
use crate::audit::AuditContext;
use crate::auth::actor::Actor;
use crate::auth::password::{check_policy, hash_password};
use crate::auth::{AdminUser, AuthUser, StaffUser};
use crate::db::{self};
use crate::domain::profile::{DEFAULT_MAX_PER_MONTH, DEFAULT_MAX_PER_WEEK, Profile};
use crate::domain::role::Role;
use crate::domain::roster::MembershipWho;
use crate::domain::roster::{Category, ExpertStatus, Gender, Mode};
use crate::domain::validate;
use crate::domain::visibility::ProfileView;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, IfMatch};
use crate::http::RequestMeta;
use crate::idempotency::Idempotency;
use crate::models::expert::{Expert, ExpertFilter, ExpertScope};
use crate::models::state_change::StateChange;
use crate::models::user::{NewUser, User};
use crate::time::to_local;
use crate::usecase::expert::{ExpertRecord, NewExpertInput, ProfilePatch};
use crate::usecase::{self, Answer};

/// Marks the public view of an expert (`"view": "public"`).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicView {
    Public,
}

/// Marks the full view of an expert (`"view": "full"`).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FullView {
    Full,
}

/// What everyone may see of an active expert.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpertPublic {
    pub view: PublicView,
    pub id: String,
    pub name: String,
    #[schema(value_type = crate::api::support::TeamCode)]
    pub primary_team: String,
    /// Primary team first, then the others served.
    pub teams: Vec<String>,
    pub specialties: Vec<String>,
    pub bio: String,
    pub modes: Vec<Mode>,
}

/// The whole profile: for admins, the expert, and the leads of the expert's teams.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpertFull {
    pub view: FullView,
    pub id: String,
    pub user_id: String,
    pub login: String,
    pub name: String,
    pub gender: Option<Gender>,
    #[schema(minimum = 1900)]
    pub birth_year: Option<i32>,
    pub category: Category,
    pub former_post: Option<String>,
    pub former_org: Option<String>,
    pub specialties: Vec<String>,
    pub bio: String,
    pub districts: Vec<String>,
    pub modes: Vec<Mode>,
    #[schema(minimum = 0, maximum = 20)]
    pub max_per_week: i32,
    #[schema(minimum = 0, maximum = 80)]
    pub max_per_month: i32,
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    pub rest_weekdays: Vec<i32>,
    #[schema(value_type = crate::api::support::TeamCode)]
    pub primary_team: String,
    #[schema(value_type = Vec<crate::api::support::TeamCode>)]
    pub extra_teams: Vec<String>,
    pub teams: Vec<String>,
    pub status: ExpertStatus,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub version: i32,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<FixedOffset>,
}

/// An expert as the caller may see them: `view` says which.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ExpertResponse {
    Full(Box<ExpertFull>),
    Public(ExpertPublic),
}

impl ExpertRecord {
    pub fn response(self, view: ProfileView, tz: Tz) -> ApiResult<ExpertResponse> {
        let (profile, e, user) = self.into_profile()?;
        Ok(match view {
            ProfileView::Public => ExpertResponse::Public(ExpertPublic {
                view: PublicView::Public,
                id: e.id,
                teams: profile.teams(),
                name: profile.name,
                primary_team: profile.primary_team,
                specialties: profile.specialties,
                bio: profile.bio,
                modes: profile.modes,
            }),
            ProfileView::Full => ExpertResponse::Full(Box::new(ExpertFull {
                view: FullView::Full,
                id: e.id,
                user_id: e.user_id,
                login: user.login,
                teams: profile.teams(),
                name: profile.name,
                gender: profile.gender,
                birth_year: profile.birth_year,
                category: profile.category,
                former_post: profile.former_post,
                former_org: profile.former_org,
                specialties: profile.specialties,
                bio: profile.bio,
                districts: profile.districts,
                modes: profile.modes,
                max_per_week: profile.max_per_week,
                max_per_month: profile.max_per_month,
                rest_weekdays: profile.rest_weekdays,
                primary_team: profile.primary_team,
                extra_teams: profile.extra_teams,
                status: e.status,
                phone: user.phone,
                email: user.email,
                version: e.version,
                created_at: to_local(e.created_at, tz),
                updated_at: to_local(e.updated_at, tz),
            })),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExpertRequest {
    /// Login name of the expert's account.
    pub login: String,
    pub name: String,
    pub gender: Option<Gender>,
    #[schema(minimum = 1900)]
    pub birth_year: Option<i32>,
    /// 五老 category.
    pub category: Category,
    pub former_post: Option<String>,
    pub former_org: Option<String>,
    #[serde(default)]
    pub specialties: Vec<String>,
    #[serde(default)]
    pub bio: String,
    #[serde(default)]
    pub districts: Vec<String>,
    #[serde(default)]
    pub modes: Vec<Mode>,
    /// Default 3.
    #[schema(minimum = 0, maximum = 20)]
    pub max_per_week: Option<i32>,
    /// Default 10.
    #[schema(minimum = 0, maximum = 80)]
    pub max_per_month: Option<i32>,
    #[serde(default)]
    pub rest_weekdays: Vec<i32>,
    #[schema(value_type = crate::api::support::TeamCode)]
    pub primary_team: String,
    #[serde(default)]
    #[schema(value_type = Vec<crate::api::support::TeamCode>)]
    pub extra_teams: Vec<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// As for `POST /api/v1/users`: without it the answer carries a set-password token.
    pub initial_password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreateExpertResponse {
    pub expert: ExpertFull,
    pub set_password_token: Option<crate::api::user::SetPasswordToken>,
    /// Only on an idempotent replay: the one-time token is not repeated, and how to get a
    /// new one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replay_note: Option<String>,
}

pub fn current_year(state: &AppState) -> i32 {
    state
        .clock
        .now()
        .with_timezone(&state.settings.timezone)
        .year()
}

/// Enter an expert and their account (admin). Membership starts as `candidate`; the
/// qualification decision (资格确定) is the step to `active`.
#[utoipa::path(post, path = "/api/v1/experts", tag = "experts", request_body = CreateExpertRequest,
    security(("bearer" = [])),
    responses((status = 201, body = CreateExpertResponse), (status = 403, body = Problem),
        (status = 409, body = Problem, description = "`login_taken`"), (status = 422, body = Problem)))]
pub async fn create_expert_handler(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    meta: RequestMeta,
    idem: Idempotency,
    ApiJson(body): ApiJson<CreateExpertRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let login = keep(&mut errors, validate::login("login", &body.login));
    let email = keep(&mut errors, validate::email("email", body.email.as_deref()));
    let phone = keep(&mut errors, validate::phone("phone", body.phone.as_deref()));
    if let Some(password) = &body.initial_password
        && let Err(e) = check_policy(
            "initial_password",
            password,
            login.as_deref().unwrap_or_default(),
        )
    {
        errors.push(e);
    }
    let profile = Profile {
        name: body.name,
        gender: body.gender,
        birth_year: body.birth_year,
        category: body.category,
        former_post: body.former_post,
        former_org: body.former_org,
        specialties: body.specialties,
        bio: body.bio,
        districts: body.districts,
        modes: body.modes,
        max_per_week: body.max_per_week.unwrap_or(DEFAULT_MAX_PER_WEEK),
        max_per_month: body.max_per_month.unwrap_or(DEFAULT_MAX_PER_MONTH),
        rest_weekdays: body.rest_weekdays,
        primary_team: body.primary_team,
        extra_teams: body.extra_teams,
    }
    .normalized(current_year(&state))
    .map_err(|e| errors.extend(e))
    .ok();
    let (Some(login), Some(email), Some(phone), Some(profile), true) =
        (login, email, phone, profile, errors.is_empty())
    else {
        return Err(ApiError::Validation(errors));
    };
    let password_hash = match body.initial_password {
        Some(p) => Some(
            web::block(move || hash_password(&p))
                .await?
                .map_err(|e| ApiError::internal(e.to_string()))?,
        ),
        None => None,
    };
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(admin.id()), now);
    let tz = state.settings.timezone;
    usecase::answer(&state, audit, idem, move |uow| {
        if User::login_exists(uow.conn, &login)? {
            return Err(ApiError::conflict(
                "login_taken",
                Msg::new("problem-login_taken").arg("login", &login),
            ));
        }
        let account = NewUser {
            email: email.clone(),
            phone: phone.clone(),
            password_hash: password_hash.clone(),
            ..NewUser::new(&login, &profile.name, Role::Expert, now)
        };
        let input = NewExpertInput {
            account,
            profile: profile.clone(),
            status: ExpertStatus::Candidate,
            reason: "entered by the office".to_owned(),
            notify: true,
        };
        let (id, token) = usecase::expert::create(uow, input)?;
        let record = ExpertRecord::load(uow.conn, &id)?
            .ok_or_else(|| ApiError::internal("created expert vanished"))?;
        let ExpertResponse::Full(full) = record.response(ProfileView::Full, tz)? else {
            return Err(ApiError::internal("full view expected"));
        };
        let body = CreateExpertResponse {
            expert: *full,
            set_password_token: token.map(|t| crate::api::user::SetPasswordToken::new(t, tz)),
            replay_note: None,
        };
        Ok(Answer {
            secrets: &["/set_password_token"],
            ..Answer::created(
                format!("/api/v1/experts/{id}"),
                Some(body.expert.version),
                body,
            )
        })
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListExpertsQuery {
    /// A sub-team code: the primary team or another one served.
    #[param(value_type = Option<crate::api::support::TeamCode>)]
    pub team: Option<String>,
    /// Admins and leads only see other statuses; for others only `active` matches.
    pub status: Option<ExpertStatus>,
    pub mode: Option<Mode>,
    pub district: Option<String>,
    /// Part of the name, specialties or bio, any case.
    pub q: Option<String>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Search the roster. Schools and experts see active experts' public profiles; leads also
/// see their own teams in full; admins see everyone.
#[utoipa::path(get, path = "/api/v1/experts", tag = "experts", params(ListExpertsQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<ExpertResponse>), (status = 422, body = Problem)))]
pub async fn list_experts(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<ListExpertsQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor("experts", query.cursor.as_deref())?;
    check_team_filter(query.team.as_deref())?;
    let filter = ExpertFilter {
        team: query.team,
        status: query.status,
        mode: query.mode.map(|m| m.as_str().to_owned()),
        district: query
            .district
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty()),
        q: query
            .q
            .map(|q| q.trim().to_lowercase())
            .filter(|q| !q.is_empty()),
    };
    let tz = state.settings.timezone;
    let page = pagination::read(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let scope = if actor.is_admin() {
            ExpertScope::All
        } else {
            ExpertScope::ActiveOrTeams {
                teams: actor.lead_teams.clone(),
                own: actor.expert_id.clone(),
            }
        };
        let rows = Expert::list(conn, &scope, &filter, after.as_ref(), limit + 1)?;
        let (rows, next) = pagination::split_page("experts", rows, limit, |(e, _, _)| {
            (e.created_at, e.id.clone())
        });
        let mut items = Vec::with_capacity(rows.len());
        for record in rows.into_iter().map(ExpertRecord::from_row) {
            if let Some(view) = record.view_for(&actor) {
                items.push(record.response(view, tz)?);
            }
        }
        Ok(Page {
            items,
            next_cursor: next,
        })
    })
    .await?;
    Ok(page.respond())
}

async fn visible_record(
    state: &AppState,
    user: AuthUser,
    id: String,
) -> ApiResult<(ExpertRecord, ProfileView, Actor)> {
    db::run(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let record = ExpertRecord::load(conn, &id)?
            .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_expert")))?;
        let view = record
            .view_for(&actor)
            .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_expert")))?;
        Ok((record, view, actor))
    })
    .await
}

/// One expert, in the view the caller is entitled to.
#[utoipa::path(get, path = "/api/v1/experts/{id}", tag = "experts", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ExpertResponse), (status = 404, body = Problem)))]
pub async fn get_expert(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (record, view, _) = visible_record(&state, user, id.into_inner()).await?;
    let version = record.expert.version;
    let response = HttpResponse::Ok().json(record.response(view, state.settings.timezone)?);
    Ok(if view == ProfileView::Full {
        with_etag(response, version)
    } else {
        response
    })
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateExpertRequest {
    /// Admin only.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// Admin only; `null` clears.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Gender>)]
    pub gender: Option<Option<Gender>>,
    /// Admin only; `null` clears.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 1900)]
    pub birth_year: Option<Option<i32>>,
    /// Admin only.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub category: Option<Category>,
    /// Admin only; `null` clears.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub former_post: Option<Option<String>>,
    /// Admin only; `null` clears.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub former_org: Option<Option<String>>,
    /// Admin only.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub districts: Option<Vec<String>>,
    /// Admin only.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    #[schema(value_type = Option<crate::api::support::TeamCode>)]
    pub primary_team: Option<String>,
    /// Admin only.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    #[schema(value_type = Option<Vec<crate::api::support::TeamCode>>)]
    pub extra_teams: Option<Vec<String>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub specialties: Option<Vec<String>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub bio: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub modes: Option<Vec<Mode>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    #[schema(minimum = 0, maximum = 20)]
    pub max_per_week: Option<i32>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    #[schema(minimum = 0, maximum = 80)]
    pub max_per_month: Option<i32>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub rest_weekdays: Option<Vec<i32>>,
    /// `null` removes the number.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// `null` removes the address.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
}

impl UpdateExpertRequest {
    /// The profile fields of the request, as the use case takes them.
    fn patch(self) -> ProfilePatch {
        ProfilePatch {
            name: self.name,
            gender: self.gender,
            birth_year: self.birth_year,
            category: self.category,
            former_post: self.former_post,
            former_org: self.former_org,
            districts: self.districts,
            primary_team: self.primary_team,
            extra_teams: self.extra_teams,
            specialties: self.specialties,
            bio: self.bio,
            modes: self.modes,
            max_per_week: self.max_per_week,
            max_per_month: self.max_per_month,
            rest_weekdays: self.rest_weekdays,
        }
    }
}

/// Edit a profile. The expert edits their own bio, specialties, contact, modes, load
/// limits and rest days; only an admin changes the rest. Status has its own action.
/// Honours `If-Match`.
#[utoipa::path(patch, path = "/api/v1/experts/{id}", tag = "experts", request_body = UpdateExpertRequest,
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "the version last read")),
    security(("bearer" = [])),
    responses((status = 200, body = ExpertResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_expert(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    meta: RequestMeta,
    id: web::Path<String>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<UpdateExpertRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mut errors = Vec::new();
    let email = body
        .email
        .as_ref()
        .and_then(|e| keep(&mut errors, validate::email("email", e.as_deref())));
    let phone = body
        .phone
        .as_ref()
        .and_then(|p| keep(&mut errors, validate::phone("phone", p.as_deref())));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let year = current_year(&state);
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(user.id()), now);
    let tz = state.settings.timezone;
    let patch = body.patch();
    let record = usecase::write(&state, audit, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        let contact = (email.clone(), phone.clone());
        usecase::expert::update_profile(uow, &actor, &id, if_match.0, patch.clone(), contact, year)
    })
    .await?;
    let version = record.expert.version;
    let response = HttpResponse::Ok().json(record.response(ProfileView::Full, tz)?);
    Ok(with_etag(response, version))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeStatusRequest {
    pub to: ExpertStatus,
    /// Why: kept in the membership history.
    pub reason: String,
}

/// Move an expert's membership (admin): `candidate → active | exited`,
/// `active → suspended | exited`, `suspended → active | exited`, `exited → candidate`.
/// `candidate → active` is the qualification decision (资格确定). Suspension and exit end
/// any lead post at once; exit also turns the expert's login off (every session ends) and
/// re-admission turns it on again.
#[utoipa::path(post, path = "/api/v1/experts/{id}/status", tag = "experts", request_body = ChangeStatusRequest,
    params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ExpertResponse), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`illegal_transition`, naming the allowed ones"),
        (status = 422, body = Problem)))]
pub async fn change_expert_status(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    meta: RequestMeta,
    id: web::Path<String>,
    ApiJson(body): ApiJson<ChangeStatusRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reason = validate::multiline("reason", &body.reason, 500)
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(admin.id()), now);
    let to = body.to;
    let who = MembershipWho { admin: true };
    let record = usecase::write(&state, audit, move |uow| {
        usecase::membership::change(uow, who, &id, to, &reason)?;
        ExpertRecord::load(uow.conn, &id)?.ok_or_else(|| ApiError::internal("expert vanished"))
    })
    .await?;
    let version = record.expert.version;
    let response =
        HttpResponse::Ok().json(record.response(ProfileView::Full, state.settings.timezone)?);
    Ok(with_etag(response, version))
}

/// The membership history (有出有进): for admins, the expert, and leads of their teams.
#[utoipa::path(get, path = "/api/v1/experts/{id}/history", tag = "experts", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Page<HistoryEntry>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn expert_history(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (record, view, _) = visible_record(&state, user, id.clone()).await?;
    if view != ProfileView::Full {
        return Err(ApiError::forbidden(
            "forbidden",
            Msg::new("problem-forbidden-membership_history_office_expert"),
        ));
    }
    let changes = db::run(&state.db, move |conn| {
        Ok(StateChange::history(conn, "expert", &record.expert.id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(history_page(changes, state.settings.timezone)))
}
