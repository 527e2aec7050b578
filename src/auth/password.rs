//! Password hashing (argon2id) and the password policy.

use crate::i18n::Msg;
use std::sync::LazyLock;

use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::error::FieldError;

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 256;

/// argon2id, m = 7 MiB, t = 5, p = 1: of the configurations OWASP's password storage cheat
/// sheet gives as equally strong (19 MiB and 2 passes, 12 and 3, 9 and 4, 7 and 5), the one
/// that holds the least memory, for a service meant to run in 64 MB. A hash made with other
/// settings (this service's before: 19 MiB, 2 passes) verifies with its own.
fn params() -> Params {
    Params::new(7 * 1024, 5, 1, None).unwrap_or_default()
}

/// The working memory of argon2 computations: at most half the cores' worth of 7 MiB
/// blocks, each made once and lent out for one computation at a time. A computation takes a
/// core for about ten milliseconds, so a burst of logins waits its turn here instead of taking
/// every core from the requests around it; and since the memory is lent, not allocated each
/// time, a burst cannot hold more of it than this either (allocated per computation, freed
/// blocks stayed with the allocator's threads: 256 logins, four at a time, peaked at 66 MB
/// with one computation at a time, at 120 MB with four).
struct Memory {
    lent: parking_lot::Mutex<Pool>,
    returned: parking_lot::Condvar,
}

struct Pool {
    idle: Vec<Vec<Block>>,
    /// How many more may be made.
    unmade: usize,
}

impl Memory {
    fn new(limit: usize) -> Memory {
        Memory {
            lent: parking_lot::Mutex::new(Pool {
                idle: Vec::new(),
                unmade: limit,
            }),
            returned: parking_lot::Condvar::new(),
        }
    }

    /// Blocks for one computation of `block_count`, once some are free.
    fn lend(&self, block_count: usize) -> Lent<'_> {
        let mut pool = self.lent.lock();
        loop {
            if let Some(blocks) = pool.idle.pop() {
                return Lent {
                    memory: self,
                    blocks,
                };
            }
            if pool.unmade > 0 {
                pool.unmade -= 1;
                drop(pool);
                return Lent {
                    memory: self,
                    blocks: vec![Block::default(); block_count],
                };
            }
            self.returned.wait(&mut pool);
        }
    }
}

static MEMORY: LazyLock<Memory> = LazyLock::new(|| {
    Memory::new(std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)))
});

/// Blocks of a [`Memory`] for one computation, given back when dropped (also on a panic).
struct Lent<'a> {
    memory: &'a Memory,
    blocks: Vec<Block>,
}

impl Lent<'_> {
    /// argon2 of `password` with `salt` into `out`. Settings other than this service's own
    /// (a hash made elsewhere) get memory of their own.
    fn hash_into(
        &mut self,
        argon2: &Argon2<'_>,
        password: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> argon2::Result<()> {
        if argon2.params().block_count() == self.blocks.len() {
            argon2.hash_password_into_with_memory(password, salt, out, &mut self.blocks)
        } else {
            argon2.hash_password_into(password, salt, out)
        }
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        let blocks = std::mem::take(&mut self.blocks);
        self.memory.lent.lock().idle.push(blocks);
        self.memory.returned.notify_one();
    }
}

pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
    let hash = compute(
        &argon2,
        password,
        salt.as_salt(),
        Params::DEFAULT_OUTPUT_LEN,
    )?;
    Ok(PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon2.params())?,
        salt: Some(salt.as_salt()),
        hash: Some(hash),
    }
    .to_string())
}

/// `len` bytes of argon2 of `password` with `salt` under `argon2`'s settings, computed on
/// memory lent from [`MEMORY`].
fn compute(
    argon2: &Argon2<'_>,
    password: &str,
    salt: Salt<'_>,
    len: usize,
) -> argon2::password_hash::Result<Output> {
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let mut memory = MEMORY.lend(params().block_count());
    Output::init_with(len, |out| {
        Ok(memory.hash_into(argon2, password.as_bytes(), salt_bytes, out)?)
    })
}

/// A hash of a password nobody knows, verified against when the user is unknown or has
/// no password, so that every failed login takes about as long.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password(&crate::auth::token::random_token()).unwrap_or_default());

/// Checks `password` against `stored`; with no stored hash, burns the same time and fails.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    // The dummy hash is made (borrowing memory itself) before this borrows any: with one
    // block in the pool, the other order would wait for itself.
    let (hash, real) = match stored {
        Some(h) => (h, true),
        None => (DUMMY_HASH.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let ok = matches(password, &parsed).unwrap_or(false);
    ok && real
}

/// Whether `password` hashes to `hash` (with its algorithm, version, settings and salt); the
/// outputs are compared in constant time.
fn matches(password: &str, hash: &PasswordHash<'_>) -> argon2::password_hash::Result<bool> {
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return Ok(false);
    };
    let algorithm = Algorithm::try_from(hash.algorithm)?;
    let version = hash.version.map(Version::try_from).transpose()?;
    let settings = Params::try_from(hash)?;
    let argon2 = Argon2::new(algorithm, version.unwrap_or_default(), settings);
    Ok(compute(&argon2, password, salt, expected.len())? == expected)
}

/// The password policy: 10 to 256 characters, not the login name.
pub fn check_policy(field: &str, password: &str, login: &str) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(FieldError::new(
            field,
            "too_short",
            Msg::new("field-too_short-password")
                .arg("field", field)
                .arg("min", MIN_LENGTH),
        ));
    }
    if length > MAX_LENGTH {
        return Err(FieldError::new(
            field,
            "too_long",
            Msg::new("field-too_long-password")
                .arg("field", field)
                .arg("max", MAX_LENGTH),
        ));
    }
    if password.trim().to_lowercase() == login.trim().to_lowercase() {
        return Err(FieldError::new(
            field,
            "same_as_login",
            Msg::new("field-same_as_login-password_must_not_login").arg("field", field),
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
        assert!(hash.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{hash}");
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong horse battery", Some(&hash)));
        assert!(!verify_password("correct horse battery", None));
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_itself_verify_whatever_their_settings() {
        use argon2::password_hash::PasswordHasher as _;
        // This service's settings, its settings before, and others.
        for params in [
            params(),
            Params::new(19 * 1024, 2, 1, None).unwrap(),
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        ] {
            let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
            let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
            let hash = argon2
                .hash_password(b"correct horse battery", &salt)
                .unwrap()
                .to_string();
            assert!(verify_password("correct horse battery", Some(&hash)));
            assert!(!verify_password("wrong horse battery", Some(&hash)));
        }
        assert!(!verify_password("x", Some("not a hash")));
    }

    #[test]
    fn computations_beyond_the_limit_wait_for_memory_given_back_and_reuse_it() {
        let memory = Memory::new(1);
        let first = memory.lend(8);
        let address = first.blocks.as_ptr() as usize;
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            s.spawn(|| {
                let second = memory.lend(8);
                sender.send(second.blocks.as_ptr() as usize).unwrap();
            });
            let waited = receiver.recv_timeout(std::time::Duration::from_millis(200));
            assert!(
                waited.is_err(),
                "the second waits while the first holds the memory"
            );
            drop(first);
            let second = receiver.recv().unwrap();
            assert_eq!(second, address, "the same blocks, not new ones");
        });
        let pool = memory.lent.lock();
        assert_eq!((pool.idle.len(), pool.unmade), (1, 0));
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
