//! Provisioning login accounts: the account row and, for an account without a password,
//! its one-time set-password token. Shared by user creation, expert creation and import.

use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;

use crate::auth::token::{hash_token, random_token};
use crate::db::DbConnection;
use crate::models::password_token::{NewPasswordToken, PasswordToken};
use crate::models::user::{NewUser, User};

/// How long a one-time set-password token works.
pub const SET_PASSWORD_TOKEN_HOURS: i64 = 72;

/// A set-password token as handed to the admin: shown once, stored only as a hash.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: NaiveDateTime,
}

/// Issues a new set-password token for `user_id`; earlier unused ones stop working.
pub fn issue_set_password_token(
    conn: &mut DbConnection,
    user_id: &str,
    now: NaiveDateTime,
) -> QueryResult<IssuedToken> {
    let token = random_token();
    let row = NewPasswordToken {
        id: crate::db::new_id(),
        user_id: user_id.to_owned(),
        token_hash: hash_token(&token),
        created_at: now,
        expires_at: now + Duration::hours(SET_PASSWORD_TOKEN_HOURS),
    };
    PasswordToken::replace_for_user(conn, &row)?;
    Ok(IssuedToken {
        token,
        expires_at: row.expires_at,
    })
}

/// Inserts the account; without a password hash, also issues its set-password token.
pub fn provision(conn: &mut DbConnection, new: &NewUser) -> QueryResult<Option<IssuedToken>> {
    User::insert(conn, new)?;
    if new.password_hash.is_some() {
        return Ok(None);
    }
    issue_set_password_token(conn, &new.id, new.created_at).map(Some)
}
