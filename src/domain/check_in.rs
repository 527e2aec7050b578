//! 签到码: the six digits a lecture's school shows and its expert types in, derived from the
//! lecture's own key and the 5-minute time step (RFC 6238 TOTP with HMAC-SHA256), so every
//! instance of the service agrees on the code without storing any. The previous step's code
//! stays good for [`GRACE_SECONDS`] into the next step (a code read at 14:04:50 still works
//! at 14:05:30). No I/O.

use chrono::{DateTime, Duration, NaiveDateTime};
use hmac::{Hmac, Mac as _};
use sha2::Sha256;

/// The time step: a new code every five minutes.
pub const STEP_SECONDS: i64 = 300;
/// How long into a step the previous step's code is still taken.
pub const GRACE_SECONDS: i64 = 120;
/// The school reads the code from this long before the start until the end.
pub const OPENS_MINUTES_BEFORE: i64 = 30;

/// The step `at` (UTC) falls in.
pub fn step_of(at: NaiveDateTime) -> i64 {
    at.and_utc().timestamp().div_euclid(STEP_SECONDS)
}

/// When the step ends (UTC): the code shown now is replaced then.
pub fn step_end(step: i64) -> NaiveDateTime {
    DateTime::from_timestamp((step + 1) * STEP_SECONDS, 0)
        .map(|t| t.naive_utc())
        .unwrap_or_default()
}

/// The code of `step` under `key` (RFC 4226 dynamic truncation to six digits).
pub fn code_at(key: &[u8], step: i64) -> String {
    // HMAC takes a key of any length: the error case does not arise.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", binary % 1_000_000)
}

/// The code to show at `now`, and until when.
pub fn current(key: &[u8], now: NaiveDateTime) -> (String, NaiveDateTime) {
    let step = step_of(now);
    (code_at(key, step), step_end(step))
}

/// Whether `code` is good at `now`: this step's, or the previous step's within the grace.
pub fn accepts(key: &[u8], code: &str, now: NaiveDateTime) -> bool {
    let step = step_of(now);
    if code == code_at(key, step) {
        return true;
    }
    let into_step = now - step_end(step - 1);
    into_step < Duration::seconds(GRACE_SECONDS) && code == code_at(key, step - 1)
}

/// A new lecture key: 20 random bytes, hex.
pub fn new_key() -> String {
    use rand::Rng as _;
    let bytes: [u8; 20] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stored key as bytes (hex); an unreadable one gives no bytes, whose codes nobody holds.
pub fn key_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    /// RFC 6238 appendix B, HMAC-SHA256 with its 32-byte key, at step 30 s: the last six of
    /// its eight digits.
    #[test]
    fn codes_are_rfc_6238_totp() {
        let key = b"12345678901234567890123456789012";
        assert_eq!(code_at(key, 59 / 30), "119246");
        assert_eq!(code_at(key, 1_111_111_109 / 30), "084774");
        assert_eq!(code_at(key, 1_234_567_890 / 30), "819424");
    }

    #[test]
    fn the_previous_code_is_good_two_minutes_into_the_next_step() {
        let key = key_bytes(&new_key());
        assert_eq!(key.len(), 20);
        let (code, until) = current(&key, at("2026-03-04 06:04:50"));
        assert_eq!(until, at("2026-03-04 06:05:00"));
        assert!(accepts(&key, &code, at("2026-03-04 06:04:59")));
        assert!(accepts(&key, &code, at("2026-03-04 06:06:59")));
        assert!(!accepts(&key, &code, at("2026-03-04 06:07:00")));
        let (next, _) = current(&key, at("2026-03-04 06:07:00"));
        assert_ne!(next, code);
        assert!(accepts(&key, &next, at("2026-03-04 06:09:59")));
        assert!(
            !accepts(&key, &next, at("2026-03-04 06:04:59")),
            "not before its step"
        );
        assert!(!accepts(&key, "", at("2026-03-04 06:05:00")));
    }
}
