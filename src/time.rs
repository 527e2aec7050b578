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

/// Serializes as RFC 3339 with whole seconds unless there is a fraction.
pub fn serialize<S: Serializer>(at: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, false))
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

#[cfg(test)]
mod tests {
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
    fn body_times_need_an_offset() {
        let at: BodyTime = serde_json::from_str("\"2026-03-05T14:00:00+08:00\"").unwrap();
        assert_eq!(at.0, parse_rfc3339("2026-03-05T06:00:00Z").unwrap());
        let err = serde_json::from_str::<BodyTime>("\"2026-03-05T14:00:00\"").unwrap_err();
        assert!(err.to_string().starts_with(BODY_TIME_EXPECTED));
    }
}
