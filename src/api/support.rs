//! Small helpers shared by the handlers: optional-nullable fields, collecting field
//! errors, version headers.

use crate::i18n::Msg;
use actix_web::HttpResponse;
use actix_web::http::header;
use serde::{Deserialize, Deserializer};

use crate::domain::profile::TEAM_CODES;
use crate::error::{ApiError, ApiResult, FieldError};

/// Distinguishes a field that is absent (leave alone) from one that is `null` (clear it).
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The start of the message for a `null` where a value may be left out but not cleared.
pub const NOT_NULL: &str = "null is not allowed here";

/// A field that may be left out (keep the value) but not set to `null` (it cannot be
/// cleared): `null` is a 422 `required`, never silently ignored.
pub fn not_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    match Option::<T>::deserialize(deserializer)? {
        Some(value) => Ok(Some(value)),
        None => Err(serde::de::Error::custom(format!(
            "{NOT_NULL}: leave the field out to keep its value"
        ))),
    }
}

/// An account edit's name and contact fields, checked: `None` leaves a field as it is,
/// `Some(None)` clears email or phone.
#[derive(Debug, Default)]
pub struct AccountFields {
    pub display_name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
}

/// Checks the display name, email and phone an account edit names (422 with every problem).
pub fn account_fields(
    display_name: Option<&str>,
    email: Option<Option<&str>>,
    phone: Option<Option<&str>>,
) -> ApiResult<AccountFields> {
    use crate::domain::validate;
    let mut errors = Vec::new();
    let fields = AccountFields {
        display_name: display_name
            .and_then(|name| keep(&mut errors, validate::text("display_name", name, 100))),
        email: email.and_then(|email| keep(&mut errors, validate::email("email", email))),
        phone: phone.and_then(|phone| keep(&mut errors, validate::phone("phone", phone))),
    };
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The value of a check that passed; a failed check's error goes to `errors`.
pub fn keep<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// A list's id filter: empty (`expert_id=`) is no filter, as in the lecture lists; anything
/// else must be an id, or its problem joins `errors`.
pub fn id_filter(errors: &mut Vec<FieldError>, field: &str, raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|v| !v.is_empty())
        .and_then(|v| keep(errors, crate::domain::validate::id(field, v)))
}

pub fn with_etag(mut response: HttpResponse, version: i32) -> HttpResponse {
    if let Ok(value) = header::HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The six sub-team codes, as the OpenAPI document declares them wherever a team is named
/// (the fields themselves are strings checked against `TEAM_CODES`).
#[derive(utoipa::ToSchema)]
#[schema(as = TeamCode)]
pub enum TeamCode {
    #[schema(rename = "family_education")]
    FamilyEducation,
    #[schema(rename = "mental_health")]
    MentalHealth,
    #[schema(rename = "reading")]
    Reading,
    #[schema(rename = "ideology")]
    Ideology,
    #[schema(rename = "traditional_culture")]
    TraditionalCulture,
    #[schema(rename = "legal_safety")]
    LegalSafety,
}

/// A `team` query filter must name one of the six sub-teams.
pub fn check_team_filter(team: Option<&str>) -> ApiResult<()> {
    match team {
        Some(team) if !TEAM_CODES.contains(&team) => Err(ApiError::invalid(
            "team",
            "invalid_choice",
            Msg::new("field-invalid_choice-teams")
                .arg("field", "team")
                .arg("allowed", TEAM_CODES.join(", ")),
        )),
        _ => Ok(()),
    }
}

/// A time in a query parameter (RFC 3339 with offset), as stored (UTC); 422 naming the
/// parameter when it does not parse.
pub fn time_param(field: &str, raw: Option<&str>) -> ApiResult<Option<chrono::NaiveDateTime>> {
    raw.map(|raw| {
        crate::time::parse_rfc3339(raw).ok_or_else(|| {
            // `…T14:00:00+08:00` typed into a URL arrives with its `+` read as a space.
            let plus_as_space = raw.trim().contains(' ')
                && crate::time::parse_rfc3339(&raw.trim().replace(' ', "+")).is_some();
            ApiError::invalid(
                field,
                "invalid_datetime",
                Msg::new(if plus_as_space {
                    "field-invalid_datetime-plus"
                } else {
                    "field-invalid_datetime"
                })
                .arg("field", field),
            )
        })
    })
    .transpose()
}

/// A whole number as JSON Schema's `integer` means it: `37` or `37.0`.
fn whole_number<T: TryFrom<i64>>(n: &serde_json::Number) -> Result<T, String> {
    let value = n
        .as_i64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        })
        .ok_or_else(|| format!("invalid type: `{n}` is not a whole number"))?;
    T::try_from(value).map_err(|_| format!("invalid value: {value} is out of range"))
}

/// An integer field that also takes a number written with a zero fraction (`37.0`).
pub fn whole<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    let n = serde_json::Number::deserialize(deserializer)?;
    whole_number(&n).map_err(serde::de::Error::custom)
}

/// As [`whole`], for a field that may be left out or `null`.
pub fn whole_opt<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    Option::<serde_json::Number>::deserialize(deserializer)?
        .map(|n| whole_number(&n).map_err(serde::de::Error::custom))
        .transpose()
}

/// As [`whole`], for a field that may be left out but not set to `null` ([`not_null`]).
pub fn whole_not_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    match Option::<serde_json::Number>::deserialize(deserializer)? {
        Some(n) => whole_number(&n).map(Some).map_err(serde::de::Error::custom),
        None => Err(serde::de::Error::custom(format!(
            "{NOT_NULL}: leave the field out to keep its value"
        ))),
    }
}

/// A reason, required (a decline, a rejection, a cancellation, …).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// The reason, checked as multi-line text of at most 1,000 characters.
pub fn reason(body: ReasonRequest) -> crate::error::ApiResult<String> {
    crate::domain::validate::multiline("reason", &body.reason, 1000)
        .map_err(|e| crate::error::ApiError::Validation(vec![e]))
}
