//! Every error code the code can produce is documented in api_docs/errors.md.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// String literals right after the given markers, e.g. `ApiError::conflict("login_taken"`.
fn codes_after(source: &str, marker: &str) -> Vec<String> {
    source
        .match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = source[i + marker.len()..].trim_start();
            let rest = rest.strip_prefix('"')?;
            let end = rest.find('"')?;
            let code = &rest[..end];
            code.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_')
                .then(|| code.to_owned())
        })
        .collect()
}

#[test]
fn every_error_code_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("api_docs/errors.md")).unwrap();
    let mut sources = Vec::new();
    rust_files(&root.join("src"), &mut sources);
    // The places an ApiError gets its code: the constructors that take one, and the
    // variants built as struct literals (`code: "database_busy"`).
    let markers = [
        "bad_request(",
        "unauthorized(",
        "forbidden(",
        "conflict(",
        "code: ",
    ];
    let mut codes: Vec<String> = sources
        .iter()
        .flat_map(|source| {
            markers
                .iter()
                .flat_map(move |marker| codes_after(source, marker))
        })
        .collect();
    // Codes that ApiError derives from its variant rather than taking as an argument.
    codes.extend(
        [
            "not_found",
            "method_not_allowed",
            "payload_too_large",
            "unsupported_media_type",
            "validation_failed",
            "rate_limited",
            "internal_error",
        ]
        .map(str::to_owned),
    );
    codes.sort();
    codes.dedup();
    assert!(codes.len() > 20, "found only {codes:?}");
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !docs.contains(&format!("| `{c}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "api_docs/errors.md lacks these codes: {missing:?}"
    );
}

/// The argument at `index` (from 0) of each call that starts right after `marker`, when it
/// is a string literal of a code (`invalid(field, "in_the_past", …)` gives `in_the_past`).
fn arguments_after(source: &str, marker: &str, index: usize) -> Vec<String> {
    source
        .match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = &source[i + marker.len()..];
            let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
            let mut args = vec![String::new()];
            for c in rest.chars() {
                if in_string {
                    in_string = c != '"' || escaped;
                    escaped = c == '\\' && !escaped;
                } else if c == '"' {
                    in_string = true;
                } else if matches!(c, '(' | '[' | '{') {
                    depth += 1;
                } else if matches!(c, ')' | ']' | '}') {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                } else if c == ',' && depth == 0 {
                    args.push(String::new());
                    continue;
                }
                if let Some(arg) = args.last_mut() {
                    arg.push(c);
                }
            }
            let code = args
                .get(index)?
                .trim()
                .strip_prefix('"')?
                .strip_suffix('"')?;
            (!code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                .then(|| code.to_owned())
        })
        .collect()
}

#[test]
fn every_field_code_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("api_docs/errors.md")).unwrap();
    let table = docs
        .split("## Field codes")
        .nth(1)
        .expect("errors.md has a section of field codes");
    let mut sources = Vec::new();
    rust_files(&root.join("src"), &mut sources);
    // Where a field error gets its code: `FieldError::new(field, code, …)`, the
    // `invalid(field, code, …)` helpers, and a slot's problem (`problem(code, key)`).
    let mut codes: Vec<String> = sources
        .iter()
        .filter(|source| !source.starts_with("//! Settings from the environment"))
        .flat_map(|source| {
            let mut found = arguments_after(source, "FieldError::new(", 1);
            found.extend(arguments_after(source, "invalid(", 1));
            found.extend(arguments_after(source, "Some((", 0));
            found.extend(arguments_after(source, "problem(", 0));
            found
        })
        .collect();
    // Codes the JSON extractor derives from serde's complaint rather than taking as an
    // argument.
    codes.extend(
        [
            "required",
            "unknown_field",
            "invalid_type",
            "invalid_choice",
            "invalid_datetime",
        ]
        .map(str::to_owned),
    );
    codes.sort();
    codes.dedup();
    for expected in [
        "in_the_past",
        "too_soon",
        "blackout",
        "mismatch",
        "not_yours",
    ] {
        assert!(codes.iter().any(|c| c == expected), "found only {codes:?}");
    }
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| {
            !table.contains(&format!("| `{c}` |"))
                && !table.contains(&format!("`{c}` /"))
                && !table.contains(&format!("/ `{c}`"))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "the field codes of api_docs/errors.md lack: {missing:?}"
    );
}

/// The keys a catalog defines (`key = …` at the start of a line).
fn catalog_keys(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
        .collect()
}

#[test]
fn every_message_the_code_names_is_in_both_catalogs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    rust_files(&root.join("src"), &mut sources);
    // Every string literal that names a catalog message (`"problem-…"`, `"field-…"`,
    // `"type-…"`), wherever it is built.
    let mut used: Vec<String> = sources
        .iter()
        .flat_map(|source| {
            source.split('"').skip(1).step_by(2).filter_map(|literal| {
                let named = ["problem-", "field-", "type-", "csv-", "answer-", "suggest-"]
                    .iter()
                    .any(|p| literal.starts_with(p))
                    && literal
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-');
                named.then(|| literal.to_owned())
            })
        })
        .collect();
    used.sort();
    used.dedup();
    assert!(used.len() > 20, "found only {used:?}");
    for catalog in ["src/i18n/zh-CN.ftl", "src/i18n/en.ftl"] {
        let keys = catalog_keys(&std::fs::read_to_string(root.join(catalog)).unwrap());
        let missing: Vec<&String> = used.iter().filter(|k| !keys.contains(k)).collect();
        assert!(missing.is_empty(), "{catalog} lacks {missing:?}");
    }
}
