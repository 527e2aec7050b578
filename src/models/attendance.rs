//! `lecture_attendance`: a confirmed lecture's check-in key and when its expert checked in
//! and out (签到 / 签退). The lecture's state moves with it, through the lecture machine.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::lecture_attendance;
use crate::db::{DbConnection, MaybeTime};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lecture_attendance)]
pub struct Attendance {
    pub lecture_id: String,
    /// The lecture's key for its check-in codes (hex); never shown.
    pub code_secret: String,
    #[diesel(deserialize_as = MaybeTime)]
    pub checked_in_at: Option<NaiveDateTime>,
    pub late: Option<bool>,
    pub check_in_reason: Option<String>,
    #[diesel(deserialize_as = MaybeTime)]
    pub checked_out_at: Option<NaiveDateTime>,
    pub delivered_minutes: Option<i32>,
    pub auto_checked_out: bool,
}

impl Attendance {
    pub fn find(conn: &mut DbConnection, lecture_id: &str) -> QueryResult<Option<Attendance>> {
        lecture_attendance::table
            .find(lecture_id)
            .select(Attendance::as_select())
            .first(conn)
            .optional()
    }

    /// Gives a confirmed lecture its check-in key, unless it has one (a lecture confirmed
    /// again after a move keeps it).
    pub fn open(conn: &mut DbConnection, lecture_id: &str, key: &str) -> QueryResult<()> {
        crate::on_backend!(conn, |c| diesel::insert_into(lecture_attendance::table)
            .values((
                lecture_attendance::lecture_id.eq(lecture_id),
                lecture_attendance::code_secret.eq(key),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
        Ok(())
    }

    /// Records the check-in: when, whether late, and the office's reason when it had no code.
    pub fn check_in(
        conn: &mut DbConnection,
        lecture_id: &str,
        at: NaiveDateTime,
        late: bool,
        reason: Option<&str>,
    ) -> QueryResult<()> {
        crate::on_backend!(conn, |c| diesel::update(
            lecture_attendance::table.find(lecture_id)
        )
        .set((
            lecture_attendance::checked_in_at.eq(at),
            lecture_attendance::late.eq(late),
            lecture_attendance::check_in_reason.eq(reason),
        ))
        .execute(c))?;
        Ok(())
    }

    /// Records the check-out, by the expert or (`auto`) by the service.
    pub fn check_out(
        conn: &mut DbConnection,
        lecture_id: &str,
        at: NaiveDateTime,
        minutes: i32,
        auto: bool,
    ) -> QueryResult<()> {
        crate::on_backend!(conn, |c| diesel::update(
            lecture_attendance::table.find(lecture_id)
        )
        .set((
            lecture_attendance::checked_out_at.eq(at),
            lecture_attendance::delivered_minutes.eq(minutes),
            lecture_attendance::auto_checked_out.eq(auto),
        ))
        .execute(c))?;
        Ok(())
    }

    /// The times a lecture marked no-show really ran, as the office corrects it.
    pub fn correct(
        conn: &mut DbConnection,
        lecture_id: &str,
        (start, end): (NaiveDateTime, NaiveDateTime),
        minutes: i32,
        reason: &str,
    ) -> QueryResult<()> {
        crate::on_backend!(conn, |c| diesel::update(
            lecture_attendance::table.find(lecture_id)
        )
        .set((
            lecture_attendance::checked_in_at.eq(start),
            lecture_attendance::late.eq(false),
            lecture_attendance::check_in_reason.eq(reason),
            lecture_attendance::checked_out_at.eq(end),
            lecture_attendance::delivered_minutes.eq(minutes),
            lecture_attendance::auto_checked_out.eq(false),
        ))
        .execute(c))?;
        Ok(())
    }
}
