//! The one background job runner: named periodic jobs (mail delivery, the idempotency-key
//! sweep, the lectures' timers: offer expiry, request expiry, reminders; and those to come: no-shows, retention).
//!
//! Each job has a row in `job_runs` saying when it is next due. A runner claims a due job by
//! moving that time on with a compare-and-set (and a lease), so each due time runs once
//! however many instances share one database; a run that dies frees its lease when it
//! passes. Time comes from the injectable clock, so tests drive the runner with
//! [`run_due`]; `serve` runs [`JobRunner`], which stops with the server.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use chrono::Duration;
use lettre::message::Mailbox;

use crate::audit::AuditContext;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::error::ApiResult;
use crate::mail::Mailer;
use crate::mail::outbox::deliver_due;
use crate::models::job_run::JobRun;
use crate::usecase::Uow;

/// How long a run may hold its job before another instance may take it over.
pub const LEASE_SECONDS: i64 = 300;

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Items handled (mails sent, keys swept, …), for the log.
    pub handled: usize,
    /// Work is left over: run again at once rather than after the period.
    pub more: bool,
}

/// A named periodic job.
pub trait Job: Send + Sync {
    /// The job's name in `job_runs` and the logs; stable.
    fn name(&self) -> &'static str;
    /// Time between runs.
    fn every(&self) -> Duration;
    fn run(&self, pool: &DbPool, clock: &dyn Clock) -> ApiResult<Outcome>;
}

/// What [`run_due`] did with one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ran {
    /// Not due, or another instance has it.
    Skipped,
    Done(Outcome),
    Failed(String),
}

/// Runs every job that is due and that this caller manages to claim; returns what
/// happened to each, in order.
pub fn run_due(
    pool: &DbPool,
    clock: &dyn Clock,
    jobs: &[Box<dyn Job>],
) -> Vec<(&'static str, Ran)> {
    jobs.iter()
        .map(|job| (job.name(), run_one(pool, clock, job.as_ref())))
        .collect()
}

fn run_one(pool: &DbPool, clock: &dyn Clock, job: &dyn Job) -> Ran {
    // The job's write transactions queue for the SQLite writer with the requests'.
    let _lent = pool.lend_writer();
    let name = job.name();
    let now = clock.now_naive();
    let claimed = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
        db::transaction(&mut conn, |conn| {
            JobRun::ensure(conn, name, now)?;
            JobRun::claim(
                conn,
                name,
                now,
                now + job.every(),
                now + Duration::seconds(LEASE_SECONDS),
            )
        })
        .map_err(|e: diesel::result::Error| e.to_string())
    });
    match claimed {
        Ok(true) => {}
        Ok(false) => return Ran::Skipped,
        Err(error) => {
            tracing::warn!(job = name, %error, "could not claim a job");
            return Ran::Failed(error);
        }
    }
    let result = job.run(pool, clock);
    let finished = clock.now_naive();
    let (error, due_again) = match &result {
        Ok(outcome) => (None, outcome.more.then_some(finished)),
        Err(error) => (Some(error.to_string()), None),
    };
    let recorded = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
        db::transaction(&mut conn, |conn| {
            JobRun::finish(conn, name, finished, error.as_deref(), due_again)
        })
        .map_err(|e: diesel::result::Error| e.to_string())
    });
    if let Err(error) = recorded {
        tracing::warn!(job = name, %error, "could not record a job run");
    }
    match result {
        Ok(outcome) => {
            if outcome.handled > 0 {
                tracing::info!(
                    job = name,
                    handled = outcome.handled,
                    more = outcome.more,
                    "job ran"
                );
            }
            Ran::Done(outcome)
        }
        Err(error) => {
            tracing::warn!(job = name, %error, "job failed");
            Ran::Failed(error.to_string())
        }
    }
}

/// Delivers due mail from the outbox, a batch per run.
pub struct MailDelivery {
    pub mailer: Mailer,
    pub from: Mailbox,
    pub every: Duration,
    pub batch: i64,
}

impl Job for MailDelivery {
    fn name(&self) -> &'static str {
        "mail_delivery"
    }
    fn every(&self) -> Duration {
        self.every
    }
    fn run(&self, pool: &DbPool, clock: &dyn Clock) -> ApiResult<Outcome> {
        let report = deliver_due(pool, &self.mailer, &self.from, clock, self.batch)?;
        Ok(Outcome {
            handled: report.claimed,
            more: i64::try_from(report.claimed).unwrap_or(i64::MAX) >= self.batch,
        })
    }
}

/// Forgets `Idempotency-Key` answers after a day.
pub struct IdempotencySweep;

impl Job for IdempotencySweep {
    fn name(&self) -> &'static str {
        "idempotency_sweep"
    }
    fn every(&self) -> Duration {
        Duration::hours(1)
    }
    fn run(&self, pool: &DbPool, clock: &dyn Clock) -> ApiResult<Outcome> {
        let mut conn = pool.get()?;
        let now = clock.now_naive();
        let swept = db::transaction(&mut conn, |conn| crate::idempotency::sweep(conn, now))?;
        Ok(Outcome {
            handled: swept,
            more: false,
        })
    }
}

/// The lectures' timers: offers not answered in time go back to the office, requests whose
/// times have all begun expire, confirmed lectures get their reminder the day before; an
/// hour after the end a lecture nobody checked in to is a no-show and one still running is
/// checked out at its planned end; 14 days after the end a delivered lecture closes.
/// Each lecture is handled in a transaction of its own; each step takes at most `batch`
/// lectures a run and asks to run again at once while it found that many, so a backlog (a
/// database whose past was never checked in) is worked off in turns rather than in one
/// run that holds the runner.
pub struct LectureTimers {
    pub settings: Settings,
    pub batch: i64,
}

impl LectureTimers {
    /// The lectures of a step a run takes by default.
    pub const BATCH: i64 = 200;

    pub fn new(settings: Settings) -> Self {
        LectureTimers {
            settings,
            batch: Self::BATCH,
        }
    }
}

impl Job for LectureTimers {
    fn name(&self) -> &'static str {
        "lecture_timers"
    }
    fn every(&self) -> Duration {
        Duration::minutes(1)
    }
    fn run(&self, pool: &DbPool, clock: &dyn Clock) -> ApiResult<Outcome> {
        use crate::usecase::lecture::due;
        let mut conn = pool.get()?;
        let now = clock.now_naive();
        let mut handled = 0;
        type Step = fn(&mut Uow<'_>, &str) -> ApiResult<bool>;
        use crate::usecase::lecture::attendance as timers;
        let batch = self.batch;
        let steps: [(Vec<String>, Step); 6] = [
            (due::lapsed_offers(&mut conn, now, batch)?, due::lapse),
            (due::expired_requests(&mut conn, now, batch)?, due::expire),
            (due::reminders(&mut conn, now, batch)?, due::remind),
            (timers::no_shows(&mut conn, now, batch)?, timers::no_show),
            (
                timers::overdue_check_outs(&mut conn, now, batch)?,
                timers::auto_check_out,
            ),
            (timers::closable(&mut conn, now, batch)?, timers::close),
        ];
        // A step that found a full batch may have more waiting.
        let more = steps
            .iter()
            .any(|(ids, _)| i64::try_from(ids.len()).unwrap_or(i64::MAX) >= batch);
        for (ids, step) in steps {
            for id in ids {
                let audit = AuditContext::system(now);
                if Uow::within(&mut conn, &self.settings, audit, |uow| step(uow, &id))? {
                    handled += 1;
                }
            }
        }
        Ok(Outcome { handled, more })
    }
}

/// The jobs `serve` runs.
pub fn standard_jobs(
    mailer: Mailer,
    from: Mailbox,
    mail_every: Duration,
    settings: Settings,
) -> Vec<Box<dyn Job>> {
    vec![
        Box::new(MailDelivery {
            mailer,
            from,
            every: mail_every,
            batch: 20,
        }),
        Box::new(IdempotencySweep),
        Box::new(LectureTimers::new(settings)),
    ]
}

/// The runner thread beside the HTTP server: every `tick` it runs what is due.
pub struct JobRunner {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl JobRunner {
    pub fn spawn(
        pool: DbPool,
        clock: Arc<dyn Clock>,
        jobs: Vec<Box<dyn Job>>,
        tick: std::time::Duration,
    ) -> std::io::Result<JobRunner> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("job-runner".to_owned())
            .spawn(move || {
                let names: Vec<&str> = jobs.iter().map(|j| j.name()).collect();
                tracing::info!(jobs = ?names, "job runner started");
                while !flag.load(Ordering::Relaxed) {
                    let ran = run_due(&pool, clock.as_ref(), &jobs);
                    let more = ran
                        .iter()
                        .any(|(_, r)| matches!(r, Ran::Done(Outcome { more: true, .. })));
                    if !more {
                        sleep_unless_stopped(&flag, tick);
                    }
                }
                tracing::info!("job runner stopped");
            })?;
        Ok(JobRunner {
            stop,
            thread: Some(thread),
        })
    }

    /// Asks the runner to stop after its current job and waits for it.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn sleep_unless_stopped(flag: &AtomicBool, total: std::time::Duration) {
    let step = std::time::Duration::from_millis(100);
    let mut waited = std::time::Duration::ZERO;
    while waited < total && !flag.load(Ordering::Relaxed) {
        std::thread::sleep(step);
        waited += step;
    }
}
