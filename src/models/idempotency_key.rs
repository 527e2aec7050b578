//! `idempotency_keys`: creating POSTs claimed by their `Idempotency-Key`, and the answers
//! kept for replay.

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::idempotency_keys;
use crate::db::{MaybeTime, Time};
use crate::domain::coded::coded_enum;

coded_enum!(
    /// A claimed key: its request runs, or its answer is stored.
    IdempotencyState {
        InProgress = "in_progress" / "处理中",
        Done = "done" / "已完成",
    }
);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyKey {
    pub owner_id: String,
    pub idem_key: String,
    pub fingerprint: String,
    pub state: IdempotencyState,
    #[diesel(deserialize_as = MaybeTime)]
    pub locked_until: Option<NaiveDateTime>,
    pub response_status: Option<i32>,
    pub response_body: Option<String>,
    pub response_headers: Option<String>,
    #[diesel(deserialize_as = Time)]
    pub created_at: NaiveDateTime,
}

impl IdempotencyKey {
    pub fn find(conn: &mut DbConnection, owner: &str, key: &str) -> QueryResult<Option<Self>> {
        crate::on_backend!(conn, |c| idempotency_keys::table
            .find((owner, key))
            .select(Self::as_select())
            .first(c)
            .optional())
    }

    /// A new claim, held until `locked_until`.
    pub fn claim(
        conn: &mut DbConnection,
        owner: &str,
        key: &str,
        fingerprint: &str,
        locked_until: NaiveDateTime,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::owner_id.eq(owner),
                idempotency_keys::idem_key.eq(key),
                idempotency_keys::fingerprint.eq(fingerprint),
                idempotency_keys::state.eq(IdempotencyState::InProgress),
                idempotency_keys::locked_until.eq(Some(locked_until)),
                idempotency_keys::created_at.eq(now),
            ))
            .execute_on(conn)?;
        Ok(())
    }

    /// Takes over a claim whose lease ran out (its request died); false if another did.
    pub fn take_over(
        conn: &mut DbConnection,
        owner: &str,
        key: &str,
        expired_before: NaiveDateTime,
        locked_until: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            idempotency_keys::table
                .find((owner, key))
                .filter(idempotency_keys::state.eq(IdempotencyState::InProgress))
                .filter(idempotency_keys::locked_until.le(expired_before)),
        )
        .set(idempotency_keys::locked_until.eq(Some(locked_until)))
        .execute_on(conn)?;
        Ok(updated == 1)
    }

    /// Stores the answer of the claimed request (in the request's own transaction).
    pub fn complete(
        conn: &mut DbConnection,
        owner: &str,
        key: &str,
        status: i32,
        body: &str,
        headers: &str,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            idempotency_keys::table
                .find((owner, key))
                .filter(idempotency_keys::state.eq(IdempotencyState::InProgress)),
        )
        .set((
            idempotency_keys::state.eq(IdempotencyState::Done),
            idempotency_keys::locked_until.eq(None::<NaiveDateTime>),
            idempotency_keys::response_status.eq(Some(status)),
            idempotency_keys::response_body.eq(Some(body)),
            idempotency_keys::response_headers.eq(Some(headers)),
        ))
        .execute_on(conn)?;
        Ok(updated == 1)
    }

    /// Frees a claim whose request was refused, so a corrected retry runs.
    pub fn release(conn: &mut DbConnection, owner: &str, key: &str) -> QueryResult<usize> {
        diesel::delete(
            idempotency_keys::table
                .find((owner, key))
                .filter(idempotency_keys::state.eq(IdempotencyState::InProgress)),
        )
        .execute_on(conn)
    }

    /// Forgets keys older than `before` (the sweep job).
    pub fn purge_before(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before)))
            .execute_on(conn)
    }
}
