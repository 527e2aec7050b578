//! The SQLite writer: the one connection every write transaction of the process's requests
//! runs on, and group commit over it.
//!
//! SQLite runs one write transaction at a time, and its commit writes every page the
//! transaction dirtied to the WAL (a lecture step dirties about 25; a third of the write
//! lane's time went to commits and their checkpoints, perf). Requests that queue for the
//! writer therefore share transactions: the first to find none open begins one
//! (`BEGIN IMMEDIATE`), each runs its work in a savepoint of it (its failure undoes only its
//! own writes), and whoever finishes while no other request of this writer waits — or fills
//! the batch — commits for all. A request answers only after the commit that holds its
//! writes, so nothing is reported done that is not; a commit that fails fails every request
//! in it. With no queue each transaction commits alone, as before.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::{DatabaseErrorKind, Error};

use super::{DbConnection, TxManager, finish};

/// At most this many requests share one commit, so that the first of them does not wait
/// for an unbounded line behind it.
const MAX_BATCH: usize = 64;

/// The writer connection of one SQLite pool.
pub struct Writer {
    state: parking_lot::Mutex<State>,
    /// This writer's requests waiting for their turn (so a batch knows whether to wait).
    queued: AtomicUsize,
}

struct State {
    conn: DbConnection,
    /// The batch whose transaction is open, if one is.
    batch: Option<Arc<Batch>>,
    /// How many requests the open batch holds (counted from 0 by [`Member::join`]).
    members: usize,
}

/// One shared transaction: how its commit went, once it has.
#[derive(Default)]
struct Batch {
    outcome: parking_lot::Mutex<Option<Result<(), String>>>,
    done: parking_lot::Condvar,
}

impl Batch {
    fn finish(&self, outcome: Result<(), String>) {
        *self.outcome.lock() = Some(outcome);
        self.done.notify_all();
    }

    fn wait(&self) -> Result<(), String> {
        let mut outcome = self.outcome.lock();
        loop {
            if let Some(outcome) = outcome.as_ref() {
                return outcome.clone();
            }
            self.done.wait(&mut outcome);
        }
    }
}

impl Writer {
    pub fn new(conn: DbConnection) -> Writer {
        Writer {
            state: parking_lot::Mutex::new(State {
                conn,
                batch: None,
                members: 0,
            }),
            queued: AtomicUsize::new(0),
        }
    }

    /// Runs `f` as one member of a batch (see the module's comment), after the process's
    /// queue of writers (`turn`).
    pub fn transaction<T, E, F>(&self, turn: &parking_lot::FairMutex<()>, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
        E: From<Error>,
    {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let turn = turn.lock();
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let mut member = Member {
            state: self.state.lock(),
            in_savepoint: false,
        };
        let batch = member.join()?;
        let result = match TxManager::begin_transaction(&mut member.state.conn) {
            Ok(()) => {
                member.in_savepoint = true;
                let result = f(&mut member.state.conn);
                let result = finish(&mut member.state.conn, result);
                member.in_savepoint = false;
                result
            }
            Err(e) => Err(e.into()),
        };
        member.state.members += 1;
        let last = self.queued.load(Ordering::SeqCst) == 0 || member.state.members >= MAX_BATCH;
        if last {
            let committed = member.commit(&batch);
            drop(member);
            drop(turn);
            return match (result, committed) {
                (Ok(value), Ok(())) => Ok(value),
                (Err(e), _) => Err(e),
                (Ok(_), Err(e)) => Err(e.into()),
            };
        }
        // Another request of this writer is queued: it goes on in this transaction.
        drop(member);
        drop(turn);
        let value = result?;
        batch.wait().map_err(commit_failed)?;
        Ok(value)
    }
}

/// A request's hold on the writer while it runs its part of a batch. Should the request
/// panic, its savepoint is undone and the batch committed, so that the requests before it
/// in the batch are not left waiting.
struct Member<'a> {
    state: parking_lot::MutexGuard<'a, State>,
    in_savepoint: bool,
}

impl Member<'_> {
    /// The open batch, or a new one (`BEGIN IMMEDIATE`).
    fn join(&mut self) -> Result<Arc<Batch>, Error> {
        if let Some(batch) = &self.state.batch {
            return Ok(batch.clone());
        }
        let conn = &mut self.state.conn;
        if !matches!(
            TxManager::transaction_manager_status_mut(conn).transaction_depth(),
            Ok(None)
        ) {
            tracing::warn!("an earlier write transaction was left open; rolling it back");
            TxManager::rollback_transaction(conn)?;
        }
        if let DbConnection::Sqlite(c) = conn {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
        }
        let batch = Arc::new(Batch::default());
        self.state.batch = Some(batch.clone());
        self.state.members = 0;
        Ok(batch)
    }

    /// Commits the open batch and tells its members how that went.
    fn commit(&mut self, batch: &Batch) -> Result<(), Error> {
        self.state.batch = None;
        let committed = TxManager::commit_transaction(&mut self.state.conn);
        batch.finish(committed.as_ref().map(|_| ()).map_err(ToString::to_string));
        committed
    }
}

impl Drop for Member<'_> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        if self.in_savepoint {
            let _ = TxManager::rollback_transaction(&mut self.state.conn);
        }
        if let Some(batch) = self.state.batch.clone() {
            let _ = self.commit(&batch);
        }
    }
}

fn commit_failed(message: String) -> Error {
    Error::DatabaseError(
        DatabaseErrorKind::Unknown,
        Box::new(format!("the shared commit failed: {message}")),
    )
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use diesel::connection::SimpleConnection;
    use diesel::{Connection, RunQueryDsl, sql_query};

    use super::Writer;
    use crate::db::DbConnection;

    fn count(conn: &mut DbConnection, condition: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        sql_query(format!("SELECT COUNT(*) AS n FROM t WHERE {condition}"))
            .get_result::<Count>(conn)
            .expect("count")
            .n
    }

    #[test]
    fn queued_writes_share_commits_and_a_failed_one_undoes_only_its_own() {
        let dir = tempfile::tempdir().expect("a directory");
        let url = dir.path().join("w.db").to_string_lossy().into_owned();
        let mut conn = DbConnection::establish(&url).expect("a connection");
        conn.batch_execute("PRAGMA journal_mode = WAL; CREATE TABLE t (n INTEGER NOT NULL);")
            .expect("a table");
        let writer = Arc::new(Writer::new(conn));
        let turn = Arc::new(parking_lot::FairMutex::new(()));
        let threads: Vec<_> = (0..32)
            .map(|n| {
                let (writer, turn) = (writer.clone(), turn.clone());
                std::thread::spawn(move || {
                    writer.transaction(&turn, |conn| {
                        sql_query(format!("INSERT INTO t (n) VALUES ({n})")).execute(conn)?;
                        if n % 4 == 0 {
                            // Refused after writing: its row must not stay.
                            return Err(diesel::result::Error::RollbackTransaction);
                        }
                        Ok(n)
                    })
                })
            })
            .collect();
        let answers: Vec<_> = threads
            .into_iter()
            .map(|t| t.join().expect("no panic"))
            .collect();
        assert_eq!(answers.iter().filter(|a| a.is_ok()).count(), 24);
        // Every answered write is committed: another connection sees exactly those.
        let mut reader = DbConnection::establish(&url).expect("a reader");
        assert_eq!(count(&mut reader, "1 = 1"), 24);
        let refused = count(&mut reader, "n % 4 = 0");
        assert_eq!(refused, 0);
    }
}
