//! An expert's calendar feed of their lectures (iCalendar) and its token.

use super::*;

/// Issues a new calendar feed token for an expert (the expert or an admin); the old one
/// stops working. Returns the token (shown once, stored hashed).
pub fn rotate_calendar_token(
    uow: &mut Uow<'_>,
    actor: &Actor,
    expert_id: &str,
) -> ApiResult<String> {
    let expert =
        Expert::find(uow.conn, expert_id)?.ok_or_else(|| ApiError::not_found("no such expert"))?;
    if !actor.is_admin() && !actor.is_expert(&expert.id) {
        return Err(ApiError::forbidden(
            "forbidden",
            "an expert's calendar link is made by the expert or the office",
        ));
    }
    let token = crate::auth::token::random_token();
    let hash = crate::auth::token::hash_token(&token);
    crate::models::lecture::CalendarToken::rotate(uow.conn, &expert.id, &hash, uow.now())?;
    uow.record(
        "expert.calendar_token_rotated",
        "expert",
        Some(&expert.id),
        json!({}),
    )?;
    Ok(token)
}

/// The RFC 5545 feed of an expert's offered and confirmed lectures (from 90 days back), for
/// the holder of their calendar token; times in UTC, one stable UID per lecture and its
/// SEQUENCE, so a rescheduled lecture moves instead of doubling. 404 for a wrong token.
pub fn calendar_feed(
    conn: &mut DbConnection,
    settings: &crate::config::Settings,
    expert_id: &str,
    token: &str,
    now: NaiveDateTime,
) -> ApiResult<String> {
    use icalendar::{Component as _, EventLike as _};
    let hash = crate::auth::token::hash_token(token);
    if !crate::models::lecture::CalendarToken::matches(conn, expert_id, &hash)? {
        return Err(ApiError::not_found("no such calendar"));
    }
    let host = settings
        .public_url
        .split("://")
        .nth(1)
        .unwrap_or("guanai")
        .split(['/', ':'])
        .next()
        .unwrap_or("guanai")
        .to_owned();
    let mut calendar = icalendar::Calendar::new();
    calendar.name("关爱专家团 授课安排");
    for (lecture, school_name, _) in
        Lecture::calendar_of(conn, expert_id, now - Duration::days(90))?
    {
        let Some(span) = lecture.span() else {
            continue;
        };
        let utc = |t: NaiveDateTime| {
            chrono::DateTime::<chrono::Utc>::from_naive_utc_and_offset(t, chrono::Utc)
        };
        let place = match lecture.mode {
            LectureMode::Offline => lecture.address.clone(),
            LectureMode::Online => lecture.platform.clone(),
        };
        let mut event = icalendar::Event::new();
        event
            .uid(&format!("lecture-{}@{host}", lecture.id))
            .summary(&format!("{}（{}）", lecture.topic, lecture.mode.label_zh()))
            .starts(utc(span.start))
            .ends(utc(span.end))
            .timestamp(utc(lecture.updated_at))
            .sequence(u32::try_from(lecture.sequence).unwrap_or(0))
            .status(if lecture.state == LectureState::Confirmed {
                icalendar::EventStatus::Confirmed
            } else {
                icalendar::EventStatus::Tentative
            });
        if let Some(place) = place {
            event.location(&place);
        }
        let mut description = Vec::new();
        if let Some(school) = school_name {
            description.push(format!("学校：{school}"));
        }
        if lecture.state == LectureState::Offered {
            description.push("待您接受".to_owned());
        }
        if let Some(link) = &lecture.link {
            description.push(format!("链接：{link}"));
        }
        if !description.is_empty() {
            event.description(&description.join("\n"));
        }
        calendar.push(event.done());
    }
    Ok(calendar.done().to_string())
}
