//! A fresh database for each test: an SQLite file in a temporary directory, or a PostgreSQL
//! database made from a migrated template (`GUANAI_TEST_PG_URL`), dropped afterwards.

use super::*;

/// Where a test's database lives; dropping it removes the database, even after a failure.
pub enum TestDb {
    /// The directory is removed when dropped.
    Sqlite(#[expect(dead_code, reason = "held for its Drop")] tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl TestDb {
    /// A fresh database with every migration applied and no rows. On PostgreSQL it is
    /// copied from a migrated template database (much faster than migrating each time).
    pub fn create() -> (TestDb, DatabaseTarget) {
        Self::make(true)
    }

    /// A fresh database without any table (for the migration tests).
    pub fn create_empty() -> (TestDb, DatabaseTarget) {
        Self::make(false)
    }

    fn make(migrated: bool) -> (TestDb, DatabaseTarget) {
        match std::env::var("GUANAI_TEST_PG_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("guanai_t_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                    panic!("cannot reach PostgreSQL at GUANAI_TEST_PG_URL: {e}")
                });
                let create = if migrated {
                    format!(
                        "CREATE DATABASE {name} TEMPLATE {}",
                        pg_template(&admin_url)
                    )
                } else {
                    format!("CREATE DATABASE {name}")
                };
                create_database(&mut admin, &create);
                let url = with_database(&admin_url, &name);
                (
                    TestDb::Postgres { admin_url, name },
                    DatabaseTarget::Postgres(url),
                )
            }
            _ => {
                let dir = tempfile::tempdir().expect("tempdir");
                let path = dir.path().join("test.db");
                (TestDb::Sqlite(dir), DatabaseTarget::Sqlite(path))
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }
}

/// `CREATE DATABASE`, retried while the template is briefly in use by another creation.
fn create_database(admin: &mut PgConnection, statement: &str) {
    for attempt in 0..50 {
        match diesel::sql_query(statement).execute(admin) {
            Ok(_) => return,
            Err(e) if e.to_string().contains("being accessed by other users") && attempt < 49 => {
                std::thread::sleep(std::time::Duration::from_millis(20 + attempt * 10));
            }
            Err(e) => panic!("create test database: {e}"),
        }
    }
}

/// The name of a database holding the migrated schema, made once per migration set: its
/// name carries a hash of the migration files, so an edited migration gets a new template.
fn pg_template(admin_url: &str) -> &'static str {
    static TEMPLATE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEMPLATE.get_or_init(|| {
        use sha2::{Digest as _, Sha256};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&root)
            .expect("migrations")
            .flat_map(|dir| {
                let dir = dir.expect("entry").path();
                ["up.sql", "down.sql"].map(|f| dir.join(f))
            })
            .collect();
        files.sort();
        let mut hasher = Sha256::new();
        for file in &files {
            hasher.update(
                file.strip_prefix(&root)
                    .expect("prefix")
                    .to_string_lossy()
                    .as_bytes(),
            );
            hasher.update(std::fs::read(file).unwrap_or_default());
        }
        let digest = hasher.finalize();
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let name = format!("guanai_tpl_{hex}");
        let mut admin = PgConnection::establish(admin_url).expect("admin connection");
        // One process builds it; others (the SQLite run never gets here) wait on the lock.
        diesel::sql_query("SELECT pg_advisory_lock(4242001)")
            .execute(&mut admin)
            .expect("template lock");
        #[derive(diesel::QueryableByName)]
        struct Found {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let found: Found =
            diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
                .bind::<diesel::sql_types::Text, _>(&name)
                .get_result(&mut admin)
                .expect("look up template");
        if found.n == 0 {
            let building = format!("{name}_building");
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                .execute(&mut admin)
                .expect("drop half-built template");
            create_database(&mut admin, &format!("CREATE DATABASE {building}"));
            {
                let target = DatabaseTarget::Postgres(with_database(admin_url, &building));
                let mut conn = db::connect_one(&target).expect("template connection");
                db::run_migrations(&mut conn).expect("migrate template");
            }
            // Renamed only once complete, so a crash never leaves a half-migrated template.
            diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
                .execute(&mut admin)
                .expect("publish template");
            // Templates of older migration sets are of no more use.
            #[derive(diesel::QueryableByName)]
            struct Old {
                #[diesel(sql_type = diesel::sql_types::Text)]
                datname: String,
            }
            let old: Vec<Old> = diesel::sql_query(
                "SELECT datname FROM pg_database WHERE datname LIKE 'guanai\\_tpl\\_%' AND datname <> $1",
            )
            .bind::<diesel::sql_types::Text, _>(&name)
            .load(&mut admin)
            .unwrap_or_default();
            for Old { datname } in old {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {datname}"))
                    .execute(&mut admin);
            }
        }
        diesel::sql_query("SELECT pg_advisory_unlock(4242001)")
            .execute(&mut admin)
            .expect("template unlock");
        name
    })
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}

/// `postgres://user@host:port/db?x` with the database replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}
