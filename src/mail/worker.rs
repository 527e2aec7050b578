//! The delivery worker `serve` runs beside the HTTP server: a thread that delivers due mail
//! every few seconds until told to stop.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use lettre::message::Mailbox;

use crate::clock::Clock;
use crate::db::DbPool;
use crate::mail::Mailer;
use crate::mail::outbox::deliver_due;

const BATCH: i64 = 20;

pub struct Worker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    pub fn spawn(
        pool: DbPool,
        mailer: Mailer,
        from: Mailbox,
        clock: Arc<dyn Clock>,
        poll: Duration,
    ) -> std::io::Result<Worker> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("mail-worker".to_owned())
            .spawn(move || {
                tracing::info!("mail delivery worker started");
                while !flag.load(Ordering::Relaxed) {
                    let full_batch = match deliver_due(&pool, &mailer, &from, clock.as_ref(), BATCH)
                    {
                        Ok(report) => {
                            if report.claimed > 0 {
                                tracing::info!(
                                    sent = report.sent,
                                    retried = report.retried,
                                    dead = report.dead,
                                    "mail delivery round"
                                );
                            }
                            report.claimed as i64 == BATCH
                        }
                        Err(error) => {
                            tracing::warn!(%error, "mail delivery round failed");
                            false
                        }
                    };
                    if !full_batch {
                        sleep_unless_stopped(&flag, poll);
                    }
                }
                tracing::info!("mail delivery worker stopped");
            })?;
        Ok(Worker {
            stop,
            thread: Some(thread),
        })
    }

    /// Asks the worker to stop after its current message and waits for it.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn sleep_unless_stopped(flag: &AtomicBool, total: Duration) {
    let step = Duration::from_millis(100);
    let mut waited = Duration::ZERO;
    while waited < total && !flag.load(Ordering::Relaxed) {
        std::thread::sleep(step);
        waited += step;
    }
}
