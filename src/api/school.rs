//! `/api/v1/schools`: schools, kindergartens and colleges (学校).

use crate::i18n::Msg;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::pagination;
use crate::api::pagination::Page;
use crate::api::support::{keep, not_null, present, with_etag};
use crate::audit::AuditContext;
use crate::auth::actor::Actor;
use crate::auth::{AdminUser, AuthUser, OfficeOrSchool};
use crate::db;
use crate::domain::role::Role;
use crate::domain::roster::{SchoolType, stored};
use crate::domain::validate;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, IfMatch};
use crate::http::RequestMeta;
use crate::idempotency::Idempotency;
use crate::models::school::{School, SchoolChanges, SchoolFilter};
use crate::time::to_local;
use crate::usecase::school::SchoolInput;
use crate::usecase::{self, Answer};

#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolResponse {
    pub id: String,
    pub name: String,
    pub school_type: SchoolType,
    pub district: String,
    pub address: String,
    pub contact_person: String,
    pub phone: Option<String>,
    pub version: i32,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
    #[serde(serialize_with = "crate::time::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<FixedOffset>,
}

impl SchoolResponse {
    pub fn new(school: &School, tz: Tz) -> ApiResult<Self> {
        Ok(Self {
            id: school.id.clone(),
            name: school.name.clone(),
            school_type: stored(&school.school_type)?,
            district: school.district.clone(),
            address: school.address.clone(),
            contact_person: school.contact_person.clone(),
            phone: school.phone.clone(),
            version: school.version,
            created_at: to_local(school.created_at, tz),
            updated_at: to_local(school.updated_at, tz),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSchoolRequest {
    pub name: String,
    pub school_type: SchoolType,
    /// 区县, free text.
    pub district: String,
    pub address: String,
    pub contact_person: String,
    pub phone: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSchoolRequest {
    /// Admin only.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// Admin only.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub school_type: Option<SchoolType>,
    /// Admin only.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub district: Option<String>,
    /// Admin only.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub contact_person: Option<String>,
    /// `null` removes the number.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListSchoolsQuery {
    pub school_type: Option<SchoolType>,
    pub district: Option<String>,
    /// Part of the name, district or address.
    pub q: Option<String>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Register a school (admin). Its accounts are then created with `POST /api/v1/users`.
#[utoipa::path(post, path = "/api/v1/schools", tag = "schools", request_body = CreateSchoolRequest,
    security(("bearer" = [])),
    responses((status = 201, body = SchoolResponse), (status = 403, body = Problem),
        (status = 409, body = Problem, description = "`school_name_taken`"), (status = 422, body = Problem)))]
pub async fn create_school(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    meta: RequestMeta,
    idem: Idempotency,
    ApiJson(body): ApiJson<CreateSchoolRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let name = keep(&mut errors, validate::text("name", &body.name, 100));
    let district = keep(&mut errors, validate::text("district", &body.district, 50));
    let address = keep(
        &mut errors,
        validate::multiline("address", &body.address, 200),
    );
    let contact = keep(
        &mut errors,
        validate::text("contact_person", &body.contact_person, 50),
    );
    let phone = keep(&mut errors, validate::phone("phone", body.phone.as_deref()));
    let (Some(name), Some(district), Some(address), Some(contact_person), Some(phone)) =
        (name, district, address, contact, phone)
    else {
        return Err(ApiError::Validation(errors));
    };
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(admin.id()), now);
    let tz = state.settings.timezone;
    let input = SchoolInput {
        name,
        school_type: body.school_type,
        district,
        address,
        contact_person,
        phone,
    };
    usecase::answer(&state, audit, idem, move |uow| {
        let school = usecase::school::create(uow, input.clone())?;
        Ok(Answer::created(
            format!("/api/v1/schools/{}", school.id),
            Some(school.version),
            SchoolResponse::new(&school, tz)?,
        ))
    })
    .await
}

/// List schools (admin and team leads).
#[utoipa::path(get, path = "/api/v1/schools", tag = "schools", params(ListSchoolsQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<SchoolResponse>), (status = 403, body = Problem)))]
pub async fn list_schools(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<ListSchoolsQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor("schools", query.cursor.as_deref())?;
    let filter = SchoolFilter {
        school_type: query.school_type.map(|t| t.as_str().to_owned()),
        district: query.district,
        q: query
            .q
            .map(|q| q.trim().to_lowercase())
            .filter(|q| !q.is_empty()),
    };
    let tz = state.settings.timezone;
    let page = pagination::read(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        if !actor.is_admin() && actor.lead_teams.is_empty() {
            return Err(ApiError::forbidden(
                "forbidden",
                Msg::new("problem-forbidden-only_office_team_leads"),
            ));
        }
        let rows = School::list(conn, &filter, after.as_ref(), limit + 1)?;
        let (rows, next_cursor) =
            pagination::split_page("schools", rows, limit, |s| (s.created_at, s.id.clone()));
        Ok(Page {
            items: rows
                .iter()
                .map(|s| SchoolResponse::new(s, tz))
                .collect::<ApiResult<_>>()?,
            next_cursor,
        })
    })
    .await?;
    Ok(page.respond())
}

/// May `actor` read this school? Admins, team leads, and the school's own accounts.
fn may_read(actor: &Actor, school_id: &str) -> bool {
    actor.is_admin()
        || !actor.lead_teams.is_empty()
        || actor.school_id.as_deref() == Some(school_id)
}

/// One school (admin, team leads, and the school's own accounts).
#[utoipa::path(get, path = "/api/v1/schools/{id}", tag = "schools", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = SchoolResponse), (status = 404, body = Problem)))]
pub async fn get_school(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let school = db::run(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let school = School::find(conn, &id)?.filter(|_| may_read(&actor, &id));
        school.ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_school")))
    })
    .await?;
    Ok(with_etag(
        HttpResponse::Ok().json(SchoolResponse::new(&school, state.settings.timezone)?),
        school.version,
    ))
}

/// Edit a school. Admins edit everything; a school's own accounts edit its contact person
/// and phone. Honours `If-Match`.
#[utoipa::path(patch, path = "/api/v1/schools/{id}", tag = "schools", request_body = UpdateSchoolRequest,
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "the version last read")),
    security(("bearer" = [])),
    responses((status = 200, body = SchoolResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_school(
    state: web::Data<AppState>,
    OfficeOrSchool(user): OfficeOrSchool,
    meta: RequestMeta,
    id: web::Path<String>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<UpdateSchoolRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let is_admin = user.role == Role::Admin;
    let own = user.role == Role::School && user.user.school_id.as_deref() == Some(id.as_str());
    if !is_admin && !own {
        return Err(if user.role == Role::School {
            ApiError::not_found(Msg::new("problem-not_found-no_such_school"))
        } else {
            ApiError::forbidden(
                "forbidden",
                Msg::new("problem-forbidden-only_office_school_itself"),
            )
        });
    }
    let admin_fields = body.name.is_some()
        || body.school_type.is_some()
        || body.district.is_some()
        || body.address.is_some();
    if !is_admin && admin_fields {
        return Err(ApiError::forbidden(
            "forbidden",
            Msg::new("problem-forbidden-school_edits_contact_person"),
        ));
    }
    let mut errors = Vec::new();
    let changes = SchoolChanges {
        name: body
            .name
            .as_deref()
            .and_then(|v| keep(&mut errors, validate::text("name", v, 100))),
        school_type: body.school_type.map(|t| t.as_str().to_owned()),
        district: body
            .district
            .as_deref()
            .and_then(|v| keep(&mut errors, validate::text("district", v, 50))),
        address: body
            .address
            .as_deref()
            .and_then(|v| keep(&mut errors, validate::multiline("address", v, 200))),
        contact_person: body
            .contact_person
            .as_deref()
            .and_then(|v| keep(&mut errors, validate::text("contact_person", v, 50))),
        phone: body
            .phone
            .as_ref()
            .and_then(|v| keep(&mut errors, validate::phone("phone", v.as_deref()))),
        search_text: None,
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = state.clock.now_naive();
    let audit = AuditContext::from_request(&meta, Some(user.id()), now);
    let school = usecase::write(&state, audit, move |uow| {
        usecase::school::update(uow, &id, if_match.0, changes.clone())
    })
    .await?;
    Ok(with_etag(
        HttpResponse::Ok().json(SchoolResponse::new(&school, state.settings.timezone)?),
        school.version,
    ))
}
