//! Text hygiene for everything people type: Unicode normalization (NFC for text, NFKC for
//! login names) and the characters no text may hold — control characters (line breaks and
//! tabs only in multi-line fields such as bios, descriptions, reasons and addresses),
//! zero-width characters and bidirectional controls, which make two different strings look
//! the same or make a string display as something else.

use crate::i18n::Msg;
use std::borrow::Cow;

use icu_normalizer::ComposingNormalizerBorrowed;

use crate::error::FieldError;

/// NFC: the canonical form text is stored and compared in.
pub fn nfc(value: &str) -> Cow<'_, str> {
    ComposingNormalizerBorrowed::new_nfc().normalize(value)
}

/// NFKC then lower case: the form login names are stored and compared in, so that
/// `ＡＤＭＩＮ` and `admin` are the same name.
pub fn login_form(value: &str) -> String {
    ComposingNormalizerBorrowed::new_nfkc()
        .normalize(value.trim())
        .to_lowercase()
}

/// Control characters (Unicode category Cc).
const CONTROL: [(char, char); 2] = [('\u{0}', '\u{1F}'), ('\u{7F}', '\u{9F}')];

/// Zero-width characters, bidirectional controls and the line and paragraph separators:
/// never in any text.
const INVISIBLE: [(char, char); 7] = [
    ('\u{061C}', '\u{061C}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{2028}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{2069}'),
    ('\u{FEFF}', '\u{FEFF}'),
];

/// The control characters multi-line fields accept.
const LINE_BREAKS_AND_TABS: [char; 3] = ['\t', '\n', '\r'];

fn within(ranges: &[(char, char)], c: char) -> bool {
    ranges
        .iter()
        .any(|(first, last)| (*first..=*last).contains(&c))
}

/// True for a character that text may not hold: in a single-line field any control
/// character, in a multi-line one any but line feed, carriage return and tab.
pub fn refused(c: char, multiline: bool) -> bool {
    within(&INVISIBLE, c)
        || (within(&CONTROL, c) && !(multiline && LINE_BREAKS_AND_TABS.contains(&c)))
}

/// The characters [`refused`] refuses, as the body of a regular-expression character class
/// (`\u0000-\u0008\u000B…`), for the patterns of the OpenAPI document.
pub fn refused_class(multiline: bool) -> String {
    let mut class = String::new();
    let mut run: Option<(u32, u32)> = None;
    let refused_chars = CONTROL
        .iter()
        .chain(INVISIBLE.iter())
        .flat_map(|(first, last)| *first..=*last)
        .filter(|c| refused(*c, multiline));
    let push = |class: &mut String, (first, last): (u32, u32)| {
        class.push_str(&format!("\\u{first:04X}"));
        if last == first + 1 {
            class.push_str(&format!("\\u{last:04X}"));
        } else if last > first {
            class.push_str(&format!("-\\u{last:04X}"));
        }
    };
    for c in refused_chars.map(u32::from) {
        run = match run {
            Some((first, last)) if c == last + 1 => Some((first, c)),
            Some(done) => {
                push(&mut class, done);
                Some((c, c))
            }
            None => Some((c, c)),
        };
    }
    if let Some(done) = run {
        push(&mut class, done);
    }
    class
}

/// The 422 for a value that holds a refused character, naming the first one.
pub fn check(field: &str, value: &str, multiline: bool) -> Result<(), FieldError> {
    match value.chars().find(|c| refused(*c, multiline)) {
        None => Ok(()),
        Some(c) => Err(FieldError::new(
            field,
            "invalid_characters",
            Msg::new("field-invalid_characters")
                .arg("field", field)
                .arg("char", format!("U+{:04X}", u32::from(c))),
        )),
    }
}

/// NFC-normalizes, trims and checks a value: the clean text, or the 422.
pub fn clean(field: &str, value: &str, multiline: bool) -> Result<String, FieldError> {
    let value = nfc(value);
    let value = value.trim();
    check(field, value, multiline)?;
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alike_and_hidden_characters_are_refused() {
        for bad in [
            "王\u{0}老\u{7}师",
            "市实验\u{200b}小学",
            "abc\u{202e}gnp.exe",
            "a\u{feff}b",
        ] {
            assert!(clean("name", bad, false).is_err(), "{bad:?}");
            assert!(clean("bio", bad, true).is_err(), "{bad:?}");
        }
        assert_eq!(
            clean("name", "王\n老师", false).unwrap_err().code,
            "invalid_characters"
        );
        assert_eq!(
            clean("bio", " 第一行\n第二行\t完 ", true).unwrap(),
            "第一行\n第二行\t完"
        );
    }

    #[test]
    fn text_is_stored_in_nfc_and_logins_in_nfkc_lower_case() {
        // e + combining acute → é
        assert_eq!(
            clean("name", "Caf\u{65}\u{301}", false).unwrap(),
            "Caf\u{e9}"
        );
        assert_eq!(login_form(" ＡＤＭＩＮ "), "admin");
        assert_eq!(login_form("Wang.XL"), "wang.xl");
    }
}
