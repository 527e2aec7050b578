//! When to try a failed mail again: exponential backoff with jitter.

use chrono::Duration;

/// After this many failed attempts a message is `dead` and waits for an admin.
pub const MAX_ATTEMPTS: i32 = 10;

/// The wait after the `attempts`-th failure: 1 minute doubling per attempt, at most 1 hour,
/// spread by ±10 % (`jitter` in 0..1) so that a fleet of failures does not retry in step.
/// `None` when the message should be given up.
pub fn retry_delay(attempts: i32, jitter: f64) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 6)).unwrap_or(0);
    let base_secs = (60_i64 << exponent).min(3600);
    let factor = 0.9 + 0.2 * jitter.clamp(0.0, 1.0);
    // Whole seconds are plenty; the cast cannot overflow for at most 3960 s.
    let secs = (base_secs as f64 * factor).round() as i64;
    Some(Duration::seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_a_minute_to_an_hour_then_gives_up() {
        let mid = |n| retry_delay(n, 0.5).unwrap().num_seconds();
        assert_eq!(mid(1), 60);
        assert_eq!(mid(2), 120);
        assert_eq!(mid(3), 240);
        assert_eq!(mid(6), 1920);
        assert_eq!(mid(7), 3600);
        assert_eq!(mid(9), 3600);
        assert_eq!(retry_delay(10, 0.5), None);
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        assert_eq!(retry_delay(1, 0.0).unwrap().num_seconds(), 54);
        assert_eq!(retry_delay(1, 1.0).unwrap().num_seconds(), 66);
    }
}
