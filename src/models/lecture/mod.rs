//! `lectures` (授课场次) with their proposed slots, the experts who refused them, and the
//! schools that joined a city-wide online one. Their holds on experts' time are
//! `models::busy_interval`.

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{
    experts, lecture_participants, lecture_refusals, lecture_slots, lectures, school_lectures,
    schools,
};
use crate::db::{DbConnection, MaybeTime, Time};
use crate::domain::lecture::{LectureMode, LectureState, Origin, RefusalKind};
use crate::domain::schedule::Span;
use crate::models::Keyset;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lectures)]
pub struct Lecture {
    pub id: String,
    pub origin: Origin,
    pub state: LectureState,
    pub team_code: String,
    pub course_id: Option<String>,
    pub topic: String,
    pub mode: LectureMode,
    pub audiences: String,
    pub grade_bands: Option<String>,
    pub expected_size: i32,
    pub school_id: Option<String>,
    #[diesel(deserialize_as = MaybeTime)]
    pub starts_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = MaybeTime)]
    pub ends_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = Time)]
    pub sort_at: NaiveDateTime,
    pub expert_id: Option<String>,
    #[diesel(deserialize_as = MaybeTime)]
    pub offer_expires_at: Option<NaiveDateTime>,
    pub address: Option<String>,
    pub platform: Option<String>,
    pub link: Option<String>,
    /// Online: the meeting number (腾讯会议号 …) and its passcode, beside or instead of a link.
    pub meeting_id: Option<String>,
    pub passcode: Option<String>,
    pub note: Option<String>,
    pub sequence: i32,
    #[diesel(deserialize_as = MaybeTime)]
    pub reminded_at: Option<NaiveDateTime>,
    pub created_by: Option<String>,
    pub version: i32,
    #[diesel(deserialize_as = Time)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = Time)]
    pub updated_at: NaiveDateTime,
    /// The proposed slots, kept by the database from `lecture_slots` (migration 000015).
    pub joined_slots: Option<String>,
}

impl Lecture {
    /// The proposed slots, in order, read from the row's copy.
    pub fn slot_list(&self) -> Vec<LectureSlot> {
        // ISO 8601 (`2026-12-03T02:00:00`), read directly for every slot of every row of a
        // page; chrono's `FromStr` for any other form.
        let parse = |text: &str| {
            crate::db::time::parse(text).or_else(|| text.parse::<NaiveDateTime>().ok())
        };
        self.joined_slots
            .as_deref()
            .unwrap_or_default()
            .split(crate::models::value_set::SEPARATOR_CHAR)
            .filter_map(|pair| {
                let (start, end) = pair.split_once('/')?;
                Some((parse(start)?, parse(end)?))
            })
            .zip(0..)
            .map(|((starts_at, ends_at), idx)| LectureSlot {
                lecture_id: self.id.clone(),
                idx,
                starts_at,
                ends_at,
            })
            .collect()
    }

    /// The chosen time, once there is one.
    pub fn span(&self) -> Option<Span> {
        match (self.starts_at, self.ends_at) {
            (Some(start), Some(end)) => Some(Span { start, end }),
            _ => None,
        }
    }

    /// What [`Lecture::place`] writes when only the state changes.
    pub fn placement(&self) -> Placement {
        Placement {
            state: self.state,
            expert_id: self.expert_id.clone(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            sort_at: self.sort_at,
            offer_expires_at: self.offer_expires_at,
            sequence: self.sequence,
            travel_minutes: None,
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = lectures)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewLecture {
    pub id: String,
    pub origin: Origin,
    pub state: LectureState,
    pub team_code: String,
    pub course_id: Option<String>,
    pub topic: String,
    pub mode: LectureMode,
    pub audiences: String,
    pub grade_bands: Option<String>,
    pub expected_size: i32,
    pub school_id: Option<String>,
    pub sort_at: NaiveDateTime,
    pub address: Option<String>,
    pub platform: Option<String>,
    pub link: Option<String>,
    pub meeting_id: Option<String>,
    pub passcode: Option<String>,
    pub note: Option<String>,
    pub created_by: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Where a lecture stands: its state, its expert and its time. Every transition writes all
/// of it at once, absent values as NULL ([`PlaceStatement`]).
#[derive(Debug, Clone)]
pub struct Placement {
    pub state: LectureState,
    pub expert_id: Option<String>,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub sort_at: NaiveDateTime,
    pub offer_expires_at: Option<NaiveDateTime>,
    pub sequence: i32,
    /// The travel buffer the lecture's hold adds before and after it, when it changes (an
    /// offer, a reschedule); `None` keeps it. The database writes the hold itself
    /// (`lectures_hold` triggers): the lecture's time widened by this, while it holds.
    pub travel_minutes: Option<i32>,
}

/// The fields a school or the office edits (`PATCH`): `None` leaves one as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = lectures)]
pub struct LectureChanges {
    pub link: Option<Option<String>>,
    pub meeting_id: Option<Option<String>>,
    pub passcode: Option<Option<String>>,
    pub platform: Option<Option<String>>,
    pub note: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub expected_size: Option<i32>,
}

impl LectureChanges {
    pub fn is_empty(&self) -> bool {
        self.link.is_none()
            && self.meeting_id.is_none()
            && self.passcode.is_none()
            && self.platform.is_none()
            && self.note.is_none()
            && self.address.is_none()
            && self.expected_size.is_none()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lecture_slots)]
pub struct LectureSlot {
    pub lecture_id: String,
    pub idx: i32,
    #[diesel(deserialize_as = Time)]
    pub starts_at: NaiveDateTime,
    #[diesel(deserialize_as = Time)]
    pub ends_at: NaiveDateTime,
}

impl LectureSlot {
    pub fn span(&self) -> Span {
        Span {
            start: self.starts_at,
            end: self.ends_at,
        }
    }
}

/// A lecture as a list shows it: what tells it from the others and where it stands. The
/// whole lecture (audiences, slots, address, link, note, …) is read one at a time; a page
/// of 20 reads half the columns it would otherwise, and its JSON is half as long.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lectures)]
pub struct LectureSummary {
    pub id: String,
    pub origin: Origin,
    pub state: LectureState,
    pub team_code: String,
    pub topic: String,
    pub mode: LectureMode,
    pub school_id: Option<String>,
    #[diesel(deserialize_as = Time)]
    pub sort_at: NaiveDateTime,
    #[diesel(deserialize_as = MaybeTime)]
    pub starts_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = MaybeTime)]
    pub ends_at: Option<NaiveDateTime>,
    pub expert_id: Option<String>,
    #[diesel(deserialize_as = MaybeTime)]
    pub offer_expires_at: Option<NaiveDateTime>,
    pub version: i32,
}

impl LectureSummary {
    /// An online lecture for no one school, which schools join.
    pub fn city_wide(&self) -> bool {
        crate::domain::lecture::city_wide(self.school_id.as_deref(), self.mode)
    }
}

/// A lecture with its school's and its expert's names, as records read it.
pub type LectureRow = (Lecture, Option<String>, Option<String>);

/// A listed lecture with its school's and its expert's names, as pages read it.
pub type SummaryRow = (LectureSummary, Option<String>, Option<String>);

/// `$source` (lectures, perhaps joined further) with the school's and the expert's names
/// joined and selected with the lecture as `$shape` ([`Lecture`] or [`LectureSummary`]):
/// the one shape of [`LectureRow`] and [`SummaryRow`] every read of them uses.
macro_rules! with_names {
    ($source:expr) => {
        with_names!($source, Lecture)
    };
    ($source:expr, $shape:ty) => {
        $source
            .left_join(schools::table)
            .left_join(experts::table)
            .select((
                <$shape>::as_select(),
                schools::name.nullable(),
                experts::name.nullable(),
            ))
    };
}

// The rooms below use `with_names!`, so they are declared after it.
mod given;
mod list;
mod load;
mod place;

pub use given::GivenLecture;

pub use list::{LectureFilter, LectureScope};

impl Lecture {
    pub fn insert(conn: &mut DbConnection, new: &NewLecture, slots: &[Span]) -> QueryResult<()> {
        crate::on_backend!(conn, |c| diesel::insert_into(lectures::table)
            .values(new)
            .execute(c))?;
        Self::replace_slots(conn, &new.id, slots)
    }

    /// Replaces the proposed slots (a rescheduled lecture has the one new time).
    pub fn replace_slots(conn: &mut DbConnection, id: &str, slots: &[Span]) -> QueryResult<()> {
        diesel::delete(lecture_slots::table.filter(lecture_slots::lecture_id.eq(id)))
            .execute_on(conn)?;
        // One statement per row: the two-backend connection has no batch insert.
        for (span, idx) in slots.iter().zip(0..) {
            let row = LectureSlot {
                lecture_id: id.to_owned(),
                idx,
                starts_at: span.start,
                ends_at: span.end,
            };
            diesel::insert_into(lecture_slots::table)
                .values(&row)
                .execute_on(conn)?;
        }
        Ok(())
    }

    /// Marks the day-before reminder as sent; false if it was already.
    pub fn mark_reminded(
        conn: &mut DbConnection,
        id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            lectures::table
                .filter(lectures::id.eq(id))
                .filter(lectures::reminded_at.is_null()),
        )
        .set(lectures::reminded_at.eq(now))
        .execute_on(conn)?;
        Ok(updated == 1)
    }

    /// `school_id` joins a city-wide online lecture (or changes its expected size).
    pub fn join(
        conn: &mut DbConnection,
        id: &str,
        school_id: &str,
        expected_size: i32,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        Self::withdraw(conn, id, school_id)?;
        diesel::insert_into(lecture_participants::table)
            .values((
                lecture_participants::lecture_id.eq(id),
                lecture_participants::school_id.eq(school_id),
                lecture_participants::expected_size.eq(expected_size),
                lecture_participants::joined_at.eq(now),
            ))
            .execute_on(conn)?;
        Ok(())
    }

    /// `school_id` leaves the lecture; false when it had not joined.
    pub fn withdraw(conn: &mut DbConnection, id: &str, school_id: &str) -> QueryResult<bool> {
        let deleted = diesel::delete(
            lecture_participants::table
                .filter(lecture_participants::lecture_id.eq(id))
                .filter(lecture_participants::school_id.eq(school_id)),
        )
        .execute_on(conn)?;
        Ok(deleted == 1)
    }

    /// The schools that joined a city-wide online lecture.
    pub fn participant_schools(conn: &mut DbConnection, id: &str) -> QueryResult<Vec<String>> {
        lecture_participants::table
            .filter(lecture_participants::lecture_id.eq(id))
            .order(lecture_participants::joined_at.asc())
            .select(lecture_participants::school_id)
            .load_on(conn)
    }

    pub fn find_row(conn: &mut DbConnection, id: &str) -> QueryResult<Option<LectureRow>> {
        // Read twice by every step (before and after the change): on the backend's own
        // connection, found prepared by its type rather than rendered again.
        crate::on_backend!(conn, |c| with_names!(lectures::table)
            .filter(lectures::id.eq(id))
            .first(c)
            .optional())
    }

    /// Which of `ids` `school_id` joined.
    /// Whether `school_id` joined the (city-wide) lecture `id`: one keyed lookup, prepared
    /// once on the backend's own connection (a page asks it of each city-wide row; an `IN`
    /// list of the page's ids would be rendered and prepared anew on every page).
    pub fn has_joined(conn: &mut DbConnection, school_id: &str, id: &str) -> QueryResult<bool> {
        crate::on_backend!(conn, |c| diesel::select(diesel::dsl::exists(
            lecture_participants::table
                .filter(lecture_participants::lecture_id.eq(id))
                .filter(lecture_participants::school_id.eq(school_id)),
        ))
        .get_result(c))
    }

    /// Applies an edit if the lecture is still at `expected_version`.
    pub fn update(
        conn: &mut DbConnection,
        id: &str,
        expected_version: i32,
        changes: &LectureChanges,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            lectures::table
                .filter(lectures::id.eq(id))
                .filter(lectures::version.eq(expected_version)),
        )
        .set((
            changes,
            lectures::version.eq(lectures::version + 1),
            lectures::updated_at.eq(now),
        ))
        .execute_on(conn)?;
        Ok(updated == 1)
    }
}

/// The experts who declined a lecture or let its offer lapse.
pub struct LectureRefusal;

impl LectureRefusal {
    /// Records (or renews) `expert_id`'s refusal of `lecture_id`.
    pub fn record(
        conn: &mut DbConnection,
        lecture_id: &str,
        expert_id: &str,
        kind: RefusalKind,
        at: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::delete(
            lecture_refusals::table
                .filter(lecture_refusals::lecture_id.eq(lecture_id))
                .filter(lecture_refusals::expert_id.eq(expert_id)),
        )
        .execute_on(conn)?;
        diesel::insert_into(lecture_refusals::table)
            .values((
                lecture_refusals::lecture_id.eq(lecture_id),
                lecture_refusals::expert_id.eq(expert_id),
                lecture_refusals::kind.eq(kind),
                lecture_refusals::at.eq(at),
            ))
            .execute_on(conn)?;
        Ok(())
    }

    /// Every refusal of a lecture: (expert, kind).
    pub fn of_lecture(
        conn: &mut DbConnection,
        lecture_id: &str,
    ) -> QueryResult<Vec<(String, RefusalKind)>> {
        lecture_refusals::table
            .filter(lecture_refusals::lecture_id.eq(lecture_id))
            .select((lecture_refusals::expert_id, lecture_refusals::kind))
            .load_on(conn)
    }

    pub fn find(
        conn: &mut DbConnection,
        lecture_id: &str,
        expert_id: &str,
    ) -> QueryResult<Option<RefusalKind>> {
        lecture_refusals::table
            .filter(lecture_refusals::lecture_id.eq(lecture_id))
            .filter(lecture_refusals::expert_id.eq(expert_id))
            .select(lecture_refusals::kind)
            .first_on(conn)
            .optional()
    }
}

impl Lecture {
    /// The lectures of an expert's calendar feed: offered to, held or given by them,
    /// starting after `since`, by start.
    pub fn calendar_of(
        conn: &mut DbConnection,
        expert_id: &str,
        since: NaiveDateTime,
    ) -> QueryResult<Vec<LectureRow>> {
        with_names!(lectures::table)
            .filter(lectures::expert_id.eq(expert_id))
            .filter(lectures::state.eq_any(LectureState::COUNTING))
            .filter(lectures::sort_at.ge(since))
            .order((lectures::sort_at.asc(), lectures::id.asc()))
            .load(conn)
    }

    /// The lectures `expert_id` is assigned to observe (听课), held or given, that start at
    /// `since` or later, in time order.
    pub fn observed_by(
        conn: &mut DbConnection,
        expert_id: &str,
        since: NaiveDateTime,
    ) -> QueryResult<Vec<LectureRow>> {
        use crate::db::schema::lecture_observers;
        with_names!(lectures::table)
            .filter(
                lectures::id.eq_any(
                    lecture_observers::table
                        .filter(lecture_observers::expert_id.eq(expert_id))
                        .select(lecture_observers::lecture_id),
                ),
            )
            .filter(lectures::state.eq_any(LectureState::COUNTING))
            .filter(lectures::sort_at.ge(since))
            .order((lectures::sort_at.asc(), lectures::id.asc()))
            .load(conn)
    }
}
