//! `job_runs`: when each periodic job is next due, and who runs it now.

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::job_runs;
use crate::db::{MaybeTime, Time};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = job_runs)]
pub struct JobRun {
    pub name: String,
    #[diesel(deserialize_as = Time)]
    pub next_due_at: NaiveDateTime,
    #[diesel(deserialize_as = MaybeTime)]
    pub locked_until: Option<NaiveDateTime>,
    #[diesel(deserialize_as = MaybeTime)]
    pub last_started_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = MaybeTime)]
    pub last_finished_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub runs: i32,
}

impl JobRun {
    pub fn find(conn: &mut DbConnection, name: &str) -> QueryResult<Option<JobRun>> {
        crate::on_backend!(conn, |c| job_runs::table
            .find(name)
            .select(JobRun::as_select())
            .first(c)
            .optional())
    }

    /// Adds a job's row, due at once, unless it is there already.
    pub fn ensure(conn: &mut DbConnection, name: &str, now: NaiveDateTime) -> QueryResult<()> {
        if Self::find(conn, name)?.is_none() {
            let inserted = diesel::insert_into(job_runs::table)
                .values((job_runs::name.eq(name), job_runs::next_due_at.eq(now)))
                .execute_on(conn);
            match inserted {
                // Another instance added it meanwhile.
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => {}
                other => {
                    other?;
                }
            }
        }
        Ok(())
    }

    /// Claims the run of a due job: moves `next_due_at` to `next` and locks it until
    /// `lease`, only if it is due and nobody holds it. True when this caller won.
    pub fn claim(
        conn: &mut DbConnection,
        name: &str,
        now: NaiveDateTime,
        next: NaiveDateTime,
        lease: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            job_runs::table
                .filter(job_runs::name.eq(name))
                .filter(job_runs::next_due_at.le(now))
                .filter(
                    job_runs::locked_until
                        .is_null()
                        .or(job_runs::locked_until.le(now)),
                ),
        )
        .set((
            job_runs::next_due_at.eq(next),
            job_runs::locked_until.eq(Some(lease)),
            job_runs::last_started_at.eq(Some(now)),
            job_runs::runs.eq(job_runs::runs + 1),
        ))
        .execute_on(conn)?;
        Ok(updated == 1)
    }

    /// Ends a run: frees the lock and records how it went; `due_again` brings the next run
    /// forward (a job that left work over).
    pub fn finish(
        conn: &mut DbConnection,
        name: &str,
        now: NaiveDateTime,
        error: Option<&str>,
        due_again: Option<NaiveDateTime>,
    ) -> QueryResult<()> {
        diesel::update(job_runs::table.filter(job_runs::name.eq(name)))
            .set((
                job_runs::locked_until.eq(None::<NaiveDateTime>),
                job_runs::last_finished_at.eq(Some(now)),
                job_runs::last_error.eq(error),
            ))
            .execute_on(conn)?;
        if let Some(at) = due_again {
            diesel::update(job_runs::table.filter(job_runs::name.eq(name)))
                .set(job_runs::next_due_at.eq(at))
                .execute_on(conn)?;
        }
        Ok(())
    }
}
