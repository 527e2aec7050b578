//! `password_tokens`: one-time set-password tokens (72 h), stored only as a hash.

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::password_tokens;
use crate::db::{MaybeTime, Time};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = password_tokens)]
pub struct PasswordToken {
    pub id: String,
    pub user_id: String,
    pub token_hash: String,
    #[diesel(deserialize_as = Time)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = Time)]
    pub expires_at: NaiveDateTime,
    #[diesel(deserialize_as = MaybeTime)]
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = password_tokens)]
pub struct NewPasswordToken {
    pub id: String,
    pub user_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

impl PasswordToken {
    /// Stores a new token and voids every earlier unused one of the same user.
    pub fn replace_for_user(conn: &mut DbConnection, new: &NewPasswordToken) -> QueryResult<()> {
        Self::void_for_user(conn, &new.user_id, new.created_at)?;
        diesel::insert_into(password_tokens::table)
            .values(new)
            .execute_on(conn)?;
        Ok(())
    }

    pub fn void_for_user(
        conn: &mut DbConnection,
        user_id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(
            password_tokens::table
                .filter(password_tokens::user_id.eq(user_id))
                .filter(password_tokens::used_at.is_null()),
        )
        .set(password_tokens::used_at.eq(now))
        .execute_on(conn)
    }

    pub fn find_by_hash(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<PasswordToken>> {
        password_tokens::table
            .filter(password_tokens::token_hash.eq(hash))
            .select(PasswordToken::as_select())
            .first(conn)
            .optional()
    }

    /// Uses the token up, only if nobody did first.
    pub fn mark_used(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
        let updated = diesel::update(
            password_tokens::table
                .filter(password_tokens::id.eq(id))
                .filter(password_tokens::used_at.is_null()),
        )
        .set(password_tokens::used_at.eq(now))
        .execute_on(conn)?;
        Ok(updated == 1)
    }
}
