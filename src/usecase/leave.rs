//! Leave (请假制度): an expert asks, the office or a lead of their team approves or rejects,
//! the office records one at once (a phone call is the usual way); approved leave holds the
//! expert's days in `busy_intervals` (the leave's own triggers write and free it) and gives
//! back the lectures held inside them. Every step goes through the leave machine with its
//! ordered history.

use chrono::NaiveDate;
use serde_json::json;

use crate::auth::actor::Actor;
use crate::db::DbConnection;
use crate::domain::leave::{
    LEAVE_REQUESTED, LeaveAction, LeaveDays, LeaveFlow, LeaveState, LeaveWho,
};
use crate::domain::lecture::LectureState;
use crate::domain::roster::ExpertStatus;
use crate::domain::schedule::local_date;
use crate::domain::transition::Machine as _;
use crate::error::{ApiError, ApiResult};
use crate::i18n::Msg;
use crate::mail::outbox::{LeaveNotice, Notice};
use crate::models::expert::Expert;
use crate::models::leave::{Leave, LeaveRow, NewLeave};
use crate::models::user::User;
use crate::usecase::lecture::{lock_expert, release_held};
use crate::usecase::{Transition, Uow};

/// A leave with its expert's name and primary team.
#[derive(Debug, Clone)]
pub struct LeaveRecord {
    pub leave: Leave,
    pub expert_name: String,
    /// The expert's primary team, whose leads decide.
    pub team: String,
}

impl LeaveRecord {
    pub fn from_row((leave, expert_name, team): LeaveRow) -> Self {
        LeaveRecord {
            leave,
            expert_name,
            team,
        }
    }

    /// The leave, if `actor` may see it (the expert, a lead of their team, the office);
    /// else 404: its existence is not told.
    pub fn load_visible(conn: &mut DbConnection, actor: &Actor, id: &str) -> ApiResult<Self> {
        Leave::find_row(conn, id)?
            .map(Self::from_row)
            .filter(|r| r.visible_to(actor))
            .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-leave")))
    }

    pub fn visible_to(&self, actor: &Actor) -> bool {
        actor.is_admin() || actor.is_expert(&self.leave.expert_id) || actor.leads(&self.team)
    }

    fn who(&self, actor: &Actor) -> LeaveWho {
        LeaveWho {
            admin: actor.is_admin(),
            team_lead: actor.leads(&self.team),
            own: actor.is_expert(&self.leave.expert_id),
        }
    }
}

/// What an approval did: the lectures it gave back, each with the state it went to.
pub type Released = Vec<(String, LectureState)>;

/// Asks for leave (an expert, their own: it waits for approval) or records it (the office,
/// for any expert: approved at once, giving back what the expert held inside it). Returns
/// the leave's id and what an approval released. The caller has checked the days
/// ([`LeaveDays::problems`]).
pub fn request(
    uow: &mut Uow<'_>,
    actor: &Actor,
    expert_id: Option<String>,
    days: LeaveDays,
    reason: &str,
) -> ApiResult<(String, Released)> {
    let expert_id = match (actor.is_admin(), &actor.expert_id, expert_id) {
        (true, _, Some(id)) => id,
        (true, _, None) => {
            return Err(ApiError::invalid(
                "expert_id",
                "required",
                Msg::new("field-required-leave_expert").arg("field", "expert_id"),
            ));
        }
        (false, Some(own), None) => own.clone(),
        (false, Some(own), Some(id)) if *own == id => id,
        _ => {
            return Err(ApiError::forbidden(
                "forbidden",
                Msg::new("problem-forbidden-leave_for_others"),
            ));
        }
    };
    // Before anything is read: an approval adds a commitment, and two requests of one
    // expert must not both pass the overlap check.
    lock_expert(uow.conn, &expert_id)?;
    let expert = Expert::find(uow.conn, &expert_id)?.ok_or_else(|| {
        ApiError::invalid(
            "expert_id",
            "not_found",
            Msg::new("field-not_found-no_expert_has_id").arg("field", "expert_id"),
        )
    })?;
    if expert.status == ExpertStatus::Exited {
        return Err(ApiError::conflict(
            "expert_exited",
            Msg::new("problem-expert_exited-leave"),
        ));
    }
    if let Some(other) = Leave::open_meeting(uow.conn, &expert_id, days)?.first() {
        return Err(ApiError::conflict(
            "leave_overlaps",
            Msg::new("problem-leave_overlaps")
                .arg("first", other.start_date)
                .arg("last", other.end_date)
                .arg("state", other.state)
                .arg("state_zh", other.state.label_zh()),
        ));
    }
    let id = crate::db::new_id();
    let now = uow.now();
    let span = days.span(uow.settings.timezone);
    let new = NewLeave {
        id: id.clone(),
        expert_id: expert_id.clone(),
        state: LeaveState::Pending,
        start_date: days.first,
        end_date: days.last,
        starts_at: span.start,
        ends_at: span.end,
        reason: reason.to_owned(),
        created_by: actor.user_id.clone(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    uow.transition::<LeaveFlow>(
        Transition {
            object_id: &id,
            from: None,
            to: LeaveState::Pending,
            action: LEAVE_REQUESTED,
            reason: Some(reason),
            audit_action: "leave.requested",
            audit_detail: json!({
                "expert_id": expert_id,
                "start_date": days.first,
                "end_date": days.last,
            }),
        },
        |conn| Leave::insert(conn, &new).map(|()| true),
    )?;
    let record = LeaveRecord {
        leave: Leave::find_row(uow.conn, &id)?
            .ok_or_else(|| ApiError::internal("a leave just written is gone"))?
            .0,
        expert_name: expert.name.clone(),
        team: expert.primary_team.clone(),
    };
    if actor.is_admin() {
        let released = approve_locked(uow, actor, &record)?;
        return Ok((id, released));
    }
    tell_approvers(uow, actor, &record, &expert.user_id)?;
    Ok((id, Vec::new()))
}

/// Approves a pending leave: the office, or a lead of the expert's team who is not the
/// expert. Returns the lectures it gave back.
pub fn approve(uow: &mut Uow<'_>, actor: &Actor, id: &str) -> ApiResult<Released> {
    let record = LeaveRecord::load_visible(uow.conn, actor, id)?;
    LeaveFlow::next(record.leave.state, LeaveAction::Approve, &record.who(actor))?;
    lock_expert(uow.conn, &record.leave.expert_id)?;
    // Read again under the expert's lock: the state and version the step is taken from.
    let record = LeaveRecord::load_visible(uow.conn, actor, id)?;
    approve_locked(uow, actor, &record)
}

/// The approval, under the expert's lock: the lectures the expert holds inside the leave
/// go back (offered → requested, confirmed → needs reassignment), then the leave is
/// approved and its triggers hold the days.
fn approve_locked(uow: &mut Uow<'_>, actor: &Actor, record: &LeaveRecord) -> ApiResult<Released> {
    let leave = &record.leave;
    let from = leave.state;
    let to = LeaveFlow::next(from, LeaveAction::Approve, &record.who(actor))?;
    let days = leave.days();
    let why = format!("请假：{} 至 {}", days.first, days.last);
    let released = release_held(
        uow,
        &leave.expert_id,
        Some(days.span(uow.settings.timezone)),
        &why,
        json!({ "leave_id": leave.id }),
    )?;
    let (now, version) = (uow.now(), leave.version);
    let released_ids: Vec<&str> = released.iter().map(|(id, _)| id.as_str()).collect();
    uow.transition::<LeaveFlow>(
        Transition {
            object_id: &leave.id,
            from: Some(from),
            to,
            action: LeaveAction::Approve.as_str(),
            reason: None,
            audit_action: "leave.approved",
            audit_detail: json!({ "released": released_ids }),
        },
        |conn| {
            Leave::set_state(
                conn,
                &leave.id,
                (from, version),
                to,
                Some((&actor.user_id, None)),
                now,
            )
        },
    )?;
    tell_expert(uow, record, LeaveNotice::Approved, None, released.len())?;
    Ok(released)
}

/// Rejects a pending leave, with a reason the expert is told.
pub fn reject(uow: &mut Uow<'_>, actor: &Actor, id: &str, reason: &str) -> ApiResult<()> {
    let record = LeaveRecord::load_visible(uow.conn, actor, id)?;
    let from = record.leave.state;
    let to = LeaveFlow::next(from, LeaveAction::Reject, &record.who(actor))?;
    let (now, version) = (uow.now(), record.leave.version);
    uow.transition::<LeaveFlow>(
        Transition {
            object_id: id,
            from: Some(from),
            to,
            action: LeaveAction::Reject.as_str(),
            reason: Some(reason),
            audit_action: "leave.rejected",
            audit_detail: json!({}),
        },
        |conn| {
            Leave::set_state(
                conn,
                id,
                (from, version),
                to,
                Some((&actor.user_id, Some(reason))),
                now,
            )
        },
    )?;
    tell_expert(
        uow,
        &record,
        LeaveNotice::Rejected,
        Some(reason.to_owned()),
        0,
    )
}

/// Withdraws a pending or approved leave: the expert before it begins, the office any time.
/// Approved days are free again at once (the leave's triggers free the hold); lectures it
/// gave back stay with the office.
pub fn withdraw(uow: &mut Uow<'_>, actor: &Actor, id: &str, reason: Option<&str>) -> ApiResult<()> {
    let record = LeaveRecord::load_visible(uow.conn, actor, id)?;
    let from = record.leave.state;
    let to = LeaveFlow::next(from, LeaveAction::Withdraw, &record.who(actor))?;
    let today: NaiveDate = local_date(uow.now(), uow.settings.timezone);
    if !actor.is_admin() && record.leave.start_date <= today {
        return Err(ApiError::conflict(
            "leave_started",
            Msg::new("problem-leave_started").arg("first", record.leave.start_date),
        ));
    }
    let (now, version) = (uow.now(), record.leave.version);
    uow.transition::<LeaveFlow>(
        Transition {
            object_id: id,
            from: Some(from),
            to,
            action: LeaveAction::Withdraw.as_str(),
            reason,
            audit_action: "leave.withdrawn",
            audit_detail: json!({}),
        },
        |conn| Leave::set_state(conn, id, (from, version), to, None, now),
    )?;
    Ok(())
}

/// Tells the leave's approvers — the office and the active leads of the expert's team —
/// that it waits for them; never the expert, nor whoever asked.
fn tell_approvers(
    uow: &mut Uow<'_>,
    actor: &Actor,
    record: &LeaveRecord,
    expert_user: &str,
) -> ApiResult<()> {
    let approvers = crate::usecase::team::office_and_leads(uow.conn, &record.team)?;
    let mut told: Vec<String> = vec![expert_user.to_owned(), actor.user_id.clone()];
    for approver in approvers {
        if told.contains(&approver.id) {
            continue;
        }
        told.push(approver.id.clone());
        let notice = Notice::Leave {
            kind: LeaveNotice::Requested,
            expert_name: record.expert_name.clone(),
            days: record.leave.days(),
            reason: Some(record.leave.reason.clone()),
            released: 0,
        };
        uow.notify(&approver, notice)?;
    }
    Ok(())
}

/// Tells the expert what became of their leave.
fn tell_expert(
    uow: &mut Uow<'_>,
    record: &LeaveRecord,
    kind: LeaveNotice,
    reason: Option<String>,
    released: usize,
) -> ApiResult<()> {
    let Some(expert) = Expert::find(uow.conn, &record.leave.expert_id)? else {
        return Ok(());
    };
    if let Some(user) = User::find(uow.conn, &expert.user_id)? {
        let notice = Notice::Leave {
            kind,
            expert_name: record.expert_name.clone(),
            days: record.leave.days(),
            reason,
            released,
        };
        uow.notify(&user, notice)?;
    }
    Ok(())
}
