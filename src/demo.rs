//! Demo data for trying the API at once (`guanai seed-demo`, `guanai serve --demo`).
//! Demo accounts share one published password and need no password change: never use
//! them on a real deployment.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde_json::json;

use crate::audit::AuditContext;
use crate::db::DbConnection;
use crate::domain::role::Role;
use crate::models::user::{NewUser, User};

/// The password of every demo account. Public: it is printed and documented.
pub const DEMO_PASSWORD: &str = "guanai-demo-2026";

/// (login, display name, role, email)
pub const DEMO_ACCOUNTS: [(&str, &str, Role, &str); 6] = [
    (
        "admin",
        "关工委办公室（演示）",
        Role::Admin,
        "office@demo.guanai.invalid",
    ),
    (
        "expert.wang",
        "王秀兰（演示专家）",
        Role::Expert,
        "wang@demo.guanai.invalid",
    ),
    (
        "expert.li",
        "李建国（演示专家）",
        Role::Expert,
        "li@demo.guanai.invalid",
    ),
    (
        "expert.zhao",
        "赵德明（演示专家）",
        Role::Expert,
        "zhao@demo.guanai.invalid",
    ),
    (
        "school.shiyan",
        "实验小学（演示学校）",
        Role::School,
        "shiyan@demo.guanai.invalid",
    ),
    (
        "school.yizhong",
        "第一中学（演示学校）",
        Role::School,
        "yizhong@demo.guanai.invalid",
    ),
];

#[derive(Debug, PartialEq, Eq)]
pub enum SeedOutcome {
    Seeded {
        accounts: usize,
    },
    /// The database already holds users; nothing was touched.
    SkippedNotEmpty,
}

/// Seeds the demo accounts into an empty database; leaves a database with users alone.
/// `password_hash` is the argon2 hash of [`DEMO_PASSWORD`], made by the caller.
pub fn seed(
    conn: &mut DbConnection,
    password_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<SeedOutcome> {
    crate::db::transaction(conn, |conn| {
        if User::count(conn)? > 0 {
            return Ok(SeedOutcome::SkippedNotEmpty);
        }
        let audit = AuditContext::system(now);
        for (login, name, role, email) in DEMO_ACCOUNTS {
            let new = NewUser {
                email: Some(email.to_owned()),
                password_hash: Some(password_hash.to_owned()),
                must_change_password: false,
                ..NewUser::new(login, name, role, now)
            };
            let id = new.id.clone();
            User::insert(conn, &new)?;
            audit.record(
                conn,
                "user.created",
                "user",
                Some(&id),
                json!({ "login": login, "role": role, "demo": true }),
            )?;
        }
        Ok(SeedOutcome::Seeded {
            accounts: DEMO_ACCOUNTS.len(),
        })
    })
}
