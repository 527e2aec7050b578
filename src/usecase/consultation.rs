//! 热线咨询: a one-off answer on the hotline, the 家教良方 platform or to a visitor is not a
//! case — it is recorded as counts (channel, topics, minutes, families) by the office or
//! the expert who answered, and read by the office and that expert. Nothing personal is
//! stored (the caller has screened the note, `domain::help::looks_personal`).

use chrono::NaiveDateTime;
use serde_json::json;

use crate::auth::actor::Actor;
use crate::db::DbConnection;
use crate::domain::help::{ConsultationChannel, HelpTopic};
use crate::error::{ApiError, ApiResult};
use crate::i18n::Msg;
use crate::models::consultation::{Consultation, ConsultationRow, NewConsultation};
use crate::models::expert::Expert;
use crate::models::school::School;
use crate::usecase::Uow;

/// What a consultation records, checked field by field by the caller.
#[derive(Debug, Clone)]
pub struct ConsultationInput {
    pub channel: ConsultationChannel,
    /// At least one, each once.
    pub topics: Vec<HelpTopic>,
    pub minutes: i32,
    pub families: i32,
    pub expert_id: Option<String>,
    pub school_id: Option<String>,
    pub note: Option<String>,
    /// When it was answered (not in the future).
    pub at: NaiveDateTime,
}

/// Records a consultation: the office for any expert or none, an expert their own (no
/// `expert_id`, or their own). Audited. Returns its id.
pub fn record(uow: &mut Uow<'_>, actor: &Actor, input: ConsultationInput) -> ApiResult<String> {
    let expert_id = match (actor.is_admin(), &actor.expert_id, input.expert_id) {
        (true, _, given) => given,
        (false, Some(own), None) => Some(own.clone()),
        (false, Some(own), Some(id)) if *own == id => Some(id),
        _ => {
            return Err(ApiError::forbidden(
                "forbidden",
                Msg::new("problem-forbidden-consultation_for_others"),
            ));
        }
    };
    if let Some(id) = &expert_id
        && Expert::find(uow.conn, id)?.is_none()
    {
        return Err(ApiError::invalid(
            "expert_id",
            "not_found",
            Msg::new("field-not_found-no_expert_has_id").arg("field", "expert_id"),
        ));
    }
    if let Some(id) = &input.school_id
        && School::find(uow.conn, id)?.is_none()
    {
        return Err(ApiError::invalid(
            "school_id",
            "not_found",
            Msg::new("field-not_found-no_school_has_id").arg("field", "school_id"),
        ));
    }
    let id = crate::db::new_id();
    let new = NewConsultation {
        id: id.clone(),
        channel: input.channel,
        at: input.at,
        minutes: input.minutes,
        families: input.families,
        expert_id,
        school_id: input.school_id,
        note: input.note,
        recorded_by: actor.user_id.clone(),
        created_at: uow.now(),
    };
    Consultation::insert(uow.conn, &new, &input.topics)?;
    uow.record(
        "consultation.recorded",
        "consultation",
        Some(&id),
        json!({
            "channel": new.channel,
            "topics": input.topics,
            "minutes": new.minutes,
            "families": new.families,
            "expert_id": new.expert_id,
        }),
    )?;
    Ok(id)
}

/// The consultation, if `actor` may read it: the office, the expert it is credited to and
/// whoever recorded it; else 404 (its existence is not told).
pub fn load_visible(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> ApiResult<ConsultationRow> {
    Consultation::find_row(conn, id)?
        .filter(|(c, _, _)| {
            actor.is_admin()
                || c.expert_id.as_deref().is_some_and(|e| actor.is_expert(e))
                || c.recorded_by == actor.user_id
        })
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-consultation")))
}
