//! `schools`: schools, kindergartens and colleges that book lectures.

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::Time;
use crate::db::schema::schools;
use crate::models::{Keyset, contains_pattern};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = schools)]
pub struct School {
    pub id: String,
    pub name: String,
    pub school_type: String,
    pub district: String,
    pub address: String,
    pub contact_person: String,
    pub phone: Option<String>,
    pub version: i32,
    #[diesel(deserialize_as = Time)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = Time)]
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = schools)]
pub struct NewSchool {
    pub id: String,
    pub name: String,
    pub school_type: String,
    pub district: String,
    pub address: String,
    pub contact_person: String,
    pub phone: Option<String>,
    pub search_text: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = schools)]
pub struct SchoolChanges {
    pub name: Option<String>,
    pub school_type: Option<String>,
    pub district: Option<String>,
    pub address: Option<String>,
    pub contact_person: Option<String>,
    pub phone: Option<Option<String>>,
    pub search_text: Option<String>,
}

#[derive(Debug, Default)]
pub struct SchoolFilter {
    pub school_type: Option<String>,
    pub district: Option<String>,
    /// Lower-cased substring of the name, district or address.
    pub q: Option<String>,
}

/// What `q` searches, lower-cased in Rust so SQLite and PostgreSQL match alike.
pub fn search_text(name: &str, district: &str, address: &str) -> String {
    format!("{name}\n{district}\n{address}").to_lowercase()
}

impl School {
    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<School>> {
        crate::on_backend!(conn, |c| schools::table
            .find(id)
            .select(School::as_select())
            .first(c)
            .optional())
    }

    pub fn name_taken(
        conn: &mut DbConnection,
        name: &str,
        except: Option<&str>,
    ) -> QueryResult<bool> {
        let mut query = schools::table.filter(schools::name.eq(name)).into_boxed();
        if let Some(id) = except {
            query = query.filter(schools::id.ne(id.to_owned()));
        }
        Ok(query.count().get_result::<i64>(conn)? > 0)
    }

    pub fn insert(conn: &mut DbConnection, new: &NewSchool) -> QueryResult<()> {
        diesel::insert_into(schools::table)
            .values(new)
            .execute_on(conn)?;
        Ok(())
    }

    pub fn update(
        conn: &mut DbConnection,
        id: &str,
        expected_version: i32,
        changes: &SchoolChanges,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            schools::table
                .filter(schools::id.eq(id))
                .filter(schools::version.eq(expected_version)),
        )
        .set((
            changes,
            schools::version.eq(schools::version + 1),
            schools::updated_at.eq(now),
        ))
        .execute_on(conn)?;
        Ok(updated == 1)
    }

    pub fn list(
        conn: &mut DbConnection,
        filter: &SchoolFilter,
        after: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<School>> {
        let mut query = schools::table.select(School::as_select()).into_boxed();
        if let Some(t) = &filter.school_type {
            query = query.filter(schools::school_type.eq(t.clone()));
        }
        if let Some(d) = &filter.district {
            query = query.filter(schools::district.eq(d.clone()));
        }
        if let Some(q) = &filter.q {
            let pattern = contains_pattern(q);
            query = query.filter(schools::search_text.like(pattern).escape('\\'));
        }
        if let Some(k) = after {
            keyset_after!(query, k, schools::created_at, schools::id);
        }
        query
            .order((schools::created_at.asc(), schools::id.asc()))
            .limit(limit)
            .load(conn)
    }
}
