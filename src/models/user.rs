//! `users`: login accounts of every role.

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::Time;
use crate::db::schema::{refresh_tokens, users};
use crate::domain::role::Role;
use crate::models::{Keyset, contains_pattern};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: String,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub active: bool,
    pub token_version: i32,
    pub version: i32,
    #[diesel(deserialize_as = Time)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = Time)]
    pub updated_at: NaiveDateTime,
    /// The school a `school` account belongs to.
    pub school_id: Option<String>,
}

/// What an expert's full profile shows of their account: never the password hash or the
/// token state, which a list has no business reading.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct AccountContact {
    pub login: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: String,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub active: bool,
    pub token_version: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub school_id: Option<String>,
}

impl NewUser {
    /// A new active account with a fresh id, no password yet (so it must set one), no
    /// contact details and no school; set the other fields with struct update syntax.
    pub fn new(login: &str, display_name: &str, role: Role, now: NaiveDateTime) -> Self {
        Self {
            id: crate::db::new_id(),
            login: login.to_owned(),
            display_name: display_name.to_owned(),
            email: None,
            phone: None,
            role: role.as_str().to_owned(),
            password_hash: None,
            must_change_password: true,
            active: true,
            token_version: 1,
            version: 1,
            created_at: now,
            updated_at: now,
            school_id: None,
        }
    }
}

/// An admin's edit. `None` leaves a field alone; `Some(None)` clears an optional one.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub active: Option<bool>,
}

#[derive(Debug, Default)]
pub struct UserFilter {
    pub role: Option<String>,
    pub active: Option<bool>,
    /// Case-insensitive substring of login or display name.
    pub q: Option<String>,
}

impl User {
    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<User>> {
        crate::on_backend!(conn, |c| users::table
            .find(id)
            .select(User::as_select())
            .first(c)
            .optional())
    }

    /// The per-request read behind every authenticated call: the user, and whether the login
    /// family the access token belongs to has ended (one of its refresh tokens revoked), in
    /// one query.
    pub fn find_for_session(
        conn: &mut DbConnection,
        id: &str,
        family: Option<&str>,
    ) -> QueryResult<Option<(User, bool)>> {
        let Some(family) = family else {
            return Ok(Self::find(conn, id)?.map(|user| (user, false)));
        };
        let ended = refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family.to_owned()))
            .filter(refresh_tokens::revoked_at.is_not_null());
        crate::on_backend!(conn, |c| users::table
            .find(id)
            .select((User::as_select(), diesel::dsl::exists(ended)))
            .first(c)
            .optional())
    }

    /// Every active admin account (the office), oldest first.
    pub fn active_admins(conn: &mut DbConnection) -> QueryResult<Vec<User>> {
        crate::on_backend!(conn, |c| users::table
            .filter(users::role.eq(Role::Admin.as_str()))
            .filter(users::active.eq(true))
            .order((users::created_at.asc(), users::id.asc()))
            .select(User::as_select())
            .load(c))
    }

    /// The active accounts of a school.
    pub fn of_school(conn: &mut DbConnection, school_id: &str) -> QueryResult<Vec<User>> {
        crate::on_backend!(conn, |c| users::table
            .filter(users::school_id.eq(school_id))
            .filter(users::active.eq(true))
            .order(users::created_at.asc())
            .select(User::as_select())
            .load(c))
    }

    pub fn find_by_login(conn: &mut DbConnection, login: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(users::login.eq(login))
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    pub fn login_exists(conn: &mut DbConnection, login: &str) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            users::table.filter(users::login.eq(login)),
        ))
        .get_result_on(conn)
    }

    pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
        users::table.count().get_result_on(conn)
    }

    pub fn insert(conn: &mut DbConnection, new: &NewUser) -> QueryResult<()> {
        diesel::insert_into(users::table)
            .values(new)
            .execute_on(conn)?;
        Ok(())
    }

    /// Users in creation order, oldest first, after `after`.
    pub fn list(
        conn: &mut DbConnection,
        filter: &UserFilter,
        after: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<User>> {
        let mut query = users::table.select(User::as_select()).into_boxed();
        if let Some(role) = &filter.role {
            query = query.filter(users::role.eq(role.clone()));
        }
        if let Some(active) = filter.active {
            query = query.filter(users::active.eq(active));
        }
        if let Some(q) = &filter.q {
            // Logins are stored lowercase; display names are matched through lower() on
            // both backends, so the search behaves the same on SQLite and PostgreSQL.
            let pattern = contains_pattern(&q.to_lowercase());
            query = query.filter(
                users::login
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(users::display_name).like(pattern).escape('\\')),
            );
        }
        if let Some(k) = after {
            keyset_after!(query, k, users::created_at, users::id);
        }
        query
            .order((users::created_at.asc(), users::id.asc()))
            .limit(limit)
            .load(conn)
    }

    /// Applies an edit if the row is still at `expected_version`; returns false when stale.
    pub fn update(
        conn: &mut DbConnection,
        id: &str,
        expected_version: i32,
        changes: &UserChanges,
        now: NaiveDateTime,
        bump_token_version: bool,
    ) -> QueryResult<bool> {
        let target = users::table
            .filter(users::id.eq(id))
            .filter(users::version.eq(expected_version));
        let bump = i32::from(bump_token_version);
        let updated = diesel::update(target)
            .set((
                changes,
                users::version.eq(users::version + 1),
                users::token_version.eq(users::token_version + bump),
                users::updated_at.eq(now),
            ))
            .execute_on(conn)?;
        Ok(updated == 1)
    }

    /// Turns the login on or off (a membership step does this: exit and readmission).
    /// Turning it off cuts off every access token issued before. False when it already was.
    pub fn set_active(
        conn: &mut DbConnection,
        id: &str,
        active: bool,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let bump = i32::from(!active);
        let updated = diesel::update(
            users::table
                .filter(users::id.eq(id))
                .filter(users::active.ne(active)),
        )
        .set((
            users::active.eq(active),
            users::version.eq(users::version + 1),
            users::token_version.eq(users::token_version + bump),
            users::updated_at.eq(now),
        ))
        .execute_on(conn)?;
        Ok(updated == 1)
    }

    /// Stores a new password chosen by the user and cuts off every token issued before.
    pub fn set_password(
        conn: &mut DbConnection,
        id: &str,
        password_hash: &str,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(password_hash),
                users::must_change_password.eq(false),
                users::token_version.eq(users::token_version + 1),
                users::version.eq(users::version + 1),
                users::updated_at.eq(now),
            ))
            .execute_on(conn)?;
        Ok(())
    }
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// Creates an admin who needs no password change (the operator chose the password).
/// Returns `None` when the login is taken.
pub fn create_admin(
    conn: &mut DbConnection,
    login: &str,
    display_name: &str,
    password_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    crate::db::transaction(conn, |conn| {
        if User::login_exists(conn, login)? {
            return Ok(None);
        }
        let new = NewUser {
            password_hash: Some(password_hash.to_owned()),
            must_change_password: false,
            ..NewUser::new(login, display_name, Role::Admin, now)
        };
        let id = new.id.clone();
        User::insert(conn, &new)?;
        crate::audit::AuditContext::system(now).record(
            conn,
            "user.created",
            "user",
            Some(&id),
            serde_json::json!({ "login": login, "role": "admin", "via": "cli" }),
        )?;
        Ok(Some(id))
    })
}

impl User {
    /// Sets or clears contact details (an expert edits their own through their profile).
    pub fn set_contact(
        conn: &mut DbConnection,
        id: &str,
        email: Option<Option<String>>,
        phone: Option<Option<String>>,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        let changes = UserChanges {
            email,
            phone,
            ..UserChanges::default()
        };
        if changes.email.is_none() && changes.phone.is_none() {
            return Ok(());
        }
        diesel::update(users::table.find(id))
            .set((
                &changes,
                users::version.eq(users::version + 1),
                users::updated_at.eq(now),
            ))
            .execute_on(conn)?;
        Ok(())
    }
}

/// Brings every stored login name into the form logins are compared in (NFKC, lower case:
/// `ＡＤＭＩＮ` is `admin`), in one transaction. When two accounts would end up with the
/// same name nothing is changed and the error lists every such group, for the office to
/// rename one of each by hand. Returns how many names changed.
pub fn normalize_logins(conn: &mut DbConnection) -> Result<usize, crate::db::MigrationError> {
    use std::collections::BTreeMap;
    let outcome = crate::db::transaction(conn, |conn| {
        let logins: Vec<(String, String)> = users::table
            .select((users::id, users::login))
            .load_on(conn)?;
        let mut by_form: BTreeMap<String, Vec<&(String, String)>> = BTreeMap::new();
        for row in &logins {
            by_form
                .entry(crate::domain::text::login_form(&row.1))
                .or_default()
                .push(row);
        }
        let collisions: Vec<String> = by_form
            .iter()
            .filter(|(_, rows)| rows.len() > 1)
            .map(|(form, rows)| {
                let names: Vec<String> = rows.iter().map(|(_, l)| format!("`{l}`")).collect();
                format!("{} would all be `{form}`", names.join(", "))
            })
            .collect();
        if !collisions.is_empty() {
            return Ok(Err(LoginCollisions(collisions)));
        }
        let mut renamed = 0;
        for (form, rows) in &by_form {
            for (id, login) in rows {
                if login != form {
                    diesel::update(users::table.find(id))
                        .set(users::login.eq(form))
                        .execute_on(conn)?;
                    renamed += 1;
                }
            }
        }
        Ok::<_, diesel::result::Error>(Ok(renamed))
    })?;
    Ok(outcome?)
}

/// Login names that would collide once normalized: start-up stops and names them.
#[derive(Debug, thiserror::Error)]
#[error(
    "stored login names collide once normalized (NFKC, lower case); rename one of each \
     and start again: {}",
    .0.join("; ")
)]
pub struct LoginCollisions(pub Vec<String>);
