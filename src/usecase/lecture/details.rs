//! A lecture's practical details after it is made (the edit, `PATCH`), and schools joining
//! or leaving a city-wide online lecture (线上网课).

use super::*;

/// An edit of the practical details (`PATCH`), until the lecture starts.
pub fn edit(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    if_match: Option<i32>,
    changes: LectureChanges,
) -> ApiResult<()> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let who = record.who(actor);
    // The office (or a lead of its team) edits, but never as the lecture's own expert.
    if !(who.own_school || (who.admin || who.team_lead) && !who.its_expert) {
        return Err(ApiError::forbidden(
            "forbidden",
            Msg::new("problem-forbidden-lecture_edit"),
        ));
    }
    let lecture = &record.lecture;
    if let Some(expected) = if_match
        && expected != lecture.version
    {
        return Err(ApiError::version_mismatch(
            "lecture",
            lecture.version,
            expected,
        ));
    }
    let now = uow.now();
    if lecture.state.is_final() || lecture.starts_at.is_some_and(|s| s <= now) {
        return Err(ApiError::conflict(
            "lecture_closed",
            if lecture.state.is_final() {
                Msg::new("problem-lecture_closed-edit").arg("state", lecture.state.label_zh())
            } else {
                Msg::new("problem-lecture_closed-edit_begun")
            },
        ));
    }
    if let (Some(size), Some(course)) = (changes.expected_size, &lecture.course_id)
        && let Some(max) = CourseRecord::load(uow.conn, course)?.and_then(|c| c.course.max_audience)
        && size > max
    {
        return Err(ApiError::invalid(
            "expected_size",
            "too_large",
            Msg::new("field-too_large-course")
                .arg("field", "expected_size")
                .arg("max", max),
        ));
    }
    // How to join, as the edit leaves it.
    let after = |change: &Option<Option<String>>, now: &Option<String>| {
        change.clone().unwrap_or_else(|| now.clone())
    };
    let mut errors = Vec::new();
    check_joining(
        lecture.mode,
        (
            after(&changes.link, &lecture.link).as_deref(),
            after(&changes.meeting_id, &lecture.meeting_id).as_deref(),
        ),
        after(&changes.passcode, &lecture.passcode).as_deref(),
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    // Only what differs is written: an edit that changes nothing keeps the version.
    let changes = LectureChanges {
        link: changes.link.filter(|v| *v != lecture.link),
        meeting_id: changes.meeting_id.filter(|v| *v != lecture.meeting_id),
        passcode: changes.passcode.filter(|v| *v != lecture.passcode),
        platform: changes.platform.filter(|v| *v != lecture.platform),
        note: changes.note.filter(|v| *v != lecture.note),
        address: changes.address.filter(|v| *v != lecture.address),
        expected_size: changes
            .expected_size
            .filter(|v| *v != lecture.expected_size),
    };
    if changes.is_empty() {
        return Ok(());
    }
    if !Lecture::update(uow.conn, id, lecture.version, &changes, now)? {
        return Err(ApiError::changed_meanwhile("lecture"));
    }
    uow.record(
        "lecture.edited",
        "lecture",
        Some(id),
        json!({
            "link": changes.link.is_some(),
            "meeting_id": changes.meeting_id.is_some(),
            "passcode": changes.passcode.is_some(),
            "platform": changes.platform,
            "note": changes.note.is_some(),
            "address": changes.address,
            "expected_size": changes.expected_size,
        }),
    )?;
    let updated = load(uow.conn, id)?;
    if let Some(expert_id) = &lecture.expert_id
        && lecture.state.holds_time()
    {
        tell_expert(uow, &updated, expert_id, LectureNotice::Changed, None)?;
    }
    Ok(())
}

/// A school joins a city-wide online lecture (线上网课) with the audience it expects, or
/// changes that number; until the lecture begins.
pub fn join(uow: &mut Uow<'_>, actor: &Actor, id: &str, expected_size: i32) -> ApiResult<()> {
    let school = actor
        .school_id
        .clone()
        .ok_or_else(|| ApiError::forbidden("forbidden", Msg::new("problem-forbidden-join")))?;
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let open = matches!(
        record.lecture.state,
        LectureState::Requested | LectureState::Offered | LectureState::Confirmed
    );
    let begins = record
        .lecture
        .starts_at
        .unwrap_or_else(|| record.earliest_slot());
    if !record.city_wide() {
        return Err(ApiError::conflict(
            "not_joinable",
            Msg::new("problem-not_joinable-not_city_wide"),
        ));
    }
    if !open || begins <= uow.now() {
        return Err(ApiError::conflict(
            "not_joinable",
            if open {
                Msg::new("problem-not_joinable-begun")
            } else {
                Msg::new("problem-not_joinable-state").arg("state", record.lecture.state.label_zh())
            },
        ));
    }
    Lecture::join(uow.conn, id, &school, expected_size, uow.now())?;
    uow.record(
        "lecture.joined",
        "lecture",
        Some(id),
        json!({ "school_id": school, "expected_size": expected_size }),
    )?;
    Ok(())
}

/// A school withdraws from a city-wide online lecture it joined, until it begins.
pub fn withdraw(uow: &mut Uow<'_>, actor: &Actor, id: &str) -> ApiResult<()> {
    let school = actor
        .school_id
        .clone()
        .ok_or_else(|| ApiError::forbidden("forbidden", Msg::new("problem-forbidden-withdraw")))?;
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let begins = record
        .lecture
        .starts_at
        .unwrap_or_else(|| record.earliest_slot());
    if begins <= uow.now() {
        return Err(ApiError::conflict(
            "lecture_closed",
            Msg::new("problem-lecture_closed-withdraw"),
        ));
    }
    if !Lecture::withdraw(uow.conn, id, &school)? {
        return Err(ApiError::not_found(Msg::new(
            "problem-not_found-not_joined",
        )));
    }
    uow.record(
        "lecture.withdrawn",
        "lecture",
        Some(id),
        json!({ "school_id": school }),
    )?;
    Ok(())
}
