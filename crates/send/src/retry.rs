//! When to retry and how long to wait: 429 and 5xx answers, timeouts and
//! connection failures are retried with exponential backoff and jitter, or
//! after the server's `Retry-After`, up to a bounded number of attempts.
//! Every other answer (2xx, and 4xx other than 429) is final.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The retry settings of a run.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// The first backoff delay; each retry doubles it.
    pub base_delay: Duration,
    /// No computed backoff is longer than this.
    pub max_delay: Duration,
    /// A `Retry-After` longer than this ends the retries instead.
    pub max_retry_after: Duration,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(32),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

/// Whether an HTTP status may succeed when tried again.
pub fn retryable_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

impl Policy {
    /// The delay before attempt `failed + 1`, after `failed` failed attempts:
    /// base × 2^(failed−1), capped, then scaled by a random factor in
    /// [0.5, 1] ("equal jitter") so that parallel clients spread out.
    pub fn backoff(&self, failed: u32) -> Duration {
        let exp = failed.saturating_sub(1).min(20);
        let full = self.base_delay.saturating_mul(1u32 << exp).min(self.max_delay);
        full.mul_f64(0.5 + 0.5 * random_unit())
    }
}

/// A uniformly distributed number in [0, 1) from the OS generator (through
/// uuid's v4, which uses getrandom; no extra crate).
fn random_unit() -> f64 {
    let bits = uuid::Uuid::new_v4().as_u128() as u64 >> 11;
    bits as f64 / (1u64 << 53) as f64
}

/// A `Retry-After` header that was present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// Wait this long (a number too large for a `u64` is [`Duration::MAX`]:
    /// longer than any wait, not absent).
    Wait(Duration),
    /// Neither delay-seconds nor an HTTP-date.
    Unreadable,
}

/// Reads a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110
/// §10.2.3, in any of the three date forms of §5.6.7). A date in the past
/// means "now".
pub fn parse_retry_after(value: &str, now: SystemTime) -> RetryAfter {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // All digits: a number of seconds, however large.
        return RetryAfter::Wait(value.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let (Some(at), Ok(now)) = (parse_http_date(value), now.duration_since(UNIX_EPOCH)) else {
        return RetryAfter::Unreadable;
    };
    RetryAfter::Wait(Duration::from_secs(at.saturating_sub(now.as_secs())))
}

/// Says how long a wait is, for a message: `42 s`, `3 h`, `more than a day`.
pub fn say_wait(d: Duration) -> String {
    match d.as_secs() {
        s if s >= 86_400 => "more than a day".into(),
        s if s >= 3600 => format!("{} h", s / 3600),
        s => format!("{s} s"),
    }
}

/// Parses an HTTP-date to Unix seconds: the IMF-fixdate
/// `Sun, 06 Nov 1994 08:49:37 GMT`, or one of the obsolete forms a
/// recipient must also read, `Sunday, 06-Nov-94 08:49:37 GMT` (RFC 850) and
/// `Sun Nov  6 08:49:37 1994` (asctime).
fn parse_http_date(s: &str) -> Option<u64> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let (day, month, year, time) = match words.as_slice() {
        [_, day, month, year, time, "GMT"] => (*day, *month, year.parse::<i64>().ok()?, *time),
        [_, dmy, time, "GMT"] => {
            let mut parts = dmy.split('-');
            let (day, month, yy) = (parts.next()?, parts.next()?, parts.next()?);
            // A two-digit year is read as 1970–2069.
            let yy: i64 = yy.parse().ok()?;
            (day, month, if yy < 70 { 2000 + yy } else { 1900 + yy }, *time)
        }
        [_, month, day, time, year] => (*day, *month, year.parse::<i64>().ok()?, *time),
        _ => return None,
    };
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let day: u32 = day.parse().ok()?;
    let hms: Vec<u64> = time.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let [h, m, sec] = hms.as_slice() else { return None };
    if !(1..=31).contains(&day) || *h > 23 || *m > 59 || *sec > 60 || !(1..=999_999).contains(&year) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    u64::try_from(days * 86_400 + (*h * 3600 + *m * 60 + *sec) as i64).ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (the inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `2026-11-24T10:00:00Z` for a point in time (for the results file).
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_statuses_are_retried() {
        for s in [429, 500, 502, 503, 504] {
            assert!(retryable_status(s), "{s}");
        }
        for s in [200, 400, 401, 403, 404, 408, 409] {
            assert!(!retryable_status(s), "{s}");
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let p = Policy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            ..Policy::default()
        };
        for _ in 0..50 {
            let d1 = p.backoff(1);
            assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100), "{d1:?}");
            let d3 = p.backoff(3);
            assert!(d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400), "{d3:?}");
            let d9 = p.backoff(9);
            assert!(d9 >= Duration::from_millis(500) && d9 <= Duration::from_millis(1000), "{d9:?}");
        }
        assert!(p.backoff(500) <= Duration::from_millis(1000));
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        use RetryAfter::{Unreadable, Wait};
        let now = UNIX_EPOCH + Duration::from_secs(784_111_770); // Sun, 06 Nov 1994 08:49:30 GMT
        assert_eq!(parse_retry_after("7", now), Wait(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Wait(Duration::ZERO));
        for date in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            assert_eq!(parse_retry_after(date, now), Wait(Duration::from_secs(7)), "{date}");
        }
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), Wait(Duration::ZERO));
        // Beyond u64 is the longest wait, not no wait.
        assert_eq!(parse_retry_after("99999999999999999999999", now), Wait(Duration::MAX));
        let far = parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now);
        assert!(matches!(far, Wait(d) if d > Duration::from_secs(250_000_000_000)), "{far:?}");
        for bad in ["soon", "-3", "1.5", "", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:00:00 GMT"] {
            assert_eq!(parse_retry_after(bad, now), Unreadable, "{bad}");
        }
        assert_eq!(say_wait(Duration::from_secs(301)), "301 s");
        assert_eq!(say_wait(Duration::MAX), "more than a day");
    }

    #[test]
    fn dates_round_trip() {
        for days in [-1000, 0, 1, 10_957, 20_000, 60_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(784_111_777)), "1994-11-06T08:49:37Z");
    }
}
