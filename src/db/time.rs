//! Timestamps read from SQLite without a format string: diesel reads every `Timestamp` of an
//! SQLite row by interpreting `"%F %T%.f"` with chrono's strftime parser, which was a tenth of
//! a lecture page's time (perf: 126 timestamps a page). The rows this service writes are in
//! diesel's own form (`2026-12-03 01:00:00` with an optional fraction), read here directly;
//! any other form goes to diesel's reader as before. PostgreSQL's binary timestamps go to
//! diesel's reader unchanged.
//!
//! A model opts in per field: `#[diesel(deserialize_as = Time)]` on a `NaiveDateTime`,
//! `#[diesel(deserialize_as = MaybeTime)]` on an `Option<NaiveDateTime>`.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::sql_types::{Nullable, Timestamp};
use diesel::sqlite::Sqlite;

use super::MultiBackend;

/// A `Timestamp` column read into a `NaiveDateTime`.
#[derive(Debug, Clone, Copy, FromSqlRow)]
pub struct Time(NaiveDateTime);

/// A nullable `Timestamp` column read into an `Option<NaiveDateTime>`.
#[derive(Debug, Clone, Copy, FromSqlRow)]
pub struct MaybeTime(Option<NaiveDateTime>);

impl From<Time> for NaiveDateTime {
    fn from(time: Time) -> NaiveDateTime {
        time.0
    }
}

impl From<MaybeTime> for Option<NaiveDateTime> {
    fn from(time: MaybeTime) -> Option<NaiveDateTime> {
        time.0
    }
}

/// `YYYY-MM-DD HH:MM:SS` (or with `T` for the space, as ISO 8601 writes it) with an optional
/// `.` and one to nine digits of fraction: what diesel writes, and what the database's own
/// copies of times hold (`lectures.joined_slots`). `None` for anything else (then a reader
/// that knows more forms decides).
pub fn parse(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    let separators = b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b' ' | b'T')
        && b[13] == b':'
        && b[16] == b':';
    if !separators {
        return None;
    }
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)?;
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            let scale = 10u32.pow(9 - u32::try_from(digits.len()).ok()?);
            number(digits)? * scale
        }
        _ => return None,
    };
    let time = NaiveTime::from_hms_nano_opt(
        number(&b[11..13])?,
        number(&b[14..16])?,
        number(&b[17..19])?,
        nanos,
    )?;
    Some(date.and_time(time))
}

impl FromSql<Timestamp, Sqlite> for Time {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        match parse(value.read_text()) {
            Some(time) => Ok(Time(time)),
            None => <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Time),
        }
    }
}

impl FromSql<Timestamp, Pg> for Time {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Time)
    }
}

impl FromSql<Timestamp, MultiBackend> for Time {
    fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Timestamp>()
    }
}

impl<DB> FromSql<Nullable<Timestamp>, DB> for MaybeTime
where
    DB: Backend,
    Time: FromSql<Timestamp, DB>,
{
    fn from_sql(value: DB::RawValue<'_>) -> deserialize::Result<Self> {
        Time::from_sql(value).map(|time| MaybeTime(Some(time.0)))
    }

    fn from_nullable_sql(value: Option<DB::RawValue<'_>>) -> deserialize::Result<Self> {
        match value {
            Some(value) => Self::from_sql(value),
            None => Ok(MaybeTime(None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%F %T%.f").expect("a time")
    }

    #[test]
    fn diesels_own_form_is_read_with_and_without_a_fraction() {
        for text in [
            "2026-12-03 01:00:00",
            "2026-12-03 01:00:00.5",
            "2026-12-03 01:00:00.123456",
            "2026-12-03 23:59:59.123456789",
            "2024-02-29 00:00:00",
        ] {
            assert_eq!(parse(text), Some(at(text)), "{text}");
            let iso = text.replace(' ', "T");
            assert_eq!(parse(&iso), iso.parse().ok(), "{iso}");
        }
    }

    #[test]
    fn any_other_form_is_left_to_diesel() {
        for text in [
            "2026-12-03 01:00",
            "2026-12-03 01:00:00Z",
            "2026-12-03 01:00:00+08:00",
            "2026-12-03 01:00:00.",
            "2026-12-03 01:00:00.1234567890",
            "2026-02-30 01:00:00",
            "2026-12-03 25:00:00",
            "2026-1x-03 01:00:00",
            "2459000.5",
            "",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
