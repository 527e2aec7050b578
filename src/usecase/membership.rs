//! Membership (有出有进、进出有序): moving an expert along the charter, with its history.

use crate::i18n::Msg;
use serde_json::json;

use crate::domain::roster::{ExpertStatus, Membership, MembershipAction, MembershipWho};
use crate::domain::transition::{Machine as _, Refusal};
use crate::error::{ApiError, ApiResult};
use crate::models::expert::Expert;
use crate::models::refresh_token::RefreshToken;
use crate::models::team_lead::TeamLead;
use crate::models::user::User;
use crate::usecase::{Transition, Uow};

/// Moves expert `id` to `to` (the office). `candidate → active` is the qualification
/// decision (资格确定). Suspension and exit end any lead post at once; exit also turns the
/// expert's login off (every session ends), and readmission (`exited → candidate`) turns it
/// on again.
pub fn change(
    uow: &mut Uow<'_>,
    who: MembershipWho,
    id: &str,
    to: ExpertStatus,
    reason: &str,
) -> ApiResult<()> {
    // Offers and acceptances take the expert's lock and read the expert after it: taken
    // here first, no offer lands on an expert this change suspends.
    crate::usecase::lecture::lock_expert(uow.conn, id)?;
    let expert = Expert::find(uow.conn, id)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_expert")))?;
    let from = expert.status;
    // The API names the target; the step that leads there is the action.
    let action = MembershipAction::towards(from, to).ok_or_else(|| Refusal::Illegal {
        object: "expert",
        from: from.as_str(),
        action: format!("become {to}"),
        allowed: Membership::allowed_from(from),
        from_zh: from.label_zh(),
        action_zh: format!("改为“{}”", to.label_zh()),
        allowed_zh: Membership::allowed_from_zh(from),
    })?;
    Membership::next(from, action, &who)?;
    let (version, now) = (expert.version, uow.now());
    uow.transition::<Membership>(
        Transition {
            object_id: id,
            from: Some(from),
            to,
            action: action.as_str(),
            reason: Some(reason),
            audit_action: "expert.status_changed",
            audit_detail: json!({ "qualification": action == MembershipAction::Qualify }),
        },
        |conn| Expert::set_status(conn, id, from, version, to, now),
    )?;
    let login_on = match to {
        ExpertStatus::Exited => Some(false),
        ExpertStatus::Candidate if from == ExpertStatus::Exited => Some(true),
        _ => None,
    };
    if let Some(active) = login_on
        && User::set_active(uow.conn, &expert.user_id, active, now)?
    {
        if !active {
            RefreshToken::revoke_all_for_user(uow.conn, &expert.user_id, now)?;
        }
        uow.record(
            if active {
                "user.reactivated"
            } else {
                "user.deactivated"
            },
            "user",
            Some(&expert.user_id),
            json!({ "why": action.as_str() }),
        )?;
    }
    if matches!(to, ExpertStatus::Suspended | ExpertStatus::Exited) {
        let ended = TeamLead::remove_for_expert(uow.conn, id, &[])?;
        if !ended.is_empty() {
            uow.record(
                "team.leads_changed",
                "expert",
                Some(id),
                json!({ "ended": ended, "why": to }),
            )?;
        }
        // Their open offers go back to the office, their confirmed lectures wait for
        // another expert; their time is released. The history says why in Chinese, as a
        // leave's release does (the office reads it).
        let why = format!("专家状态改为{}：{reason}", to.label_zh());
        crate::usecase::lecture::release_held(uow, id, None, &why, json!({}))?;
    }
    Ok(())
}
