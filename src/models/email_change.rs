//! `email_changes`: an email address asked for by its owner, waiting for the owner to
//! confirm it through a one-time link mailed to that address (stored only as a hash).

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::email_changes;
use crate::db::{MaybeTime, Time};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = email_changes)]
pub struct EmailChange {
    pub id: String,
    pub user_id: String,
    pub new_email: String,
    pub token_hash: String,
    #[diesel(deserialize_as = Time)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = Time)]
    pub expires_at: NaiveDateTime,
    #[diesel(deserialize_as = MaybeTime)]
    pub confirmed_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = MaybeTime)]
    pub ended_at: Option<NaiveDateTime>,
}

impl EmailChange {
    /// Still waiting for its confirmation at `now`.
    pub fn is_open(&self, now: NaiveDateTime) -> bool {
        self.confirmed_at.is_none() && self.ended_at.is_none() && self.expires_at > now
    }

    pub fn insert(conn: &mut DbConnection, row: &EmailChange) -> QueryResult<()> {
        diesel::insert_into(email_changes::table)
            .values(row)
            .execute_on(conn)?;
        Ok(())
    }

    /// Ends every open request of `user_id` (a newer one, or a direct change, replaces them).
    pub fn end_open(
        conn: &mut DbConnection,
        user_id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(
            email_changes::table
                .filter(email_changes::user_id.eq(user_id))
                .filter(email_changes::confirmed_at.is_null())
                .filter(email_changes::ended_at.is_null()),
        )
        .set(email_changes::ended_at.eq(now))
        .execute_on(conn)
    }

    pub fn find_by_hash(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<EmailChange>> {
        email_changes::table
            .filter(email_changes::token_hash.eq(hash))
            .select(EmailChange::as_select())
            .first(conn)
            .optional()
    }

    /// The open request of `user_id`, if any.
    pub fn open_for_user(
        conn: &mut DbConnection,
        user_id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<EmailChange>> {
        email_changes::table
            .filter(email_changes::user_id.eq(user_id))
            .filter(email_changes::confirmed_at.is_null())
            .filter(email_changes::ended_at.is_null())
            .filter(email_changes::expires_at.gt(now))
            .order(email_changes::created_at.desc())
            .select(EmailChange::as_select())
            .first(conn)
            .optional()
    }

    /// Marks the request confirmed, only if it still is open (nobody used it first).
    pub fn confirm(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
        let updated = diesel::update(
            email_changes::table
                .filter(email_changes::id.eq(id))
                .filter(email_changes::confirmed_at.is_null())
                .filter(email_changes::ended_at.is_null())
                .filter(email_changes::expires_at.gt(now)),
        )
        .set(email_changes::confirmed_at.eq(now))
        .execute_on(conn)?;
        Ok(updated == 1)
    }
}
