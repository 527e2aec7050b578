//! Times at the API edge: stored as UTC `NaiveDateTime`, shown in the service time zone.

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, TimeZone as _, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serializer};

/// A stored UTC time, in the service zone with its offset (`2026-03-05T14:00:00+08:00`).
pub fn to_local(at: NaiveDateTime, tz: Tz) -> DateTime<FixedOffset> {
    tz.from_utc_datetime(&at).fixed_offset()
}

/// Parses an RFC 3339 time with offset into the stored UTC form.
pub fn parse_rfc3339(raw: &str) -> Option<NaiveDateTime> {
    DateTime::parse_from_rfc3339(raw.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc).naive_utc())
}

/// The message a body time that does not parse gets; `extract` turns it into a 422 with
/// the field's name and the code `invalid_datetime`.
pub const BODY_TIME_EXPECTED: &str =
    "expected an RFC 3339 time with an offset, e.g. 2026-03-05T09:00:00+08:00";

/// A time in a request body: RFC 3339 with an offset (`Z` or `+08:00`), kept as UTC. Any
/// other text is a 422 naming the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, utoipa::ToSchema)]
#[schema(value_type = String, format = DateTime, example = "2026-03-05T09:00:00+08:00")]
pub struct BodyTime(pub NaiveDateTime);

impl<'de> Deserialize<'de> for BodyTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        parse_rfc3339(&raw)
            .map(BodyTime)
            .ok_or_else(|| serde::de::Error::custom(BODY_TIME_EXPECTED))
    }
}

/// Serializes as RFC 3339 with whole seconds unless there is a fraction (chrono's
/// `SecondsFormat::AutoSi`): `2026-03-05T14:00:00+08:00`, `…:00.250+08:00`.
pub fn serialize<S: Serializer>(at: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
    let mut buf = [0u8; RFC3339_MAX];
    match write_rfc3339(at, &mut buf) {
        Some(text) => s.serialize_str(text),
        None => s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, false)),
    }
}

/// The longest text [`write_rfc3339`] writes: `2026-03-05T14:00:00.123456789+08:00`.
const RFC3339_MAX: usize = 35;

/// `at` as `to_rfc3339_opts(SecondsFormat::AutoSi, false)` writes it, into `buf` without
/// allocating: a page of lectures writes over a hundred times, each of which chrono's
/// formatter built as a `String` of its own. `None` for what chrono writes otherwise (a year
/// outside 0-9999, a leap second, an offset with seconds).
fn write_rfc3339<'b>(
    at: &DateTime<FixedOffset>,
    buf: &'b mut [u8; RFC3339_MAX],
) -> Option<&'b str> {
    use chrono::{Datelike as _, Timelike as _};
    let offset = at.offset().local_minus_utc();
    // Each accessor of a `DateTime` works out the local time anew: once here.
    let local = at.naive_local();
    let nanos = local.nanosecond();
    let year = u32::try_from(local.year()).ok().filter(|y| *y <= 9999)?;
    if nanos >= 1_000_000_000 || offset % 60 != 0 {
        return None;
    }
    let fraction = match nanos {
        0 => None,
        n if n % 1_000_000 == 0 => Some((n / 1_000_000, 3)),
        n if n % 1_000 == 0 => Some((n / 1_000, 6)),
        n => Some((n, 9)),
    };
    let minutes = offset.unsigned_abs() / 60;
    let mut len = 0;
    let mut put = |before: u8, value: u32, digits: usize| {
        if before != 0 {
            buf[len] = before;
            len += 1;
        }
        let mut rest = value;
        for slot in buf[len..len + digits].iter_mut().rev() {
            *slot = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        len += digits;
    };
    put(0, year, 4);
    put(b'-', local.month(), 2);
    put(b'-', local.day(), 2);
    put(b'T', local.hour(), 2);
    put(b':', local.minute(), 2);
    put(b':', local.second(), 2);
    if let Some((value, digits)) = fraction {
        put(b'.', value, digits);
    }
    put(if offset < 0 { b'-' } else { b'+' }, minutes / 60, 2);
    put(b':', minutes % 60, 2);
    std::str::from_utf8(&buf[..len]).ok()
}

pub fn serialize_opt<S: Serializer>(
    at: &Option<DateTime<FixedOffset>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serialize(at, s),
        None => s.serialize_none(),
    }
}

/// A time as a Chinese calendar reads it, for notices: `2026年12月17日（周四）14:00 北京时间`.
pub fn chinese_time(at: NaiveDateTime, tz: Tz) -> String {
    let local = tz.from_utc_datetime(&at);
    format!(
        "{} {}",
        chinese_date_time(&local.naive_local()),
        zone_name_zh(&local)
    )
}

/// A lecture's time, start to end: `2026年12月17日（周四）14:00-15:30 北京时间` (a range
/// across days gives both dates).
pub fn chinese_span(start: NaiveDateTime, end: NaiveDateTime, tz: Tz) -> String {
    let (from, to) = (tz.from_utc_datetime(&start), tz.from_utc_datetime(&end));
    let until = if from.date_naive() == to.date_naive() {
        to.format("%H:%M").to_string()
    } else {
        chinese_date_time(&to.naive_local())
    };
    format!(
        "{}-{until} {}",
        chinese_date_time(&from.naive_local()),
        zone_name_zh(&from)
    )
}

/// `2026年12月17日（周四）14:00`.
fn chinese_date_time(local: &NaiveDateTime) -> String {
    format!("{}{}", chinese_date(local.date()), local.format("%H:%M"))
}

/// A day as a Chinese calendar reads it, for notices: `2026年12月17日（周四）`.
pub fn chinese_date(day: chrono::NaiveDate) -> String {
    use chrono::Datelike as _;
    const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    let weekday = WEEKDAYS[day.weekday().num_days_from_monday() as usize];
    format!("{}（周{weekday}）", day.format("%Y年%-m月%-d日"))
}

/// The zone's Chinese name where it has one (北京时间 for China's zones), else its offset
/// at that time (`UTC+09:00`).
fn zone_name_zh(local: &DateTime<Tz>) -> String {
    use chrono::Offset as _;
    let name = match local.timezone().name() {
        "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Chungking" | "Asia/Harbin" | "PRC" => {
            Some("北京时间")
        }
        "Asia/Hong_Kong" | "Hongkong" => Some("香港时间"),
        "Asia/Macau" | "Asia/Macao" => Some("澳门时间"),
        "Asia/Taipei" | "ROC" => Some("台北时间"),
        _ => None,
    };
    match name {
        Some(name) => name.to_owned(),
        None => {
            let seconds = local.offset().fix().local_minus_utc();
            let (sign, minutes) = if seconds < 0 {
                ('-', -seconds / 60)
            } else {
                ('+', seconds / 60)
            };
            format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Timelike as _;

    use super::*;

    #[test]
    fn utc_is_shown_in_shanghai_time() {
        let at = parse_rfc3339("2026-03-05T06:00:00Z").unwrap();
        let local = to_local(at, chrono_tz::Asia::Shanghai);
        assert_eq!(local.to_rfc3339(), "2026-03-05T14:00:00+08:00");
        assert_eq!(parse_rfc3339("2026-03-05T14:00:00+08:00"), Some(at));
        assert_eq!(parse_rfc3339("2026-03-05 14:00"), None);
    }

    #[test]
    fn times_are_written_as_chrono_writes_them() {
        let zones = [
            FixedOffset::east_opt(8 * 3600).unwrap(),
            FixedOffset::east_opt(0).unwrap(),
            FixedOffset::west_opt(3 * 3600 + 30 * 60).unwrap(),
            FixedOffset::east_opt(5 * 3600 + 45 * 60).unwrap(),
        ];
        let base = parse_rfc3339("2026-03-05T06:07:08Z").unwrap();
        for zone in zones {
            for nanos in [0, 250_000_000, 123_000, 5, 999_999_999] {
                for (days, secs) in [(0, 0), (365 * 30, 3599), (-365 * 2000, 86_399)] {
                    let at = base + chrono::Duration::days(days) + chrono::Duration::seconds(secs);
                    let at = zone.from_utc_datetime(&at.with_nanosecond(nanos).unwrap());
                    let mut buf = [0u8; RFC3339_MAX];
                    let ours = write_rfc3339(&at, &mut buf).map(str::to_owned);
                    assert_eq!(
                        ours.as_deref(),
                        Some(at.to_rfc3339_opts(SecondsFormat::AutoSi, false).as_str())
                    );
                }
            }
        }
        // What it leaves to chrono.
        let odd = FixedOffset::east_opt(8 * 3600 + 5)
            .unwrap()
            .from_utc_datetime(&base);
        assert_eq!(write_rfc3339(&odd, &mut [0u8; RFC3339_MAX]), None);
    }

    #[test]
    fn body_times_need_an_offset() {
        let at: BodyTime = serde_json::from_str("\"2026-03-05T14:00:00+08:00\"").unwrap();
        assert_eq!(at.0, parse_rfc3339("2026-03-05T06:00:00Z").unwrap());
        let err = serde_json::from_str::<BodyTime>("\"2026-03-05T14:00:00\"").unwrap_err();
        assert!(err.to_string().starts_with(BODY_TIME_EXPECTED));
    }

    #[test]
    fn notices_read_times_as_a_chinese_calendar_does() {
        let shanghai: Tz = "Asia/Shanghai".parse().unwrap();
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        // 06:00-07:30 UTC is 14:00-15:30 in Beijing, a Thursday.
        assert_eq!(
            chinese_span(at("2026-12-17 06:00"), at("2026-12-17 07:30"), shanghai),
            "2026年12月17日（周四）14:00-15:30 北京时间"
        );
        assert_eq!(
            chinese_time(at("2026-12-20 01:05"), shanghai),
            "2026年12月20日（周日）09:05 北京时间"
        );
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        assert_eq!(
            chinese_time(at("2026-12-20 01:05"), tokyo),
            "2026年12月20日（周日）10:05 UTC+09:00"
        );
        assert_eq!(
            chinese_span(at("2026-12-17 14:00"), at("2026-12-17 17:00"), shanghai),
            "2026年12月17日（周四）22:00-2026年12月18日（周五）01:00 北京时间"
        );
    }
}
