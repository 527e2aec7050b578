//! The `guanai` command: serve the API, migrate, create an admin, seed demo data.

use std::io::IsTerminal as _;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use guanai::auth::jwt::JwtKeys;
use guanai::clock::{Clock as _, SystemClock};
use guanai::config::{DatabaseTarget, Settings};
use guanai::{AppState, db, demo};
use tracing_subscriber::EnvFilter;
use utoipa::OpenApi as _;

/// mimalloc instead of glibc's malloc, which took a fifth of a list request (many small
/// strings per page); without transparent huge pages (`no_thp`), which kept 20 MB more
/// resident for nothing (issue 8, bench/run.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "guanai",
    version,
    about = "关爱专家团 booking and dispatch service"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP API (migrates the database first).
    Serve {
        /// Seed demo accounts when the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Create an admin account; the password comes from GUANAI_ADMIN_PASSWORD or a prompt.
    CreateAdmin {
        #[arg(long)]
        login: String,
        #[arg(long, default_value = "关工委办公室")]
        display_name: String,
    },
    /// Seed demo accounts of every role into an empty database.
    SeedDemo,
    /// Import the roster from a CSV file: every row or none (see api_docs/experts_sample.csv).
    ImportExperts {
        file: std::path::PathBuf,
        /// Check the file only; create nothing.
        #[arg(long)]
        dry_run: bool,
        /// Create rows that look like an expert already on the roster (same name and phone,
        /// or same name and birth year) under their new login anyway.
        #[arg(long)]
        confirm_duplicates: bool,
    },
    /// Copy the SQLite database, consistently, while the service runs (`VACUUM INTO`, with
    /// the bundled SQLite); on PostgreSQL, use `pg_dump`.
    Backup {
        /// The new file: it must not exist yet.
        file: std::path::PathBuf,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Fill an empty database for bench/run.sh (built with the `bench-routes` feature only).
    #[cfg(feature = "bench-routes")]
    SeedBench {
        #[arg(long, default_value_t = 1000)]
        experts: usize,
        #[arg(long, default_value_t = 3000)]
        courses: usize,
        #[arg(long, default_value_t = 500)]
        schools: usize,
        /// Past lectures, spread over the experts and schools.
        #[arg(long, default_value_t = 0)]
        lectures: usize,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::from_env().context("invalid configuration")?;
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_new(&settings.log_filter).unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Serve { demo } => serve(settings, demo),
        Command::Migrate => {
            let mut conn = open(&settings)?;
            let applied = db::run_migrations(&mut conn).map_err(|e| anyhow::anyhow!(e))?;
            println!("applied {applied} migration(s)");
            Ok(())
        }
        Command::CreateAdmin {
            login,
            display_name,
        } => create_admin(&settings, &login, &display_name),
        Command::SeedDemo => {
            let mut conn = open(&settings)?;
            db::run_migrations(&mut conn).map_err(|e| anyhow::anyhow!(e))?;
            seed_demo(&mut conn, &settings)
        }
        Command::ImportExperts {
            file,
            dry_run,
            confirm_duplicates,
        } => import_experts(
            &settings,
            &file,
            guanai::usecase::roster::ImportOptions {
                dry_run,
                confirm_duplicates,
            },
        ),
        Command::Backup { file } => backup(&settings, &file),
        Command::Openapi => {
            println!("{}", guanai::api::ApiDoc::openapi().to_pretty_json()?);
            Ok(())
        }
        #[cfg(feature = "bench-routes")]
        Command::SeedBench {
            experts,
            courses,
            schools,
            lectures,
        } => {
            let mut conn = open(&settings)?;
            db::run_migrations(&mut conn).map_err(|e| anyhow::anyhow!(e))?;
            if guanai::models::user::User::count(&mut conn)? > 0 {
                bail!("seed-bench fills an empty database only");
            }
            let hash = guanai::auth::password::hash_password(guanai::bench::BENCH_PASSWORD)
                .map_err(|e| anyhow::anyhow!(e.to_string()))?;
            let seeded = guanai::bench::seed(
                &mut conn,
                &settings,
                &hash,
                SystemClock.now_naive(),
                guanai::bench::Sizes {
                    experts,
                    courses,
                    schools,
                    lectures,
                },
            )
            .map_err(|e| anyhow::anyhow!(e.to_string()))?;
            println!(
                "seeded {} experts, {} courses, {} schools, {} lectures",
                seeded.experts, seeded.courses, seeded.schools, seeded.lectures
            );
            if let Some(id) = seeded.evaluated_lecture {
                println!("evaluated lecture: {id}");
            }
            Ok(())
        }
    }
}

/// `VACUUM INTO` a new file: a consistent copy of the whole database, taken inside one read
/// transaction, so the service may go on writing meanwhile.
fn backup(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    use diesel::RunQueryDsl as _;
    if matches!(
        settings.database,
        guanai::config::DatabaseTarget::Postgres(_)
    ) {
        bail!(
            "the database is PostgreSQL: back it up with pg_dump (e.g. pg_dump -Fc -f guanai.dump \"$DATABASE_URL\")"
        );
    }
    if file.exists() {
        bail!("{} exists already; name a new file", file.display());
    }
    let target = file
        .to_str()
        .context("the backup file's name is not UTF-8")?
        .replace('\'', "''");
    let mut conn = open(settings)?;
    diesel::sql_query(format!("VACUUM INTO '{target}'"))
        .execute(&mut conn)
        .with_context(|| format!("could not write {}", file.display()))?;
    println!("backed up to {}", file.display());
    Ok(())
}

fn open(settings: &Settings) -> anyhow::Result<db::DbConnection> {
    db::connect_one(&settings.database).context("cannot open the database")
}

fn seed_demo(conn: &mut db::DbConnection, settings: &Settings) -> anyhow::Result<()> {
    let hash = guanai::auth::password::hash_password(demo::DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!(e.to_string()))?;
    match demo::seed(conn, settings, &hash, SystemClock.now_naive())
        .map_err(|e| anyhow::anyhow!(e.to_string()))?
    {
        demo::SeedOutcome::Seeded {
            accounts,
            experts,
            schools,
            courses,
        } => {
            println!(
                "seeded {accounts} demo accounts ({experts} experts, {schools} schools) and {courses} approved courses"
            );
            println!(
                "DEMO PASSWORD for every demo account: {}",
                demo::DEMO_PASSWORD
            );
            println!("(demo data only: never use these accounts on a real deployment)");
            for (role, login, who) in demo::demo_logins() {
                println!("  {:<7} {login:<17} {who}", role.to_string());
            }
        }
        demo::SeedOutcome::SkippedNotEmpty => {
            println!("the database already holds accounts; demo data was not seeded");
        }
    }
    Ok(())
}

fn import_experts(
    settings: &Settings,
    file: &std::path::Path,
    options: guanai::usecase::roster::ImportOptions,
) -> anyhow::Result<()> {
    use chrono::Datelike as _;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut conn = open(settings)?;
    db::run_migrations(&mut conn).map_err(|e| anyhow::anyhow!(e))?;
    let now = SystemClock.now_naive();
    let tz = settings.timezone;
    let year = SystemClock.now().with_timezone(&tz).year();
    let audit = guanai::audit::AuditContext::system(now);
    let result = guanai::usecase::Uow::within(&mut conn, settings, audit, |uow| {
        guanai::usecase::roster::import(uow, &bytes, options, year)
    });
    match result {
        Ok(report) => {
            let verb = if report.dry_run {
                "would create"
            } else {
                "created"
            };
            println!(
                "{verb} {} expert(s), {} {}, {} unchanged",
                report.created,
                if report.dry_run {
                    "would update"
                } else {
                    "updated"
                },
                report.updated,
                report.unchanged
            );
            for expert in report.experts {
                let outcome = serde_json::to_value(expert.outcome)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let note = if expert.status_ignored {
                    "  (status column ignored: membership moves only by its own steps)"
                } else {
                    ""
                };
                match expert.set_password_token {
                    Some(token) => println!(
                        "  line {:>4}  {outcome:<9}  {}  {}  set-password token: {token}",
                        expert.line, expert.login, expert.name
                    ),
                    None => println!(
                        "  line {:>4}  {outcome:<9}  {}  {}{note}",
                        expert.line, expert.login, expert.name
                    ),
                }
            }
            Ok(())
        }
        Err(guanai::error::ApiError::Validation(errors)) => {
            eprintln!("nothing was imported; {} problem(s):", errors.len());
            for e in errors {
                eprintln!("  {}: {} ({})", e.field, e.message, e.code);
            }
            bail!("the roster file has problems")
        }
        Err(other) => Err(anyhow::anyhow!(other.to_string())),
    }
}

fn create_admin(settings: &Settings, login: &str, display_name: &str) -> anyhow::Result<()> {
    let login =
        guanai::domain::validate::login("login", login).map_err(|e| anyhow::anyhow!(e.message))?;
    let display_name = guanai::domain::validate::text("display_name", display_name, 100)
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let password = match std::env::var("GUANAI_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            if !std::io::stdin().is_terminal() {
                bail!(
                    "set GUANAI_ADMIN_PASSWORD or run in a terminal to be prompted for the password"
                );
            }
            let first = rpassword::prompt_password(format!("password for {login}: "))?;
            let second = rpassword::prompt_password("again: ")?;
            if first != second {
                bail!("the two passwords differ");
            }
            first
        }
    };
    guanai::auth::password::check_policy("password", &password, &login)
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let hash = guanai::auth::password::hash_password(&password)
        .map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let mut conn = open(settings)?;
    db::run_migrations(&mut conn).map_err(|e| anyhow::anyhow!(e))?;
    let id = guanai::models::user::create_admin(
        &mut conn,
        &login,
        &display_name,
        &hash,
        SystemClock.now_naive(),
    )?
    .with_context(|| format!("the login name `{login}` is taken"))?;
    println!("created admin {login} ({id})");
    Ok(())
}

fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let jwt_secret = guanai::config::resolve_jwt_secret(&settings)?;
    let jwt = JwtKeys::new(&jwt_secret).map_err(|e| anyhow::anyhow!(e))?;
    let keys = guanai::config::resolve_data_keys(&settings)?;
    let pool = db::connect(&settings.database, settings.db_pool_size)
        .context("cannot open the database")?;
    {
        let mut conn = pool.get().context("cannot open the database")?;
        let applied = db::run_migrations(&mut conn).map_err(|e| anyhow::anyhow!(e))?;
        tracing::info!(applied, "migrations applied");
        if demo {
            seed_demo(&mut conn, &settings)?;
        }
    }
    let backend = match &settings.database {
        DatabaseTarget::Sqlite(path) => format!("sqlite:{}", path.display()),
        DatabaseTarget::Postgres(_) => "postgres".to_owned(),
    };
    let bind = settings.bind.clone();
    let mailer =
        guanai::mail::Mailer::from_settings(&settings.mail).map_err(|e| anyhow::anyhow!(e))?;
    let from: lettre::message::Mailbox = settings.mail.from.parse().context("GUANAI_MAIL_FROM")?;
    let mail_every =
        chrono::Duration::seconds(i64::try_from(settings.mail.poll_seconds).unwrap_or(i64::MAX));
    let clock: Arc<dyn guanai::clock::Clock> = Arc::new(SystemClock);
    let jobs = guanai::jobs::standard_jobs(mailer, from, mail_every, settings.clone());
    let worker = guanai::jobs::JobRunner::spawn(
        pool.clone(),
        clock.clone(),
        jobs,
        std::time::Duration::from_secs(1),
    )
    .context("cannot start the job runner")?;
    // Every database call runs on a worker's blocking pool and holds a pooled connection;
    // more blocking threads than connections would only wait for one, each with a stack and
    // an allocator arena of its own. So the workers together get as many as the pool has.
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let pool_size = usize::try_from(settings.db_pool_size).unwrap_or(8);
    let blocking_per_worker = pool_size.div_ceil(workers).max(1);
    let state = actix_web::web::Data::new(AppState::new(pool, settings, clock, jwt, keys));
    let served = actix_web::rt::System::new().block_on(async move {
        let server = actix_web::HttpServer::new(move || guanai::app(state.clone()))
            .workers(workers)
            .worker_max_blocking_threads(blocking_per_worker)
            .bind(&bind)
            .with_context(|| format!("cannot listen on {bind}"))?
            .shutdown_timeout(10);
        // The bound address, on stdout: with `GUANAI_BIND=127.0.0.1:0` a supervisor (or a
        // test) learns the port the system picked.
        for addr in server.addrs() {
            tracing::info!(%addr, %backend, "guanai listening");
            println!("guanai listening on http://{addr}");
        }
        server.run().await.context("server error")
    });
    worker.stop();
    served?;
    tracing::info!("guanai stopped");
    Ok(())
}
