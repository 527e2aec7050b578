//! `courses`: the course menu (课程菜单), with audiences, grade bands and modes in join tables.

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{course_audiences, course_grades, course_modes, courses, experts};
use crate::db::{MaybeTime, Time};
use crate::domain::roster::{CourseStatus, ExpertStatus};
use crate::models::expert::ExpertBrief;
use crate::models::value_set;
use crate::models::{Keyset, contains_pattern};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = courses)]
pub struct Course {
    pub id: String,
    pub expert_id: String,
    pub team_code: String,
    pub title: String,
    pub description: String,
    pub outline: String,
    pub duration_minutes: i32,
    pub max_audience: Option<i32>,
    pub status: CourseStatus,
    pub review_comment: Option<String>,
    pub reviewed_by: Option<String>,
    #[diesel(deserialize_as = MaybeTime)]
    pub reviewed_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub version: i32,
    #[diesel(deserialize_as = Time)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = Time)]
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = courses)]
pub struct NewCourse {
    pub id: String,
    pub expert_id: String,
    pub team_code: String,
    pub title: String,
    pub description: String,
    pub outline: String,
    pub duration_minutes: i32,
    pub max_audience: Option<i32>,
    pub status: CourseStatus,
    pub search_text: String,
    pub created_by: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, Clone, AsChangeset)]
#[diesel(table_name = courses)]
pub struct CourseChanges {
    pub team_code: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub outline: Option<String>,
    pub duration_minutes: Option<i32>,
    pub max_audience: Option<Option<i32>>,
    pub status: Option<CourseStatus>,
    pub search_text: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CourseSets {
    pub audiences: Vec<String>,
    pub grades: Vec<String>,
    pub modes: Vec<String>,
}

/// Which courses a caller may see in a list.
#[derive(Debug, Clone)]
pub enum CourseScope {
    All,
    /// Approved courses of active experts, plus this expert's own and these teams' courses.
    Menu {
        own_expert: Option<String>,
        teams: Vec<String>,
    },
}

#[derive(Debug, Default)]
pub struct CourseFilter {
    pub team: Option<String>,
    pub audience: Option<String>,
    pub grade: Option<String>,
    pub mode: Option<String>,
    pub expert: Option<String>,
    pub status: Option<CourseStatus>,
    pub q: Option<String>,
}

/// The course `id` while still in `from` at `version`: every state change of a course is a
/// compare-and-set on both.
macro_rules! at_state {
    ($id:expr, $from:expr, $version:expr) => {
        courses::table
            .filter(courses::id.eq($id))
            .filter(courses::status.eq($from))
            .filter(courses::version.eq($version))
    };
}

pub fn search_text(title: &str, description: &str, outline: &str) -> String {
    format!("{title}\n{description}\n{outline}").to_lowercase()
}

impl Course {
    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Course>> {
        courses::table
            .find(id)
            .select(Course::as_select())
            .first(conn)
            .optional()
    }

    pub fn insert(conn: &mut DbConnection, new: &NewCourse, sets: &CourseSets) -> QueryResult<()> {
        diesel::insert_into(courses::table)
            .values(new)
            .execute_on(conn)?;
        Self::replace_sets(conn, &new.id, sets)
    }

    pub fn replace_sets(conn: &mut DbConnection, id: &str, sets: &CourseSets) -> QueryResult<()> {
        value_set::course_audiences::replace(conn, id, &sets.audiences)?;
        value_set::course_grades::replace(conn, id, &sets.grades)?;
        value_set::course_modes::replace(conn, id, &sets.modes)
    }

    /// One course with its expert and its sets, in one query.
    pub fn find_row(conn: &mut DbConnection, id: &str) -> QueryResult<Option<CourseRow>> {
        let row: Option<(Course, ExpertBrief, JoinedSets)> = courses::table
            .inner_join(experts::table)
            .filter(courses::id.eq(id))
            .select((Course::as_select(), ExpertBrief::as_select(), JOINED_SETS))
            .first(conn)
            .optional()?;
        Ok(row.map(into_row))
    }

    /// Applies an edit (and its status) if the course is still in `from` at `version`.
    pub fn update(
        conn: &mut DbConnection,
        id: &str,
        from: CourseStatus,
        version: i32,
        changes: &CourseChanges,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(at_state!(id, from, version))
            .set((
                changes,
                courses::version.eq(courses::version + 1),
                courses::updated_at.eq(now),
            ))
            .execute_on(conn)?;
        Ok(updated == 1)
    }

    /// Records a review decision if the course is still pending at `version`.
    pub fn review(
        conn: &mut DbConnection,
        id: &str,
        version: i32,
        to: CourseStatus,
        comment: Option<&str>,
        reviewer: &str,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(at_state!(id, CourseStatus::PendingReview, version))
            .set((
                courses::status.eq(to),
                courses::review_comment.eq(comment),
                courses::reviewed_by.eq(reviewer),
                courses::reviewed_at.eq(now),
                courses::version.eq(courses::version + 1),
                courses::updated_at.eq(now),
            ))
            .execute_on(conn)?;
        Ok(updated == 1)
    }

    /// Moves the course from `from` to `to` (retirement) if still there at `version`.
    pub fn set_status(
        conn: &mut DbConnection,
        id: &str,
        from: CourseStatus,
        version: i32,
        to: CourseStatus,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(at_state!(id, from, version))
            .set((
                courses::status.eq(to),
                courses::version.eq(courses::version + 1),
                courses::updated_at.eq(now),
            ))
            .execute_on(conn)?;
        Ok(updated == 1)
    }

    /// A page of courses with their experts, in one query: the join walks the courses in
    /// list order and looks each expert up by key, so the menu's "expert is active" costs
    /// nothing extra and the experts need no query of their own.
    pub fn list(
        conn: &mut DbConnection,
        scope: &CourseScope,
        filter: &CourseFilter,
        after: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<CourseRow>> {
        let rows: Vec<(Course, ExpertBrief, JoinedSets)> = crate::on_backend!(conn, |c| {
            let mut query = courses::table
                .inner_join(experts::table)
                .select((Course::as_select(), ExpertBrief::as_select(), JOINED_SETS))
                .into_boxed();
            if let CourseScope::Menu { own_expert, teams } = scope {
                let on_menu = courses::status
                    .eq(CourseStatus::Approved)
                    .and(experts::status.eq(ExpertStatus::Active));
                let own = courses::expert_id.eq(own_expert.clone().unwrap_or_default());
                // Without teams to review, no `IN (…)` list: SQLite keeps the statement prepared.
                query = if teams.is_empty() {
                    query.filter(on_menu.or(own))
                } else {
                    query.filter(on_menu.or(own).or(courses::team_code.eq_any(teams.clone())))
                };
            }
            if let Some(team) = &filter.team {
                query = query.filter(courses::team_code.eq(team.clone()));
            }
            if let Some(expert) = &filter.expert {
                query = query.filter(courses::expert_id.eq(expert.clone()));
            }
            if let Some(status) = &filter.status {
                query = query.filter(courses::status.eq(*status));
            }
            if let Some(audience) = &filter.audience {
                query = query.filter(
                    courses::id.eq_any(
                        course_audiences::table
                            .filter(course_audiences::audience.eq(audience.clone()))
                            .select(course_audiences::course_id),
                    ),
                );
            }
            if let Some(grade) = &filter.grade {
                query = query.filter(
                    courses::id.eq_any(
                        course_grades::table
                            .filter(course_grades::grade.eq(grade.clone()))
                            .select(course_grades::course_id),
                    ),
                );
            }
            if let Some(mode) = &filter.mode {
                query = query.filter(
                    courses::id.eq_any(
                        course_modes::table
                            .filter(course_modes::mode.eq(mode.clone()))
                            .select(course_modes::course_id),
                    ),
                );
            }
            if let Some(q) = &filter.q {
                let pattern = contains_pattern(q);
                query = query.filter(courses::search_text.like(pattern).escape('\\'));
            }
            if let Some(k) = after {
                keyset_after!(query, k, courses::created_at, courses::id);
            }
            query
                .order((courses::created_at.asc(), courses::id.asc()))
                .limit(limit)
                .load(c)?
        });
        Ok(rows.into_iter().map(into_row).collect())
    }
}

/// A course with its expert and its sets: what pages and records read.
pub type CourseRow = (Course, ExpertBrief, CourseSets);

fn into_row((course, expert, sets): (Course, ExpertBrief, JoinedSets)) -> CourseRow {
    (course, expert, CourseSets::from_joined(sets))
}

/// A course's three sets as the database keeps them on the row (migration 000010): values
/// joined by [`value_set::SEPARATOR`], NULL when empty.
type JoinedSets = (Option<String>, Option<String>, Option<String>);

const JOINED_SETS: (
    courses::joined_audiences,
    courses::joined_grades,
    courses::joined_modes,
) = (
    courses::joined_audiences,
    courses::joined_grades,
    courses::joined_modes,
);

impl CourseSets {
    fn from_joined((audiences, grades, modes): JoinedSets) -> CourseSets {
        CourseSets {
            audiences: value_set::split(audiences),
            grades: value_set::split(grades),
            modes: value_set::split(modes),
        }
    }
}

/// The approved courses of a team: (course id, expert id, the modes it is given in).
pub fn approved_in_team(
    conn: &mut DbConnection,
    team: &str,
) -> QueryResult<Vec<(String, String, Vec<String>)>> {
    let rows: Vec<(String, String, Option<String>)> = courses::table
        .filter(courses::team_code.eq(team))
        .filter(courses::status.eq(CourseStatus::Approved))
        .order((courses::created_at.asc(), courses::id.asc()))
        .select((courses::id, courses::expert_id, courses::joined_modes))
        .load_on(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, expert, modes)| (id, expert, value_set::split(modes)))
        .collect())
}
