//! Field checks shared by request types. Each returns a `FieldError` naming the field.

use crate::domain::text;
use crate::error::FieldError;
use crate::i18n::Msg;

/// A login name: 3-64 characters of letters, digits, `.`, `_`, `-`, `@`; compared without case.
/// A login name: NFKC-normalized and lower-cased (`ＡＤＭＩＮ` is `admin`), 3-64 letters,
/// digits and `.` `_` `-` `@`.
pub fn login(field: &str, raw: &str) -> Result<String, FieldError> {
    let value = text::login_form(raw);
    let length = value.chars().count();
    if !(3..=64).contains(&length) {
        return Err(FieldError::new(
            field,
            "invalid_length",
            Msg::new("field-invalid_length-login_name_has_3").arg("field", field),
        ));
    }
    if !value
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err(FieldError::new(
            field,
            "invalid_format",
            Msg::new("field-invalid_format-login_name_uses_letters").arg("field", field),
        ));
    }
    Ok(value)
}

/// An id (a UUID, as every id the service issues): a value that is not one is a malformed
/// field (`invalid_format`), not a missing object.
pub fn id(field: &str, raw: &str) -> Result<String, FieldError> {
    uuid::Uuid::parse_str(raw.trim())
        .map(|id| id.to_string())
        .map_err(|_| {
            FieldError::new(
                field,
                "invalid_format",
                Msg::new("field-invalid_format-id").arg("field", field),
            )
        })
}

/// Required single-line text with a length limit: NFC, trimmed, no control, zero-width or
/// direction-override characters and no line breaks (422 `invalid_characters`).
pub fn text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    required(field, text::clean(field, raw, false)?, max)
}

/// Required text that may run over several lines (addresses, reasons, comments): as
/// [`text`], but line breaks and tabs are allowed.
pub fn multiline(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    required(field, text::clean(field, raw, true)?, max)
}

fn required(field: &str, value: String, max: usize) -> Result<String, FieldError> {
    if value.is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            Msg::new("field-required-empty").arg("field", field),
        ));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            "too_long",
            Msg::new("field-too_long-max")
                .arg("field", field)
                .arg("max", max),
        ));
    }
    Ok(value)
}

/// An optional email address: blank means none.
pub fn email(field: &str, raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(value) = raw.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let valid = value.len() <= 254
        && !value.chars().any(char::is_whitespace)
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if !valid {
        return Err(FieldError::new(
            field,
            "invalid_format",
            Msg::new("field-invalid_format-not_email_address").arg("field", field),
        ));
    }
    Ok(Some(value.to_owned()))
}

/// An optional phone number: digits with an optional leading `+` and `-` or spaces between.
pub fn phone(field: &str, raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(value) = raw.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let valid = (5..=20).contains(&digits)
        && value
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == '-' || c == ' ' || (c == '+' && i == 0));
    if !valid {
        return Err(FieldError::new(
            field,
            "invalid_format",
            Msg::new("field-invalid_format-not_phone_number").arg("field", field),
        ));
    }
    Ok(Some(value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_lowercased_and_checked() {
        assert_eq!(login("login", " Wang.LaoShi ").unwrap(), "wang.laoshi");
        assert_eq!(login("login", "王老师01").unwrap(), "王老师01");
        assert_eq!(login("login", "ab").unwrap_err().code, "invalid_length");
        assert_eq!(login("login", "a b c").unwrap_err().code, "invalid_format");
    }

    #[test]
    fn emails_and_phones() {
        assert_eq!(
            email("email", Some("a@b.cn")).unwrap().as_deref(),
            Some("a@b.cn")
        );
        assert_eq!(email("email", Some("  ")).unwrap(), None);
        assert!(email("email", Some("a@b")).is_err());
        assert!(email("email", Some("a b@c.cn")).is_err());
        assert_eq!(
            phone("phone", Some("+86 138-0000-0000"))
                .unwrap()
                .as_deref(),
            Some("+86 138-0000-0000")
        );
        assert!(phone("phone", Some("call me")).is_err());
        assert!(phone("phone", Some("12")).is_err());
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(text("name", "  张三 ", 10).unwrap(), "张三");
        assert_eq!(text("name", "   ", 10).unwrap_err().code, "required");
        assert_eq!(
            text("name", "一二三四五六", 5).unwrap_err().code,
            "too_long"
        );
    }
}
