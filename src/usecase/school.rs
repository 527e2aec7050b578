//! Schools (学校): registering them and keeping their details.

use crate::i18n::Msg;
use serde_json::json;

use crate::domain::roster::SchoolType;
use crate::error::{ApiError, ApiResult};
use crate::models::school::{NewSchool, School, SchoolChanges, search_text};
use crate::usecase::Uow;

/// A school's details, validated.
#[derive(Debug, Clone)]
pub struct SchoolInput {
    pub name: String,
    pub school_type: SchoolType,
    pub district: String,
    pub address: String,
    pub contact_person: String,
    pub phone: Option<String>,
}

fn name_free(uow: &mut Uow<'_>, name: &str, except: Option<&str>) -> ApiResult<()> {
    if School::name_taken(uow.conn, name, except)? {
        return Err(ApiError::conflict(
            "school_name_taken",
            Msg::new("problem-school_name_taken").arg("name", name),
        ));
    }
    Ok(())
}

/// Registers a school (the office). Names are unique.
pub fn create(uow: &mut Uow<'_>, input: SchoolInput) -> ApiResult<School> {
    name_free(uow, &input.name, None)?;
    let now = uow.now();
    let new = NewSchool {
        id: crate::db::new_id(),
        search_text: search_text(&input.name, &input.district, &input.address),
        name: input.name,
        school_type: input.school_type.as_str().to_owned(),
        district: input.district,
        address: input.address,
        contact_person: input.contact_person,
        phone: input.phone,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    School::insert(uow.conn, &new)?;
    uow.record(
        "school.created",
        "school",
        Some(&new.id),
        json!({ "name": new.name }),
    )?;
    School::find(uow.conn, &new.id)?.ok_or_else(|| ApiError::internal("created school vanished"))
}

/// Applies an edit at the version the caller read (`If-Match`), or the current one. Who may
/// change which field is the caller's to check.
pub fn update(
    uow: &mut Uow<'_>,
    id: &str,
    if_match: Option<i32>,
    mut changes: SchoolChanges,
) -> ApiResult<School> {
    let current = School::find(uow.conn, id)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_school")))?;
    // Only what differs is a change; an edit that changes nothing keeps the version.
    changes.name = changes.name.filter(|v| *v != current.name);
    changes.school_type = changes.school_type.filter(|v| *v != current.school_type);
    changes.district = changes.district.filter(|v| *v != current.district);
    changes.address = changes.address.filter(|v| *v != current.address);
    changes.contact_person = changes
        .contact_person
        .filter(|v| *v != current.contact_person);
    changes.phone = changes.phone.filter(|v| *v != current.phone);
    let expected = if_match.unwrap_or(current.version);
    if changes == SchoolChanges::default() {
        if expected != current.version {
            return Err(ApiError::version_mismatch(
                "school",
                current.version,
                expected,
            ));
        }
        return Ok(current);
    }
    if let Some(name) = changes.name.clone() {
        name_free(uow, &name, Some(id))?;
    }
    changes.search_text = Some(search_text(
        changes.name.as_deref().unwrap_or(&current.name),
        changes.district.as_deref().unwrap_or(&current.district),
        changes.address.as_deref().unwrap_or(&current.address),
    ));
    let now = uow.now();
    if !School::update(uow.conn, id, expected, &changes, now)? {
        return Err(ApiError::version_mismatch(
            "school",
            current.version,
            expected,
        ));
    }
    uow.record("school.updated", "school", Some(id), json!({}))?;
    School::find(uow.conn, id)?.ok_or_else(|| ApiError::internal("updated school vanished"))
}
