//! When an expert can give a lecture (weekly windows and dated exceptions), and whether a
//! date falls in a school-calendar blackout. Local times in the service zone. No I/O.

use chrono::{Datelike, NaiveDate, NaiveTime};

use crate::domain::coded::coded_enum;

coded_enum!(
    /// A dated exception to the weekly windows.
    ExceptionKind {
        /// Available outside the weekly windows.
        Available = "available" / "可约",
        Blocked = "blocked" / "不可约",
    }
);

coded_enum!(
    /// What a blackout covers.
    BlackoutScope {
        City = "city" / "全市",
        District = "district" / "区",
        School = "school" / "学校",
    }
);

/// A weekly window: `weekday` 1 (Monday) to 7 (Sunday), local times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyWindow {
    pub weekday: u32,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// A dated exception; no times means the whole day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedException {
    pub day: NaiveDate,
    pub kind: ExceptionKind,
    pub times: Option<(NaiveTime, NaiveTime)>,
}

/// A lecture's local time on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalSpan {
    pub day: NaiveDate,
    pub start: NaiveTime,
    /// `None` when the lecture runs past midnight.
    pub end: Option<NaiveTime>,
}

/// Why the expert is not available, if they are not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// A blocked exception covers the time.
    Blocked(NaiveDate),
    /// The expert has weekly windows and none covers the time.
    OutsideWindows,
}

/// Whether the expert is available for `span`: a blocked exception that touches it says no;
/// an available exception that covers it says yes; otherwise, without weekly windows every
/// time is available, with them a window of that weekday must cover it.
pub fn check(
    windows: &[WeeklyWindow],
    exceptions: &[DatedException],
    span: LocalSpan,
) -> Result<(), Unavailable> {
    let end = span.end.unwrap_or(NaiveTime::MIN);
    let same_day = span.end.is_some_and(|e| e > span.start);
    let covers = |from: NaiveTime, to: NaiveTime| same_day && from <= span.start && end <= to;
    // A lecture past midnight runs to the end of its first day, as far as this day goes.
    let overlaps = |from: NaiveTime, to: NaiveTime| span.start < to && (!same_day || from < end);
    for e in exceptions.iter().filter(|e| e.day == span.day) {
        if e.kind == ExceptionKind::Blocked {
            let hit = e.times.is_none_or(|(from, to)| overlaps(from, to));
            if hit {
                return Err(Unavailable::Blocked(span.day));
            }
        }
    }
    let available_exception = exceptions.iter().any(|e| {
        e.day == span.day
            && e.kind == ExceptionKind::Available
            && e.times.is_none_or(|(from, to)| covers(from, to))
    });
    if available_exception || windows.is_empty() {
        return Ok(());
    }
    let weekday = span.day.weekday().number_from_monday();
    if windows
        .iter()
        .any(|w| w.weekday == weekday && covers(w.start, w.end))
    {
        Ok(())
    } else {
        Err(Unavailable::OutsideWindows)
    }
}

/// A closed period of the school calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blackout {
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub scope: BlackoutScope,
    pub district: Option<String>,
    pub school_id: Option<String>,
}

impl Blackout {
    /// Whether the period covers a school in `district` with `school_id` (a city-wide
    /// lecture for no school: only city blackouts).
    pub fn covers(&self, school: Option<(&str, &str)>) -> bool {
        match (self.scope, school) {
            (BlackoutScope::City, _) => true,
            (BlackoutScope::District, Some((_, district))) => {
                self.district.as_deref() == Some(district)
            }
            (BlackoutScope::School, Some((id, _))) => self.school_id.as_deref() == Some(id),
            (_, None) => false,
        }
    }

    /// Whether any of the days `first..=last` is in the period.
    pub fn meets(&self, first: NaiveDate, last: NaiveDate) -> bool {
        first <= self.end && self.start <= last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }
    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }
    fn span(day: u32, from: NaiveTime, to: NaiveTime) -> LocalSpan {
        LocalSpan {
            day: d(day),
            start: from,
            end: Some(to),
        }
    }

    #[test]
    fn without_windows_every_time_is_available_unless_blocked() {
        assert_eq!(check(&[], &[], span(4, t(14, 0), t(15, 0))), Ok(()));
        let blocked = DatedException {
            day: d(4),
            kind: ExceptionKind::Blocked,
            times: Some((t(13, 0), t(14, 0))),
        };
        // Touching the blocked hour is fine; overlapping it is not.
        assert_eq!(
            check(
                &[],
                std::slice::from_ref(&blocked),
                span(4, t(14, 0), t(15, 0))
            ),
            Ok(())
        );
        assert_eq!(
            check(&[], &[blocked], span(4, t(13, 30), t(15, 0))),
            Err(Unavailable::Blocked(d(4)))
        );
    }

    #[test]
    fn windows_must_cover_the_lecture_and_exceptions_open_other_days() {
        // Wednesdays 9:00-12:00.
        let windows = [WeeklyWindow {
            weekday: 3,
            start: t(9, 0),
            end: t(12, 0),
        }];
        assert_eq!(check(&windows, &[], span(4, t(9, 0), t(10, 30))), Ok(()));
        assert_eq!(
            check(&windows, &[], span(4, t(11, 0), t(12, 30))),
            Err(Unavailable::OutsideWindows)
        );
        assert_eq!(
            check(&windows, &[], span(5, t(9, 0), t(10, 0))),
            Err(Unavailable::OutsideWindows)
        );
        let open_thursday = DatedException {
            day: d(5),
            kind: ExceptionKind::Available,
            times: None,
        };
        assert_eq!(
            check(&windows, &[open_thursday], span(5, t(9, 0), t(10, 0))),
            Ok(())
        );
    }

    #[test]
    fn blackouts_cover_their_scope() {
        let exams = Blackout {
            name: "期末考试".into(),
            start: d(10),
            end: d(12),
            scope: BlackoutScope::District,
            district: Some("鼓楼区".into()),
            school_id: None,
        };
        assert!(exams.covers(Some(("s1", "鼓楼区"))));
        assert!(!exams.covers(Some(("s1", "台江区"))));
        assert!(!exams.covers(None));
        assert!(exams.meets(d(12), d(12)));
        assert!(!exams.meets(d(13), d(13)));
    }
}
