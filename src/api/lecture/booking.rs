//! 约课 and 派课: making a lecture, editing its practical details, and schools joining or
//! leaving a city-wide online lecture.

use super::*;
use crate::i18n::Msg;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLectureRequest {
    /// An approved course (team, topic, expert and length come from it) …
    pub course_id: Option<String>,
    /// … or a sub-team and a topic.
    #[schema(value_type = Option<crate::api::support::TeamCode>)]
    pub team: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub topic: Option<String>,
    pub mode: LectureMode,
    #[schema(min_items = 1)]
    pub audiences: Vec<Audience>,
    /// Required when `students` is an audience.
    #[serde(default)]
    pub grade_bands: Vec<GradeBand>,
    #[serde(deserialize_with = "whole")]
    #[schema(minimum = 1, maximum = 100000)]
    pub expected_size: i32,
    /// One to three times (a school's request); exactly one for a dispatch. Each in whole
    /// minutes, on one local day within the lecture hours (07:00-21:30), at most a year ahead,
    /// and for a school at least the booking lead time (48 hours) ahead.
    #[schema(min_items = 1, max_items = 3)]
    pub slots: Vec<SlotBody>,
    /// 派课 only: the school (may be left out for an online lecture schools join).
    pub school_id: Option<String>,
    /// 派课 only: offer it to this expert at once.
    pub expert_id: Option<String>,
    /// On site; defaults to the school's address.
    #[schema(max_length = 200)]
    pub address: Option<String>,
    /// Online: the platform (腾讯会议, …).
    #[schema(max_length = 50)]
    pub platform: Option<String>,
    /// Online: the meeting link (may come later).
    #[schema(max_length = 500)]
    pub link: Option<String>,
    /// Online: the meeting number (腾讯会议号 …), beside or instead of a link: 6 to 20 digits,
    /// spaces or dashes between them (`123 456 789`).
    #[schema(max_length = 40, pattern = "^ *(?:[0-9](?:[ -]*[0-9]){5,19})? *$")]
    pub meeting_id: Option<String>,
    /// Online: the meeting's passcode, with a link or a meeting number: 1 to 32 letters or
    /// digits.
    #[schema(max_length = 32, pattern = "^ *[A-Za-z0-9]{0,32} *$")]
    pub passcode: Option<String>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// Admin only: why an availability rule, a blackout or an earlier refusal is set aside.
    #[schema(max_length = 500)]
    pub override_reason: Option<String>,
}

pub(super) fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    raw: Option<&str>,
    max: usize,
    multiline: bool,
) -> Option<String> {
    let raw = raw.map(str::trim).filter(|v| !v.is_empty())?;
    let checked = if multiline {
        validate::multiline(field, raw, max)
    } else {
        validate::text(field, raw, max)
    };
    keep(errors, checked)
}

pub(super) fn check_link(errors: &mut Vec<FieldError>, link: &Option<String>) {
    // An address a browser opens: http or https with a host, read by the url crate (WHATWG
    // URL parsing), and no whitespace anywhere (a meeting number typed in is not a link).
    let is_address = |link: &str| {
        !link.chars().any(char::is_whitespace)
            && url::Url::parse(link)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
    };
    if let Some(link) = link
        && !is_address(link)
    {
        errors.push(FieldError::new(
            "link",
            "invalid_format",
            Msg::new("field-invalid_format-link_http_https_address").arg("field", "link"),
        ));
    }
}

/// A meeting number as the meeting apps show it, 6 to 20 digits with spaces or dashes
/// between them (`123 456 789`), and a passcode of 1 to 32 letters or digits.
pub(super) fn check_meeting(
    errors: &mut Vec<FieldError>,
    meeting_id: &Option<String>,
    passcode: &Option<String>,
) {
    if let Some(id) = meeting_id {
        let digits = id.chars().filter(char::is_ascii_digit).count();
        let shaped = id
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
            && id.starts_with(|c: char| c.is_ascii_digit())
            && id.ends_with(|c: char| c.is_ascii_digit());
        if !shaped || !(6..=20).contains(&digits) {
            errors.push(FieldError::new(
                "meeting_id",
                "invalid_format",
                Msg::new("field-invalid_format-meeting_number_6_20").arg("field", "meeting_id"),
            ));
        }
    }
    if let Some(code) = passcode
        && !code.chars().all(|c| c.is_ascii_alphanumeric())
    {
        errors.push(FieldError::new(
            "passcode",
            "invalid_format",
            Msg::new("field-invalid_format-passcode_1_32_letters").arg("field", "passcode"),
        ));
    }
}

/// 约课 (a school, for itself) or 派课 (the office, or a lead of the lecture's team).
#[utoipa::path(post, path = "/api/v1/lectures", tag = "lectures", request_body = CreateLectureRequest,
    security(("bearer" = [])),
    responses((status = 201, body = LectureResponse), (status = 403, body = Problem),
        (status = 409, body = Problem, description = "the named expert cannot take it (`expert_busy`, `rest_day`, `weekly_limit_reached`, …)"),
        (status = 422, body = Problem)))]
pub async fn create_lecture(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    idem: Idempotency,
    ApiJson(body): ApiJson<CreateLectureRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let topic = optional_text(&mut errors, "topic", body.topic.as_deref(), 200, false);
    let address = optional_text(&mut errors, "address", body.address.as_deref(), 200, true);
    let platform = optional_text(&mut errors, "platform", body.platform.as_deref(), 50, false);
    let link = optional_text(&mut errors, "link", body.link.as_deref(), 500, false);
    check_link(&mut errors, &link);
    let meeting_id = optional_text(
        &mut errors,
        "meeting_id",
        body.meeting_id.as_deref(),
        40,
        false,
    );
    let passcode = optional_text(&mut errors, "passcode", body.passcode.as_deref(), 32, false);
    check_meeting(&mut errors, &meeting_id, &passcode);
    let note = optional_text(&mut errors, "note", body.note.as_deref(), 2000, true);
    let override_reason = optional_text(
        &mut errors,
        "override_reason",
        body.override_reason.as_deref(),
        500,
        true,
    );
    let mut id_of = |field: &str, raw: &Option<String>| {
        raw.as_deref()
            .and_then(|v| keep(&mut errors, validate::id(field, v)))
    };
    let course_id = id_of("course_id", &body.course_id);
    let school_id = id_of("school_id", &body.school_id);
    let expert_id = id_of("expert_id", &body.expert_id);
    let mut audiences = body.audiences;
    audiences.sort();
    audiences.dedup();
    let mut grade_bands = body.grade_bands;
    grade_bands.sort();
    grade_bands.dedup();
    if audiences.is_empty() {
        errors.push(FieldError::new(
            "audiences",
            "required",
            Msg::new("field-required-name_least_audience").arg("field", "audiences"),
        ));
    }
    let students = audiences.contains(&Audience::Students);
    if students && grade_bands.is_empty() {
        errors.push(FieldError::new(
            "grade_bands",
            "required",
            Msg::new("field-required-name_grade_bands_students").arg("field", "grade_bands"),
        ));
    }
    if !students && !grade_bands.is_empty() {
        errors.push(FieldError::new(
            "grade_bands",
            "not_allowed",
            Msg::new("field-not_allowed-grade_bands_student_audiences").arg("field", "grade_bands"),
        ));
    }
    if !(1..=100_000).contains(&body.expected_size) {
        errors.push(FieldError::new(
            "expected_size",
            "out_of_range",
            Msg::new("field-out_of_range-expected_size_1_100000").arg("field", "expected_size"),
        ));
    }
    if body.slots.len() > 3 {
        errors.push(FieldError::new(
            "slots",
            "too_many",
            Msg::new("field-too_many-propose_three_times").arg("field", "slots"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let input = LectureInput {
        course_id,
        team: body.team.map(|t| t.trim().to_owned()),
        topic,
        mode: body.mode,
        audiences,
        grade_bands,
        expected_size: body.expected_size,
        slots: body
            .slots
            .iter()
            .map(|s| Span {
                start: s.start.0,
                end: s.end.0,
            })
            .collect(),
        school_id,
        expert_id,
        address,
        platform,
        link,
        meeting_id,
        passcode,
        note,
        override_reason,
    };
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        let created = usecase::lecture::create(uow, &actor, input.clone())?;
        let mut body = reload(uow, &actor, &created.id, tz)?;
        body.not_offered = created.not_offered;
        Ok(Answer::created(
            format!("/api/v1/lectures/{}", created.id),
            Some(body.version),
            body,
        ))
    })
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLectureRequest {
    /// `null` or a blank text removes it (the same for the others but the address, which
    /// `null` removes and a blank text does not).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub link: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 40, pattern = "^ *(?:[0-9](?:[ -]*[0-9]){5,19})? *$")]
    pub meeting_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 32, pattern = "^ *[A-Za-z0-9]{0,32} *$")]
    pub passcode: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub platform: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub note: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "whole_not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 100000)]
    pub expected_size: Option<i32>,
}

/// Edit the practical details until the lecture starts (its school for its own booking,
/// the office and the team's leads for any, but not a lead who is its expert); its expert
/// is told.
#[utoipa::path(patch, path = "/api/v1/lectures/{id}", tag = "lectures", params(("id" = String, Path)),
    request_body = UpdateLectureRequest, security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`lecture_closed`: it has begun or ended"),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_lecture(
    state: web::Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: web::Path<String>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<UpdateLectureRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    // `null` (or, where the schema lets a field be blank, a blank text) removes a value; a
    // field the schema keeps from being blank (the address) refuses one.
    let mut nullable = |field: &str, value: Option<Option<String>>, max: usize, multi: bool| {
        if let Some(Some(text)) = &value
            && text.trim().is_empty()
            && crate::api::openapi::NON_BLANK_FIELDS.contains(&field)
        {
            errors.push(FieldError::new(
                field,
                "required",
                Msg::new("field-required-address").arg("field", field),
            ));
            return None;
        }
        value.map(|v| optional_text(&mut errors, field, v.as_deref(), max, multi))
    };
    let link = nullable("link", body.link, 500, false);
    let meeting_id = nullable("meeting_id", body.meeting_id, 40, false);
    let passcode = nullable("passcode", body.passcode, 32, false);
    let platform = nullable("platform", body.platform, 50, false);
    let note = nullable("note", body.note, 2000, true);
    let address = nullable("address", body.address, 200, true);
    if let Some(link) = &link {
        check_link(&mut errors, link);
    }
    check_meeting(
        &mut errors,
        &meeting_id.clone().flatten(),
        &passcode.clone().flatten(),
    );
    if let Some(size) = body.expected_size
        && !(1..=100_000).contains(&size)
    {
        errors.push(FieldError::new(
            "expected_size",
            "out_of_range",
            Msg::new("field-out_of_range-expected_size_1_100000").arg("field", "expected_size"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let changes = LectureChanges {
        link,
        meeting_id,
        passcode,
        platform,
        note,
        address,
        expected_size: body.expected_size,
    };
    let version = if_match.0;
    change_lecture(state, user, meta, id.into_inner(), move |uow, actor, id| {
        usecase::lecture::edit(uow, actor, id, version, changes.clone())
    })
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinLectureRequest {
    /// How many of the school's people will watch.
    #[serde(deserialize_with = "whole")]
    #[schema(minimum = 1, maximum = 100000)]
    pub expected_size: i32,
}

/// A school joins a city-wide online lecture (线上网课), or changes its expected audience,
/// until it begins. The link is shown to it once the lecture is confirmed.
#[utoipa::path(post, path = "/api/v1/lectures/{id}/participants", tag = "lectures", params(("id" = String, Path)),
    request_body = JoinLectureRequest, security(("bearer" = [])),
    responses((status = 201, body = LectureResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "`not_joinable`: not a city-wide online lecture, or no longer open"),
        (status = 422, body = Problem)))]
pub async fn join_lecture(
    state: web::Data<AppState>,
    SchoolUser(user): SchoolUser,
    meta: RequestMeta,
    idem: Idempotency,
    id: web::Path<String>,
    ApiJson(body): ApiJson<JoinLectureRequest>,
) -> ApiResult<HttpResponse> {
    if !(1..=100_000).contains(&body.expected_size) {
        return Err(ApiError::invalid(
            "expected_size",
            "out_of_range",
            Msg::new("field-out_of_range-expected_size_1_100000").arg("field", "expected_size"),
        ));
    }
    let (id, size) = (id.into_inner(), body.expected_size);
    let audit = AuditContext::from_request(&meta, Some(user.id()), state.clock.now_naive());
    let tz = state.settings.timezone;
    usecase::answer(&state, audit, idem, move |uow| {
        let actor = Actor::load_for_change(uow.conn, &user)?;
        usecase::lecture::join(uow, &actor, &id, size)?;
        let body = reload(uow, &actor, &id, tz)?;
        Ok(Answer::created(
            format!("/api/v1/lectures/{id}"),
            Some(body.version),
            body,
        ))
    })
    .await
}

/// A school withdraws from a city-wide online lecture it joined, until it begins.
#[utoipa::path(delete, path = "/api/v1/lectures/{id}/participants", tag = "lectures", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = LectureResponse), (status = 403, body = Problem),
        (status = 404, body = Problem, description = "no such lecture, or the school has not joined it"),
        (status = 409, body = Problem, description = "`lecture_closed`: it has begun")))]
pub async fn withdraw_from_lecture(
    state: web::Data<AppState>,
    SchoolUser(user): SchoolUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change_lecture(state, user, meta, id.into_inner(), |uow, actor, id| {
        usecase::lecture::withdraw(uow, actor, id)
    })
    .await
}
