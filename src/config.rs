//! Settings from the environment: every variable the service reads is listed here.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `GUANAI_BIND` | `127.0.0.1:8080` | address and port `serve` listens on |
//! | `DATABASE_URL` | `guanai.db` | `postgres://…` for PostgreSQL; anything else is an SQLite file path (an optional `sqlite://` prefix is stripped) |
//! | `GUANAI_TIMEZONE` | `Asia/Shanghai` | IANA zone that times are shown in and review periods are cut in |
//! | `GUANAI_JWT_SECRET` | none | HMAC key for access tokens, at least 32 characters; without it `serve` keeps a generated one in `<sqlite file>.jwt-secret` (0600); required on PostgreSQL |
//! | `GUANAI_DATA_KEY` | none | the key that seals one-on-one cases' personal fields at rest: 32 bytes as base64url (43 characters) or hex (64); without it `serve` keeps a generated one in `<sqlite file>.data-key` (0600); required on PostgreSQL. Losing it loses what it sealed |
//! | `GUANAI_ACCESS_TOKEN_MINUTES` | `15` | access token lifetime, 1-15 minutes |
//! | `GUANAI_REFRESH_TOKEN_DAYS` | `30` | refresh token lifetime, 1-90 days |
//! | `GUANAI_TRUSTED_PROXIES` | none | comma-separated proxy IP addresses whose `X-Forwarded-For` is believed |
//! | `GUANAI_DB_POOL_SIZE` | SQLite `8`; PostgreSQL twice the cores, at least `4` | database connections per instance (1-256) |
//! | `GUANAI_LOG` | `info` | tracing filter, e.g. `guanai=debug,actix_web=info` |
//! | `GUANAI_ADMIN_PASSWORD` | none | password for `guanai create-admin` (prompted for when unset) |
//! | `GUANAI_OFFER_HOURS` | `48` | how long an expert has to answer an offer (1-720 hours; never past the lecture's start) |
//! | `GUANAI_TRAVEL_BUFFER_MINUTES` | `30` | time kept free before and after an offline lecture (0-240 minutes) |
//! | `GUANAI_BOOKING_LEAD_HOURS` | `48` | how far ahead a school books or moves a lecture, 0-720 hours (the office may arrange one sooner, never in the past) |
//! | `GUANAI_LECTURE_HOURS` | `07:00-21:30` | the local hours a lecture starts and ends within, one day (`HH:MM-HH:MM`) |
//! | `GUANAI_DAYS_AHEAD` | `365` | how far ahead a lecture is arranged, 1-3650 days |
//! | `GUANAI_LATE_MINUTES` | `10` | a check-in more than this many minutes after the start is late, 0-120 |
//! | `GUANAI_REPORT_DAYS` | `3` | a delivery report filed more than this many days after the end is late, 0-60 |
//! | `GUANAI_DEFAULT_LANGUAGE` | `zh-CN` | the language of messages when a request's `Accept-Language` names neither Chinese nor English (`zh-CN` or `en`) |
//! | `GUANAI_PUBLIC_URL` | `http://127.0.0.1:8080` | base of links in mails (set-password links) and of a certificate's verification address |
//! | `GUANAI_BUREAU_NAME` | `市教育局关心下一代工作委员会` | the issuing body printed on service records and certificates |
//! | `GUANAI_MAIL_TRANSPORT` | `file` | `file` (an `.eml` per message), `smtp`, or `log` |
//! | `GUANAI_MAIL_DIR` | `mail` | folder for the `file` transport |
//! | `GUANAI_MAIL_FROM` | `关爱专家团 <noreply@guanai.invalid>` | sender of every mail |
//! | `GUANAI_MAIL_POLL_SECONDS` | `5` | how often the `mail_delivery` job looks for due mail, 1-300 |
//! | `GUANAI_SMTP_HOST` | none | SMTP server (required for `smtp`) |
//! | `GUANAI_SMTP_PORT` | by security: 587, 465 or 25 | SMTP port |
//! | `GUANAI_SMTP_SECURITY` | `starttls` | `starttls`, `tls` (implicit TLS) or `none` |
//! | `GUANAI_SMTP_USER`, `GUANAI_SMTP_PASSWORD` | none | SMTP credentials, if the server wants them |

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;

/// Which database `DATABASE_URL` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseTarget {
    pub fn parse(url: &str) -> Self {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Self::Postgres(url.to_owned());
        }
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        let path = if path.is_empty() { "guanai.db" } else { path };
        Self::Sqlite(PathBuf::from(path))
    }

    /// Connections per instance when `GUANAI_DB_POOL_SIZE` is unset. SQLite: 8 — one writer
    /// and the readers, all in this process; more requests waiting for the writer make larger
    /// shared commits. PostgreSQL: twice the cores, at least 4 — each connection is a server
    /// process and each holds one of this instance's blocking threads, and beyond what the
    /// cores can run they only take turns. On 2 cores (the benchmark, PostgreSQL on the same
    /// machine) 8 connections against 4 gave the bare read a p99 of 52-62 ms against
    /// 26-52 ms, a school's lecture page 62-84 ms against 44-57 ms, and the lecture writes
    /// 464-533/s against 590-692/s, at about the same read rates.
    pub fn default_pool_size(&self, cores: usize) -> i64 {
        match self {
            Self::Sqlite(_) => 8,
            Self::Postgres(_) => i64::try_from(cores.saturating_mul(2))
                .unwrap_or(256)
                .clamp(4, 256),
        }
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    None,
}

/// Where mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// Each message as `<notification id>.eml` in this folder (the default: works with no mail server).
    File(PathBuf),
    Smtp {
        host: String,
        port: u16,
        security: SmtpSecurity,
        credentials: Option<(String, String)>,
    },
    /// Only a log line per message (never its body).
    Log,
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    pub transport: MailTransport,
    pub from: String,
    pub poll_seconds: u64,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: String,
    pub database: DatabaseTarget,
    pub timezone: Tz,
    pub jwt_secret: Option<String>,
    /// `GUANAI_DATA_KEY`, checked to be a key.
    pub data_key: Option<String>,
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    pub trusted_proxies: Vec<IpAddr>,
    pub db_pool_size: u32,
    pub log_filter: String,
    pub public_url: String,
    pub mail: MailSettings,
    /// How long an offer waits for its expert's answer.
    pub offer_hours: i64,
    /// Kept free before and after an offline lecture.
    pub travel_buffer_minutes: i64,
    /// How far ahead a school books or moves a lecture.
    pub booking_lead_hours: i64,
    /// The local hours a lecture lies within.
    pub lecture_hours: crate::domain::schedule::LectureHours,
    /// How far ahead a lecture is arranged, in days.
    pub days_ahead: i64,
    /// A check-in more than this many minutes after the start is late.
    pub late_minutes: i64,
    /// A delivery report filed more than this many days after the end is late.
    pub report_days: i64,
    /// The language of messages when a request names neither of the two.
    pub default_language: crate::i18n::Lang,
    /// The issuing body printed on service records and certificates.
    pub bureau_name: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn invalid(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

fn ranged(
    lookup: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, ConfigError> {
    let Some(raw) = lookup(variable) else {
        return Ok(default);
    };
    let value: i64 = raw
        .trim()
        .parse()
        .map_err(|_| invalid(variable, format!("`{raw}` is not a whole number")))?;
    if !range.contains(&value) {
        return Err(invalid(
            variable,
            format!("{value} is outside {}..={}", range.start(), range.end()),
        ));
    }
    Ok(value)
}

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.is_empty()))
    }

    /// Reads settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let timezone = match lookup("GUANAI_TIMEZONE") {
            None => chrono_tz::Asia::Shanghai,
            Some(name) => name
                .trim()
                .parse::<Tz>()
                .map_err(|_| invalid("GUANAI_TIMEZONE", format!("unknown time zone `{name}`")))?,
        };
        let jwt_secret = lookup("GUANAI_JWT_SECRET");
        if let Some(secret) = &jwt_secret
            && secret.chars().count() < 32
        {
            return Err(invalid(
                "GUANAI_JWT_SECRET",
                "must be at least 32 characters",
            ));
        }
        let data_key = lookup("GUANAI_DATA_KEY");
        if let Some(key) = &data_key
            && let Err(e) = crate::crypto::DataKey::parse(key)
        {
            return Err(invalid("GUANAI_DATA_KEY", e.to_string()));
        }
        let trusted_proxies = match lookup("GUANAI_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<IpAddr>().map_err(|_| {
                        invalid(
                            "GUANAI_TRUSTED_PROXIES",
                            format!("`{s}` is not an IP address"),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        let database =
            DatabaseTarget::parse(lookup("DATABASE_URL").as_deref().unwrap_or("guanai.db"));
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let pool = ranged(
            &lookup,
            "GUANAI_DB_POOL_SIZE",
            database.default_pool_size(cores),
            1..=256,
        )?;
        let mail = mail_settings(&lookup)?;
        Ok(Self {
            bind: lookup("GUANAI_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            database,
            timezone,
            jwt_secret,
            data_key,
            access_token_minutes: ranged(&lookup, "GUANAI_ACCESS_TOKEN_MINUTES", 15, 1..=15)?,
            refresh_token_days: ranged(&lookup, "GUANAI_REFRESH_TOKEN_DAYS", 30, 1..=90)?,
            trusted_proxies,
            db_pool_size: u32::try_from(pool).unwrap_or(8),
            log_filter: lookup("GUANAI_LOG").unwrap_or_else(|| "info".to_owned()),
            public_url: lookup("GUANAI_PUBLIC_URL")
                .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned())
                .trim_end_matches('/')
                .to_owned(),
            mail,
            offer_hours: ranged(&lookup, "GUANAI_OFFER_HOURS", 48, 1..=720)?,
            travel_buffer_minutes: ranged(&lookup, "GUANAI_TRAVEL_BUFFER_MINUTES", 30, 0..=240)?,
            booking_lead_hours: ranged(&lookup, "GUANAI_BOOKING_LEAD_HOURS", 48, 0..=720)?,
            days_ahead: ranged(&lookup, "GUANAI_DAYS_AHEAD", 365, 1..=3650)?,
            late_minutes: ranged(&lookup, "GUANAI_LATE_MINUTES", 10, 0..=120)?,
            report_days: ranged(&lookup, "GUANAI_REPORT_DAYS", 3, 0..=60)?,
            bureau_name: lookup("GUANAI_BUREAU_NAME")
                .map(|name| name.trim().to_owned())
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| "市教育局关心下一代工作委员会".to_owned()),
            default_language: match lookup("GUANAI_DEFAULT_LANGUAGE") {
                None => crate::i18n::Lang::Zh,
                Some(tag) => crate::i18n::Lang::parse(&tag).ok_or_else(|| {
                    invalid(
                        "GUANAI_DEFAULT_LANGUAGE",
                        format!("`{tag}` is not zh-CN or en"),
                    )
                })?,
            },
            lecture_hours: match lookup("GUANAI_LECTURE_HOURS") {
                None => crate::domain::schedule::LectureHours::default(),
                Some(raw) => raw.parse().map_err(|problem: &str| {
                    invalid("GUANAI_LECTURE_HOURS", format!("`{raw}`: {problem}"))
                })?,
            },
        })
    }
}

fn mail_settings(lookup: &impl Fn(&str) -> Option<String>) -> Result<MailSettings, ConfigError> {
    let from = lookup("GUANAI_MAIL_FROM")
        .unwrap_or_else(|| "关爱专家团 <noreply@guanai.invalid>".to_owned());
    if from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(invalid(
            "GUANAI_MAIL_FROM",
            format!("`{from}` is not a mail address"),
        ));
    }
    let poll = ranged(lookup, "GUANAI_MAIL_POLL_SECONDS", 5, 1..=300)?;
    let transport = match lookup("GUANAI_MAIL_TRANSPORT").as_deref().map(str::trim) {
        None | Some("file") => MailTransport::File(PathBuf::from(
            lookup("GUANAI_MAIL_DIR").unwrap_or_else(|| "mail".to_owned()),
        )),
        Some("log") => MailTransport::Log,
        Some("smtp") => {
            let host = lookup("GUANAI_SMTP_HOST").ok_or_else(|| {
                invalid(
                    "GUANAI_SMTP_HOST",
                    "required when GUANAI_MAIL_TRANSPORT=smtp",
                )
            })?;
            let security = match lookup("GUANAI_SMTP_SECURITY").as_deref().map(str::trim) {
                None | Some("starttls") => SmtpSecurity::StartTls,
                Some("tls") => SmtpSecurity::Tls,
                Some("none") => SmtpSecurity::None,
                Some(other) => {
                    return Err(invalid(
                        "GUANAI_SMTP_SECURITY",
                        format!("`{other}` is not starttls, tls or none"),
                    ));
                }
            };
            let default_port = match security {
                SmtpSecurity::StartTls => 587,
                SmtpSecurity::Tls => 465,
                SmtpSecurity::None => 25,
            };
            let port = ranged(lookup, "GUANAI_SMTP_PORT", default_port, 1..=65535)?;
            let credentials = match (lookup("GUANAI_SMTP_USER"), lookup("GUANAI_SMTP_PASSWORD")) {
                (Some(user), Some(password)) => Some((user, password)),
                (None, None) => None,
                _ => {
                    return Err(invalid(
                        "GUANAI_SMTP_USER",
                        "set GUANAI_SMTP_USER and GUANAI_SMTP_PASSWORD together",
                    ));
                }
            };
            MailTransport::Smtp {
                host,
                port: u16::try_from(port).unwrap_or(25),
                security,
                credentials,
            }
        }
        Some(other) => {
            return Err(invalid(
                "GUANAI_MAIL_TRANSPORT",
                format!("`{other}` is not file, smtp or log"),
            ));
        }
    };
    Ok(MailSettings {
        transport,
        from,
        poll_seconds: u64::try_from(poll).unwrap_or(5),
    })
}

/// Where `serve` keeps a generated JWT secret for an SQLite database.
pub fn secret_file_for(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".jwt-secret");
    PathBuf::from(name)
}

/// The JWT secret to use: the configured one, or (SQLite only) one generated once and kept
/// in a 0600 file beside the database so that tokens survive a restart.
pub fn resolve_jwt_secret(settings: &Settings) -> anyhow::Result<String> {
    use anyhow::Context as _;
    if let Some(secret) = &settings.jwt_secret {
        return Ok(secret.clone());
    }
    let db_path = match &settings.database {
        DatabaseTarget::Postgres(_) => anyhow::bail!(
            "GUANAI_JWT_SECRET is not set: on PostgreSQL every instance must share one secret, \
             so set it (at least 32 random characters) in the environment"
        ),
        DatabaseTarget::Sqlite(path) => path,
    };
    let file = secret_file_for(db_path);
    if file.exists() {
        let secret = std::fs::read_to_string(&file)
            .with_context(|| format!("reading the JWT secret from {}", file.display()))?;
        let secret = secret.trim().to_owned();
        anyhow::ensure!(
            secret.len() >= 32,
            "{} holds a secret shorter than 32 characters; delete it to generate a new one",
            file.display()
        );
        return Ok(secret);
    }
    let secret = crate::auth::token::random_token();
    write_private_file(&file, &secret)
        .with_context(|| format!("writing the generated JWT secret to {}", file.display()))?;
    tracing::info!(file = %file.display(), "generated a JWT secret");
    Ok(secret)
}

/// Where `serve` keeps a generated data key for an SQLite database.
pub fn data_key_file_for(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".data-key");
    PathBuf::from(name)
}

/// The data keys to use: the configured key, or (SQLite only) one generated once and kept in
/// a 0600 file beside the database, as the JWT secret is. On PostgreSQL every instance must
/// hold the same key, so it is required.
pub fn resolve_data_keys(settings: &Settings) -> anyhow::Result<crate::crypto::DataKeys> {
    use crate::crypto::{DataKey, DataKeys};
    use anyhow::Context as _;
    let text = match (&settings.data_key, &settings.database) {
        (Some(key), _) => key.clone(),
        (None, DatabaseTarget::Postgres(_)) => anyhow::bail!(
            "GUANAI_DATA_KEY is not set: on PostgreSQL every instance must share the key that \
             seals personal fields, so set it (32 random bytes, e.g. `openssl rand -hex 32`) \
             in the environment, and keep a copy: what it sealed is lost with it"
        ),
        (None, DatabaseTarget::Sqlite(path)) => {
            let file = data_key_file_for(path);
            if file.exists() {
                std::fs::read_to_string(&file)
                    .with_context(|| format!("reading the data key from {}", file.display()))?
            } else {
                let key = DataKey::generate();
                write_private_file(&file, &key).with_context(|| {
                    format!("writing the generated data key to {}", file.display())
                })?;
                tracing::warn!(
                    file = %file.display(),
                    "generated a data key; back it up: what it seals is lost with it"
                );
                key
            }
        }
    };
    let key = DataKey::parse(&text).map_err(|e| anyhow::anyhow!("the data key: {e}"))?;
    Ok(DataKeys::new(key, Vec::new()))
}

fn write_private_file(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(content.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(move |key| {
            pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults_are_sqlite_shanghai_and_fifteen_minutes() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database, DatabaseTarget::Sqlite("guanai.db".into()));
        assert_eq!(s.timezone, chrono_tz::Asia::Shanghai);
        assert_eq!(s.access_token_minutes, 15);
        assert_eq!(s.bind, "127.0.0.1:8080");
    }

    #[test]
    fn database_url_picks_the_backend() {
        assert_eq!(
            DatabaseTarget::parse("postgres://u@h/db"),
            DatabaseTarget::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(
            DatabaseTarget::parse("sqlite:///tmp/x.db"),
            DatabaseTarget::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            DatabaseTarget::parse("data/g.db"),
            DatabaseTarget::Sqlite("data/g.db".into())
        );
    }

    #[test]
    fn the_pool_follows_the_backend_unless_set() {
        let sqlite = DatabaseTarget::parse("g.db");
        let pg = DatabaseTarget::parse("postgres://u@h/db");
        assert_eq!(sqlite.default_pool_size(2), 8);
        assert_eq!(sqlite.default_pool_size(32), 8);
        assert_eq!(pg.default_pool_size(1), 4);
        assert_eq!(pg.default_pool_size(2), 4);
        assert_eq!(pg.default_pool_size(16), 32);
        assert_eq!(pg.default_pool_size(4096), 256);
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        assert_eq!(
            settings(&[("DATABASE_URL", "postgres://u@h/db")])
                .unwrap()
                .db_pool_size,
            u32::try_from(pg.default_pool_size(cores)).unwrap()
        );
        assert_eq!(settings(&[]).unwrap().db_pool_size, 8);
        let set = [
            ("DATABASE_URL", "postgres://u@h/db"),
            ("GUANAI_DB_POOL_SIZE", "12"),
        ];
        assert_eq!(settings(&set).unwrap().db_pool_size, 12);
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert_eq!(
            settings(&[("GUANAI_ACCESS_TOKEN_MINUTES", "60")])
                .unwrap_err()
                .variable,
            "GUANAI_ACCESS_TOKEN_MINUTES"
        );
        assert_eq!(
            settings(&[("GUANAI_TIMEZONE", "Mars/Base")])
                .unwrap_err()
                .variable,
            "GUANAI_TIMEZONE"
        );
        assert_eq!(
            settings(&[("GUANAI_JWT_SECRET", "short")])
                .unwrap_err()
                .variable,
            "GUANAI_JWT_SECRET"
        );
        assert_eq!(
            settings(&[("GUANAI_TRUSTED_PROXIES", "10.0.0.1, nope")])
                .unwrap_err()
                .variable,
            "GUANAI_TRUSTED_PROXIES"
        );
    }

    #[test]
    fn mail_defaults_to_files_and_smtp_needs_a_host() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.mail.transport, MailTransport::File("mail".into()));
        assert_eq!(
            settings(&[("GUANAI_MAIL_TRANSPORT", "smtp")])
                .unwrap_err()
                .variable,
            "GUANAI_SMTP_HOST"
        );
        let smtp = settings(&[
            ("GUANAI_MAIL_TRANSPORT", "smtp"),
            ("GUANAI_SMTP_HOST", "mail.example.cn"),
            ("GUANAI_SMTP_SECURITY", "tls"),
        ])
        .unwrap();
        assert_eq!(
            smtp.mail.transport,
            MailTransport::Smtp {
                host: "mail.example.cn".into(),
                port: 465,
                security: SmtpSecurity::Tls,
                credentials: None
            }
        );
        assert_eq!(
            settings(&[("GUANAI_MAIL_FROM", "not an address")])
                .unwrap_err()
                .variable,
            "GUANAI_MAIL_FROM"
        );
        assert_eq!(
            settings(&[("GUANAI_MAIL_TRANSPORT", "pigeon")])
                .unwrap_err()
                .variable,
            "GUANAI_MAIL_TRANSPORT"
        );
    }

    #[test]
    fn postgres_without_a_secret_is_a_start_up_error() {
        let s = settings(&[("DATABASE_URL", "postgres://postgres@127.0.0.1/x")]).unwrap();
        let err = resolve_jwt_secret(&s).unwrap_err().to_string();
        assert!(err.contains("GUANAI_JWT_SECRET"), "{err}");
    }

    #[test]
    fn sqlite_secret_is_generated_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("g.db");
        let s = settings(&[("DATABASE_URL", db.to_str().unwrap())]).unwrap();
        let first = resolve_jwt_secret(&s).unwrap();
        let second = resolve_jwt_secret(&s).unwrap();
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(secret_file_for(&db))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
    #[test]
    fn sqlite_data_key_is_generated_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("g.db");
        let s = settings(&[("DATABASE_URL", db.to_str().unwrap())]).unwrap();
        let first = resolve_data_keys(&s).unwrap();
        let second = resolve_data_keys(&s).unwrap();
        assert_eq!(first.current_id(), second.current_id());
        let sealed = first.seal("row", "field", "小明");
        assert_eq!(second.open("row", "field", &sealed).unwrap(), "小明");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(data_key_file_for(&db))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn the_data_key_is_required_on_postgres_and_checked_when_given() {
        let pg = settings(&[("DATABASE_URL", "postgres://u@h/db")]).unwrap();
        let err = resolve_data_keys(&pg).unwrap_err().to_string();
        assert!(err.contains("GUANAI_DATA_KEY"), "{err}");
        let key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let given = settings(&[
            ("DATABASE_URL", "postgres://u@h/db"),
            ("GUANAI_DATA_KEY", key),
        ])
        .unwrap();
        assert_eq!(
            resolve_data_keys(&given).unwrap().current_id(),
            crate::crypto::DataKey::parse(key).unwrap().id()
        );
        assert!(settings(&[("GUANAI_DATA_KEY", "not-a-key")]).is_err());
    }
}
