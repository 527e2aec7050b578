//! The roster as a CSV file (专家名册): the columns, parsing a file the office keeps (UTF-8
//! with or without BOM, or GB18030/GBK; English or Chinese headers; lists split by `;` or
//! `、`), and writing the same columns back (with a BOM, formulas neutralized: see
//! `csv_safe`). No I/O beyond the bytes given.

use crate::domain::csv_safe;
use crate::domain::profile::{DEFAULT_MAX_PER_MONTH, DEFAULT_MAX_PER_WEEK, Profile, team_code};
use crate::domain::roster::{Category, ExpertStatus, Gender, Mode};
use crate::domain::text;
use crate::domain::validate;
use crate::error::FieldError;
use crate::i18n::Msg;

/// (English header, Chinese header). The export writes the English ones.
pub const COLUMNS: [(&str, &str); 19] = [
    ("login", "登录名"),
    ("name", "姓名"),
    ("gender", "性别"),
    ("birth_year", "出生年份"),
    ("category", "五老类别"),
    ("former_post", "原职务"),
    ("former_org", "原单位"),
    ("specialties", "专长"),
    ("bio", "简介"),
    ("districts", "服务区域"),
    ("modes", "授课方式"),
    ("max_per_week", "每周上限"),
    ("max_per_month", "每月上限"),
    ("rest_weekdays", "休息日"),
    ("primary_team", "主分团"),
    ("extra_teams", "其他分团"),
    ("phone", "电话"),
    ("email", "邮箱"),
    ("status", "状态"),
];

const REQUIRED: [&str; 4] = ["login", "name", "category", "primary_team"];

/// One valid data row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    pub login: String,
    pub profile: Profile,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The membership a new expert starts in (default `active`); ignored for an existing one.
    pub status: Option<ExpertStatus>,
}

/// A problem at a line and column, reported as field `rows[LINE].COLUMN`.
pub fn row_error(
    line: u64,
    column: &str,
    code: &str,
    message: impl Into<crate::i18n::Text>,
) -> FieldError {
    FieldError::new(format!("rows[{line}].{column}"), code, message)
}

fn split_list(cell: &str) -> Vec<String> {
    cell.split([';', '；', '、'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

fn weekday(raw: &str) -> Option<i32> {
    let raw = raw.trim();
    if let Ok(n) = raw.parse::<i32>() {
        return Some(n);
    }
    let day = raw.trim_start_matches("星期").trim_start_matches("周");
    ["一", "二", "三", "四", "五", "六", "日"]
        .iter()
        .position(|d| *d == day)
        .or_else(|| (day == "天").then_some(6))
        .and_then(|i| i32::try_from(i + 1).ok())
}

/// Parses the whole file. Either every row is valid, or every problem is reported.
pub fn parse(bytes: &[u8], current_year: i32) -> Result<Vec<ImportRow>, Vec<FieldError>> {
    let text = csv_safe::decode(bytes).ok_or_else(|| {
        vec![FieldError::new(
            "file",
            "invalid_encoding",
            Msg::new("field-invalid_encoding-file_neither_utf_8").arg("field", "file"),
        )]
    })?;
    if text.trim().is_empty() {
        return Err(vec![FieldError::new(
            "file",
            "empty",
            Msg::new("field-empty-file_empty_needs_header").arg("field", "file"),
        )]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| {
            vec![FieldError::new(
                "file",
                "malformed_csv",
                Msg::new("csv-header_unreadable"),
            )]
        })?
        .clone();
    // Map each header cell to its English column name.
    let mut columns: Vec<&'static str> = Vec::new();
    let mut errors = Vec::new();
    for cell in headers.iter() {
        let cell = cell.trim();
        match COLUMNS
            .iter()
            .find(|(en, zh)| en.eq_ignore_ascii_case(cell) || *zh == cell)
        {
            Some((en, _)) if columns.contains(en) => {
                errors.push(row_error(
                    1,
                    en,
                    "duplicate",
                    Msg::new("csv-column_twice").arg("column", cell),
                ));
            }
            Some((en, _)) => columns.push(en),
            None => errors.push(row_error(
                1,
                cell,
                "unknown_column",
                Msg::new("csv-unknown_column").arg("column", cell),
            )),
        }
    }
    for required in REQUIRED {
        if !columns.contains(&required) {
            errors.push(row_error(
                1,
                required,
                "required",
                Msg::new("csv-column_missing").arg("column", required),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut rows = Vec::new();
    let mut logins: Vec<(String, u64)> = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(row_error(
                    line,
                    "row",
                    "malformed_csv",
                    Msg::new("csv-row_unreadable"),
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // Cells are text like any other: NFC, and no hidden or control characters (line
        // breaks only in the bio).
        let record: csv::StringRecord = record.iter().map(|c| text::nfc(c).into_owned()).collect();
        let mut refused = false;
        for (column, cell) in columns.iter().zip(record.iter()) {
            if let Err(e) = text::check(column, cell, *column == "bio") {
                errors.push(row_error(line, column, &e.code, e.message));
                refused = true;
            }
        }
        if refused {
            continue;
        }
        let cells = Cells {
            record: &record,
            columns: &columns,
        };
        match parse_row(line, &cells, current_year) {
            Ok(row) => {
                if let Some((_, first)) = logins.iter().find(|(l, _)| *l == row.login) {
                    errors.push(row_error(
                        line,
                        "login",
                        "duplicate",
                        Msg::new("csv-login_twice").arg("line", first),
                    ));
                } else {
                    logins.push((row.login.clone(), line));
                    rows.push(row);
                }
            }
            Err(row_errors) => errors.extend(row_errors),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "file",
            "empty",
            Msg::new("field-empty-file_has_no_data").arg("field", "file"),
        ));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// The cells of one record, by English column name; missing columns read as empty.
struct Cells<'a> {
    record: &'a csv::StringRecord,
    columns: &'a [&'static str],
}

impl Cells<'_> {
    fn get(&self, name: &str) -> &str {
        self.columns
            .iter()
            .position(|c| *c == name)
            .and_then(|i| self.record.get(i))
            .map_or("", |cell| csv_safe::restore(cell).trim())
    }

    fn optional(&self, name: &str) -> Option<&str> {
        Some(self.get(name)).filter(|v| !v.is_empty())
    }
}

/// Parses a code or Chinese label; a bad one is recorded and read as absent.
fn choice<T: std::str::FromStr>(
    errors: &mut Vec<FieldError>,
    line: u64,
    column: &str,
    raw: &str,
    allowed: String,
) -> Option<T> {
    raw.parse()
        .map_err(|_| {
            errors.push(row_error(
                line,
                column,
                "invalid_choice",
                Msg::new("csv-not_one_of")
                    .arg("value", raw)
                    .arg("allowed", &allowed),
            ))
        })
        .ok()
}

fn parse_row(
    line: u64,
    cells: &Cells<'_>,
    current_year: i32,
) -> Result<ImportRow, Vec<FieldError>> {
    let mut errors = Vec::new();
    let e = &mut errors;
    let gender: Option<Gender> = cells
        .optional("gender")
        .and_then(|g| choice(e, line, "gender", g, Gender::codes()));
    let category: Option<Category> = choice(
        e,
        line,
        "category",
        cells.get("category"),
        Category::codes(),
    );
    let status: Option<ExpertStatus> = cells
        .optional("status")
        .and_then(|v| choice(e, line, "status", v, ExpertStatus::codes()));
    let modes: Vec<Mode> = split_list(cells.get("modes"))
        .iter()
        .filter_map(|m| choice(e, line, "modes", m, Mode::codes()))
        .collect();
    let primary_team = match team_code(cells.get("primary_team")) {
        Some(code) => code.to_owned(),
        None => {
            errors.push(row_error(
                line,
                "primary_team",
                "invalid_choice",
                Msg::new("csv-not_a_team").arg("value", cells.get("primary_team")),
            ));
            String::new()
        }
    };
    let mut extra_teams = Vec::new();
    for team in split_list(cells.get("extra_teams")) {
        match team_code(&team) {
            Some(code) => extra_teams.push(code.to_owned()),
            None => errors.push(row_error(
                line,
                "extra_teams",
                "invalid_choice",
                Msg::new("csv-not_a_team").arg("value", team),
            )),
        }
    }
    let mut number = |column: &str, default: Option<i32>| -> Option<i32> {
        let raw = cells.get(column);
        if raw.is_empty() {
            return default;
        }
        raw.parse()
            .map_err(|_| {
                errors.push(row_error(
                    line,
                    column,
                    "invalid_type",
                    Msg::new("csv-not_a_number").arg("value", raw),
                ))
            })
            .ok()
    };
    let birth_year = number("birth_year", None);
    let max_per_week =
        number("max_per_week", Some(DEFAULT_MAX_PER_WEEK)).unwrap_or(DEFAULT_MAX_PER_WEEK);
    let max_per_month =
        number("max_per_month", Some(DEFAULT_MAX_PER_MONTH)).unwrap_or(DEFAULT_MAX_PER_MONTH);
    let mut rest_weekdays = Vec::new();
    for day in split_list(cells.get("rest_weekdays")) {
        match weekday(&day) {
            Some(d) => rest_weekdays.push(d),
            None => errors.push(row_error(
                line,
                "rest_weekdays",
                "invalid_format",
                Msg::new("csv-not_a_weekday").arg("value", day),
            )),
        }
    }
    let login = validate::login("login", cells.get("login"))
        .map_err(|e| errors.push(row_error(line, "login", &e.code, e.message)))
        .ok();
    let phone = validate::phone("phone", cells.optional("phone"))
        .map_err(|e| errors.push(row_error(line, "phone", &e.code, e.message)))
        .ok();
    let email = validate::email("email", cells.optional("email"))
        .map_err(|e| errors.push(row_error(line, "email", &e.code, e.message)))
        .ok();
    let Some(category) = category else {
        return Err(errors);
    };
    let profile = Profile {
        name: cells.get("name").to_owned(),
        gender,
        birth_year,
        category,
        former_post: cells.optional("former_post").map(str::to_owned),
        former_org: cells.optional("former_org").map(str::to_owned),
        specialties: split_list(cells.get("specialties")),
        bio: cells.get("bio").to_owned(),
        districts: split_list(cells.get("districts")),
        modes,
        max_per_week,
        max_per_month,
        rest_weekdays,
        primary_team,
        extra_teams,
    };
    let profile = profile
        .normalized(current_year)
        .map_err(|es| {
            for e in es {
                if !errors
                    .iter()
                    .any(|x| x.field == format!("rows[{line}].{}", e.field))
                {
                    errors.push(row_error(line, &e.field, &e.code, e.message));
                }
            }
        })
        .ok();
    match (login, phone, email, profile, errors.is_empty()) {
        (Some(login), Some(phone), Some(email), Some(profile), true) => Ok(ImportRow {
            line,
            login,
            profile,
            phone,
            email,
            status,
        }),
        _ => Err(errors),
    }
}

/// One expert as an export row, in [`COLUMNS`] order.
pub struct ExportRow<'a> {
    pub login: &'a str,
    pub profile: &'a Profile,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub status: ExpertStatus,
}

/// Writes the roster with the English header; lists joined by `;`.
pub fn write(rows: &[ExportRow<'_>]) -> Result<Vec<u8>, csv::Error> {
    let header: Vec<&str> = COLUMNS.iter().map(|(en, _)| *en).collect();
    let join = |values: &[String]| values.join(";");
    let records = rows.iter().map(|row| {
        let p = row.profile;
        [
            row.login.to_owned(),
            p.name.clone(),
            p.gender.map(|g| g.as_str().to_owned()).unwrap_or_default(),
            p.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            p.category.as_str().to_owned(),
            p.former_post.clone().unwrap_or_default(),
            p.former_org.clone().unwrap_or_default(),
            join(&p.specialties),
            p.bio.clone(),
            join(&p.districts),
            p.modes
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(";"),
            p.max_per_week.to_string(),
            p.max_per_month.to_string(),
            p.rest_weekdays
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(";"),
            p.primary_team.clone(),
            join(&p.extra_teams),
            row.phone.unwrap_or_default().to_owned(),
            row.email.unwrap_or_default().to_owned(),
            row.status.as_str().to_owned(),
        ]
    });
    csv_safe::write(&header, records)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHINESE: &str = "\u{feff}登录名,姓名,性别,出生年份,五老类别,专长,服务区域,授课方式,休息日,主分团,其他分团,电话\n\
        wang.xl,王秀兰,女,1952,老教师,亲子沟通、家庭教育,鼓楼区;台江区,线上;线下,周六、7,家庭教育,阅读辅导,13800000001\n";

    #[test]
    fn an_empty_file_is_empty_not_four_missing_columns() {
        for empty in ["", "\u{feff}", "  \r\n"] {
            let errors = parse(empty.as_bytes(), 2026).unwrap_err();
            assert_eq!(errors.len(), 1, "{empty:?}");
            assert_eq!(errors[0].code, "empty");
        }
    }

    #[test]
    fn a_chinese_file_with_bom_parses() {
        let rows = parse(CHINESE.as_bytes(), 2026).unwrap();
        let row = &rows[0];
        assert_eq!(row.line, 2);
        assert_eq!(row.login, "wang.xl");
        assert_eq!(row.profile.category, Category::VeteranTeacher);
        assert_eq!(row.profile.specialties, ["亲子沟通", "家庭教育"]);
        assert_eq!(row.profile.districts, ["鼓楼区", "台江区"]);
        assert_eq!(row.profile.modes, [Mode::Online, Mode::Offline]);
        assert_eq!(row.profile.rest_weekdays, [6, 7]);
        assert_eq!(row.profile.primary_team, "family_education");
        assert_eq!(row.profile.extra_teams, ["reading"]);
        assert_eq!(row.status, None);
        assert_eq!(row.profile.max_per_week, 3);
    }

    #[test]
    fn every_bad_cell_is_reported_with_line_and_column() {
        let file = "login,name,category,primary_team,modes\n\
                    ok.one,甲,老干部,reading,online\n\
                    x,乙,宇航员,天文,飞行\n\
                    ok.one,丙,老战士,ideology,\n";
        let errors = parse(file.as_bytes(), 2026).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"rows[3].category"), "{fields:?}");
        assert!(fields.contains(&"rows[3].primary_team"), "{fields:?}");
        assert!(fields.contains(&"rows[3].modes"), "{fields:?}");
        assert!(fields.contains(&"rows[4].login"), "{fields:?}");
    }

    #[test]
    fn headers_are_checked_first() {
        let errors = parse("login,name,favourite_colour\n".as_bytes(), 2026).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "rows[1].favourite_colour",
                "rows[1].category",
                "rows[1].primary_team"
            ]
        );
    }

    #[test]
    fn export_writes_what_import_reads() {
        let rows = parse(CHINESE.as_bytes(), 2026).unwrap();
        let export: Vec<ExportRow<'_>> = rows
            .iter()
            .map(|r| ExportRow {
                login: &r.login,
                profile: &r.profile,
                phone: r.phone.as_deref(),
                email: r.email.as_deref(),
                status: r.status.unwrap_or(ExpertStatus::Active),
            })
            .collect();
        let bytes = write(&export).unwrap();
        let again = parse(&bytes, 2026).unwrap();
        assert_eq!(again[0].profile, rows[0].profile);
        assert_eq!(again[0].phone, rows[0].phone);
    }
}
