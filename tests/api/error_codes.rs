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
