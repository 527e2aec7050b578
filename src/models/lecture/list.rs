//! A page of lectures as a caller may see it, read from the index that serves it: a
//! school's from `school_lectures`, an expert's from `lectures_expert`, a lead's as a merge of
//! ranges, each cut at the page.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::*;

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

/// One index range of the lectures a list reads.
#[derive(Debug, Clone, Copy)]
enum Range<'a> {
    Expert(&'a str),
    Team(&'a str),
}
