//! `notifications`: the in-app inbox and the mail outbox, one row per message.

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::{MaybeTime, Time};
use crate::domain::coded::coded_enum;

coded_enum!(
    /// Where a notification's mail stands.
    NotificationStatus {
        /// Waiting for the delivery job (or for its next attempt).
        Pending = "pending" / "待发送",
        /// Claimed by a delivery run (under a lease).
        Sending = "sending" / "发送中",
        Sent = "sent" / "已发送",
        /// Given up after the last attempt; an admin may requeue it.
        Dead = "dead" / "发送失败",
        /// No mail to send (the user has no address): inbox only.
        InApp = "in_app" / "仅站内",
    }
);
use crate::db::schema::notifications;
use crate::models::Keyset;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub data: String,
    pub subject: String,
    pub body: String,
    pub email_body: Option<String>,
    pub email_to: Option<String>,
    pub status: NotificationStatus,
    pub attempts: i32,
    #[diesel(deserialize_as = Time)]
    pub next_attempt_at: NaiveDateTime,
    #[diesel(deserialize_as = MaybeTime)]
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    #[diesel(deserialize_as = MaybeTime)]
    pub sent_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = MaybeTime)]
    pub read_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = Time)]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notifications)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewNotification {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub data: String,
    pub subject: String,
    pub body: String,
    pub email_body: Option<String>,
    pub email_to: Option<String>,
    pub status: NotificationStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

impl Notification {
    pub fn insert(conn: &mut DbConnection, new: &NewNotification) -> QueryResult<()> {
        crate::on_backend!(conn, |c| diesel::insert_into(notifications::table)
            .values(new)
            .execute(c))?;
        Ok(())
    }

    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Notification>> {
        crate::on_backend!(conn, |c| notifications::table
            .find(id)
            .select(Notification::as_select())
            .first(c)
            .optional())
    }

    /// Takes up to `batch` due messages for delivery: pending ones whose time has come, and
    /// ones whose sender died mid-send (lease run out). They become `sending` with a lease
    /// until `lease_until` and one more attempt counted, committed before any mail is sent,
    /// so that no other worker takes them meanwhile. PostgreSQL: `FOR UPDATE SKIP LOCKED`
    /// lets workers claim side by side; SQLite: the immediate transaction runs alone.
    pub fn claim_due(
        conn: &mut DbConnection,
        now: NaiveDateTime,
        lease_until: NaiveDateTime,
        batch: i64,
    ) -> QueryResult<Vec<Notification>> {
        let due = notifications::status
            .eq(NotificationStatus::Pending)
            .and(notifications::next_attempt_at.le(now))
            .or(notifications::status
                .eq(NotificationStatus::Sending)
                .and(notifications::lease_until.lt(now)));
        let ids: Vec<String> = match conn {
            DbConnection::Postgresql(pg) => notifications::table
                .filter(due)
                .order(notifications::next_attempt_at.asc())
                .limit(batch)
                .select(notifications::id)
                .for_update()
                .skip_locked()
                .load(pg)?,
            DbConnection::Sqlite(_) => notifications::table
                .filter(due)
                .order(notifications::next_attempt_at.asc())
                .limit(batch)
                .select(notifications::id)
                .load_on(conn)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(notifications::table.filter(notifications::id.eq_any(&ids)))
            .set((
                notifications::status.eq(NotificationStatus::Sending),
                notifications::lease_until.eq(lease_until),
                notifications::attempts.eq(notifications::attempts + 1),
            ))
            .execute_on(conn)?;
        notifications::table
            .filter(notifications::id.eq_any(&ids))
            .order(notifications::next_attempt_at.asc())
            .select(Notification::as_select())
            .load(conn)
    }

    /// Delivered: the mail body (which may hold a one-time link) is erased.
    pub fn mark_sent(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(
            notifications::table
                .filter(notifications::id.eq(id))
                .filter(notifications::status.eq(NotificationStatus::Sending)),
        )
        .set((
            notifications::status.eq(NotificationStatus::Sent),
            notifications::sent_at.eq(now),
            notifications::lease_until.eq(None::<NaiveDateTime>),
            notifications::last_error.eq(None::<String>),
            notifications::email_body.eq(None::<String>),
        ))
        .execute_on(conn)?;
        Ok(())
    }

    /// A failed attempt: back to `pending` at `next_attempt_at`, or `dead` when given up.
    pub fn mark_failed(
        conn: &mut DbConnection,
        id: &str,
        error: &str,
        next_attempt_at: Option<NaiveDateTime>,
    ) -> QueryResult<()> {
        let (status, next) = match next_attempt_at {
            Some(at) => (NotificationStatus::Pending, Some(at)),
            None => (NotificationStatus::Dead, None),
        };
        let target = notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::status.eq(NotificationStatus::Sending));
        match next {
            Some(at) => diesel::update(target)
                .set((
                    notifications::status.eq(status),
                    notifications::next_attempt_at.eq(at),
                    notifications::lease_until.eq(None::<NaiveDateTime>),
                    notifications::last_error.eq(error),
                ))
                .execute_on(conn)?,
            None => diesel::update(target)
                .set((
                    notifications::status.eq(status),
                    notifications::lease_until.eq(None::<NaiveDateTime>),
                    notifications::last_error.eq(error),
                ))
                .execute_on(conn)?,
        };
        Ok(())
    }

    /// Puts a dead message back in the queue with fresh attempts; false if it was not dead.
    pub fn requeue_dead(
        conn: &mut DbConnection,
        id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            notifications::table
                .filter(notifications::id.eq(id))
                .filter(notifications::status.eq(NotificationStatus::Dead)),
        )
        .set((
            notifications::status.eq(NotificationStatus::Pending),
            notifications::attempts.eq(0),
            notifications::next_attempt_at.eq(now),
        ))
        .execute_on(conn)?;
        Ok(updated == 1)
    }

    /// A user's inbox, newest first.
    pub fn inbox(
        conn: &mut DbConnection,
        user_id: &str,
        unread: Option<bool>,
        before: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<Notification>> {
        let mut query = notifications::table
            .filter(notifications::user_id.eq(user_id.to_owned()))
            .select(Notification::as_select())
            .into_boxed();
        match unread {
            Some(true) => query = query.filter(notifications::read_at.is_null()),
            Some(false) => query = query.filter(notifications::read_at.is_not_null()),
            None => {}
        }
        if let Some(k) = before {
            keyset_before!(query, k, notifications::created_at, notifications::id);
        }
        query
            .order((notifications::created_at.desc(), notifications::id.desc()))
            .limit(limit)
            .load(conn)
    }

    pub fn mark_read(
        conn: &mut DbConnection,
        id: &str,
        user_id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(
            notifications::table
                .filter(notifications::id.eq(id))
                .filter(notifications::user_id.eq(user_id))
                .filter(notifications::read_at.is_null()),
        )
        .set(notifications::read_at.eq(now))
        .execute_on(conn)?;
        Ok(())
    }

    /// Marks every unread notification of `user_id` read; how many there were.
    pub fn mark_all_read(
        conn: &mut DbConnection,
        user_id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(
            notifications::table
                .filter(notifications::user_id.eq(user_id))
                .filter(notifications::read_at.is_null()),
        )
        .set(notifications::read_at.eq(now))
        .execute_on(conn)
    }

    /// The outbox for admins, newest first, by delivery status.
    pub fn outbox(
        conn: &mut DbConnection,
        status: Option<NotificationStatus>,
        before: Option<&Keyset>,
        limit: i64,
    ) -> QueryResult<Vec<Notification>> {
        let mut query = notifications::table
            .select(Notification::as_select())
            .into_boxed();
        if let Some(status) = status {
            query = query.filter(notifications::status.eq(status));
        }
        if let Some(k) = before {
            keyset_before!(query, k, notifications::created_at, notifications::id);
        }
        query
            .order((notifications::created_at.desc(), notifications::id.desc()))
            .limit(limit)
            .load(conn)
    }
}
