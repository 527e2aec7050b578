//! 评课 (evaluation): the school of a delivered lecture — each joined school of a city-wide
//! one — scores it once and may edit its scores for a week; the lecture closes once every
//! school that may evaluate it has (or, by the timers, 14 days after its end).

use super::*;
use crate::models::evaluation::{Evaluation, EvaluationChanges};

/// How long after filing a school may still edit its evaluation.
pub const EDITABLE_DAYS: i64 = 7;

/// The five scores of an evaluation, 1-5 each.
#[derive(Debug, Clone, Copy)]
pub struct EvaluationScores {
    pub content: i32,
    pub delivery: i32,
    pub interaction: i32,
    pub effect: i32,
    /// 针对性.
    pub relevance: i32,
}

/// The school `actor` evaluates `record` for: its own lecture's school, or a school that
/// joined a city-wide one. A school that did not join gets 403 (it sees the lecture); the
/// office and experts evaluate nothing.
fn evaluating_school(record: &LectureRecord, actor: &Actor) -> ApiResult<String> {
    match &actor.school_id {
        Some(school) if record.is_own_school(actor) || record.participant => Ok(school.clone()),
        _ => Err(ApiError::forbidden(
            "forbidden",
            Msg::new("problem-forbidden-evaluation"),
        )),
    }
}

/// The schools that may evaluate `record`: its school, or the schools that joined it.
fn evaluators(conn: &mut DbConnection, record: &LectureRecord) -> ApiResult<Vec<String>> {
    Ok(match &record.lecture.school_id {
        Some(school) => vec![school.clone()],
        None => Lecture::participant_schools(conn, &record.lecture.id)?,
    })
}

/// 评课: a school evaluates a delivered lecture, once. When it is the last school that may,
/// the lecture closes. Returns the evaluation's id.
pub fn evaluate(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    scores: EvaluationScores,
    comment: &str,
) -> ApiResult<String> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let school = evaluating_school(&record, actor)?;
    let done = Evaluation::schools_of(uow.conn, id)?;
    if done.contains(&school) {
        return Err(ApiError::conflict(
            "already_evaluated",
            Msg::new("problem-already_evaluated"),
        ));
    }
    let state = record.lecture.state;
    if state != LectureState::Delivered {
        return Err(ApiError::conflict(
            "not_evaluable",
            if state == LectureState::Closed {
                Msg::new("problem-not_evaluable-closed")
            } else {
                Msg::new("problem-not_evaluable")
                    .arg("state", state)
                    .arg("state_zh", state.label_zh())
            },
        ));
    }
    let now = uow.now();
    let evaluation = Evaluation {
        id: crate::db::new_id(),
        lecture_id: id.to_owned(),
        school_id: school.clone(),
        content: scores.content,
        delivery: scores.delivery,
        interaction: scores.interaction,
        effect: scores.effect,
        relevance: scores.relevance,
        comment: comment.to_owned(),
        filed_by: actor.user_id.clone(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    Evaluation::insert(uow.conn, &evaluation)?;
    uow.record(
        "lecture.evaluated",
        "lecture",
        Some(id),
        json!({
            "evaluation_id": evaluation.id,
            "school_id": school,
            "content": scores.content,
            "delivery": scores.delivery,
            "interaction": scores.interaction,
            "effect": scores.effect,
            "relevance": scores.relevance,
        }),
    )?;
    let all = evaluators(uow.conn, &record)?;
    if all
        .iter()
        .all(|s| *s == school || done.iter().any(|d| d == s))
    {
        let to = LectureFlow::next(state, LectureAction::Close, &super::due::system())?;
        step_to(
            uow,
            &record,
            to,
            LectureAction::Close,
            None,
            json!({ "evaluated_by_all": true }),
        )?;
    }
    Ok(evaluation.id)
}

/// A school edits its own evaluation, for a week after filing (`409 evaluation_locked`
/// after), at the version it read when it says one (`If-Match`).
pub fn edit_evaluation(
    uow: &mut Uow<'_>,
    actor: &Actor,
    (id, evaluation_id): (&str, &str),
    expected_version: Option<i32>,
    changes: &EvaluationChanges,
) -> ApiResult<()> {
    let record = LectureRecord::load_for_change(uow.conn, actor, id)?;
    let school = evaluating_school(&record, actor)?;
    let not_found = || ApiError::not_found(Msg::new("problem-not_found-evaluation"));
    let (evaluation, _) = Evaluation::find(uow.conn, evaluation_id)?.ok_or_else(not_found)?;
    if evaluation.lecture_id != id || evaluation.school_id != school {
        return Err(not_found());
    }
    let now = uow.now();
    if now > evaluation.created_at + Duration::days(EDITABLE_DAYS) {
        return Err(ApiError::conflict(
            "evaluation_locked",
            Msg::new("problem-evaluation_locked").arg("days", EDITABLE_DAYS),
        ));
    }
    // What already reads so is no change: an edit that changes nothing writes nothing.
    let same = |new: Option<i32>, old: i32| new.filter(|v| *v != old);
    let changes = EvaluationChanges {
        content: same(changes.content, evaluation.content),
        delivery: same(changes.delivery, evaluation.delivery),
        interaction: same(changes.interaction, evaluation.interaction),
        effect: same(changes.effect, evaluation.effect),
        relevance: same(changes.relevance, evaluation.relevance),
        comment: changes.comment.clone().filter(|c| *c != evaluation.comment),
    };
    let expected = expected_version.unwrap_or(evaluation.version);
    let mismatch = || ApiError::version_mismatch("evaluation", evaluation.version, expected);
    if expected != evaluation.version {
        return Err(mismatch());
    }
    if changes == EvaluationChanges::default() {
        return Ok(());
    }
    if !Evaluation::update(uow.conn, evaluation_id, expected, &changes, now)? {
        return Err(mismatch());
    }
    uow.record(
        "lecture.evaluation_edited",
        "lecture",
        Some(id),
        json!({
            "evaluation_id": evaluation_id,
            "content": changes.content,
            "delivery": changes.delivery,
            "interaction": changes.interaction,
            "effect": changes.effect,
            "relevance": changes.relevance,
            "comment": changes.comment.is_some(),
        }),
    )?;
    Ok(())
}

/// Who reads a lecture's evaluations: the office, the team's leads and the lecture's expert
/// all of them (`None`); its school, or a school that joined it, its own (`Some(school)`);
/// anyone else who sees the lecture 403.
pub fn evaluations_reader(actor: &Actor, record: &LectureRecord) -> ApiResult<Option<String>> {
    if record.staff_view(actor) {
        return Ok(None);
    }
    evaluating_school(record, actor).map(Some)
}
