//! When experts can give lectures (weekly windows, dated exceptions) and the school
//! calendar's closed periods (blackouts: exam weeks, holidays, term breaks).

use crate::i18n::Msg;
use chrono::NaiveDate;
use serde_json::json;

use crate::auth::actor::Actor;
use crate::db::DbConnection;
use crate::domain::availability::{BlackoutScope, LocalSpan};
use crate::domain::schedule::Span;
use crate::error::{ApiError, ApiResult};
use crate::models::availability::{self, AvailabilityException, AvailabilityRule, BlackoutRow};
use crate::models::expert::{Expert, ExpertSets};
use crate::models::school::School;
use crate::usecase::Uow;

/// The expert, if `actor` may read their availability: the expert, an admin, a lead of
/// one of their teams. 404 for no such expert, 403 for anyone else.
fn expert_for(
    conn: &mut DbConnection,
    actor: &Actor,
    expert_id: &str,
    change: bool,
) -> ApiResult<Expert> {
    let expert = Expert::find(conn, expert_id)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_expert")))?;
    if actor.is_admin() || actor.is_expert(&expert.id) {
        return Ok(expert);
    }
    let teams: ExpertSets = Expert::sets(conn, &expert.id)?;
    if !change && actor.leads_any(&teams.all_teams(&expert.primary_team)) {
        return Ok(expert);
    }
    Err(ApiError::forbidden(
        "forbidden",
        Msg::new(if change {
            "problem-forbidden-availability_change"
        } else {
            "problem-forbidden-availability_read"
        }),
    ))
}

pub fn read(
    conn: &mut DbConnection,
    actor: &Actor,
    expert_id: &str,
) -> ApiResult<(Vec<AvailabilityRule>, Vec<AvailabilityException>)> {
    let expert = expert_for(conn, actor, expert_id, false)?;
    Ok(availability::of_expert(conn, &expert.id)?)
}

/// Replaces the expert's windows and exceptions (the expert or an admin).
pub fn replace(
    uow: &mut Uow<'_>,
    actor: &Actor,
    expert_id: &str,
    rules: Vec<AvailabilityRule>,
    exceptions: Vec<AvailabilityException>,
) -> ApiResult<()> {
    let expert = expert_for(uow.conn, actor, expert_id, true)?;
    availability::replace(uow.conn, &expert.id, &rules, &exceptions)?;
    uow.record(
        "expert.availability_set",
        "expert",
        Some(&expert.id),
        json!({ "rules": rules.len(), "exceptions": exceptions.len() }),
    )?;
    Ok(())
}

/// Whether the expert is available for `span` (their windows and exceptions); a 409
/// `outside_availability` saying why not.
pub fn check(
    conn: &mut DbConnection,
    expert_id: &str,
    span: Span,
    tz: chrono_tz::Tz,
) -> ApiResult<()> {
    use chrono::TimeZone as _;
    let (rules, exceptions) = availability::of_expert(conn, expert_id)?;
    if rules.is_empty() && exceptions.is_empty() {
        return Ok(());
    }
    let start = tz.from_utc_datetime(&span.start).naive_local();
    let end = tz.from_utc_datetime(&span.end).naive_local();
    let local = LocalSpan {
        day: start.date(),
        start: start.time(),
        end: (end.date() == start.date()).then_some(end.time()),
    };
    let windows: Vec<_> = rules.iter().map(AvailabilityRule::window).collect();
    let dated: Vec<_> = exceptions
        .iter()
        .map(AvailabilityException::exception)
        .collect();
    crate::domain::availability::check(&windows, &dated, local).map_err(|why| {
        ApiError::conflict(
            "outside_availability",
            match why {
                crate::domain::availability::Unavailable::Blocked(day) => {
                    Msg::new("problem-outside_availability-blocked").arg("day", day)
                }
                crate::domain::availability::Unavailable::OutsideWindows => {
                    Msg::new("problem-outside_availability-windows")
                        .arg("day", local.day)
                        .arg("start", local.start.format("%H:%M"))
                        .arg("end", end.time().format("%H:%M"))
                }
            },
        )
    })
}

/// The blackout that covers `span` for a school (or, for a city-wide lecture, a city
/// blackout), if one does.
pub fn blackout_over(
    conn: &mut DbConnection,
    school: Option<&School>,
    span: Span,
    tz: chrono_tz::Tz,
) -> ApiResult<Option<BlackoutRow>> {
    let first = crate::domain::schedule::local_date(span.start, tz);
    let last = crate::domain::schedule::local_date(span.end, tz);
    let key = school.map(|s| (s.id.as_str(), s.district.as_str()));
    Ok(BlackoutRow::meeting(conn, first, last)?
        .into_iter()
        .find(|b| b.period().covers(key)))
}

/// What a new blackout says.
#[derive(Debug, Clone)]
pub struct NewBlackout {
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub scope: BlackoutScope,
    pub district: Option<String>,
    pub school_id: Option<String>,
}

/// Adds a blackout: admins of any scope, a school for itself only.
pub fn add_blackout(uow: &mut Uow<'_>, actor: &Actor, new: NewBlackout) -> ApiResult<String> {
    let mut new = new;
    if !actor.is_admin() {
        let Some(own) = &actor.school_id else {
            return Err(ApiError::forbidden(
                "forbidden",
                Msg::new("problem-forbidden-blackouts_set_office_schools"),
            ));
        };
        if new.scope != BlackoutScope::School || new.school_id.as_ref().is_some_and(|id| id != own)
        {
            return Err(ApiError::forbidden(
                "forbidden",
                Msg::new("problem-forbidden-school_sets_blackouts_itself"),
            ));
        }
        new.school_id = Some(own.clone());
    }
    if let Some(id) = &new.school_id
        && School::find(uow.conn, id)?.is_none()
    {
        return Err(ApiError::invalid(
            "school_id",
            "not_found",
            Msg::new("field-not_found-no_school_has_id").arg("field", "school_id"),
        ));
    }
    let row = BlackoutRow {
        id: crate::db::new_id(),
        name: new.name,
        start_date: new.start_date,
        end_date: new.end_date,
        scope: new.scope,
        district: new.district,
        school_id: new.school_id,
        created_by: Some(actor.user_id.clone()),
        created_at: uow.now(),
    };
    BlackoutRow::insert(uow.conn, &row)?;
    uow.record(
        "blackout.created",
        "blackout",
        Some(&row.id),
        json!({ "name": row.name, "scope": row.scope, "start_date": row.start_date, "end_date": row.end_date }),
    )?;
    Ok(row.id)
}

/// Removes a blackout: admins any, a school its own.
pub fn remove_blackout(uow: &mut Uow<'_>, actor: &Actor, id: &str) -> ApiResult<()> {
    let school = school_of(uow.conn, actor)?;
    let row = BlackoutRow::find(uow.conn, id)?
        .filter(|b| visible(b, school.as_ref()))
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_blackout")))?;
    let own = actor.school_id.is_some() && actor.school_id == row.school_id;
    if !actor.is_admin() && !own {
        return Err(ApiError::forbidden(
            "forbidden",
            Msg::new("problem-forbidden-blackout_removed_office_school"),
        ));
    }
    BlackoutRow::delete(uow.conn, id)?;
    uow.record(
        "blackout.removed",
        "blackout",
        Some(id),
        json!({ "name": row.name }),
    )?;
    Ok(())
}

/// The caller's school, for a school account (whose view of blackouts is those that cover it).
pub fn school_of(conn: &mut DbConnection, actor: &Actor) -> ApiResult<Option<School>> {
    match &actor.school_id {
        Some(id) => Ok(School::find(conn, id)?),
        None => Ok(None),
    }
}

/// A school sees the periods that cover it; everyone else sees all.
pub fn visible(row: &BlackoutRow, school: Option<&School>) -> bool {
    school.is_none_or(|s| row.period().covers(Some((&s.id, &s.district))))
}
