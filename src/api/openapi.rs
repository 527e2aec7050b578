//! The conventions the whole OpenAPI document follows, applied by one modifier: the bearer
//! scheme, `If-Match` and `Idempotency-Key`, the error statuses every route may answer, and
//! the rules of text fields as patterns.

use utoipa::Modify;
use utoipa::openapi::RefOr;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use super::*;

/// What `If-Match` takes: a version as the `ETag` gave it (`"3"`, `W/"3"`, or `3`), or `*`.
fn if_match_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^(\\*|(W/)?\"[0-9]{1,9}\"|[0-9]{1,9})$"))
        .into()
}

/// The `Idempotency-Key` header of a creating POST.
fn idempotency_key_parameter() -> utoipa::openapi::path::Parameter {
    use utoipa::openapi::Required;
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "A key of your choosing (1-255 visible ASCII characters): a retry with the same key \
             and body replays the first answer instead of creating again (kept 24 hours). \
             See api_docs/README.md.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[\\x21-\\x7E]+$")),
        ))
        .build()
}

/// Declares on an operation every error status the service's common machinery can answer
/// for it (each with the problem body), besides those its handler documents itself:
/// 400 (unreadable request) and 503 (database busy) everywhere; 401 and 403 where a token is
/// needed; 404 where the path names an object; 409 for changes (state changed meanwhile,
/// a rule the data keeps) and `Idempotency-Key` conflicts; 412 with `If-Match`; 413, 415
/// and 422 with a body; 422 with query parameters.
fn declare_error_statuses(
    path: &str,
    method: &str,
    creates: bool,
    operation: &mut utoipa::openapi::path::Operation,
) {
    use utoipa::openapi::Ref;
    use utoipa::openapi::content::ContentBuilder;
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::response::ResponseBuilder;

    let secured = operation
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has_query = parameters
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Query);
    let has_if_match = parameters.iter().any(|p| p.name == "If-Match");
    let has_body = operation.request_body.is_some();
    let write = method != "GET";
    let statuses: [(&str, bool, &str); 10] = [
        (
            "400",
            true,
            "the request cannot be read (body, query string or header)",
        ),
        ("401", secured, "no valid access token"),
        ("403", secured, "the caller may not do this"),
        (
            "404",
            path.contains('{'),
            "no such object, or not visible to the caller",
        ),
        (
            "409",
            (write && secured) || creates,
            "conflicts with the current state",
        ),
        ("412", has_if_match, "`If-Match` names an older version"),
        ("413", has_body, "the body is too large"),
        (
            "415",
            has_body,
            "the body is not of the declared media type",
        ),
        (
            "422",
            has_body || has_query || creates,
            "invalid fields; see `errors`",
        ),
        ("503", true, "the database is busy or unreachable; retry"),
    ];
    for (status, applies, description) in statuses {
        if !applies || operation.responses.responses.contains_key(status) {
            continue;
        }
        let response = ResponseBuilder::new()
            .description(description)
            .content(
                crate::error::PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build();
        operation
            .responses
            .responses
            .insert(status.to_owned(), RefOr::T(response));
    }
}

/// Shapes the server checks for fields of these names (`domain::validate`), as patterns:
/// a phone has 5-20 digits with spaces or dashes and an optional leading `+`; an email is
/// `local@domain` with a dot inside the domain; a login has 3-64 letters, digits and
/// `.` `_` `-` `@`. Blank phone and email mean none.
fn shaped_field(schema: &str, field: &str) -> Option<String> {
    let refused = crate::domain::text::refused_class(false);
    let visible = format!("[^@\\s{refused}]");
    match field {
        "phone" => Some("^ *(?:\\+?[ -]*(?:[0-9][ -]*){5,20})? *$".to_owned()),
        "email" => Some(format!(
            "^ *(?:{visible}+@[^@\\s.{refused}]{visible}*\\.{visible}*[^@\\s.{refused}])? *$"
        )),
        // A meeting link: an http(s) address without white space; blank means none.
        "link" => Some(format!("^ *(?:https?://[^\\s{refused}]+)? *$")),
        // Only where a login is made; elsewhere any text is looked up (and simply not found).
        "login" if schema.starts_with("Create") => Some("^ *[\\w.@-]{3,64} *$".to_owned()),
        _ => None,
    }
}

/// Text fields that must not be blank (they are required and trimmed before the check);
/// an edit refuses a blank one of these rather than reading it as "none".
pub(crate) const NON_BLANK_FIELDS: [&str; 9] = [
    "display_name",
    "name",
    "district",
    "address",
    "contact_person",
    "reason",
    "title",
    "description",
    "login",
];

/// The pattern of a text field: no refused character (single-line fields also no line break
/// or tab), and, where the field must not be blank, at least one character that is not white
/// space.
fn text_pattern(multiline: bool, non_blank: bool) -> String {
    let refused = crate::domain::text::refused_class(multiline);
    if non_blank {
        format!("^[^{refused}]*[^\\s{refused}][^{refused}]*$")
    } else {
        format!("^[^{refused}]*$")
    }
}

/// Fields that may run over several lines.
const MULTILINE_FIELDS: [&str; 7] = [
    "bio",
    "description",
    "outline",
    "reason",
    "comment",
    "address",
    "note",
];

/// Declares the text rules on a request schema's string fields that have no shape of their
/// own (no enum, no format, no pattern yet), so the document says what the server refuses.
fn declare_text_rules(name: &str, schema: &mut RefOr<utoipa::openapi::schema::Schema>) {
    use utoipa::openapi::schema::Schema;
    let RefOr::T(Schema::Object(object)) = schema else {
        return;
    };
    for (field, property) in object.properties.iter_mut() {
        if crate::extract::SECRET_KEYS.contains(&field.as_str())
            && !field.ends_with("new_password")
            && field != "initial_password"
        {
            continue;
        }
        let pattern = text_pattern(
            MULTILINE_FIELDS.contains(&field.as_str()),
            NON_BLANK_FIELDS.contains(&field.as_str()),
        );
        if let (Some(shape), RefOr::T(Schema::Object(text))) =
            (shaped_field(name, field), &mut *property)
        {
            text.pattern = Some(shape);
            continue;
        }
        if field.ends_with("new_password") || field == "initial_password" {
            if let RefOr::T(Schema::Object(text)) = property {
                text.min_length = Some(crate::auth::password::MIN_LENGTH);
                text.max_length = Some(crate::auth::password::MAX_LENGTH);
            }
            continue;
        }
        match property {
            RefOr::T(Schema::Object(text)) => set_text_pattern(text, &pattern),
            RefOr::T(Schema::Array(array)) => {
                if let utoipa::openapi::schema::ArrayItems::RefOrSchema(items) = &mut array.items
                    && let RefOr::T(Schema::Object(text)) = items.as_mut()
                {
                    set_text_pattern(text, &pattern);
                }
            }
            _ => {}
        }
    }
}

fn set_text_pattern(object: &mut utoipa::openapi::schema::Object, pattern: &str) {
    use utoipa::openapi::schema::{SchemaType, Type};
    let is_text = match &object.schema_type {
        SchemaType::Type(Type::String) => true,
        SchemaType::Array(types) => types.contains(&Type::String),
        _ => false,
    };
    if is_text
        && object.enum_values.is_none()
        && object.format.is_none()
        && object.pattern.is_none()
    {
        object.pattern = Some(pattern.to_owned());
    }
}

/// Adds the bearer scheme, and declares error bodies as `application/problem+json`.
pub(super) struct ApiConventions;

impl Modify for ApiConventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let creates = ROUTES.iter().any(|r| r.creates && r.path == path.as_str());
            if creates && let Some(post) = item.post.as_mut() {
                post.parameters
                    .get_or_insert_with(Vec::new)
                    .push(idempotency_key_parameter());
            }
            let operations = [
                ("GET", &mut item.get),
                ("PUT", &mut item.put),
                ("POST", &mut item.post),
                ("DELETE", &mut item.delete),
                ("PATCH", &mut item.patch),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation.as_mut() else {
                    continue;
                };
                declare_error_statuses(path, method, creates && method == "POST", operation);
                for parameter in operation.parameters.iter_mut().flatten() {
                    if parameter.name == "If-Match" {
                        parameter.schema = Some(RefOr::T(if_match_schema()));
                    }
                }
                for (status, response) in operation.responses.responses.iter_mut() {
                    let is_error = status.starts_with('4') || status.starts_with('5');
                    if let (true, RefOr::T(response)) = (is_error, response)
                        && let Some(content) = response.content.shift_remove("application/json")
                    {
                        response
                            .content
                            .insert(crate::error::PROBLEM_JSON.to_owned(), content);
                    }
                }
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, schema) in components.schemas.iter_mut() {
            if name.ends_with("Request") {
                declare_text_rules(name, schema);
            }
        }
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
