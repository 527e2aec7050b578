//! Password hashing (argon2id) and the password policy.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::FieldError;

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 256;

/// argon2id, m = 19 MiB, t = 2, p = 1 (the OWASP minimum).
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// How many argon2 computations run at once: half the cores, at least one. Each takes
/// 19 MiB and a core for tens of milliseconds, so a burst of logins waits its turn here
/// instead of taking the server's memory (256 logins, four at a time, once peaked at 120 MB)
/// and every core from the requests around it.
struct Turns {
    free: parking_lot::Mutex<usize>,
    freed: parking_lot::Condvar,
}

static TURNS: LazyLock<Turns> = LazyLock::new(|| Turns {
    free: parking_lot::Mutex::new(
        std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
    ),
    freed: parking_lot::Condvar::new(),
});

/// A turn of [`TURNS`], given back when dropped (also on a panic).
struct Turn;

impl Turn {
    fn wait() -> Turn {
        let mut free = TURNS.free.lock();
        while *free == 0 {
            TURNS.freed.wait(&mut free);
        }
        *free -= 1;
        Turn
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        *TURNS.free.lock() += 1;
        TURNS.freed.notify_one();
    }
}

pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let _turn = Turn::wait();
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// A hash of a password nobody knows, verified against when the user is unknown or has
/// no password, so that every failed login takes about as long.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password(&crate::auth::token::random_token()).unwrap_or_default());

/// Checks `password` against `stored`; with no stored hash, burns the same time and fails.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    // The dummy hash is made (with a turn of its own) before this takes one.
    let (hash, real) = match stored {
        Some(h) => (h, true),
        None => (DUMMY_HASH.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let _turn = Turn::wait();
    let ok = hasher()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && real
}

/// The password policy: 10 to 256 characters, not the login name.
pub fn check_policy(field: &str, password: &str, login: &str) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(FieldError::new(
            field,
            "too_short",
            format!("a password needs at least {MIN_LENGTH} characters"),
        ));
    }
    if length > MAX_LENGTH {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("a password has at most {MAX_LENGTH} characters"),
        ));
    }
    if password.trim().to_lowercase() == login.trim().to_lowercase() {
        return Err(FieldError::new(
            field,
            "same_as_login",
            "the password must not be the login name",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_use_argon2id() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong horse battery", Some(&hash)));
        assert!(!verify_password("correct horse battery", None));
    }

    #[test]
    fn policy_rejects_short_long_and_login() {
        assert_eq!(
            check_policy("p", "short", "x").unwrap_err().code,
            "too_short"
        );
        assert_eq!(
            check_policy("p", &"x".repeat(300), "y").unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            check_policy("p", "wang.laoshi", "Wang.Laoshi")
                .unwrap_err()
                .code,
            "same_as_login"
        );
        // Ten Chinese characters are ten characters, not thirty bytes.
        assert!(check_policy("p", "关爱专家团关爱专家团", "x").is_ok());
        assert!(check_policy("p", "关爱专家团", "x").is_err());
    }
}
