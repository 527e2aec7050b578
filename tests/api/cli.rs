//! The `guanai` binary: migrate, create-admin, seed-demo, and `serve --demo` end to end,
//! including a graceful stop on SIGTERM.

use crate::common;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{TestDb, http};
use guanai::config::DatabaseTarget;
use serde_json::json;

fn database_url(target: &DatabaseTarget) -> String {
    match target {
        DatabaseTarget::Sqlite(path) => path.to_string_lossy().into_owned(),
        DatabaseTarget::Postgres(url) => url.clone(),
    }
}

fn guanai(url: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guanai"));
    command
        .args(args)
        .env("DATABASE_URL", url)
        .env("GUANAI_JWT_SECRET", common::JWT_SECRET)
        .env("GUANAI_MAIL_TRANSPORT", "log")
        .env_remove("GUANAI_ADMIN_PASSWORD")
        .stdin(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run guanai")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn migrate_applies_pending_migrations_once() {
    let (_db, target) = TestDb::create_empty();
    let url = database_url(&target);

    let first = guanai(&url, &["migrate"], &[]);
    let second = guanai(&url, &["migrate"], &[]);

    assert!(first.status.success(), "{first:?}");
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count();
    assert_eq!(
        stdout(&first).trim(),
        format!("applied {migrations} migration(s)")
    );
    assert_eq!(stdout(&second).trim(), "applied 0 migration(s)");
}

#[test]
fn create_admin_takes_the_password_from_the_environment_only() {
    let (_db, target) = TestDb::create();
    let url = database_url(&target);

    let no_password = guanai(&url, &["create-admin", "--login", "boss"], &[]);
    assert!(!no_password.status.success());
    assert!(String::from_utf8_lossy(&no_password.stderr).contains("GUANAI_ADMIN_PASSWORD"));

    let weak = guanai(
        &url,
        &["create-admin", "--login", "boss"],
        &[("GUANAI_ADMIN_PASSWORD", "short")],
    );
    assert!(!weak.status.success());

    let created = guanai(
        &url,
        &["create-admin", "--login", "Boss"],
        &[("GUANAI_ADMIN_PASSWORD", "the office's own password")],
    );
    assert!(created.status.success(), "{created:?}");
    assert!(stdout(&created).starts_with("created admin boss"));

    let again = guanai(
        &url,
        &["create-admin", "--login", "boss"],
        &[("GUANAI_ADMIN_PASSWORD", "the office's own password")],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("taken"));
}

#[test]
fn seed_demo_fills_an_empty_database_and_leaves_a_used_one_alone() {
    let (_db, target) = TestDb::create();
    let url = database_url(&target);

    let first = guanai(&url, &["seed-demo"], &[]);
    let second = guanai(&url, &["seed-demo"], &[]);

    assert!(stdout(&first).contains("DEMO PASSWORD"), "{first:?}");
    assert!(stdout(&first).contains(guanai::demo::DEMO_PASSWORD));
    assert!(stdout(&second).contains("not seeded"), "{second:?}");
}

#[test]
fn postgres_without_a_data_key_refuses_to_start() {
    let output = Command::new(env!("CARGO_BIN_EXE_guanai"))
        .args(["serve"])
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("GUANAI_JWT_SECRET", common::JWT_SECRET)
        .env_remove("GUANAI_DATA_KEY")
        .output()
        .expect("run guanai");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("GUANAI_DATA_KEY"));
}

#[test]
fn postgres_without_a_jwt_secret_refuses_to_start() {
    let output = Command::new(env!("CARGO_BIN_EXE_guanai"))
        .args(["serve"])
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env_remove("GUANAI_JWT_SECRET")
        .output()
        .expect("run guanai");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("GUANAI_JWT_SECRET"));
}

/// A `guanai serve` child on a port the system picks, killed when dropped (so a failed
/// assertion leaves no server behind).
struct ServeChild {
    child: Option<std::process::Child>,
    addr: std::net::SocketAddr,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl ServeChild {
    /// Starts `guanai serve ARGS` with `GUANAI_BIND=127.0.0.1:0` and waits for the line
    /// that names the bound address.
    fn start(mut command: Command) -> ServeChild {
        use std::io::BufRead as _;
        let mut child = command
            .env("GUANAI_BIND", "127.0.0.1:0")
            .env("GUANAI_MAIL_TRANSPORT", "log")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start guanai serve");
        let stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut guard = ServeChild {
            child: Some(child),
            addr: "127.0.0.1:1".parse().expect("addr"),
            stdout,
        };
        let started = Instant::now();
        loop {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "serve did not start listening"
            );
            let mut line = String::new();
            let read = guard.stdout.read_line(&mut line).expect("read stdout");
            assert!(read > 0, "serve exited before listening");
            if let Some(addr) = line.trim().strip_prefix("guanai listening on http://") {
                guard.addr = addr.parse().expect("listening address");
                return guard;
            }
        }
    }

    /// Sends SIGTERM and waits; returns the exit status and what was written to stderr.
    fn terminate(mut self) -> (std::process::ExitStatus, String) {
        use std::io::Read as _;
        let mut child = self.child.take().expect("child");
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let mut stderr = String::new();
        if let Some(mut err) = child.stderr.take() {
            let _ = err.read_to_string(&mut stderr);
        }
        let status = child.wait().expect("wait");
        (status, stderr)
    }
}

impl Drop for ServeChild {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn serve_demo_answers_the_readme_walkthrough_and_stops_on_sigterm() {
    let (_db, target) = TestDb::create();
    let url = database_url(&target);
    let mut command = Command::new(env!("CARGO_BIN_EXE_guanai"));
    command
        .args(["serve", "--demo"])
        .env("DATABASE_URL", &url)
        .env("GUANAI_JWT_SECRET", common::JWT_SECRET)
        .env("GUANAI_DATA_KEY", guanai::crypto::DataKey::generate());
    let server = ServeChild::start(command);
    let addr = server.addr;
    let (status, login) = http(
        addr,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({ "login": "admin", "password": guanai::demo::DEMO_PASSWORD })),
    );
    assert_eq!(status, 200, "{login}");
    let token = login["access_token"].as_str().unwrap();
    let (status, teams) = http(addr, "GET", "/api/v1/teams", Some(token), None);
    assert_eq!(status, 200);
    assert_eq!(teams["items"].as_array().unwrap().len(), 6);

    let (status, stderr) = server.terminate();
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(stderr.contains("guanai stopped"), "{stderr}");
}

#[test]
fn serve_without_a_secret_on_sqlite_keeps_a_generated_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let mut command = Command::new(env!("CARGO_BIN_EXE_guanai"));
    command
        .args(["serve"])
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env_remove("GUANAI_JWT_SECRET");
    let server = ServeChild::start(command);
    let secret = guanai::config::secret_file_for(&db);
    drop(server);
    assert!(db.exists());
    assert!(std::fs::read_to_string(&secret).unwrap().len() >= 32);
    // The data key is kept beside it the same way.
    let key = std::fs::read_to_string(guanai::config::data_key_file_for(&db)).unwrap();
    assert!(guanai::crypto::DataKey::parse(&key).is_ok());
}

#[test]
fn backup_copies_the_sqlite_database_and_names_pg_dump_for_postgresql() {
    let (_db, target) = TestDb::create();
    let url = database_url(&target);
    let seeded = guanai(&url, &["seed-demo"], &[]);
    assert!(seeded.status.success(), "{seeded:?}");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("备份 2026-12-03.db");
    let copy_name = copy.to_str().unwrap();
    let backed_up = guanai(&url, &["backup", copy_name], &[]);
    if matches!(target, DatabaseTarget::Postgres(_)) {
        assert!(!backed_up.status.success());
        assert!(String::from_utf8_lossy(&backed_up.stderr).contains("pg_dump"));
        return;
    }
    assert!(backed_up.status.success(), "{backed_up:?}");
    // The copy is a whole database: the service reads it as it reads the original.
    let count = |url: &str| {
        let mut conn = guanai::db::connect_one(&DatabaseTarget::parse(url)).unwrap();
        guanai::models::user::User::count(&mut conn).unwrap()
    };
    assert!(count(copy_name) > 0);
    assert_eq!(count(copy_name), count(&url));
    // It never writes over a file.
    let again = guanai(&url, &["backup", copy_name], &[]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
}
