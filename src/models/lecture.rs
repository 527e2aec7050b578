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

/// Which lectures a caller may see in a list.
#[derive(Debug, Clone)]
pub enum LectureScope {
    All,
    /// A school: its own lectures and the city-wide online ones it joined.
    School(String),
    /// An expert: those offered to or held by them, and the lectures of the teams they lead.
    Expert {
        expert_id: String,
        teams: Vec<String>,
    },
    /// A lead's dispatch queue: the lectures of the teams they lead.
    Teams(Vec<String>),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LectureFilter {
    pub state: Option<LectureState>,
    pub team: Option<String>,
    pub expert_id: Option<String>,
    pub school_id: Option<String>,
    pub mode: Option<LectureMode>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// City-wide online lectures still open to join (requested, offered or confirmed, not
    /// yet begun; `from` is then the earliest start).
    pub joinable: bool,
}

impl LectureFilter {
    /// No filter at all: a caller's own default view.
    pub fn is_empty(&self) -> bool {
        *self == LectureFilter::default()
    }
}

/// Applies a list's filters to a boxed lectures query (the lists read different indexes,
/// so their queries have different types).
macro_rules! narrow {
    ($query:ident, $filter:expr) => {{
        let filter: &LectureFilter = $filter;
        if let Some(state) = filter.state {
            $query = $query.filter(lectures::state.eq(state));
        }
        if let Some(team) = &filter.team {
            $query = $query.filter(lectures::team_code.eq(team.clone()));
        }
        if let Some(expert) = &filter.expert_id {
            $query = $query.filter(lectures::expert_id.eq(expert.clone()));
        }
        if let Some(school) = &filter.school_id {
            $query = $query.filter(lectures::school_id.eq(school.clone()));
        }
        if let Some(mode) = filter.mode {
            $query = $query.filter(lectures::mode.eq(mode));
        }
        if let Some(from) = filter.from {
            $query = $query.filter(lectures::sort_at.ge(from));
        }
        if let Some(to) = filter.to {
            $query = $query.filter(lectures::sort_at.lt(to));
        }
        if filter.joinable {
            $query = $query
                .filter(lectures::school_id.is_null())
                .filter(lectures::mode.eq(LectureMode::Online))
                .filter(lectures::state.eq_any([
                    LectureState::Requested,
                    LectureState::Offered,
                    LectureState::Confirmed,
                ]));
        }
    }};
}

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

    /// Moves the lecture if it is still in `from` at `version`.
    pub fn place(
        conn: &mut DbConnection,
        id: &str,
        from: LectureState,
        version: i32,
        placement: &Placement,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let statement = PlaceStatement {
            id,
            from,
            version,
            placement,
            now,
        };
        let updated = crate::on_backend!(conn, |c| statement.execute(c))?;
        Ok(updated == 1)
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

    /// How many lectures count against `expert_id`'s load limit with a start inside `span`
    /// (offered or confirmed; later in progress and delivered too), leaving out `except`.
    pub fn load_count(
        conn: &mut DbConnection,
        expert_id: &str,
        span: Span,
        except: &str,
    ) -> QueryResult<i64> {
        crate::on_backend!(conn, |c| lectures::table
            .filter(lectures::expert_id.eq(expert_id))
            .filter(counts_against_load(span, except))
            .count()
            .get_result(c))
    }

    /// Per expert, how many lectures count against their load with a start inside `span`
    /// (as [`Lecture::load_count`], for everyone at once).
    pub fn load_counts(
        conn: &mut DbConnection,
        span: Span,
        except: &str,
    ) -> QueryResult<Vec<(Option<String>, i64)>> {
        lectures::table
            .filter(lectures::expert_id.is_not_null())
            .filter(counts_against_load(span, except))
            .group_by(lectures::expert_id)
            .select((lectures::expert_id, diesel::dsl::count_star()))
            .load_on(conn)
    }

    /// The lectures in `state` that ended by `cutoff` (for the timers; `lectures_state`
    /// reads the state's range).
    pub fn ended_in_state(
        conn: &mut DbConnection,
        state: LectureState,
        cutoff: NaiveDateTime,
    ) -> QueryResult<Vec<String>> {
        lectures::table
            .filter(lectures::state.eq(state))
            .filter(lectures::ends_at.le(cutoff))
            .order((lectures::sort_at.asc(), lectures::id.asc()))
            .select(lectures::id)
            .load_on(conn)
    }

    /// The lectures `expert_id` holds in these states (for a membership change).
    pub fn held_by(
        conn: &mut DbConnection,
        expert_id: &str,
        states: &[LectureState],
    ) -> QueryResult<Vec<String>> {
        lectures::table
            .filter(lectures::expert_id.eq(expert_id))
            .filter(lectures::state.eq_any(states.to_vec()))
            .order((lectures::sort_at.asc(), lectures::id.asc()))
            .select(lectures::id)
            .load_on(conn)
    }

    /// A page of the lectures `scope` may see, in list order (`sort_at`, `id`). Every scope
    /// is read from indexes in that order, so a late page costs what the first one does: a
    /// school's from `school_lectures` (its own and the ones it joined, kept by triggers),
    /// an expert's from `lectures_expert`, and a lead's as the merge of that and one range
    /// of `lectures_team` per team they lead, each cut at `limit`.
    pub fn list(
        conn: &mut DbConnection,
        scope: &LectureScope,
        filter: &LectureFilter,
        after: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<SummaryRow>> {
        match scope {
            LectureScope::All => Self::list_range(conn, None, filter, after, limit),
            LectureScope::School(school) => Self::list_school(conn, school, filter, after, limit),
            LectureScope::Expert { expert_id, teams } => {
                Self::list_merged(conn, Some(expert_id), teams, filter, after, limit)
            }
            LectureScope::Teams(teams) => {
                Self::list_merged(conn, None, teams, filter, after, limit)
            }
        }
    }

    /// An expert's own lectures and those of the teams they lead: one index range each,
    /// each cut at `limit`, merged in list order.
    fn list_merged(
        conn: &mut DbConnection,
        own: Option<&str>,
        teams: &[String],
        filter: &LectureFilter,
        after: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<SummaryRow>> {
        let mut rows = Vec::new();
        if let Some(expert_id) = own {
            rows = Self::list_range(conn, Some(Range::Expert(expert_id)), filter, after, limit)?;
        }
        for team in teams {
            rows.extend(Self::list_range(
                conn,
                Some(Range::Team(team)),
                filter,
                after,
                limit,
            )?);
        }
        rows.sort_by(|(a, ..), (b, ..)| (a.sort_at, &a.id).cmp(&(b.sort_at, &b.id)));
        rows.dedup_by(|(a, ..), (b, ..)| a.id == b.id);
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(rows)
    }

    /// The lectures of one index range (or all), filtered, in list order.
    fn list_range(
        conn: &mut DbConnection,
        range: Option<Range<'_>>,
        filter: &LectureFilter,
        after: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<SummaryRow>> {
        crate::on_backend!(conn, |c| {
            macro_rules! page {
                () => {
                    with_names!(lectures::table, LectureSummary)
                        .order((lectures::sort_at.asc(), lectures::id.asc()))
                        .limit(limit)
                };
            }
            let (at, id) = (lectures::sort_at, lectures::id);
            if range.is_none() && filter.is_empty() {
                // The office's own view: unboxed, so prepared once and found by type.
                return load_after!(page!(), after, at, id, c);
            }
            let mut query = page!().into_boxed();
            match range {
                None => {}
                Some(Range::Expert(expert)) => {
                    query = query.filter(lectures::expert_id.eq(expert.to_owned()));
                }
                Some(Range::Team(team)) => {
                    query = query.filter(lectures::team_code.eq(team.to_owned()));
                }
            }
            narrow!(query, filter);
            if let Some(k) = after {
                keyset_after!(query, k, at, id);
            }
            query.load(c)
        })
    }

    /// A school's lectures, read in order from `school_lectures`. Those are its own and the
    /// city-wide ones it joined, which have no school: the school's name is read once in the
    /// same statement (a subquery of the page's one school), not joined to every row — on
    /// SQLite a tenth of a page's time, on PostgreSQL without a second round trip.
    fn list_school(
        conn: &mut DbConnection,
        school: &str,
        filter: &LectureFilter,
        after: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<SummaryRow>> {
        let rows = Self::school_rows(conn, school, filter, after, limit)?;
        Ok(rows
            .into_iter()
            .map(|(l, name, expert_name)| {
                let own = l.school_id.as_deref() == Some(school);
                (l, name.filter(|_| own), expert_name)
            })
            .collect())
    }

    /// [`Lecture::list_school`]'s rows, each with the school's name and its expert's.
    fn school_rows(
        conn: &mut DbConnection,
        school: &str,
        filter: &LectureFilter,
        after: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<SummaryRow>> {
        crate::on_backend!(conn, |c| {
            macro_rules! page {
                () => {
                    lectures::table
                        .inner_join(school_lectures::table)
                        .left_join(experts::table)
                        .select((
                            LectureSummary::as_select(),
                            schools::table
                                .find(school.to_owned())
                                .select(schools::name)
                                .single_value(),
                            experts::name.nullable(),
                        ))
                        .filter(school_lectures::school_id.eq(school.to_owned()))
                        .order((
                            school_lectures::sort_at.asc(),
                            school_lectures::lecture_id.asc(),
                        ))
                        .limit(limit)
                };
            }
            let (at, id) = (school_lectures::sort_at, school_lectures::lecture_id);
            if filter.is_empty() {
                // The school's own view: unboxed, so prepared once and found by type.
                return load_after!(page!(), after, at, id, c);
            }
            let mut query = page!().into_boxed();
            narrow!(query, filter);
            if let Some(k) = after {
                keyset_after!(query, k, at, id);
            }
            query.load(c)
        })
    }
}

/// The lectures that count against their expert's load in `span`: offered, confirmed,
/// running or given ([`LectureState::COUNTING`]; a no-show does not count) and starting
/// inside it, `except` aside (the one being placed). One definition for the offer's
/// check ([`Lecture::load_count`]) and the suggestions' roster ([`Lecture::load_counts`]).
/// A lecture that holds time has its start chosen, and `sort_at` is then that start: the
/// range is read on `sort_at`, which the indexes of the lists carry (`lectures_expert`
/// reads one expert's range). The states are compared one by one rather than as an `IN`
/// list, which diesel prepares anew on every execution.
#[diesel::dsl::auto_type]
fn counts_against_load<'a>(span: Span, except: &'a str) -> _ {
    let offered: LectureState = LectureState::COUNTING[0];
    let confirmed: LectureState = LectureState::COUNTING[1];
    let running: LectureState = LectureState::COUNTING[2];
    let delivered: LectureState = LectureState::COUNTING[3];
    let closed: LectureState = LectureState::COUNTING[4];
    let (start, end): (NaiveDateTime, NaiveDateTime) = (span.start, span.end);
    lectures::state
        .eq(offered)
        .or(lectures::state.eq(confirmed))
        .or(lectures::state.eq(running))
        .or(lectures::state.eq(delivered))
        .or(lectures::state.eq(closed))
        .and(lectures::sort_at.ge(start))
        .and(lectures::sort_at.lt(end))
        .and(lectures::id.ne(except))
}

/// `UPDATE lectures SET <the placement>, version + 1, updated_at WHERE id, state, version`,
/// written out: diesel prepares each of its own UPDATE statements anew (their changesets
/// may leave columns out), and SQLite's preparation of one on `lectures` compiles the
/// table's triggers with it — 4.5 % of the lecture writes' time (perf). Every column of a
/// [`Placement`] is set, absent values as NULL, so the text never varies and the statement
/// is prepared once per connection, found by its type.
struct PlaceStatement<'a> {
    id: &'a str,
    from: LectureState,
    version: i32,
    placement: &'a Placement,
    now: NaiveDateTime,
}

impl diesel::query_builder::QueryId for PlaceStatement<'_> {
    type QueryId = PlaceStatement<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB> diesel::query_builder::QueryFragment<DB> for PlaceStatement<'_>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<diesel::sql_types::Text>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Integer>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Timestamp>,
    str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    LectureState: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    Option<String>:
        diesel::serialize::ToSql<diesel::sql_types::Nullable<diesel::sql_types::Text>, DB>,
    i32: diesel::serialize::ToSql<diesel::sql_types::Integer, DB>,
    NaiveDateTime: diesel::serialize::ToSql<diesel::sql_types::Timestamp, DB>,
    Option<NaiveDateTime>:
        diesel::serialize::ToSql<diesel::sql_types::Nullable<diesel::sql_types::Timestamp>, DB>,
    Option<i32>:
        diesel::serialize::ToSql<diesel::sql_types::Nullable<diesel::sql_types::Integer>, DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{Integer, Nullable, Text, Timestamp};
        let p = self.placement;
        out.push_sql("UPDATE lectures SET state = ");
        out.push_bind_param::<Text, _>(&p.state)?;
        out.push_sql(", expert_id = ");
        out.push_bind_param::<Nullable<Text>, _>(&p.expert_id)?;
        out.push_sql(", starts_at = ");
        out.push_bind_param::<Nullable<Timestamp>, _>(&p.starts_at)?;
        out.push_sql(", ends_at = ");
        out.push_bind_param::<Nullable<Timestamp>, _>(&p.ends_at)?;
        out.push_sql(", sort_at = ");
        out.push_bind_param::<Timestamp, _>(&p.sort_at)?;
        out.push_sql(", offer_expires_at = ");
        out.push_bind_param::<Nullable<Timestamp>, _>(&p.offer_expires_at)?;
        out.push_sql(", sequence = ");
        out.push_bind_param::<Integer, _>(&p.sequence)?;
        // One statement text for every placement (it is prepared once, by its static id).
        out.push_sql(", travel_minutes = COALESCE(");
        out.push_bind_param::<Nullable<Integer>, _>(&p.travel_minutes)?;
        out.push_sql(", travel_minutes)");
        out.push_sql(", version = version + 1, updated_at = ");
        out.push_bind_param::<Timestamp, _>(&self.now)?;
        out.push_sql(" WHERE id = ");
        out.push_bind_param::<Text, _>(self.id)?;
        out.push_sql(" AND state = ");
        out.push_bind_param::<Text, _>(&self.from)?;
        out.push_sql(" AND version = ");
        out.push_bind_param::<Integer, _>(&self.version)?;
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for PlaceStatement<'_> {}

/// One index range of the lectures a list reads.
#[derive(Debug, Clone, Copy)]
enum Range<'a> {
    Expert(&'a str),
    Team(&'a str),
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
}
