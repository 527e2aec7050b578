//! An expert's calendar feed of their lectures (iCalendar) and its token.

use super::*;
use crate::i18n::Msg;

/// Issues a new calendar feed token for an expert (the expert or an admin); the old one
/// stops working. Returns the token (shown once, stored hashed).
pub fn rotate_calendar_token(
    uow: &mut Uow<'_>,
    actor: &Actor,
    expert_id: &str,
) -> ApiResult<String> {
    let expert = Expert::find(uow.conn, expert_id)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_expert")))?;
    if !actor.is_admin() && !actor.is_expert(&expert.id) {
        return Err(ApiError::forbidden(
            "forbidden",
            Msg::new("problem-forbidden-expert_s_calendar_link"),
        ));
    }
    let token = crate::auth::token::random_token();
    let hash = crate::auth::token::hash_token(&token);
    crate::models::calendar::CalendarToken::rotate(uow.conn, &expert.id, &hash, uow.now())?;
    uow.record(
        "expert.calendar_token_rotated",
        "expert",
        Some(&expert.id),
        json!({}),
    )?;
    Ok(token)
}

/// Who made the feed, as calendar apps read it.
const PRODID: &str = "-//guanai//关爱专家团 授课安排//ZH";

/// How long a lecture that left the expert's calendar stays in the feed, cancelled.
const REMOVED_DAYS: i64 = 30;

/// The RFC 5545 feed of an expert's offered and confirmed lectures and of those they are to
/// observe (from 90 days back), for the holder of their calendar token; times in UTC, one stable UID per lecture and its
/// SEQUENCE, so a rescheduled lecture moves instead of doubling. A lecture that left the
/// expert (declined, let lapse, released, cancelled) stays 30 days as `STATUS:CANCELLED`
/// with a raised SEQUENCE, so calendars that imported it remove it. 404 for a wrong token.
pub fn calendar_feed(
    conn: &mut DbConnection,
    settings: &crate::config::Settings,
    expert_id: &str,
    token: &str,
    now: NaiveDateTime,
) -> ApiResult<String> {
    use crate::models::calendar::FeedRemoval;
    use icalendar::{Component as _, EventStatus};
    let hash = crate::auth::token::hash_token(token);
    if !crate::models::calendar::CalendarToken::matches(conn, expert_id, &hash)? {
        return Err(ApiError::not_found(Msg::new(
            "problem-not_found-no_such_calendar",
        )));
    }
    let host = uid_host(&settings.public_url);
    let mut calendar = icalendar::Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", PRODID))
        .append_property(("CALSCALE", "GREGORIAN"));
    calendar.name("关爱专家团 授课安排");
    // Each school read once, however many of the expert's lectures are at it.
    let mut schools: std::collections::HashMap<String, Option<School>> = Default::default();
    let mut school_of = |conn: &mut DbConnection, lecture: &Lecture| -> ApiResult<Option<School>> {
        let Some(id) = &lecture.school_id else {
            return Ok(None);
        };
        if !schools.contains_key(id) {
            schools.insert(id.clone(), School::find(conn, id)?);
        }
        Ok(schools.get(id).cloned().flatten())
    };
    for (lecture, school_name, _) in
        Lecture::calendar_of(conn, expert_id, now - Duration::days(90))?
    {
        let Some(span) = lecture.span() else {
            continue;
        };
        let status = if lecture.state == LectureState::Offered {
            EventStatus::Tentative
        } else {
            EventStatus::Confirmed
        };
        let school = school_of(conn, &lecture)?;
        let mut event = event_for((&lecture, school_name, school), &host, span, status, false);
        calendar.push(
            event
                .sequence(u32::try_from(lecture.sequence).unwrap_or(0))
                .done(),
        );
    }
    // What they observe (听课), under UIDs of their own: the same lecture may be another
    // expert's event in another feed.
    for (lecture, school_name, expert_name) in
        Lecture::observed_by(conn, expert_id, now - Duration::days(90))?
    {
        let Some(span) = lecture.span() else {
            continue;
        };
        let school = school_of(conn, &lecture)?;
        let mut event = event_for(
            (&lecture, school_name, school),
            &host,
            span,
            EventStatus::Confirmed,
            true,
        );
        let given_by = expert_name
            .map(|name| format!("（授课专家：{name}）"))
            .unwrap_or_default();
        event
            .uid(&format!("observation-{}@{host}", lecture.id))
            .summary(&format!("听课：{}{given_by}", lecture.topic))
            .sequence(u32::try_from(lecture.sequence).unwrap_or(0));
        calendar.push(event.done());
    }
    for (id, sequence, span) in
        FeedRemoval::since(conn, expert_id, now - Duration::days(REMOVED_DAYS))?
    {
        let Some((lecture, school_name, _)) = Lecture::find_row(conn, &id)? else {
            continue;
        };
        let school = school_of(conn, &lecture)?;
        let mut event = event_for(
            (&lecture, school_name, school),
            &host,
            span,
            EventStatus::Cancelled,
            false,
        );
        calendar.push(event.sequence(u32::try_from(sequence).unwrap_or(0)).done());
    }
    Ok(calendar.done().to_string())
}

/// The host that ends every UID: `GUANAI_PUBLIC_URL`'s, without port or path, so a UID
/// stays the same wherever the service listens.
fn uid_host(public_url: &str) -> String {
    public_url
        .split("://")
        .nth(1)
        .unwrap_or("guanai")
        .split(['/', ':'])
        .next()
        .filter(|h| !h.is_empty())
        .unwrap_or("guanai")
        .to_owned()
}

/// One lecture as an event at `span` (UTC): its topic and way, its place, and in the
/// description the school with its address and contact, the note and how to join;
/// `observing`: for an expert who is to observe it rather than give it.
fn event_for(
    (lecture, school_name, school): (&Lecture, Option<String>, Option<School>),
    host: &str,
    span: Span,
    status: icalendar::EventStatus,
    observing: bool,
) -> icalendar::Event {
    use icalendar::{Component as _, EventLike as _};
    let utc = |t: NaiveDateTime| {
        chrono::DateTime::<chrono::Utc>::from_naive_utc_and_offset(t, chrono::Utc)
    };
    let mut event = icalendar::Event::new();
    event
        .uid(&format!("lecture-{}@{host}", lecture.id))
        .summary(&format!("{}（{}）", lecture.topic, lecture.mode.label_zh()))
        .starts(utc(span.start))
        .ends(utc(span.end))
        .timestamp(utc(lecture.updated_at))
        .status(status);
    let place = match lecture.mode {
        LectureMode::Offline => lecture.address.clone(),
        LectureMode::Online => lecture.platform.clone(),
    };
    if let Some(place) = place {
        event.location(&place);
    }
    let mut description = Vec::new();
    if observing {
        description.push("您去听课，听课后请在平台上提交听课记录".to_owned());
    } else if status == icalendar::EventStatus::Cancelled {
        description.push("已取消或已不由您讲授".to_owned());
    } else if lecture.state == LectureState::Offered {
        description.push("待您接受".to_owned());
    }
    if let Some(name) = school_name {
        description.push(format!("学校：{name}"));
    }
    if let Some(school) = &school {
        description.push(format!("地址：{}", school.address));
        let phone = school
            .phone
            .as_deref()
            .map(|p| format!("，{p}"))
            .unwrap_or_default();
        description.push(format!("联系人：{}{phone}", school.contact_person));
    }
    if let Some(link) = &lecture.link {
        description.push(format!("参会链接：{link}"));
    }
    if let Some(id) = &lecture.meeting_id {
        let code = lecture
            .passcode
            .as_deref()
            .map(|c| format!("，密码：{c}"))
            .unwrap_or_default();
        description.push(format!("会议号：{id}{code}"));
    }
    if let Some(note) = &lecture.note {
        description.push(format!("备注：{note}"));
    }
    event.description(&description.join("\n"));
    event
}
