//! When a lecture can be, as rules without I/O: time ranges and the travel buffer, the local
//! hours a lecture lies within, what a proposed time is weighed against, and the days, weeks
//! and months of the service zone that leave and load limits count in.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

use crate::domain::lecture::LectureMode;
use crate::i18n::Msg;

/// A half-open time range in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

impl Span {
    pub fn minutes(&self) -> i64 {
        (self.end - self.start).num_minutes()
    }

    /// The time the lecture keeps its expert busy: an offline lecture adds the travel buffer
    /// before and after, an online one does not.
    pub fn busy(&self, mode: LectureMode, travel_minutes: i64) -> Span {
        let travel = Duration::minutes(mode.travel_minutes(travel_minutes));
        Span {
            start: self.start - travel,
            end: self.end + travel,
        }
    }

    /// Whether two half-open ranges share any instant (touching ranges do not).
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// The local hours of a day a lecture lies within (`GUANAI_LECTURE_HOURS`): no lecture
/// before `start` or past `end`, so none at 03:00 and none across midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LectureHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for LectureHours {
    /// 07:00-21:30.
    fn default() -> Self {
        LectureHours {
            start: NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default(),
            end: NaiveTime::from_hms_opt(21, 30, 0).unwrap_or_default(),
        }
    }
}

impl std::str::FromStr for LectureHours {
    type Err = &'static str;

    /// `HH:MM-HH:MM`, the first before the second.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        const SHAPE: &str = "expected HH:MM-HH:MM, e.g. 07:00-21:30, the first before the second";
        let (start, end) = raw.trim().split_once('-').ok_or(SHAPE)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| SHAPE);
        let (start, end) = (time(start)?, time(end)?);
        if start >= end {
            return Err(SHAPE);
        }
        Ok(LectureHours { start, end })
    }
}

impl std::fmt::Display for LectureHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

/// What a proposed time is weighed against (besides the course's length).
#[derive(Debug, Clone, Copy)]
pub struct SlotRules {
    pub now: NaiveDateTime,
    /// The earliest start: `now` for the office, the lead time ahead for a school.
    pub earliest: NaiveDateTime,
    /// The lead time a school keeps, in hours (0 for the office).
    pub lead_hours: i64,
    pub hours: LectureHours,
    /// The furthest ahead a lecture is arranged, in days.
    pub days_ahead: i64,
    pub tz: Tz,
}

/// Why a proposed time cannot be taken, as a field code and its message.
pub fn slot_problem(span: Span, rules: &SlotRules) -> Option<(&'static str, Msg)> {
    use chrono::Timelike as _;
    let whole = |t: NaiveDateTime| t.second() == 0 && t.nanosecond() == 0;
    let problem = |code: &'static str, key: &'static str| (code, Msg::new(key));
    if !whole(span.start) || !whole(span.end) {
        return Some(problem("not_whole_minutes", "field-not_whole_minutes"));
    }
    if span.end <= span.start {
        return Some(problem("end_before_start", "field-end_before_start"));
    }
    if span.start <= rules.now {
        return Some(problem("in_the_past", "field-in_the_past"));
    }
    if span.start < rules.earliest {
        let (code, msg) = problem("too_soon", "field-too_soon");
        return Some((code, msg.arg("hours", rules.lead_hours)));
    }
    if span.start > rules.now + Duration::days(rules.days_ahead) {
        let (code, msg) = problem("too_far_ahead", "field-too_far_ahead");
        return Some((code, msg.arg("days", rules.days_ahead)));
    }
    let (start, end) = (
        rules.tz.from_utc_datetime(&span.start),
        rules.tz.from_utc_datetime(&span.end),
    );
    if start.date_naive() != end.date_naive() {
        return Some(problem("spans_days", "field-spans_days"));
    }
    if start.time() < rules.hours.start || end.time() > rules.hours.end {
        let (code, msg) = problem("outside_lecture_hours", "field-outside_lecture_hours");
        return Some((code, msg.arg("hours", rules.hours)));
    }
    None
}

/// The local date of a UTC time in the service zone.
pub fn local_date(at: NaiveDateTime, tz: Tz) -> NaiveDate {
    tz.from_utc_datetime(&at).date_naive()
}

/// The UTC bounds `[start, end)` of the ISO week (Monday to Sunday, in the service zone)
/// that `at` falls in.
pub fn week_bounds(at: NaiveDateTime, tz: Tz) -> Span {
    let date = local_date(at, tz);
    let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
    days_span(monday, monday + Duration::days(6), tz)
}

/// Whole local days `first..=last` (in the service zone) in UTC: local midnight of the first
/// day to local midnight after the last.
pub fn days_span(first: NaiveDate, last: NaiveDate, tz: Tz) -> Span {
    Span {
        start: local_midnight(first, tz),
        end: local_midnight(last + Duration::days(1), tz),
    }
}

/// The UTC bounds of the calendar month (in the service zone) that `at` falls in.
pub fn month_bounds(at: NaiveDateTime, tz: Tz) -> Span {
    let date = local_date(at, tz);
    let first = date.with_day(1).unwrap_or(date);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .unwrap_or(first);
    Span {
        start: local_midnight(first, tz),
        end: local_midnight(next, tz),
    }
}

/// The UTC instant of local midnight on `date` (the earliest, should a zone skip or repeat it).
pub fn local_midnight(date: NaiveDate, tz: Tz) -> NaiveDateTime {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.naive_utc())
        .unwrap_or(midnight)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn offline_lectures_carry_the_travel_buffer_and_touching_spans_do_not_overlap() {
        let a = Span {
            start: at("2026-12-01 02:00"),
            end: at("2026-12-01 03:00"),
        };
        let b = Span {
            start: at("2026-12-01 03:00"),
            end: at("2026-12-01 04:00"),
        };
        assert!(!a.overlaps(&b));
        let busy = a.busy(LectureMode::Offline, 30);
        assert_eq!(busy.start, at("2026-12-01 01:30"));
        assert_eq!(busy.end, at("2026-12-01 03:30"));
        assert!(busy.overlaps(&b));
        assert_eq!(a.busy(LectureMode::Online, 30), a);
    }

    #[test]
    fn lecture_hours_are_read_as_hh_mm_hh_mm_in_order() {
        let hours: LectureHours = "08:00-20:00".parse().unwrap();
        assert_eq!(hours.to_string(), "08:00-20:00");
        assert_eq!(LectureHours::default().to_string(), "07:00-21:30");
        for bad in ["8-20", "20:00-08:00", "08:00-08:00", "08:00", "25:00-26:00"] {
            assert!(bad.parse::<LectureHours>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_slot_is_whole_minutes_within_the_hours_of_one_day() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let now = at("2026-03-02 01:00");
        let rules = SlotRules {
            now,
            earliest: now + Duration::hours(48),
            lead_hours: 48,
            hours: LectureHours::default(),
            days_ahead: 365,
            tz,
        };
        let span = |start: &str, end: &str| Span {
            start: at(start),
            end: at(end),
        };
        let code = |s: Span| slot_problem(s, &rules).map(|(code, _)| code);
        // 10:00-11:00 in Shanghai on Wednesday.
        assert_eq!(code(span("2026-03-04 02:00", "2026-03-04 03:00")), None);
        assert_eq!(
            code(span("2026-03-03 02:00", "2026-03-03 03:00")),
            Some("too_soon")
        );
        // 06:00 and 21:00-22:00 local; 23:00 to 00:30 the next day.
        assert_eq!(
            code(span("2026-03-04 22:00", "2026-03-04 23:00")),
            Some("outside_lecture_hours")
        );
        assert_eq!(
            code(span("2026-03-04 13:00", "2026-03-04 14:00")),
            Some("outside_lecture_hours")
        );
        assert_eq!(
            code(span("2026-03-04 15:00", "2026-03-04 16:30")),
            Some("spans_days")
        );
        let seconds = Span {
            start: at("2026-03-04 02:00") + Duration::seconds(30),
            end: at("2026-03-04 03:00"),
        };
        assert_eq!(code(seconds), Some("not_whole_minutes"));
    }

    #[test]
    fn weeks_and_months_are_counted_in_the_service_zone() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        // Sunday 2026-12-06 23:30 in Shanghai is 15:30 UTC; its week began Monday 11-30.
        let week = week_bounds(at("2026-12-06 15:30"), tz);
        assert_eq!(week.start, at("2026-11-29 16:00"));
        assert_eq!(week.end, at("2026-12-06 16:00"));
        // Monday 00:30 in Shanghai (Sunday 16:30 UTC) is in the next week.
        let next = week_bounds(at("2026-12-06 16:30"), tz);
        assert_eq!(next.start, at("2026-12-06 16:00"));
        let month = month_bounds(at("2026-12-31 17:00"), tz);
        assert_eq!(month.start, at("2026-12-31 16:00"));
        assert_eq!(month.end, at("2027-01-31 16:00"));
    }
}
