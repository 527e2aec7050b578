//! A school's request (约课) and the office's dispatch (派课): creating a lecture, with the
//! rules of its course, its proposed times and the school calendar, and its first offer.

use super::*;

/// What a request or a dispatch asks for, as the API parsed it.
#[derive(Debug, Clone)]
pub struct LectureInput {
    pub course_id: Option<String>,
    pub team: Option<String>,
    pub topic: Option<String>,
    pub mode: LectureMode,
    pub audiences: Vec<Audience>,
    pub grade_bands: Vec<GradeBand>,
    pub expected_size: i32,
    pub slots: Vec<Span>,
    pub school_id: Option<String>,
    pub expert_id: Option<String>,
    pub address: Option<String>,
    pub platform: Option<String>,
    pub link: Option<String>,
    /// Online: the meeting number and its passcode, beside or instead of a link.
    pub meeting_id: Option<String>,
    pub passcode: Option<String>,
    pub note: Option<String>,
    pub override_reason: Option<String>,
}

/// Why a proposed slot was not offered at once.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SlotRefusal {
    /// The slot's index in `slots`.
    pub slot: usize,
    /// The problem code an offer at this slot would have met (`expert_busy`, `rest_day`, …).
    pub code: String,
    /// In the reader's language.
    #[schema(value_type = String)]
    pub detail: crate::i18n::Text,
}

/// A lecture just made, and why any proposed slot was not offered.
pub struct Created {
    pub id: String,
    pub not_offered: Vec<SlotRefusal>,
}

pub(super) fn invalid(
    field: impl Into<String>,
    code: &str,
    message: impl Into<crate::i18n::Text>,
) -> FieldError {
    FieldError::new(field, code, message)
}

/// 约课 by a school, or 派课 by the office or a team lead.
pub fn create(uow: &mut Uow<'_>, actor: &Actor, input: LectureInput) -> ApiResult<Created> {
    let now = uow.now();
    let origin = if actor.school_id.is_some() {
        Origin::Booking
    } else if actor.is_admin() || !actor.lead_teams.is_empty() {
        Origin::Dispatch
    } else {
        return Err(ApiError::forbidden(
            "forbidden",
            Msg::new("problem-forbidden-lecture_create"),
        ));
    };
    let mut errors = Vec::new();
    let school_id = match origin {
        Origin::Booking => {
            if input.school_id.is_some() && input.school_id != actor.school_id {
                errors.push(invalid(
                    "school_id",
                    "not_yours",
                    Msg::new("field-not_yours-booking").arg("field", "school_id"),
                ));
            }
            if input.expert_id.is_some() {
                errors.push(invalid(
                    "expert_id",
                    "not_allowed",
                    Msg::new("field-not_allowed-booking_expert").arg("field", "expert_id"),
                ));
            }
            if input.slots.len() > 3 {
                errors.push(invalid(
                    "slots",
                    "too_many",
                    Msg::new("field-too_many-slots").arg("field", "slots"),
                ));
            }
            actor.school_id.clone()
        }
        Origin::Dispatch => {
            if input.slots.len() > 1 {
                errors.push(invalid(
                    "slots",
                    "too_many",
                    Msg::new("field-too_many-dispatch_slots").arg("field", "slots"),
                ));
            }
            if input.school_id.is_none() && input.mode == LectureMode::Offline {
                errors.push(invalid(
                    "school_id",
                    "required",
                    Msg::new("field-required-offline_school").arg("field", "school_id"),
                ));
            }
            input.school_id.clone()
        }
    };
    if input.slots.is_empty() {
        errors.push(invalid(
            "slots",
            "required",
            Msg::new("field-required-slots").arg("field", "slots"),
        ));
    }
    if input.override_reason.is_some() && !actor.is_admin() {
        errors.push(invalid(
            "override_reason",
            "not_allowed",
            Msg::new("field-not_allowed-override").arg("field", "override_reason"),
        ));
    }
    let school = match &school_id {
        Some(id) => {
            let school = School::find(uow.conn, id)?;
            if school.is_none() {
                errors.push(invalid(
                    "school_id",
                    "not_found",
                    Msg::new("field-not_found-school").arg("field", "school_id"),
                ));
            }
            school
        }
        None => None,
    };
    // The course decides team, topic, expert, length, modes and audiences.
    let (course, team, topic) = course_terms(uow, &input, &mut errors)?;
    let length = course
        .as_ref()
        .map(|c| i64::from(c.course.duration_minutes));
    let rules = slot_rules(uow, actor);
    check_slots(
        &input.slots,
        length,
        &rules,
        &|i| format!("slots[{i}]"),
        &mut errors,
    );
    check_blackouts(uow, school.as_ref(), origin, &input, &mut errors)?;
    check_joining(
        input.mode,
        (input.link.as_deref(), input.meeting_id.as_deref()),
        input.passcode.as_deref(),
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if origin == Origin::Dispatch && !actor.is_admin() && !actor.leads(&team) {
        return Err(ApiError::forbidden(
            "forbidden",
            Msg::new("problem-forbidden-lead_own_team"),
        ));
    }

    let id = crate::db::new_id();
    let address = match input.mode {
        LectureMode::Offline => input
            .address
            .clone()
            .or_else(|| school.as_ref().map(|s| s.address.clone())),
        LectureMode::Online => input.address.clone(),
    };
    let sort_at = input.slots.iter().map(|s| s.start).min().unwrap_or(now);
    let joined = |codes: Vec<&str>| codes.join(value_set::SEPARATOR);
    let grade_bands = joined(input.grade_bands.iter().map(|g| g.as_str()).collect());
    let new = NewLecture {
        id: id.clone(),
        origin,
        state: LectureState::Requested,
        team_code: team.clone(),
        course_id: course.as_ref().map(|c| c.course.id.clone()),
        topic: topic.clone(),
        mode: input.mode,
        audiences: joined(input.audiences.iter().map(|a| a.as_str()).collect()),
        grade_bands: Some(grade_bands).filter(|g| !g.is_empty()),
        expected_size: input.expected_size,
        school_id: school_id.clone(),
        sort_at,
        address,
        platform: input.platform.clone(),
        link: input.link.clone(),
        meeting_id: input.meeting_id.clone(),
        passcode: input.passcode.clone(),
        note: input.note.clone(),
        created_by: Some(actor.user_id.clone()),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    uow.transition::<LectureFlow>(
        Transition {
            object_id: &id,
            from: None,
            to: LectureState::Requested,
            action: LECTURE_CREATED,
            reason: None,
            audit_action: "lecture.created",
            audit_detail: json!({
                "origin": origin,
                "course_id": new.course_id,
                "school_id": school_id,
                "mode": input.mode,
            }),
        },
        |conn| Lecture::insert(conn, &new, &input.slots).map(|()| true),
    )?;

    let not_offered = offer_at_once(uow, actor, &id, &input, course.as_ref(), origin)?;
    Ok(Created { id, not_offered })
}

/// The course a request names, if any, and the team and topic it has: a named course must
/// be approved and its expert active, and decides team, topic, modes, audiences and size;
/// without one the request names a team and a topic.
fn course_terms(
    uow: &mut Uow<'_>,
    input: &LectureInput,
    errors: &mut Vec<FieldError>,
) -> ApiResult<(Option<CourseRecord>, String, String)> {
    let course = match &input.course_id {
        Some(id) => {
            let record = CourseRecord::load(uow.conn, id)?;
            match record {
                Some(r)
                    if r.course.status == CourseStatus::Approved
                        && r.expert.status == ExpertStatus::Active =>
                {
                    Some(r)
                }
                Some(_) => {
                    errors.push(invalid(
                        "course_id",
                        "not_bookable",
                        Msg::new("field-not_bookable").arg("field", "course_id"),
                    ));
                    None
                }
                None => {
                    errors.push(invalid(
                        "course_id",
                        "not_found",
                        Msg::new("field-not_found-course").arg("field", "course_id"),
                    ));
                    None
                }
            }
        }
        None => None,
    };
    let team = match (&course, &input.team) {
        (Some(c), Some(t)) if *t != c.course.team_code => {
            errors.push(invalid(
                "team",
                "mismatch",
                Msg::new("field-mismatch-team").arg("field", "team"),
            ));
            c.course.team_code.clone()
        }
        (Some(c), _) => c.course.team_code.clone(),
        (None, Some(t)) => {
            if !crate::domain::profile::TEAM_CODES.contains(&t.as_str()) {
                errors.push(invalid(
                    "team",
                    "invalid_choice",
                    Msg::new("field-invalid_choice-team").arg("field", "team"),
                ));
            }
            t.clone()
        }
        (None, None) => {
            if input.course_id.is_none() {
                errors.push(invalid(
                    "team",
                    "required",
                    Msg::new("field-required-team").arg("field", "team"),
                ));
            }
            String::new()
        }
    };
    let topic = match (&input.topic, &course) {
        (Some(t), Some(c)) if *t != c.course.title => {
            errors.push(invalid(
                "topic",
                "mismatch",
                Msg::new("field-mismatch-topic")
                    .arg("field", "topic")
                    .arg("title", &c.course.title),
            ));
            c.course.title.clone()
        }
        (Some(t), _) => t.clone(),
        (None, Some(c)) => c.course.title.clone(),
        (None, None) => {
            if input.course_id.is_none() {
                errors.push(invalid(
                    "topic",
                    "required",
                    Msg::new("field-required-topic").arg("field", "topic"),
                ));
            }
            String::new()
        }
    };
    if let Some(c) = &course {
        let modes = &c.sets.modes;
        if !modes.iter().any(|m| m == input.mode.as_str()) {
            errors.push(invalid(
                "mode",
                "not_offered",
                Msg::new("field-not_offered-mode")
                    .arg("field", "mode")
                    .arg("modes", modes.join(", "))
                    .arg("mode", input.mode),
            ));
        }
        for audience in &input.audiences {
            if !c.sets.audiences.iter().any(|a| a == audience.as_str()) {
                errors.push(invalid(
                    "audiences",
                    "not_offered",
                    Msg::new("field-not_offered-audience")
                        .arg("field", "audiences")
                        .arg("audience", audience),
                ));
            }
        }
        if let Some(max) = c.course.max_audience
            && input.expected_size > max
        {
            errors.push(invalid(
                "expected_size",
                "too_large",
                Msg::new("field-too_large-course")
                    .arg("field", "expected_size")
                    .arg("max", max),
            ));
        }
    }
    Ok((course, team, topic))
}

/// The school calendar: a booking never lands in a closed period; a dispatch only with an
/// admin's reason.
fn check_blackouts(
    uow: &mut Uow<'_>,
    school: Option<&School>,
    origin: Origin,
    input: &LectureInput,
    errors: &mut Vec<FieldError>,
) -> ApiResult<()> {
    let tz = uow.settings.timezone;
    let overridden = origin == Origin::Dispatch && input.override_reason.is_some();
    for (i, slot) in input.slots.iter().enumerate() {
        if overridden || slot.end <= slot.start {
            continue;
        }
        if let Some(b) = crate::usecase::availability::blackout_over(uow.conn, school, *slot, tz)? {
            errors.push(invalid(
                format!("slots[{i}]"),
                "blackout",
                Msg::new(if origin == Origin::Dispatch {
                    "field-blackout-dispatch"
                } else {
                    "field-blackout"
                })
                .arg("field", format!("slots[{i}]"))
                .arg("name", &b.name)
                .arg("from", b.start_date)
                .arg("to", b.end_date),
            ));
        }
    }
    Ok(())
}

/// The offer a new lecture makes at once: a dispatch to the expert it names (a refusal is the
/// whole request's), a booking of a course to the course's expert at the first slot free for
/// them (why each other slot was not is answered); else the office is told of the request.
fn offer_at_once(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    input: &LectureInput,
    course: Option<&CourseRecord>,
    origin: Origin,
) -> ApiResult<Vec<SlotRefusal>> {
    let mut not_offered = Vec::new();
    let target = match (&input.expert_id, course, origin) {
        (Some(expert), _, _) => Some((expert.clone(), true)),
        (None, Some(c), Origin::Booking) => Some((c.course.expert_id.clone(), false)),
        _ => None,
    };
    let mut offered = false;
    if let Some((expert_id, required)) = target {
        let record = load(uow.conn, id)?;
        if required {
            // A dispatch names its expert: the offer is part of the request.
            offer_at(
                uow,
                &record,
                (&expert_id, "expert_id"),
                input.slots[0],
                OfferBy::Office(actor, input.override_reason.as_deref()),
            )?;
            offered = true;
        } else {
            lock_expert(uow.conn, &expert_id)?;
            let expert = find_expert(uow.conn, &expert_id, "course_id")?;
            for (index, slot) in input.slots.iter().enumerate() {
                match fit(uow, &expert, &record.lecture, *slot, Overrides::none()) {
                    Ok(()) => {
                        let to = (expert_id.as_str(), "course_id");
                        offer_at(uow, &record, to, *slot, OfferBy::Booking)?;
                        offered = true;
                        break;
                    }
                    Err(e) => not_offered.push(SlotRefusal {
                        slot: index,
                        code: e.code().to_owned(),
                        detail: e.text(),
                    }),
                }
            }
        }
    }
    if !offered {
        let record = load(uow.conn, id)?;
        tell_office(uow, &record, LectureNotice::Requested, None, Some(actor))?;
    }
    Ok(not_offered)
}

/// How an online lecture is joined: a meeting number only online, and a passcode only
/// with a link or a meeting number.
pub(super) fn check_joining(
    mode: LectureMode,
    (link, meeting_id): (Option<&str>, Option<&str>),
    passcode: Option<&str>,
    errors: &mut Vec<FieldError>,
) {
    if mode == LectureMode::Offline {
        for (field, given) in [("meeting_id", meeting_id), ("passcode", passcode)] {
            if given.is_some() {
                errors.push(invalid(
                    field,
                    "not_allowed",
                    Msg::new("field-not_allowed-meeting_offline").arg("field", field),
                ));
            }
        }
    } else if passcode.is_some() && link.is_none() && meeting_id.is_none() {
        errors.push(invalid(
            "passcode",
            "not_allowed",
            Msg::new("field-not_allowed-passcode").arg("field", "passcode"),
        ));
    }
}

/// The rules a proposed time meets, for `actor`: a school keeps the booking lead time.
pub(super) fn slot_rules(uow: &Uow<'_>, actor: &Actor) -> SlotRules {
    let now = uow.now();
    let lead_hours = if actor.school_id.is_some() {
        uow.settings.booking_lead_hours
    } else {
        0
    };
    SlotRules {
        now,
        earliest: now + Duration::hours(lead_hours),
        lead_hours,
        hours: uow.settings.lecture_hours,
        days_ahead: uow.settings.days_ahead,
        tz: uow.settings.timezone,
    }
}

/// Each slot whole minutes, in order, in the future (a school's at least the lead time
/// ahead), within a year, inside the lecture hours of one local day, of the course's length
/// (or 30-240 minutes); no slot the same as or overlapping another.
pub(super) fn check_slots(
    slots: &[Span],
    length: Option<i64>,
    rules: &SlotRules,
    field_of: &dyn Fn(usize) -> String,
    errors: &mut Vec<FieldError>,
) {
    for (i, slot) in slots.iter().enumerate() {
        let field = field_of(i);
        let minutes = slot.minutes();
        if let Some((code, message)) = slot_problem(*slot, rules) {
            errors.push(invalid(field.clone(), code, message.arg("field", field)));
        } else if let Some(length) = length
            && minutes != length
        {
            errors.push(invalid(
                field.clone(),
                "wrong_length",
                Msg::new("field-wrong_length-course")
                    .arg("field", field)
                    .arg("length", length)
                    .arg("minutes", minutes),
            ));
        } else if length.is_none() && !(MIN_MINUTES..=MAX_MINUTES).contains(&minutes) {
            errors.push(invalid(
                field.clone(),
                "wrong_length",
                Msg::new("field-wrong_length")
                    .arg("field", field)
                    .arg("min", MIN_MINUTES)
                    .arg("max", MAX_MINUTES)
                    .arg("minutes", minutes),
            ));
        } else if let Some(j) = slots[..i].iter().position(|other| other == slot) {
            errors.push(invalid(
                field.clone(),
                "duplicate",
                Msg::new("field-duplicate-slot")
                    .arg("field", field)
                    .arg("other", field_of(j)),
            ));
        } else if let Some(j) = slots[..i].iter().position(|other| other.overlaps(slot)) {
            errors.push(invalid(
                field.clone(),
                "overlapping_slots",
                Msg::new("field-overlapping_slots")
                    .arg("field", field)
                    .arg("other", field_of(j)),
            ));
        }
    }
}
