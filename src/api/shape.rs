//! A request body held against its schema in the OpenAPI document before it is read, so that
//! every problem of its shape is answered at once — each missing field, each unknown field,
//! each value of the wrong type, each choice not among the allowed values, each time that is
//! not a time — rather than the first one serde meets. The rules beyond the shape (lengths,
//! patterns, values against stored data) stay with the code that reads the body.

use std::sync::LazyLock;

use serde_json::Value;
use utoipa::OpenApi as _;

use crate::error::FieldError;
use crate::i18n::Msg;

/// The document's schemas (`components.schemas`), as JSON Schema.
static SCHEMAS: LazyLock<Value> = LazyLock::new(|| {
    serde_json::to_value(super::ApiDoc::openapi())
        .ok()
        .and_then(|doc| doc.pointer("/components/schemas").cloned())
        .unwrap_or(Value::Null)
});

/// Every problem of `body`'s shape against the schema named `name`; none when the document
/// has no such schema (the reader then has the only word).
pub fn problems(name: &str, body: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(schema) = SCHEMAS.get(name) {
        check(schema, body, "", &mut errors);
    }
    errors
}

fn resolve(schema: &Value) -> &Value {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => SCHEMAS.get(name).unwrap_or(&Value::Null),
        None => schema,
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn check(schema: &Value, value: &Value, path: &str, errors: &mut Vec<FieldError>) {
    let schema = resolve(schema);
    if let Some(alternatives) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        // The first alternative that fits; else the problems of the last one that is not
        // `null` (an optional value's own schema).
        let mut last = Vec::new();
        for alternative in alternatives {
            let mut found = Vec::new();
            check(alternative, value, path, &mut found);
            if found.is_empty() {
                return;
            }
            if resolve(alternative).get("type") != Some(&Value::from("null")) {
                last = found;
            }
        }
        errors.extend(last);
        return;
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for part in all {
            check(part, value, path, errors);
        }
    }
    let field = if path.is_empty() { "body" } else { path };
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if value.is_null() && !types.is_empty() && !types.contains(&"null") {
        // A field that may be left out but not cleared.
        let msg = Msg::new("field-required").arg("field", field);
        errors.push(FieldError::new(field, "required", msg));
        return;
    }
    if !types.is_empty() && !types.iter().any(|t| fits(t, value)) {
        let expected = types
            .iter()
            .find(|t| **t != "null")
            .copied()
            .unwrap_or("null");
        let msg = Msg::new("field-invalid_type").arg("field", field).arg(
            "expected",
            Msg::new(type_key(expected)).text(crate::i18n::current()),
        );
        errors.push(FieldError::new(field, "invalid_type", msg));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !value.is_null()
        && !allowed.contains(value)
    {
        let names: Vec<String> = allowed
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        let msg = Msg::new("field-invalid_choice")
            .arg("field", field)
            .arg("allowed", names.join(", "));
        errors.push(FieldError::new(field, "invalid_choice", msg));
        return;
    }
    match value {
        Value::String(text)
            if schema.get("format") == Some(&Value::from("date-time"))
                && crate::time::parse_rfc3339(text).is_none() =>
        {
            let msg = Msg::new("field-invalid_datetime").arg("field", field);
            errors.push(FieldError::new(field, "invalid_datetime", msg));
        }
        Value::String(text)
            if schema.get("format") == Some(&Value::from("date"))
                && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() =>
        {
            let msg = Msg::new("field-invalid_date").arg("field", field);
            errors.push(FieldError::new(field, "invalid_date", msg));
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, element) in items.iter().enumerate() {
                    check(item, element, &format!("{field}[{i}]"), errors);
                }
            }
        }
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for name in required.iter().filter_map(Value::as_str) {
                    if !map.contains_key(name) {
                        let at = join(path, name);
                        let msg = Msg::new("field-required").arg("field", &at);
                        errors.push(FieldError::new(at, "required", msg));
                    }
                }
            }
            let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
            for (name, element) in map {
                let at = join(path, name);
                match properties.and_then(|p| p.get(name)) {
                    Some(property) => check(property, element, &at, errors),
                    None if closed => {
                        let msg = Msg::new("field-unknown_field").arg("field", &at);
                        errors.push(FieldError::new(at, "unknown_field", msg));
                    }
                    None => {}
                }
            }
        }
        _ => {}
    }
}

/// Whether `value` is of the JSON Schema type `t` (an integer written `37.0` is one, as the
/// readers take it).
fn fits(t: &str, value: &Value) -> bool {
    match t {
        "null" => value.is_null(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "number" => value.is_number(),
        "integer" => value.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => true,
    }
}

fn type_key(t: &str) -> &'static str {
    match t {
        "integer" => "type-integer",
        "number" => "type-number",
        "boolean" => "type-boolean",
        "array" => "type-array",
        "object" => "type-object",
        _ => "type-string",
    }
}
