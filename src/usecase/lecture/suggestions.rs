//! 派课建议: experts ranked for a lecture, with the reasons as data.

use super::*;
use crate::i18n::Msg;

/// One candidate for a lecture (派课建议), with the reasons as data.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub expert_id: String,
    pub expert_name: String,
    /// 1, 2, 3, … among the eligible; `null` for the others.
    pub rank: Option<usize>,
    pub eligible: bool,
    /// `primary` or `extra` (a team the expert serves besides their own), or `none`.
    pub team: &'static str,
    /// An approved course of the expert in the lecture's team, given in its mode.
    pub course_id: Option<String>,
    /// No commitment of theirs overlaps the lecture (travel buffer included).
    pub free: bool,
    pub serves_mode: bool,
    /// On site: whether the expert serves the school's district; `null` online.
    pub serves_district: Option<bool>,
    pub lectures_this_week: i64,
    pub max_per_week: i32,
    pub lectures_this_month: i64,
    pub max_per_month: i32,
    /// Lectures in the 90 days before now: fewer ranks higher (fairness).
    pub lectures_last_90_days: i64,
    /// Why not, for the ineligible: (code, detail) as an offer would be refused.
    pub not_eligible: Vec<SlotRefusal>,
}

/// The ranked candidates for a lecture, at its chosen time or else its first proposed slot.
pub struct Suggestions {
    pub at: Span,
    /// A school-calendar period the time falls in, if any (a dispatch there needs a reason).
    pub blackout: Option<String>,
    pub items: Vec<Suggestion>,
}

/// 派课建议: every expert who could take the lecture, ranked; with `include_ineligible`
/// the others too, each with why not. The office and the team's leads.
pub fn suggestions(
    conn: &mut DbConnection,
    settings: &crate::config::Settings,
    actor: &Actor,
    id: &str,
    include_ineligible: bool,
    now: NaiveDateTime,
) -> ApiResult<Suggestions> {
    use std::collections::HashMap;
    let record = LectureRecord::load_visible(conn, actor, id)?;
    let who = record.who(actor);
    if !(who.admin || who.team_lead) {
        return Err(ApiError::forbidden(
            "forbidden",
            Msg::new("problem-forbidden-dispatch_suggestions_office_lecture"),
        ));
    }
    let lecture = &record.lecture;
    let at = lecture
        .span()
        .or_else(|| record.slots.first().map(LectureSlot::span))
        .ok_or_else(|| ApiError::internal("a lecture without a time"))?;
    let tz = settings.timezone;
    let school = match &lecture.school_id {
        Some(s) => School::find(conn, s)?,
        None => None,
    };
    let blackout = crate::usecase::availability::blackout_over(conn, school.as_ref(), at, tz)?
        .map(|b| format!("{} ({} to {})", b.name, b.start_date, b.end_date));
    let busy_span = at.busy(lecture.mode, settings.travel_buffer_minutes);
    let count_map = |rows: Vec<(Option<String>, i64)>| -> HashMap<String, i64> {
        rows.into_iter()
            .filter_map(|(e, n)| e.map(|e| (e, n)))
            .collect()
    };
    let week = count_map(Lecture::load_counts(
        conn,
        week_bounds(at.start, tz),
        &lecture.id,
    )?);
    let month = count_map(Lecture::load_counts(
        conn,
        month_bounds(at.start, tz),
        &lecture.id,
    )?);
    let recent_span = Span {
        start: now - Duration::days(90),
        end: now,
    };
    let recent = count_map(Lecture::load_counts(conn, recent_span, &lecture.id)?);
    let holds = BusyInterval::overlapping(conn, busy_span, (SOURCE_LECTURE, &lecture.id))?;
    let busy: Vec<&str> = holds.iter().map(|b| b.expert_id.as_str()).collect();
    let on_leave: Vec<&str> = holds
        .iter()
        .filter(|b| b.source_type == SOURCE_LEAVE)
        .map(|b| b.expert_id.as_str())
        .collect();
    let refusals = LectureRefusal::of_lecture(conn, &lecture.id)?;
    let courses = crate::models::course::approved_in_team(conn, &lecture.team_code)?;
    let local_day = local_date(at.start, tz);
    let (rules, exceptions) = crate::models::availability::all_on(conn, local_day)?;
    let local = {
        use chrono::TimeZone as _;
        let start = tz.from_utc_datetime(&at.start).naive_local();
        let end = tz.from_utc_datetime(&at.end).naive_local();
        crate::domain::availability::LocalSpan {
            day: start.date(),
            start: start.time(),
            end: (end.date() == start.date()).then_some(end.time()),
        }
    };
    let weekday = i32::try_from(local_day.weekday().number_from_monday()).unwrap_or(0);

    let mut items = Vec::new();
    for (expert, _, sets) in Expert::all_rows(conn)? {
        let team = if expert.primary_team == lecture.team_code {
            "primary"
        } else if sets.extra_teams.contains(&lecture.team_code) {
            "extra"
        } else {
            "none"
        };
        let course_id = courses
            .iter()
            .find(|(_, e, modes)| {
                *e == expert.id && modes.iter().any(|m| m == lecture.mode.as_str())
            })
            .map(|(c, _, _)| c.clone());
        let free = !busy.contains(&expert.id.as_str());
        let serves_mode = sets.modes.iter().any(|m| m == lecture.mode.as_str());
        let serves_district = match (lecture.mode, &school) {
            (LectureMode::Offline, Some(s)) => Some(sets.districts.contains(&s.district)),
            _ => None,
        };
        let in_week = week.get(&expert.id).copied().unwrap_or(0);
        let in_month = month.get(&expert.id).copied().unwrap_or(0);
        let windows: Vec<_> = rules
            .iter()
            .filter(|r| r.expert_id == expert.id)
            .map(crate::models::availability::AvailabilityRule::window)
            .collect();
        let dated: Vec<_> = exceptions
            .iter()
            .filter(|e| e.expert_id == expert.id)
            .map(crate::models::availability::AvailabilityException::exception)
            .collect();
        let mut why = Vec::new();
        let mut no = |code: &str, detail: Msg| {
            why.push(SlotRefusal {
                slot: 0,
                code: code.to_owned(),
                detail: detail.into(),
            })
        };
        if expert.status != ExpertStatus::Active {
            no(
                "expert_not_active",
                Msg::new("suggest-expert_not_active")
                    .arg("status", expert.status)
                    .arg("status_zh", expert.status.label_zh()),
            );
        }
        if team == "none" {
            no(
                "team_not_served",
                Msg::new("suggest-team_not_served")
                    .arg("team", &lecture.team_code)
                    .arg(
                        "team_zh",
                        crate::domain::profile::team_label(&lecture.team_code),
                    ),
            );
        }
        if !serves_mode {
            no(
                "mode_not_served",
                Msg::new("problem-mode_not_served")
                    .arg("mode", lecture.mode)
                    .arg("mode_zh", lecture.mode.label_zh()),
            );
        }
        if sets.rest_weekdays.contains(&weekday) {
            no(
                "rest_day",
                Msg::new("problem-rest_day").arg("date", local_day),
            );
        }
        if crate::domain::availability::check(&windows, &dated, local).is_err() {
            no(
                "outside_availability",
                Msg::new("suggest-outside_availability"),
            );
        }
        if on_leave.contains(&expert.id.as_str()) {
            no("expert_on_leave", Msg::new("suggest-expert_on_leave"));
        } else if !free {
            no("expert_busy", Msg::new("problem-expert_busy-now"));
        }
        if in_week >= i64::from(expert.max_per_week) {
            no(
                "weekly_limit_reached",
                Msg::new("suggest-weekly_limit_reached")
                    .arg("count", in_week)
                    .arg("limit", expert.max_per_week),
            );
        }
        if in_month >= i64::from(expert.max_per_month) {
            no(
                "monthly_limit_reached",
                Msg::new("suggest-monthly_limit_reached")
                    .arg("count", in_month)
                    .arg("limit", expert.max_per_month),
            );
        }
        if let Some((_, kind)) = refusals.iter().find(|(e, _)| *e == expert.id) {
            no(
                "previously_refused",
                Msg::new(match kind {
                    RefusalKind::Declined => "problem-previously_refused-declined",
                    RefusalKind::Lapsed => "problem-previously_refused-lapsed",
                }),
            );
        }
        let eligible = why.is_empty();
        if !eligible && (!include_ineligible || expert.status == ExpertStatus::Exited) {
            continue;
        }
        items.push(Suggestion {
            expert_id: expert.id.clone(),
            expert_name: expert.name.clone(),
            rank: None,
            eligible,
            team,
            course_id,
            free,
            serves_mode,
            serves_district,
            lectures_this_week: in_week,
            max_per_week: expert.max_per_week,
            lectures_this_month: in_month,
            max_per_month: expert.max_per_month,
            lectures_last_90_days: recent.get(&expert.id).copied().unwrap_or(0),
            not_eligible: why,
        });
    }
    // The ranking (api_docs/README.md, "Dispatch suggestions"): eligible first; then a
    // fitting approved course, the primary team over an extra one, the school's district
    // served, fewer lectures in the last 90 days, more room left this week, the name.
    items.sort_by(|a, b| {
        let room = |s: &Suggestion| i64::from(s.max_per_week) - s.lectures_this_week;
        b.eligible
            .cmp(&a.eligible)
            .then(b.course_id.is_some().cmp(&a.course_id.is_some()))
            .then((b.team == "primary").cmp(&(a.team == "primary")))
            .then(
                b.serves_district
                    .unwrap_or(true)
                    .cmp(&a.serves_district.unwrap_or(true)),
            )
            .then(a.lectures_last_90_days.cmp(&b.lectures_last_90_days))
            .then(room(b).cmp(&room(a)))
            .then(a.expert_name.cmp(&b.expert_name))
    });
    for (i, item) in items.iter_mut().filter(|s| s.eligible).enumerate() {
        item.rank = Some(i + 1);
    }
    Ok(Suggestions {
        at,
        blackout,
        items,
    })
}
