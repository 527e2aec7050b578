//! The job runner: each due time of a job runs once, across instances, on the injected clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Duration;
use guanai::clock::Clock;
use guanai::db::DbPool;
use guanai::error::ApiResult;
use guanai::jobs::{Job, Outcome, Ran, run_due};
use guanai::models::job_run::JobRun;

use crate::common::TestApp;

/// Counts its runs; may leave work over, or fail.
struct Counter {
    runs: Arc<AtomicUsize>,
    more_until: usize,
    fail: bool,
}

impl Job for Counter {
    fn name(&self) -> &'static str {
        "counter"
    }
    fn every(&self) -> Duration {
        Duration::minutes(10)
    }
    fn run(&self, _: &DbPool, _: &dyn Clock) -> ApiResult<Outcome> {
        let n = self.runs.fetch_add(1, Ordering::SeqCst) + 1;
        if self.fail {
            return Err(guanai::error::ApiError::internal("boom"));
        }
        Ok(Outcome {
            handled: 1,
            more: n < self.more_until,
        })
    }
}

fn counter(runs: &Arc<AtomicUsize>) -> Vec<Box<dyn Job>> {
    vec![Box::new(Counter {
        runs: runs.clone(),
        more_until: 0,
        fail: false,
    })]
}

#[actix_web::test]
async fn a_job_runs_once_per_due_time_on_the_injected_clock() {
    let app = TestApp::new().await;
    let runs = Arc::new(AtomicUsize::new(0));
    let jobs = counter(&runs);

    assert!(matches!(
        run_due(app.pool(), &app.clock, &jobs)[0].1,
        Ran::Done(_)
    ));
    assert_eq!(run_due(app.pool(), &app.clock, &jobs)[0].1, Ran::Skipped);
    app.clock.advance(Duration::minutes(9));
    assert_eq!(run_due(app.pool(), &app.clock, &jobs)[0].1, Ran::Skipped);
    app.clock.advance(Duration::minutes(1));
    assert!(matches!(
        run_due(app.pool(), &app.clock, &jobs)[0].1,
        Ran::Done(_)
    ));
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    let row = app.with_conn(|conn| JobRun::find(conn, "counter").unwrap().unwrap());
    assert_eq!(row.runs, 2);
    assert_eq!(row.locked_until, None);
    assert_eq!(
        row.next_due_at,
        app.clock.now_naive() + Duration::minutes(10)
    );
}

#[actix_web::test]
async fn several_instances_at_the_same_due_time_run_it_once() {
    let app = TestApp::new().await;
    let runs = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let (pool, clock, runs) = (app.pool().clone(), app.clock.clone(), runs.clone());
            std::thread::spawn(move || {
                let jobs = counter(&runs);
                run_due(&pool, &clock, &jobs)
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let done = results
        .iter()
        .filter(|r| matches!(r[0].1, Ran::Done(_)))
        .count();
    assert_eq!(done, 1, "{results:?}");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[actix_web::test]
async fn a_job_with_work_left_over_is_due_again_at_once() {
    let app = TestApp::new().await;
    let runs = Arc::new(AtomicUsize::new(0));
    let jobs: Vec<Box<dyn Job>> = vec![Box::new(Counter {
        runs: runs.clone(),
        more_until: 3,
        fail: false,
    })];
    for _ in 0..5 {
        run_due(app.pool(), &app.clock, &jobs);
    }
    // Runs 1 and 2 left work over; run 3 finished it; then the period applies.
    assert_eq!(runs.load(Ordering::SeqCst), 3);
}

#[actix_web::test]
async fn a_failed_run_is_recorded_and_retried_next_period() {
    let app = TestApp::new().await;
    let runs = Arc::new(AtomicUsize::new(0));
    let jobs: Vec<Box<dyn Job>> = vec![Box::new(Counter {
        runs: runs.clone(),
        more_until: 0,
        fail: true,
    })];
    assert!(matches!(
        run_due(app.pool(), &app.clock, &jobs)[0].1,
        Ran::Failed(_)
    ));
    let row = app.with_conn(|conn| JobRun::find(conn, "counter").unwrap().unwrap());
    assert!(row.last_error.is_some());
    assert_eq!(row.locked_until, None);
    assert_eq!(run_due(app.pool(), &app.clock, &jobs)[0].1, Ran::Skipped);
    app.clock.advance(Duration::minutes(10));
    assert!(matches!(
        run_due(app.pool(), &app.clock, &jobs)[0].1,
        Ran::Failed(_)
    ));
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[actix_web::test]
async fn a_run_that_died_holding_its_job_is_taken_over_after_the_lease() {
    let app = TestApp::new().await;
    let runs = Arc::new(AtomicUsize::new(0));
    let now = app.clock.now_naive();
    // Another instance claimed the job and died without finishing.
    app.with_conn(|conn| {
        JobRun::ensure(conn, "counter", now).unwrap();
        assert!(JobRun::claim(conn, "counter", now, now, now + Duration::seconds(300)).unwrap());
    });
    let jobs = counter(&runs);
    assert_eq!(run_due(app.pool(), &app.clock, &jobs)[0].1, Ran::Skipped);
    app.clock.advance(Duration::seconds(301));
    assert!(matches!(
        run_due(app.pool(), &app.clock, &jobs)[0].1,
        Ran::Done(_)
    ));
}

#[actix_web::test]
async fn the_idempotency_sweep_runs_as_a_job() {
    let app = TestApp::new().await;
    let (admin, _) = app.admin().await;
    let now = app.clock.now_naive();
    app.with_conn(|conn| {
        use guanai::models::idempotency_key::IdempotencyKey;
        let day_ago = now - Duration::hours(25);
        IdempotencyKey::claim(conn, &admin.id, "old", "f", day_ago, day_ago).unwrap();
        IdempotencyKey::claim(conn, &admin.id, "new", "f", now, now).unwrap();
    });
    let jobs: Vec<Box<dyn Job>> = vec![Box::new(guanai::jobs::IdempotencySweep)];
    let ran = run_due(app.pool(), &app.clock, &jobs);
    assert_eq!(ran[0].0, "idempotency_sweep");
    assert_eq!(
        ran[0].1,
        Ran::Done(Outcome {
            handled: 1,
            more: false
        })
    );
}
