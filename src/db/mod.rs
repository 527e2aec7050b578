//! The database: one connection type for SQLite and PostgreSQL, the pool, embedded
//! migrations, and the helpers every query goes through.

pub mod constraint;
pub mod schema;
pub mod time;
mod writer;

pub use time::{MaybeTime, Time};

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::query_dsl::methods::{ExecuteDsl, LimitDsl, LoadQuery};
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::DatabaseTarget;
use crate::error::{ApiError, ApiResult};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// One connection, to whichever backend `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

type TxManager = <DbConnection as Connection>::TransactionManager;

/// The connection pool and, on SQLite, the one connection every write transaction of a
/// request runs on ([`transaction`]). SQLite drops a connection's whole page cache whenever
/// another connection has written, so writes spread over the pool each began cold and read
/// their pages back from the file (a fifth of the lecture writes' time, perf); the writer's
/// own commits leave its cache warm (the lecture writes: 531 → 711 a second).
#[derive(Clone)]
pub struct DbPool {
    pool: Pool<ConnectionManager<DbConnection>>,
    writer: Option<std::sync::Arc<writer::Writer>>,
}

impl DbPool {
    /// A connection of the pool, waiting (on this thread) for one to be free.
    pub fn get(
        &self,
    ) -> Result<
        diesel::r2d2::PooledConnection<ConnectionManager<DbConnection>>,
        diesel::r2d2::PoolError,
    > {
        self.pool.get()
    }

    /// Lends this pool's SQLite writer to the calling thread until the answer is dropped, so
    /// that its write transactions ([`transaction`]) join the writer's queue and batches (as
    /// [`run`] does for requests; for jobs that hold connections of their own).
    pub fn lend_writer(&self) -> LentWriter {
        LentWriter::lend(self.writer.clone())
    }
}

std::thread_local! {
    /// The SQLite writer of the pool that lent it to this thread ([`run`] while it runs a
    /// request's closure, [`DbPool::lend_writer`] for a job).
    static WRITER: std::cell::RefCell<Option<std::sync::Arc<writer::Writer>>> =
        const { std::cell::RefCell::new(None) };
}

/// The writer lent to this thread, until dropped.
#[must_use = "the writer is lent until this is dropped"]
pub struct LentWriter(());

impl LentWriter {
    fn lend(writer: Option<std::sync::Arc<writer::Writer>>) -> LentWriter {
        WRITER.with(|w| *w.borrow_mut() = writer);
        LentWriter(())
    }
}

impl Drop for LentWriter {
    fn drop(&mut self) {
        WRITER.with(|w| *w.borrow_mut() = None);
    }
}

/// Runs `$body` with `$c` bound to the backend's own connection: written once, compiled once
/// per backend. Through [`DbConnection`] diesel renders a statement's whole SQL text on every
/// execution, even when the statement is prepared already; on the backend's own connection a
/// prepared statement is looked up and bound. [`OnBackend`] does the same for a query of one
/// type; this macro is for a query whose type differs per backend (a selection made with
/// `as_select()`, typed for the backend it runs on) or a body of several statements.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgresql($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

/// Runs a query on the backend's own connection, where it is prepared once and found again
/// by its type. Through [`DbConnection`] diesel renders a statement's whole SQL text on
/// every execution — twice, once to learn whether it may be kept prepared and once to bind
/// it — even when it is prepared already: 18 % of a lecture write's instructions
/// (callgrind). Every typed query of the models runs this way; a boxed query (typed for both
/// backends at once) runs through [`DbConnection`].
pub trait OnBackend:
    Sized + diesel::RunQueryDsl<SqliteConnection> + diesel::RunQueryDsl<PgConnection>
{
    /// [`diesel::RunQueryDsl::load`].
    fn load_on<'q, U>(self, conn: &mut DbConnection) -> diesel::QueryResult<Vec<U>>
    where
        Self: LoadQuery<'q, SqliteConnection, U> + LoadQuery<'q, PgConnection, U>,
    {
        crate::on_backend!(conn, |c| diesel::RunQueryDsl::load(self, c))
    }

    /// [`diesel::RunQueryDsl::get_result`].
    fn get_result_on<'q, U>(self, conn: &mut DbConnection) -> diesel::QueryResult<U>
    where
        Self: LoadQuery<'q, SqliteConnection, U> + LoadQuery<'q, PgConnection, U>,
    {
        crate::on_backend!(conn, |c| diesel::RunQueryDsl::get_result(self, c))
    }

    /// [`diesel::RunQueryDsl::first`].
    fn first_on<'q, U>(self, conn: &mut DbConnection) -> diesel::QueryResult<U>
    where
        Self: LimitDsl,
        diesel::dsl::Limit<Self>:
            LoadQuery<'q, SqliteConnection, U> + LoadQuery<'q, PgConnection, U>,
    {
        crate::on_backend!(conn, |c| diesel::RunQueryDsl::first(self, c))
    }

    /// [`diesel::RunQueryDsl::execute`].
    fn execute_on(self, conn: &mut DbConnection) -> diesel::QueryResult<usize>
    where
        Self: ExecuteDsl<SqliteConnection> + ExecuteDsl<PgConnection>,
    {
        crate::on_backend!(conn, |c| diesel::RunQueryDsl::execute(self, c))
    }
}

impl<Q> OnBackend for Q where
    Q: diesel::RunQueryDsl<SqliteConnection> + diesel::RunQueryDsl<PgConnection>
{
}

/// A new row id: a UUID, time-ordered (version 7), so that a new row's key lands at the end
/// of its table's primary-key index, on the page the last insert dirtied, instead of on a
/// random page of it (version 4): fewer pages written per transaction and per checkpoint.
/// Ids are no secrets (every read is authorized); tokens are made elsewhere, at random.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The backend type of [`DbConnection`] (for boxed queries).
pub type DbBackend = <DbConnection as Connection>::Backend;

/// How long an SQLite writer waits for the write lock before giving up (then: 503).
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

#[derive(Debug)]
struct ConnectionSetup;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(conn) = conn {
            // busy_timeout first: switching a new file to WAL already needs the lock.
            conn.batch_execute(&format!(
                "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;"
            ))
            .map_err(diesel::r2d2::Error::QueryError)?;
            // What SQLite recommends for long-lived connections: refresh the planner's
            // statistics where they are missing or stale (bounded work). Without them a
            // page such as "active experts in creation order" reads every active expert
            // through the status index and sorts them instead of walking the order index.
            conn.batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        if let DbConnection::Postgresql(conn) = conn {
            // diesel keeps statements prepared, but PostgreSQL re-plans a prepared statement
            // on every execution while its generic plan looks costlier than a custom one —
            // forever for a `LIMIT $1` page, whose generic plan assumes a large limit. Every
            // statement here is keyed (keyset pages, lookups by id), so the generic plan is
            // the one a custom plan would choose, without the planning per request.
            conn.batch_execute("SET plan_cache_mode = force_generic_plan")
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

fn url_of(target: &DatabaseTarget) -> String {
    match target {
        DatabaseTarget::Postgres(url) => url.clone(),
        DatabaseTarget::Sqlite(path) => path.to_string_lossy().into_owned(),
    }
}

/// Why [`connect`] failed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("the SQLite writer connection: {0}")]
    Writer(#[from] diesel::ConnectionError),
}

/// Builds the pool. For SQLite the file is created when missing.
pub fn connect(target: &DatabaseTarget, size: u32) -> Result<DbPool, ConnectError> {
    let manager = ConnectionManager::<DbConnection>::new(url_of(target));
    let pool = Pool::builder()
        .max_size(size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(10))
        .connection_customizer(Box::new(ConnectionSetup))
        .build(manager)?;
    let writer = match target {
        DatabaseTarget::Sqlite(_) => {
            let conn = connect_one(target)?;
            Some(std::sync::Arc::new(writer::Writer::new(conn)))
        }
        DatabaseTarget::Postgres(_) => None,
    };
    Ok(DbPool { pool, writer })
}

/// Opens one connection outside any pool (CLI and tests).
pub fn connect_one(target: &DatabaseTarget) -> diesel::ConnectionResult<DbConnection> {
    let mut conn = DbConnection::establish(&url_of(target))?;
    ConnectionSetup
        .on_acquire(&mut conn)
        .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
    Ok(conn)
}

pub type MigrationError = Box<dyn std::error::Error + Send + Sync>;

/// Applies every pending migration of the connection's backend; returns how many ran.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, MigrationError> {
    let applied = match conn {
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS)?.len(),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS)?.len(),
    };
    // The one data step SQL cannot do: login names stored before they were normalized.
    let renamed = crate::models::user::normalize_logins(conn)?;
    if renamed > 0 {
        tracing::info!(renamed, "login names normalized (NFKC, lower case)");
    }
    Ok(applied)
}

/// Reverts every applied migration (tests use this for the up-down-up check).
pub fn revert_all_migrations(conn: &mut DbConnection) -> Result<usize, MigrationError> {
    let reverted = match conn {
        DbConnection::Postgresql(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS)?.len(),
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS)?.len(),
    };
    Ok(reverted)
}

/// Runs `f` with a pooled connection on the blocking thread pool, off the async workers.
pub async fn run<T, F>(pool: &DbPool, f: F) -> ApiResult<T>
where
    F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
{
    run_then(pool, f, Ok).await
}

/// As [`run`], then `then` with what `f` returned, on the same thread once the connection is
/// back in the pool: work that needs no connection (writing a page's JSON) neither holds
/// one nor moves to another thread (which would free what this one allocated).
pub async fn run_then<T, U, F, G>(pool: &DbPool, f: F, then: G) -> ApiResult<U>
where
    F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
    G: FnOnce(T) -> ApiResult<U> + Send + 'static,
    U: Send + 'static,
{
    let pool = pool.clone();
    // Messages written on the blocking thread read in the request's language too.
    let lang = crate::i18n::current();
    actix_web::web::block(move || {
        crate::i18n::LANG.sync_scope(lang, || {
            let value = {
                let mut conn = pool.get().map_err(ApiError::from)?;
                let _lent = LentWriter::lend(pool.writer.clone());
                f(&mut conn)?
            };
            then(value)
        })
    })
    .await
    .map_err(ApiError::internal)?
}

/// SQLite runs one write transaction at a time. Inside the process they queue here for their
/// turn, in arrival order, instead of meeting at `BEGIN IMMEDIATE` and retrying in the busy
/// handler's growing sleeps (which starve the unlucky and turn a burst into 503s); the busy
/// timeout remains for writers of other processes. One queue serves every SQLite database of
/// the process: a deployment has one, and the test suite's many are small.
static SQLITE_WRITERS: parking_lot::FairMutex<()> = parking_lot::const_fair_mutex(());

/// Runs `f` in one write transaction: on SQLite `BEGIN IMMEDIATE` after the process's queue
/// of writers, which takes the write lock up front so that a read inside can never be
/// invalidated by another writer — on the pool's writer connection when it is lent ([`run`],
/// [`DbPool::lend_writer`]; `f` gets that connection, not `conn`), where requests queued
/// together share one transaction and its commit, each in a savepoint of its own (the
/// `writer` module); on PostgreSQL an ordinary `BEGIN`.
pub fn transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Sqlite(_) => {
            if let Some(writer) = WRITER.with(|w| w.borrow().clone()) {
                return writer.transaction(&SQLITE_WRITERS, f);
            }
            let _turn = SQLITE_WRITERS.lock();
            if let DbConnection::Sqlite(c) = conn {
                AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            }
            let result = f(conn);
            finish(conn, result)
        }
        DbConnection::Postgresql(c) => {
            AnsiTransactionManager::begin_transaction(c)?;
            let result = f(conn);
            finish(conn, result)
        }
    }
}

/// Commits what [`transaction`] or [`savepoint`] began when `result` is a success, else
/// rolls it back.
fn finish<T, E>(conn: &mut DbConnection, result: Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    type Manager = <DbConnection as Connection>::TransactionManager;
    match result {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            Manager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// Inside a [`transaction`], runs `f` in a savepoint: when `f` fails, only its writes are
/// undone and the transaction goes on (on PostgreSQL a refused statement would otherwise
/// abort the whole transaction). For a use case that tries a write and falls back; the
/// only nesting there is.
pub fn savepoint<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let depth =
        <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn)
            .transaction_depth()?;
    if depth.is_none() {
        return Err(diesel::result::Error::NotInTransaction.into());
    }
    // At depth ≥ 1 diesel's transaction manager issues SAVEPOINT / RELEASE / ROLLBACK TO.
    <DbConnection as Connection>::TransactionManager::begin_transaction(conn)?;
    let result = f(conn);
    finish(conn, result)
}

/// Inside a write transaction, makes concurrent transactions that take the same key wait
/// for each other until commit. PostgreSQL: a transaction-scoped advisory lock. SQLite:
/// nothing to do, as every write transaction is `BEGIN IMMEDIATE` and so runs alone.
/// To take several, use [`lock_keys`], which orders them.
pub fn lock_key(conn: &mut DbConnection, key: &str) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl as _;
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind::<diesel::sql_types::Text, _>(key)
            .execute(pg)?;
    }
    Ok(())
}

/// Takes several [`lock_key`]s in sorted order, so two transactions that need the same
/// keys in different orders cannot deadlock on them.
pub fn lock_keys<S: AsRef<str>>(conn: &mut DbConnection, keys: &[S]) -> diesel::QueryResult<()> {
    let mut keys: Vec<&str> = keys.iter().map(AsRef::as_ref).collect();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        lock_key(conn, key)?;
    }
    Ok(())
}

/// [`run`] and [`transaction`] together: the usual shape of a request that changes data.
/// A transaction that loses a race (deadlock, serialization failure) is run once more;
/// losing again is a 503 `database_busy`.
pub async fn run_tx<T, F>(pool: &DbPool, mut f: F) -> ApiResult<T>
where
    F: FnMut(&mut DbConnection) -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
{
    run(pool, move |conn| match transaction(conn, &mut f) {
        Err(ApiError::Retry) => {
            tracing::info!("transaction lost a race; running it once more");
            match transaction(conn, &mut f) {
                Err(ApiError::Retry) => Err(ApiError::busy()),
                other => other,
            }
        }
        other => other,
    })
    .await
}

/// True when SQLite reported lock contention (past its busy timeout) rather than a real
/// failure. PostgreSQL's lost races are `constraint::is_retryable`.
pub fn is_busy(err: &diesel::result::Error) -> bool {
    use diesel::result::Error;
    match err {
        Error::DatabaseError(_, info) => {
            let message = info.message();
            message.contains("database is locked") || message.contains("database is busy")
        }
        _ => false,
    }
}
