//! The course menu (课程菜单): proposing, editing, reviewing and retiring courses, each
//! state change through the review machine with its ordered history.

use crate::i18n::Msg;
use serde_json::json;

use crate::auth::actor::Actor;
use crate::db::DbConnection;
use crate::domain::course::{COURSE_PROPOSED, CourseAction, CourseDraft, CourseReview, CourseWho};
use crate::domain::roster::{CourseStatus, ExpertStatus, stored};
use crate::domain::transition::Machine as _;
use crate::domain::visibility::course_visible;
use crate::error::{ApiError, ApiResult};
use crate::mail::outbox::Notice;
use crate::models::course::{Course, CourseChanges, CourseRow, CourseSets, NewCourse, search_text};
use crate::models::expert::{Expert, ExpertBrief};
use crate::models::user::User;
use crate::usecase::{Transition, Uow};

/// A course with its sets and its expert, as the rules and responses need it.
pub struct CourseRecord {
    pub course: Course,
    pub sets: CourseSets,
    pub expert: ExpertBrief,
}

impl CourseRecord {
    /// A course as `Course::find_row` and `Course::list` read it.
    pub fn from_row((course, expert, sets): CourseRow) -> CourseRecord {
        CourseRecord {
            course,
            sets,
            expert,
        }
    }

    pub fn load(conn: &mut DbConnection, id: &str) -> ApiResult<Option<CourseRecord>> {
        Ok(Course::find_row(conn, id)?.map(Self::from_row))
    }

    /// The course, if `actor` may see it; else 404 (its existence is not told).
    pub fn load_visible(conn: &mut DbConnection, actor: &Actor, id: &str) -> ApiResult<Self> {
        Self::load(conn, id)?
            .filter(|r| r.visible_to(actor))
            .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_course")))
    }

    pub fn visible_to(&self, actor: &Actor) -> bool {
        course_visible(
            actor.viewer(),
            &self.course.expert_id,
            &self.course.team_code,
            self.course.status == CourseStatus::Approved,
            self.expert.status == ExpertStatus::Active,
        )
    }

    /// How the review machine sees `actor` on this course.
    pub fn who(&self, actor: &Actor) -> CourseWho {
        CourseWho {
            admin: actor.is_admin(),
            author: actor.is_expert(&self.course.expert_id),
            team_lead: actor.leads(&self.course.team_code),
        }
    }

    /// Whether `actor` sees the review (comment, reviewer) and the history.
    pub fn review_visible_to(&self, actor: &Actor) -> bool {
        actor.is_admin()
            || actor.is_expert(&self.course.expert_id)
            || actor.leads(&self.course.team_code)
    }

    /// The course as a draft; sets in their natural order, not the database's text order.
    pub fn draft(&self) -> ApiResult<CourseDraft> {
        let mut draft = CourseDraft {
            team: self.course.team_code.clone(),
            title: self.course.title.clone(),
            description: self.course.description.clone(),
            outline: self.course.outline.clone(),
            audiences: parse_all(&self.sets.audiences)?,
            grade_bands: parse_all(&self.sets.grades)?,
            modes: parse_all(&self.sets.modes)?,
            duration_minutes: self.course.duration_minutes,
            max_audience: self.course.max_audience,
        };
        draft.audiences.sort();
        draft.grade_bands.sort();
        draft.modes.sort();
        Ok(draft)
    }
}

fn parse_all<T: std::str::FromStr>(codes: &[String]) -> ApiResult<Vec<T>> {
    codes.iter().map(|c| stored(c)).collect()
}

fn sets_of(draft: &CourseDraft) -> CourseSets {
    let codes = |values: Vec<&'static str>| values.into_iter().map(str::to_owned).collect();
    CourseSets {
        audiences: codes(draft.audiences.iter().map(|a| a.as_str()).collect()),
        grades: codes(draft.grade_bands.iter().map(|g| g.as_str()).collect()),
        modes: codes(draft.modes.iter().map(|m| m.as_str()).collect()),
    }
}

/// The course's team must be one the expert serves.
fn check_team_served(conn: &mut DbConnection, expert: &ExpertBrief, team: &str) -> ApiResult<()> {
    let teams = Expert::sets(conn, &expert.id)?.all_teams(&expert.primary_team);
    if teams.iter().any(|t| t == team) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "team",
            "not_member",
            Msg::new("field-not_member-expert_does_not_serve").arg("field", "team"),
        ))
    }
}

/// Proposes a course for `expert_id` (an admin names the expert; an expert proposes their
/// own). It waits for review. Returns the new course's id.
pub fn propose(
    uow: &mut Uow<'_>,
    actor: &Actor,
    expert_id: Option<String>,
    draft: &CourseDraft,
) -> ApiResult<String> {
    let expert_id = match (actor.is_admin(), &actor.expert_id, expert_id) {
        (true, _, Some(id)) => id,
        (true, _, None) => {
            return Err(ApiError::invalid(
                "expert_id",
                "required",
                Msg::new("field-required-name_expert_whose_course").arg("field", "expert_id"),
            ));
        }
        (false, Some(own), None) => own.clone(),
        (false, Some(own), Some(id)) if *own == id => id,
        _ => {
            return Err(ApiError::forbidden(
                "forbidden",
                Msg::new("problem-forbidden-experts_propose_their_own"),
            ));
        }
    };
    let expert = ExpertBrief::find(uow.conn, &expert_id)?.ok_or_else(|| {
        ApiError::invalid(
            "expert_id",
            "not_found",
            Msg::new("field-not_found-no_expert_has_id").arg("field", "expert_id"),
        )
    })?;
    if expert.status == ExpertStatus::Exited {
        return Err(ApiError::conflict(
            "expert_exited",
            Msg::new("problem-expert_exited-expert_who_has_left"),
        ));
    }
    check_team_served(uow.conn, &expert, &draft.team)?;
    let id = crate::db::new_id();
    let now = uow.now();
    let new = NewCourse {
        id: id.clone(),
        expert_id: expert.id.clone(),
        team_code: draft.team.clone(),
        search_text: search_text(&draft.title, &draft.description, &draft.outline),
        title: draft.title.clone(),
        description: draft.description.clone(),
        outline: draft.outline.clone(),
        duration_minutes: draft.duration_minutes,
        max_audience: draft.max_audience,
        status: CourseStatus::PendingReview,
        created_by: actor.user_id.clone(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let sets = sets_of(draft);
    uow.transition::<CourseReview>(
        Transition {
            object_id: &id,
            from: None,
            to: CourseStatus::PendingReview,
            action: COURSE_PROPOSED,
            reason: None,
            audit_action: "course.proposed",
            audit_detail: json!({ "expert_id": expert.id, "title": draft.title }),
        },
        |conn| Course::insert(conn, &new, &sets).map(|()| true),
    )?;
    notify_reviewers(uow, actor, &expert, &draft.team, &draft.title, false)?;
    Ok(id)
}

/// Tells a course's reviewers — the office and the active leads of its team — that it waits
/// for them; never its author, nor whoever just sent it.
fn notify_reviewers(
    uow: &mut Uow<'_>,
    actor: &Actor,
    expert: &ExpertBrief,
    team: &str,
    title: &str,
    resubmitted: bool,
) -> ApiResult<()> {
    let reviewers = crate::usecase::team::office_and_leads(uow.conn, team)?;
    let mut told: Vec<String> = vec![expert.user_id.clone(), actor.user_id.clone()];
    let now = uow.now();
    for reviewer in reviewers {
        if told.contains(&reviewer.id) {
            continue;
        }
        told.push(reviewer.id.clone());
        let notice = Notice::CourseAwaitingReview {
            title: title.to_owned(),
            expert_name: expert.name.clone(),
            team: team.to_owned(),
            resubmitted,
            at: now,
        };
        uow.notify(&reviewer, notice)?;
    }
    Ok(())
}

/// What an edit may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CourseEdit {
    pub team: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub outline: Option<String>,
    pub audiences: Option<Vec<crate::domain::roster::Audience>>,
    pub grade_bands: Option<Vec<crate::domain::roster::GradeBand>>,
    pub modes: Option<Vec<crate::domain::roster::Mode>>,
    pub duration_minutes: Option<i32>,
    pub max_audience: Option<Option<i32>>,
}

/// Edits a course (its author or an admin) at the version the caller read (`If-Match`),
/// or the current one. A decided course goes back to review; a retired one is final.
pub fn edit(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    if_match: Option<i32>,
    edit: CourseEdit,
) -> ApiResult<()> {
    let record = CourseRecord::load_visible(uow.conn, actor, id)?;
    let from = record.course.status;
    let to = CourseReview::next(from, CourseAction::Edit, &record.who(actor))?;
    let before = record.draft()?;
    let after = CourseDraft {
        team: edit.team.unwrap_or(before.team.clone()),
        title: edit.title.unwrap_or(before.title.clone()),
        description: edit.description.unwrap_or(before.description.clone()),
        outline: edit.outline.unwrap_or(before.outline.clone()),
        audiences: edit.audiences.unwrap_or(before.audiences.clone()),
        grade_bands: edit.grade_bands.unwrap_or(before.grade_bands.clone()),
        modes: edit.modes.unwrap_or(before.modes.clone()),
        duration_minutes: edit.duration_minutes.unwrap_or(before.duration_minutes),
        max_audience: edit.max_audience.unwrap_or(before.max_audience),
    }
    .normalized()
    .map_err(ApiError::Validation)?;
    if after.team != before.team {
        check_team_served(uow.conn, &record.expert, &after.team)?;
    }
    let version = record.course.version;
    if let Some(expected) = if_match
        && expected != version
    {
        return Err(ApiError::version_mismatch("course", version, expected));
    }
    if after == before {
        // Nothing changes: nothing is written, the version stays, and an approved course
        // does not go back to review.
        return Ok(());
    }
    let changes = CourseChanges {
        team_code: Some(after.team.clone()),
        title: Some(after.title.clone()),
        description: Some(after.description.clone()),
        outline: Some(after.outline.clone()),
        duration_minutes: Some(after.duration_minutes),
        max_audience: Some(after.max_audience),
        status: Some(to),
        search_text: Some(search_text(
            &after.title,
            &after.description,
            &after.outline,
        )),
    };
    let now = uow.now();
    let moved = |conn: &mut DbConnection| Course::update(conn, id, from, version, &changes, now);
    if from == to {
        // A pending course stays pending: an edit, not a state change; audited only.
        if !moved(uow.conn)? {
            return Err(ApiError::changed_meanwhile("course"));
        }
        uow.record(
            "course.updated",
            "course",
            Some(id),
            json!({ "from_status": from, "to_status": to }),
        )?;
    } else {
        uow.transition::<CourseReview>(
            Transition {
                object_id: id,
                from: Some(from),
                to,
                action: CourseAction::Edit.as_str(),
                reason: None,
                audit_action: "course.updated",
                audit_detail: json!({ "from_status": from, "to_status": to }),
            },
            moved,
        )?;
    }
    Course::replace_sets(uow.conn, id, &sets_of(&after))?;
    if to == CourseStatus::PendingReview && from != CourseStatus::PendingReview {
        notify_reviewers(uow, actor, &record.expert, &after.team, &after.title, true)?;
    }
    Ok(())
}

/// The review decision (审核).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

/// Reviews a pending course: an admin, or a lead of the course's team who is not its
/// author. Approval puts it on the menu; the author is told either way.
pub fn review(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    decision: Decision,
    comment: Option<&str>,
) -> ApiResult<()> {
    let record = CourseRecord::load_visible(uow.conn, actor, id)?;
    let action = match decision {
        Decision::Approve => CourseAction::Approve,
        Decision::Reject => CourseAction::Reject,
    };
    let from = record.course.status;
    let to = CourseReview::next(from, action, &record.who(actor))?;
    if to == CourseStatus::Approved && record.expert.status != ExpertStatus::Active {
        // Approval puts a course on the menu; a course of an expert who is not active
        // could not be booked, so it is not approved (it can wait or be rejected).
        return Err(ApiError::conflict(
            "expert_not_active",
            Msg::new("problem-expert_not_active-course")
                .arg("status", record.expert.status)
                .arg("status_zh", record.expert.status.label_zh()),
        ));
    }
    let (version, now, reviewer) = (record.course.version, uow.now(), actor.user_id.clone());
    uow.transition::<CourseReview>(
        Transition {
            object_id: id,
            from: Some(from),
            to,
            action: action.as_str(),
            reason: comment,
            audit_action: "course.reviewed",
            audit_detail: json!({ "decision": action, "comment": comment }),
        },
        |conn| Course::review(conn, id, version, to, comment, &reviewer, now),
    )?;
    if let Some(author) = User::find(uow.conn, &record.expert.user_id)? {
        let notice = Notice::CourseReviewed {
            title: record.course.title.clone(),
            approved: to == CourseStatus::Approved,
            comment: comment.map(str::to_owned),
            at: now,
        };
        uow.notify(&author, notice)?;
    }
    Ok(())
}

/// Takes an approved course off the menu (its author or an admin).
pub fn retire(uow: &mut Uow<'_>, actor: &Actor, id: &str) -> ApiResult<()> {
    let record = CourseRecord::load_visible(uow.conn, actor, id)?;
    let from = record.course.status;
    let to = CourseReview::next(from, CourseAction::Retire, &record.who(actor))?;
    let (version, now) = (record.course.version, uow.now());
    uow.transition::<CourseReview>(
        Transition {
            object_id: id,
            from: Some(from),
            to,
            action: CourseAction::Retire.as_str(),
            reason: None,
            audit_action: "course.retired",
            audit_detail: json!({}),
        },
        |conn| Course::set_status(conn, id, from, version, to, now),
    )?;
    Ok(())
}
