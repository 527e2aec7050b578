//! Who is told what about a lecture: the expert, its schools, the office.

use super::*;

/// The notice about `record`: its time with its end, the time it had before when it moved,
/// the expert where the reader needs the name (a confirmation, a decline or lapse, a lost
/// expert), and for an online lecture once confirmed where to join.
pub(super) fn notice(record: &LectureRecord, kind: LectureNotice, reason: Option<&str>) -> Notice {
    let lecture = &record.lecture;
    let names_expert = matches!(
        kind,
        LectureNotice::Confirmed
            | LectureNotice::Declined
            | LectureNotice::Lapsed
            | LectureNotice::NeedsExpert
            | LectureNotice::Reminder
            | LectureNotice::ObserverAssigned
    );
    let joinable = lecture.mode == LectureMode::Online
        && matches!(
            kind,
            LectureNotice::Confirmed | LectureNotice::Reminder | LectureNotice::ObserverAssigned
        );
    Notice::Lecture {
        kind,
        topic: lecture.topic.clone(),
        school_name: record.school_name.clone(),
        mode: lecture.mode,
        time: lecture.span().map(|s| (s.start, s.end)),
        was: record
            .previous
            .filter(|was| Some(*was) != lecture.span())
            .map(|s| (s.start, s.end)),
        expert_name: record.expert_name.clone().filter(|_| names_expert),
        place: match lecture.mode {
            LectureMode::Offline => lecture.address.clone(),
            LectureMode::Online => lecture.platform.clone(),
        },
        link: lecture.link.clone().filter(|_| joinable),
        meeting: lecture.meeting_id.as_ref().filter(|_| joinable).map(|id| {
            match &lecture.passcode {
                Some(code) => format!("{id}，密码：{code}"),
                None => id.clone(),
            }
        }),
        offer_expires_at: lecture.offer_expires_at,
        reason: reason.map(str::to_owned),
    }
}

pub(super) fn tell_expert(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    expert_id: &str,
    kind: LectureNotice,
    reason: Option<&str>,
) -> ApiResult<()> {
    let Some(expert) = Expert::find(uow.conn, expert_id)? else {
        return Ok(());
    };
    if let Some(user) = User::find(uow.conn, &expert.user_id)? {
        let n = notice(record, kind, reason);
        uow.notify(&user, n)?;
    }
    Ok(())
}

/// Tells the lecture's school (and the schools that joined a city-wide one), never the
/// account that acted.
pub(super) fn tell_schools(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    kind: LectureNotice,
    reason: Option<&str>,
    actor: Option<&Actor>,
) -> ApiResult<()> {
    let mut schools: Vec<String> = record.lecture.school_id.iter().cloned().collect();
    schools.extend(Lecture::participant_schools(uow.conn, &record.lecture.id)?);
    let mut users = Vec::new();
    for school in schools {
        users.extend(User::of_school(uow.conn, &school)?);
    }
    tell_users(uow, users, record, kind, reason, actor)
}

/// Tells the office (every active admin) and the active leads of the lecture's team, never
/// the account that acted.
pub(super) fn tell_office(
    uow: &mut Uow<'_>,
    record: &LectureRecord,
    kind: LectureNotice,
    reason: Option<&str>,
    actor: Option<&Actor>,
) -> ApiResult<()> {
    let users = crate::usecase::team::office_and_leads(uow.conn, &record.lecture.team_code)?;
    tell_users(uow, users, record, kind, reason, actor)
}

/// Sends the notice to each of `users` once, never to the account that acted.
pub(super) fn tell_users(
    uow: &mut Uow<'_>,
    users: Vec<User>,
    record: &LectureRecord,
    kind: LectureNotice,
    reason: Option<&str>,
    actor: Option<&Actor>,
) -> ApiResult<()> {
    let mut told: Vec<String> = actor.iter().map(|a| a.user_id.clone()).collect();
    for user in users {
        if told.contains(&user.id) {
            continue;
        }
        told.push(user.id.clone());
        let n = notice(record, kind, reason);
        uow.notify(&user, n)?;
    }
    Ok(())
}
